"""The folds of repeated stratified cross-validation, shared by every network, normalisation and baseline.

Every model sees the same folds, so per-fold accuracies pair up and differences between models can
be tested fold by fold. Each fold's normalisation is fitted on its training rows alone.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
import pandas as pd

from winenet.data import apply_normalisation, fit_normalisation, model_arrays

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

    The folds of scikit-learn's ``RepeatedStratifiedKFold(n_splits, n_repeats, random_state)``,
    computed as it computes them (one ``RandomState`` shuffling each class's fold numbers, repeat
    after repeat), without importing scikit-learn, which costs each job over a second;
    ``tests/test_crossval.py`` holds the two equal.
    """
    # Computed once per job from the same settings, so fold i is the same split for every model,
    # normalisation and baseline, and their per-fold accuracies pair up.
    labels = np.asarray(labels)
    _, first, inverse = np.unique(labels, return_index=True, return_inverse=True)
    # Classes numbered in order of first appearance, as scikit-learn numbers them.
    _, appearance = np.unique(first, return_inverse=True)
    encoded = appearance[inverse.ravel()]
    counts = np.bincount(encoded)
    if np.all(n_splits > counts):
        raise ValueError(f"n_splits={n_splits} cannot be greater than the number of members in each class")
    ordered = np.sort(encoded)
    allocation = np.asarray(
        [np.bincount(ordered[i::n_splits], minlength=len(first)) for i in range(n_splits)]
    )
    rng = np.random.RandomState(random_state)
    positions = np.arange(len(labels))
    folds = []
    for repeat in range(n_repeats):
        test_fold = np.empty(len(labels), dtype=np.int64)
        for k in range(len(first)):
            assigned = np.arange(n_splits).repeat(allocation[:, k])
            rng.shuffle(assigned)
            test_fold[encoded == k] = assigned
        for fold in range(n_splits):
            test = test_fold == fold
            folds.append(Fold(repeat, fold, positions[~test], positions[test]))
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
