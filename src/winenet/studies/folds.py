"""The folds of repeated stratified cross-validation, shared by every network, normalisation and baseline.

Every model sees the same folds, so per-fold accuracies pair up and differences between models can
be tested fold by fold. Each fold's normalisation is fitted on its training rows alone.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
import pandas as pd

from winenet.data.arrays import model_arrays
from winenet.data.preprocessing import apply_normalisation, fit_normalisation

FOLD_COLUMNS = ["model", "normalisation", "repeat", "fold", "accuracy", "n_train", "n_test", "status"]


@dataclass(frozen=True)
class Fold:
    """One split of repeated k-fold: its repeat and fold number (from 0) and its row positions."""

    repeat: int
    fold: int
    train: np.ndarray
    test: np.ndarray


def cv_folds(labels, n_splits: int, n_repeats: int, random_state: int) -> list[Fold]:
    """``n_splits * n_repeats`` stratified folds of labels ``(rows,)``, repeat by repeat.

    scikit-learn's ``RepeatedStratifiedKFold(n_splits, n_repeats, random_state)``, computed once per
    job from the same settings, so fold i is the same split for every model, normalisation and
    baseline, and their per-fold accuracies pair up.
    """
    # Imported here: only the job that makes the folds splits; the jobs that train on them read them.
    from sklearn.model_selection import RepeatedStratifiedKFold

    labels = np.asarray(labels)
    splitter = RepeatedStratifiedKFold(n_splits=n_splits, n_repeats=n_repeats, random_state=random_state)
    return [
        Fold(index // n_splits, index % n_splits, train, test)
        for index, (train, test) in enumerate(splitter.split(np.zeros((len(labels), 1)), labels))
    ]


def folds_table(folds: Sequence[Fold]) -> pd.DataFrame:
    """The folds as a table of their test rows: columns repeat, fold, row (a position in the table)."""
    return pd.DataFrame(
        {
            "repeat": np.concatenate([np.full(len(f.test), f.repeat) for f in folds]).astype(np.int64),
            "fold": np.concatenate([np.full(len(f.test), f.fold) for f in folds]).astype(np.int64),
            "row": np.concatenate([f.test for f in folds]).astype(np.int64),
        }
    )


def folds_from_table(table: pd.DataFrame, n_rows: int) -> list[Fold]:
    """The folds ``folds_table`` wrote, for a table of ``n_rows`` rows: each fold trains on the rest."""
    positions = np.arange(n_rows)
    folds = []
    for (repeat, fold), rows in table.groupby(["repeat", "fold"], sort=True):
        test = np.sort(rows["row"].to_numpy())
        folds.append(Fold(int(repeat), int(fold), np.setdiff1d(positions, test), test))
    return folds


def table_classes(table: pd.DataFrame, label: str) -> list:
    # From the whole table, not the fold, so that class k is the same output unit in every fold.
    return sorted(table[label].unique().tolist())


def fold_arrays(table, label, features, classes, fold: Fold, method: str):
    """One fold's x_train ``(n_train, in)``, y_train ``(n_train,)``, x_test ``(n_test, in)``, y_test."""
    train = table.iloc[fold.train]
    test = table.iloc[fold.test]
    # Fitted on the training fold alone: statistics of the held-out rows would leak into the
    # model that is scored on them.
    normalisation = {"label": label, "classes": classes, **fit_normalisation(train, features, method)}
    x_train, y_train = model_arrays(apply_normalisation(train, normalisation), normalisation)
    x_test, y_test = model_arrays(apply_normalisation(test, normalisation), normalisation)
    return x_train, y_train, x_test, y_test


def fold_table(
    model: str, normalisation: str, folds: Sequence[Fold], accuracy: np.ndarray, status: np.ndarray
) -> pd.DataFrame:
    """One row per fold in ``FOLD_COLUMNS`` order: the per-fold values every summary is computed from."""
    return pd.DataFrame(
        {
            "model": model,
            "normalisation": normalisation,
            "repeat": [fold.repeat for fold in folds],
            "fold": [fold.fold for fold in folds],
            "accuracy": np.asarray(accuracy, dtype=np.float64),
            "n_train": [len(fold.train) for fold in folds],
            "n_test": [len(fold.test) for fold in folds],
            "status": np.asarray(status, dtype=str),
        },
        columns=FOLD_COLUMNS,
    )


def fold_differences(per_fold: pd.DataFrame, a: str, b: str, normalisation: str) -> pd.DataFrame:
    """Model a minus model b fold by fold under one normalisation: columns difference, n_train, n_test.

    Raises ``ValueError`` when the two were not scored on the same folds.
    """
    chosen = per_fold[per_fold["normalisation"] == normalisation]
    left, right = (
        chosen[chosen["model"] == model].set_index(["repeat", "fold"]).sort_index() for model in (a, b)
    )
    if left.empty or right.empty or not left.index.equals(right.index):
        raise ValueError(f"{a} and {b} were not scored on the same folds under {normalisation}")
    return pd.DataFrame(
        {
            "difference": left["accuracy"] - right["accuracy"],
            "n_train": (left["n_train"] + right["n_train"]) / 2,
            "n_test": (left["n_test"] + right["n_test"]) / 2,
        }
    )
