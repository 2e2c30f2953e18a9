"""The importance study over further splits: its verdicts rest on the data, not on one split's seeds.

The report's study trains its runs on the report's one split, so the spread of its rankings is
seed noise on that split. The split study trains ``runs`` more runs on each of ``count - 1``
further splits of the same table (the report's split settings with the random states after its
own), normalised by each split's own training rows, and ranks them the same way. Together with
the report's study (split 0) they give one mean ranking per split, and a ranking claim is then
tested over splits (``verdicts.study``).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence

import pandas as pd

from winenet.data.arrays import model_arrays
from winenet.data.preprocessing import split_normalise
from winenet.studies.importance import rank_features, run_settings, train_importance_runs


def further_splits(split: Mapping, count: int) -> list[int]:
    """The random states of the splits after the report's: the next ``count - 1`` after its own."""
    first = int(split["random_state"])
    return [first + offset for offset in range(1, count)]


def split_runs(first_run: int, runs_per_split: int, position: int) -> range:
    """The run numbers of the ``position``-th further split (from 1), after the report's study's runs.

    Every run has a number of its own across both studies, so that no two runs share a seed.
    """
    start = first_run + (position - 1) * runs_per_split
    return range(start, start + runs_per_split)


def train_split_study(
    table: pd.DataFrame,
    label: str,
    method: str,
    split: Mapping,
    study: Mapping,
    *,
    hidden: Sequence[int],
    learning_rate: float,
    batch_size: int,
) -> pd.DataFrame:
    """Scores of the split study: ``train_importance_runs``'s columns and ``split`` (its random state).

    ``study`` is the importance study's settings under ``method`` (``runs`` is the report's study's
    run count, ``splits`` the split study's ``count`` and ``runs`` per further split).
    """
    frames = []
    features = [column for column in table.columns if column != label]
    for position, state in enumerate(further_splits(split, study["splits"]["count"]), start=1):
        train, test, normalisation = split_normalise(
            table, label, features, split["test_size"], state, method, split["stratify"]
        )
        x_train, y_train = model_arrays(train, normalisation)
        x_test, y_test = model_arrays(test, normalisation)
        scores = train_importance_runs(
            x_train,
            y_train,
            x_test,
            y_test,
            split_runs(study["runs"], study["splits"]["runs"], position),
            normalisation["features"],
            hidden=hidden,
            n_classes=len(normalisation["classes"]),
            learning_rate=learning_rate,
            batch_size=batch_size,
            **run_settings(study),
        )
        scores.insert(0, "split", state)
        frames.append(scores)
    return pd.concat(frames, ignore_index=True)


def split_ranks(scores: pd.DataFrame) -> pd.DataFrame:
    """``rank_features`` of the split study's scores, with each run's ``split``."""
    splits = scores.drop_duplicates("run").set_index("run")["split"]
    ranks = rank_features(scores)
    ranks.insert(0, "split", ranks["run"].map(splits).astype("int64"))
    return ranks
