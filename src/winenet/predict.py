"""Applying trained models to new samples: a CSV of measurements in, a class and its probabilities out.

A model is a folder the pipeline wrote, ``results/models/{model}``: its weights (``weights.npz``)
and its description (``model.json``: the penalty, the layer sizes and the normalisation with the
training rows' statistics). New samples are checked as strictly as the training data (every problem
named by file, line, column and value), matched to the model's features by column name, whatever
their order, and normalised with the saved training statistics.
"""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path

import numpy as np
import pandas as pd

from winenet.data.preprocessing import ROW_COLUMN, apply_normalisation
from winenet.data.tables import csv_header, header_problems, record_values
from winenet.jobs.errors import DataValidationError, table_problem
from winenet.model.model_files import load_model, probability_column
from winenet.model.network import Network

MODEL_COLUMN = "model"
PREDICTED_COLUMN = "predicted"


def read_samples(path, features: Sequence[str], id_column: str | None = None) -> pd.DataFrame:
    """New samples from a CSV: columns ``row`` (0-based data row), the id column if named, the features.

    The CSV has a header line naming every feature (any order) and, if ``id_column`` is given, that
    column; any other column is refused rather than ignored. Raises ``DataValidationError`` naming
    every problem.
    """
    where = str(path)
    records, header_line, columns = csv_header(path)
    at_header = f"{where}, line {header_line}"
    wanted = list(features) + ([id_column] if id_column else [])
    positions, problems = header_problems(columns, at_header, wanted)
    problems += [f"{at_header}: feature column {f!r} not found" for f in features if f not in positions]
    if id_column and id_column not in positions:
        problems.append(f"{at_header}: id column {id_column!r} not found")
    unexpected = [(name, found[0]) for name, found in positions.items() if name and name not in wanted]
    problems += [
        f"{at_header}, column {position}: {name!r} is neither a feature of the model nor the id column "
        f"(features: {', '.join(features)}); remove it"
        for name, position in unexpected
    ]
    unique = {name: found[0] - 1 for name, found in positions.items() if len(found) == 1}
    feature_index = [(f, unique[f]) for f in features if f in unique]
    if not feature_index:
        # Nothing to read: the file is not one of this model's samples.
        problems.append(
            f"{at_header}: none of the model's features is a column of this file (its columns: "
            f"{', '.join(name for name in columns if name) or 'none'}); the model needs "
            f"{', '.join(features)}"
        )
        count = len(problems)
        raise DataValidationError(
            problems, table_problem("found", where=where, count=count, plural="s" * (count != 1))
        )
    id_index = (id_column, unique[id_column]) if id_column in unique else None
    # The id column is read like a label (any text, not empty), the features as finite numbers.
    ids, values, row_problems, count = record_values(records, len(columns), where, feature_index, id_index)
    problems += [p.replace(": label is empty", ": id is empty") for p in row_problems]
    if not count:
        problems.append(table_problem("no rows", where=where, line=header_line))
    if problems:
        count = len(problems)
        raise DataValidationError(
            problems, table_problem("found", where=where, count=count, plural="s" * (count != 1))
        )
    samples = pd.DataFrame(
        np.array(values, dtype=np.float64).reshape(len(values), len(features)), columns=features
    )
    if id_column:
        samples.insert(0, id_column, ids)
    samples.insert(0, ROW_COLUMN, np.arange(len(samples), dtype=np.int64))
    return samples


def predict_samples(samples: pd.DataFrame, network: Network, description: dict, model: str) -> pd.DataFrame:
    """One row per sample: its row (and id), the model, the predicted class, one probability per class."""
    normalisation = description["normalisation"]
    features, classes = normalisation["features"], normalisation["classes"]
    x = apply_normalisation(samples, normalisation)[features].to_numpy(dtype=np.float64)
    probabilities = network.predict_proba(x)
    keys = [column for column in samples.columns if column not in features]
    table = samples[keys].reset_index(drop=True)
    table[MODEL_COLUMN] = model
    table[PREDICTED_COLUMN] = pd.Series(np.asarray(classes, dtype=object)[probabilities.argmax(axis=-1)])
    for k, cls in enumerate(classes):
        table[probability_column(cls)] = probabilities[:, k]
    return table


def predict_file(path, model_directories: Sequence, id_column: str | None = None) -> pd.DataFrame:
    """Every model's predictions for the samples of one CSV, model after model."""
    loaded = [(Path(directory).name, *load_model(directory)) for directory in model_directories]
    if not loaded:
        raise ValueError("no model to predict with")
    features = loaded[0][2]["normalisation"]["features"]
    for name, _, description in loaded:
        if description["normalisation"]["features"] != features:
            raise DataValidationError([f"model {name!r} was trained on other features than {loaded[0][0]!r}"])
    samples = read_samples(path, features, id_column)
    frames = [predict_samples(samples, network, description, name) for name, network, description in loaded]
    return pd.concat(frames, ignore_index=True)
