"""A trained model's files: weights, description, reading them back, and applying the model to rows.

A model is a folder the pipeline wrote, ``results/models/{model}``: its weights (``weights.npz``,
no pickles, the same bytes every run) and its description (``model.json``: the penalty, the layer
sizes and the normalisation with the training rows' statistics). Training writes them, evaluation
and the new-sample predictions read them: this module is what they share, so a change to either
end reruns only what uses it.
"""

from __future__ import annotations

import io
import zipfile
from collections.abc import Sequence
from pathlib import Path

import numpy as np
import pandas as pd

from winenet.jobs.artifacts import read_arrays, read_json
from winenet.jobs.errors import WinenetError
from winenet.model.network import Network


def save_parameters(path, arrays: dict[str, np.ndarray]) -> None:
    """Write arrays to an ``.npz`` that loads with ``allow_pickle=False`` and is the same bytes every run."""
    # np.savez stamps each member with the current time; a fixed stamp keeps reruns byte-identical.
    with zipfile.ZipFile(path, "w", compression=zipfile.ZIP_STORED) as archive:
        for name, array in arrays.items():
            member = zipfile.ZipInfo(f"{name}.npy", date_time=(1980, 1, 1, 0, 0, 0))
            buffer = io.BytesIO()
            np.lib.format.write_array(buffer, np.asarray(array), allow_pickle=False)
            archive.writestr(member, buffer.getvalue())


def load_parameters(path) -> dict[str, np.ndarray]:
    """Arrays saved by ``save_parameters``, by name; ``BrokenIntermediate`` if the file is damaged."""
    return read_arrays(path)


def probability_column(cls) -> str:
    """Name of the predictions column that holds the probability of class ``cls``."""
    return f"p_{cls}"


def predict_table(
    network: Network, x: np.ndarray, rows: np.ndarray, labels: np.ndarray, classes: list
) -> pd.DataFrame:
    """One row per validation row: its input row, true label, predicted label, one probability per class."""
    probabilities = network.predict_proba(x)
    predicted = np.asarray(classes, dtype=object)[probabilities.argmax(axis=-1)]
    table = pd.DataFrame(
        {"row": rows, "true": labels, "predicted": pd.Series(predicted).astype(labels.dtype)}
    )
    for k, cls in enumerate(classes):
        table[probability_column(cls)] = probabilities[:, k]
    return table


def model_description(normalisation: dict, sizes: Sequence[int], penalty: str, coefficient: float) -> dict:
    """What ``model.json`` holds: enough, beside the weights, to apply the model to new samples."""
    return {
        "penalty": penalty,
        "coefficient": coefficient,
        "sizes": [int(size) for size in sizes],
        "normalisation": normalisation,
    }


class ModelNotFound(WinenetError):
    """A folder given as a model is not one a run of the pipeline wrote; str() says which are."""


def _models_beside(directory: Path) -> str:
    found = sorted(path.parent.name for path in directory.parent.glob("*/model.json"))
    if found:
        return f"the models in {directory.parent} are {', '.join(found)}"
    return "a model folder is results/models/<model> of a complete run, holding model.json and weights.npz"


def load_model(directory) -> tuple[Network, dict]:
    """The trained network of a model folder and its description (see ``model_description``)."""
    directory = Path(directory)
    if not directory.is_dir():
        raise ModelNotFound(f"{directory}: no such folder; {_models_beside(directory)}")
    if not (directory / "model.json").is_file():
        raise ModelNotFound(f"{directory}: not a model folder (no model.json); {_models_beside(directory)}")
    description = read_json(directory / "model.json")
    network = Network.from_parameters(load_parameters(directory / "weights.npz"))
    return network, description
