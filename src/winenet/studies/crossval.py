"""The networks on the folds of repeated cross-validation, and the tables that compare every model.

Folds share most of their training rows, so the tables built here use the corrected intervals and
tests of ``stats.py``, never the naive ones.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
import pandas as pd

from winenet.data.preprocessing import resolve_features
from winenet.model.training import batch_count, train_runs
from winenet.studies.folds import Fold, fold_arrays, fold_table, table_classes

__all__ = ["coefficient_grid", "cross_validate_network", "regularisation_path"]


def _padded_stack(arrays: Sequence[np.ndarray]) -> np.ndarray:
    """Stack arrays ``(rows_i, ...)`` into ``(n, max rows, ...)``, zero rows after each one's own."""
    stacked = np.zeros((len(arrays), max(len(a) for a in arrays), *arrays[0].shape[1:]), arrays[0].dtype)
    for target, array in zip(stacked, arrays, strict=True):
        target[: len(array)] = array
    return stacked


def _train_on_folds(
    table: pd.DataFrame,
    label: str,
    features: list[str],
    folds: Sequence[Fold],
    replicas: Sequence[tuple[int, float, str]],
    *,
    hidden: Sequence[int],
    penalty: str,
    learning_rate: float,
    batch_size: int,
    epochs: int,
    seed: int,
    dtype: str,
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Train one network per replica (fold index, coefficient, normalisation); accuracy, status, zero share.

    Replica (i, c, m) trains on fold i normalised by method m, from ``run_generators(seed, [i])``
    with penalty coefficient c, as it would alone: replicas of one fold share their start, so they
    differ only by c and by their inputs.
    """
    classes = table_classes(table, label)
    sizes = [len(features), *hidden, len(classes)]
    accuracy = np.empty(len(replicas))
    statuses = np.empty(len(replicas), dtype=object)
    zero_share = np.empty(len(replicas))
    arrays = {
        (i, method): fold_arrays(table, label, features, classes, folds[i], method)
        for i, method in dict.fromkeys((i, method) for i, _, method in replicas)
    }
    # Folds whose training sets make the same number of batches per epoch train as one stack
    # (stratified folds differ by a row at most), each replica on its own fold's rows and
    # normalisation, padded to the largest fold; replica r still trains as it would alone.
    groups: dict[int, list[int]] = {}
    for r, (i, _, _) in enumerate(replicas):
        groups.setdefault(batch_count(len(folds[i].train), batch_size), []).append(r)
    for members in groups.values():
        fold_of = [replicas[r][0] for r in members]
        coefficients = np.array([replicas[r][1] for r in members])
        # One shared coefficient takes the scalar penalty path: one number, not a column of them.
        shared = coefficients[0] if (coefficients == coefficients[0]).all() else coefficients
        data = [arrays[replicas[r][0], replicas[r][2]] for r in members]
        network, result = train_runs(
            fold_of,
            seed,
            sizes,
            [_padded_stack(part) for part in zip(*data, strict=True)],
            penalty=penalty,
            coefficient=shared,
            dtype=dtype,
            learning_rate=learning_rate,
            batch_size=batch_size,
            epochs=epochs,
            train_sizes=[len(folds[i].train) for i in fold_of],
            validation_sizes=[len(folds[i].test) for i in fold_of],
        )
        accuracy[members] = result.validation_accuracy
        statuses[members] = result.status
        zero_share[members] = (network.linears[0].W == 0).mean(axis=(-1, -2))
    return accuracy, statuses.astype(str), zero_share


def cross_validate_network(
    table: pd.DataFrame,
    label: str,
    features: list[str] | str,
    folds: Sequence[Fold],
    *,
    normalisation_methods: Sequence[str],
    hidden: Sequence[int],
    penalty: str,
    coefficient: float,
    learning_rate: float,
    batch_size: int,
    epochs: int,
    seed: int,
    dtype: str = "float64",
) -> dict[str, tuple[np.ndarray, np.ndarray]]:
    """Per normalisation method: accuracy ``(n_folds,)`` and status ``(n_folds,)``, a network per fold.

    Fold i trains from ``run_generators(seed, [i])``, whatever the normalisation, so two
    normalisations differ only in their inputs; every fold under every method trains in one stack
    (fewer, fuller stacks than one per method, and the same numbers). A diverged fold's accuracy is
    NaN.
    """
    features = resolve_features(list(table.columns), label, features)
    replicas = [(i, coefficient, method) for method in normalisation_methods for i in range(len(folds))]
    accuracy, status, _ = _train_on_folds(
        table,
        label,
        features,
        folds,
        replicas,
        hidden=hidden,
        penalty=penalty,
        learning_rate=learning_rate,
        batch_size=batch_size,
        epochs=epochs,
        seed=seed,
        dtype=dtype,
    )
    n = len(folds)
    return {
        method: (accuracy[k * n : (k + 1) * n], status[k * n : (k + 1) * n])
        for k, method in enumerate(normalisation_methods)
    }


def coefficient_grid(low: float, high: float, count: int) -> list[float]:
    """``count`` coefficients evenly spaced on a log scale from ``low`` to ``high``."""
    if not 0 < low < high or count < 2:
        raise ValueError(f"need 0 < low < high and count >= 2, got {low}, {high}, {count}")
    return [float(c) for c in np.geomspace(low, high, count)]


def regularisation_path(
    table: pd.DataFrame,
    label: str,
    features: list[str] | str,
    folds: Sequence[Fold],
    coefficients: Sequence[float],
    *,
    normalisation_method: str,
    penalty: str,
    hidden: Sequence[int],
    learning_rate: float,
    batch_size: int,
    epochs: int,
    seed: int,
    dtype: str = "float64",
) -> pd.DataFrame:
    """Every fold at every coefficient, trained as one stack: one row per (coefficient, fold).

    Columns normalisation, penalty, coefficient, repeat, fold, accuracy, n_train, n_test, status,
    zero_share (share of the first layer's weights that are exactly zero).
    """
    features = resolve_features(list(table.columns), label, features)
    replicas = [(i, float(c), normalisation_method) for c in coefficients for i in range(len(folds))]
    accuracy, status, zero_share = _train_on_folds(
        table,
        label,
        features,
        folds,
        replicas,
        hidden=hidden,
        penalty=penalty,
        learning_rate=learning_rate,
        batch_size=batch_size,
        epochs=epochs,
        seed=seed,
        dtype=dtype,
    )
    fold_of = [folds[i] for i, _, _ in replicas]
    frame = fold_table(penalty, normalisation_method, fold_of, accuracy, status).rename(
        columns={"model": "penalty"}
    )
    frame.insert(2, "coefficient", [c for _, c, _ in replicas])
    frame["zero_share"] = zero_share
    return frame[["normalisation", "penalty", *frame.columns.drop(["normalisation", "penalty"])]]
