"""How sure are the accuracies? Seed-to-seed spread, repeated cross-validation and baselines.

One 45-row validation split tells little: a single row is 2.2 percentage points. This module
measures the two sources of variation separately: the seed (initial weights and shuffles) on a
fixed split, and the split itself through repeated stratified k-fold cross-validation, where every
model, including scikit-learn baselines, sees the same folds so that per-fold differences pair up.

Every result is a pure function of its arguments and seeds: running it twice gives the same numbers.
"""

from __future__ import annotations

import itertools
from collections.abc import Sequence

import numpy as np
import pandas as pd

from winenet.data import apply_normalisation, fit_normalisation, resolve_features
from winenet.training import batch_count, model_arrays, train_runs

__all__ = [
    "BASELINES",
    "accuracy_interval",
    "cross_validate_baselines",
    "cross_validate_network",
    "cv_folds",
    "cv_table",
    "paired_differences",
    "seed_accuracies",
]

BASELINES = ("logistic_regression", "mlp", "random_forest")
CONFIDENCE = 0.95

# scipy.stats and each scikit-learn estimator take up to a second or more to import; the functions
# that use them import them, so a job that only trains seeds does not pay for the baselines.


def seed_accuracies(
    x_train: np.ndarray,
    y_train: np.ndarray,
    x_val: np.ndarray,
    y_val: np.ndarray,
    *,
    sizes: Sequence[int],
    penalty: str,
    coefficient: float,
    learning_rate: float,
    batch_size: int,
    epochs: int,
    seeds: int,
    seed: int,
    dtype: str = "float64",
) -> np.ndarray:
    """Final validation accuracy ``(seeds,)``; run r draws from ``run_generators(seed, [r])``."""
    # One stack on the replica axis: replica r computes what run r computes alone, at a fraction
    # of the Python overhead of ``seeds`` separate loops.
    _, result = train_runs(
        range(seeds),
        seed,
        sizes,
        (x_train, y_train, x_val, y_val),
        penalty=penalty,
        coefficient=coefficient,
        dtype=dtype,
        learning_rate=learning_rate,
        batch_size=batch_size,
        epochs=epochs,
    )
    return np.asarray(result.validation_accuracy, dtype=np.float64)


def accuracy_interval(values) -> dict:
    """Summary of accuracies ``(n,)``: n, mean, std (ddof=1), min, max, 95 % t-interval of the mean."""
    from scipy import stats

    values = np.asarray(values, dtype=np.float64).ravel()
    n = len(values)
    if n == 0:
        raise ValueError("no accuracies to summarise")
    mean = float(values.mean())
    if n > 1:
        std = float(values.std(ddof=1))
        half_width = float(stats.t.ppf(0.5 + CONFIDENCE / 2, df=n - 1) * std / np.sqrt(n))
    else:
        # One value says nothing about the spread; NaN rather than a misleading zero width.
        std = half_width = float("nan")
    return {
        "n": n,
        "mean": mean,
        "std": std,
        "ci_low": mean - half_width,
        "ci_high": mean + half_width,
        "min": float(values.min()),
        "max": float(values.max()),
    }


def cv_folds(labels, n_splits: int, n_repeats: int, random_state: int) -> list[tuple[np.ndarray, np.ndarray]]:
    """``n_splits * n_repeats`` (train, test) pairs of row positions for labels ``(rows,)``."""
    # Computed once and handed to every model, so that fold i is the same split for all of them
    # and their per-fold accuracies can be compared pairwise.
    from sklearn.model_selection import RepeatedStratifiedKFold

    labels = np.asarray(labels)
    splitter = RepeatedStratifiedKFold(n_splits=n_splits, n_repeats=n_repeats, random_state=random_state)
    return [(train, test) for train, test in splitter.split(np.zeros((len(labels), 1)), labels)]


def _fold_arrays(
    table: pd.DataFrame,
    label: str,
    features: list[str],
    classes: list,
    train_rows: np.ndarray,
    test_rows: np.ndarray,
    method: str,
) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
    """One fold's x_train ``(n_train, in)``, y_train ``(n_train,)``, x_test ``(n_test, in)``, y_test."""
    train = table.iloc[train_rows]
    test = table.iloc[test_rows]
    # Fitted on the training fold alone: statistics of the held-out rows would leak into the
    # model that is scored on them.
    normalisation = {"label": label, "classes": classes, **fit_normalisation(train, features, method)}
    x_train, y_train = model_arrays(apply_normalisation(train, normalisation), normalisation)
    x_test, y_test = model_arrays(apply_normalisation(test, normalisation), normalisation)
    return x_train, y_train, x_test, y_test


def _classes(table: pd.DataFrame, label: str) -> list:
    """Sorted class labels of the whole table, as ``split_normalise`` orders them."""
    # From the whole table, not the fold, so that class k is the same output unit in every fold.
    return sorted(table[label].unique().tolist())


def cross_validate_network(
    table: pd.DataFrame,
    label: str,
    features: list[str] | str,
    folds: Sequence[tuple[np.ndarray, np.ndarray]],
    *,
    normalisation_method: str,
    hidden: Sequence[int],
    penalty: str,
    coefficient: float,
    learning_rate: float,
    batch_size: int,
    epochs: int,
    seed: int,
    dtype: str = "float64",
) -> np.ndarray:
    """Held-out accuracy ``(n_folds,)``, one network per fold; fold i uses ``run_generators(seed, [i])``."""
    features = resolve_features(list(table.columns), label, features)
    classes = _classes(table, label)
    sizes = [len(features), *hidden, len(classes)]
    scores = np.empty(len(folds))
    # Folds whose training sets make the same number of batches per epoch train as one stack
    # (stratified folds differ by a row at most), each replica on its own fold's rows and
    # normalisation, padded to the largest fold; fold i still draws from run_generators(seed, [i])
    # and trains as it would alone, so its score does not depend on which folds share its stack.
    groups: dict[int, list[int]] = {}
    for index, (train_rows, _) in enumerate(folds):
        groups.setdefault(batch_count(len(train_rows), batch_size), []).append(index)
    for indices in groups.values():
        arrays = [
            _fold_arrays(table, label, features, classes, *folds[i], normalisation_method) for i in indices
        ]
        _, result = train_runs(
            indices,
            seed,
            sizes,
            [_padded_stack(part) for part in zip(*arrays, strict=True)],
            penalty=penalty,
            coefficient=coefficient,
            dtype=dtype,
            learning_rate=learning_rate,
            batch_size=batch_size,
            epochs=epochs,
            train_sizes=[len(folds[i][0]) for i in indices],
            validation_sizes=[len(folds[i][1]) for i in indices],
        )
        scores[indices] = result.validation_accuracy
    return scores


def _padded_stack(arrays: Sequence[np.ndarray]) -> np.ndarray:
    """Stack arrays ``(rows_i, ...)`` into ``(n, max rows, ...)``, zero rows after each one's own."""
    stacked = np.zeros((len(arrays), max(len(a) for a in arrays), *arrays[0].shape[1:]), arrays[0].dtype)
    for target, array in zip(stacked, arrays, strict=True):
        target[: len(array)] = array
    return stacked


def _baseline_models(seed: int) -> dict:
    """Fresh, unfitted scikit-learn baselines by name, in ``BASELINES`` order."""
    from sklearn.ensemble import RandomForestClassifier
    from sklearn.linear_model import LogisticRegression
    from sklearn.neural_network import MLPClassifier

    return {
        "logistic_regression": LogisticRegression(max_iter=5000),
        "mlp": MLPClassifier(hidden_layer_sizes=(128, 128), max_iter=2000, random_state=seed),
        # scikit-learn's default forest (100 trees); n_jobs=1: the pipeline runs jobs side by side,
        # and one process per job is the budget.
        "random_forest": RandomForestClassifier(random_state=seed, n_jobs=1),
    }


def cross_validate_baselines(
    table: pd.DataFrame,
    label: str,
    features: list[str] | str,
    folds: Sequence[tuple[np.ndarray, np.ndarray]],
    *,
    normalisation_method: str,
    seed: int,
) -> dict[str, np.ndarray]:
    """Held-out accuracy ``(n_folds,)`` per scikit-learn baseline on the same folds and normalisation."""
    features = resolve_features(list(table.columns), label, features)
    classes = _classes(table, label)
    scores = {name: np.empty(len(folds)) for name in BASELINES}
    for index, (train_rows, test_rows) in enumerate(folds):
        x_train, y_train, x_test, y_test = _fold_arrays(
            table, label, features, classes, train_rows, test_rows, normalisation_method
        )
        # Fresh estimators per fold with the same random_state: fold i's score does not depend
        # on which folds came before it.
        for name, model in _baseline_models(seed).items():
            model.fit(x_train, y_train)
            scores[name][index] = float((model.predict(x_test) == y_test).mean())
    return scores


def paired_differences(accuracies: dict[str, np.ndarray], n_boot: int = 10000, seed: int = 0) -> pd.DataFrame:
    """Per model pair (a, b): mean of a - b over folds, its 95 % bootstrap interval, share of folds a > b."""
    names = list(accuracies)
    arrays = {name: np.asarray(accuracies[name], dtype=np.float64) for name in names}
    lengths = sorted({len(values) for values in arrays.values()})
    if len(lengths) > 1 or lengths == [0]:
        raise ValueError(f"models must be scored on the same, non-zero number of folds: {lengths}")
    n_folds = lengths[0] if lengths else 1
    # One set of resampled folds ``(n_boot, n_folds)`` for every pair: a pair's interval does not
    # depend on which other models are in the dict. Folds of repeated cross-validation share
    # training rows, so they are not independent and this interval is on the narrow side.
    resamples = np.random.default_rng(seed).integers(0, n_folds, size=(n_boot, n_folds))
    tail = 100 * (1 - CONFIDENCE) / 2
    rows = []
    for a, b in itertools.combinations(names, 2):
        difference = arrays[a] - arrays[b]
        boot_means = difference[resamples].mean(axis=1)
        low, high = np.percentile(boot_means, [tail, 100 - tail])
        rows.append(
            {
                "model_a": a,
                "model_b": b,
                "mean_difference": float(difference.mean()),
                "ci_low": float(low),
                "ci_high": float(high),
                "a_better_share": float((difference > 0).mean()),
            }
        )
    columns = ["model_a", "model_b", "mean_difference", "ci_low", "ci_high", "a_better_share"]
    return pd.DataFrame(rows, columns=columns)


def cv_table(accuracies: dict[str, np.ndarray]) -> pd.DataFrame:
    """One row per model in dict order: model, n, mean, std, ci_low, ci_high, min, max."""
    rows = [{"model": name, **accuracy_interval(values)} for name, values in accuracies.items()]
    return pd.DataFrame(rows, columns=["model", "n", "mean", "std", "ci_low", "ci_high", "min", "max"])


def _difference_phrase(row: pd.Series) -> str:
    interval = f"{row['mean_difference']:+.3f}, 95 % interval {row['ci_low']:+.3f} to {row['ci_high']:+.3f}"
    if row["ci_low"] > 0:
        verdict = f"**{row['model_a']}** is better than **{row['model_b']}**"
    elif row["ci_high"] < 0:
        verdict = f"**{row['model_a']}** is worse than **{row['model_b']}**"
    else:
        verdict = f"**{row['model_a']}** and **{row['model_b']}** cannot be told apart"
    return f"{verdict} ({interval})"


def uncertainty_conclusion(
    seeds: pd.DataFrame, cross_validation: pd.DataFrame, differences: pd.DataFrame, focus: str = "l2"
) -> str:
    """A paragraph computed from the seed and cross-validation tables: is model ``focus`` really different?"""
    spread = ", ".join(
        f"{row.model} {row.mean:.3f} ({row.min:.3f} to {row.max:.3f})" for row in seeds.itertuples()
    )
    cv = ", ".join(
        f"{row.model} {row.mean:.3f} ({row.ci_low:.3f} to {row.ci_high:.3f})"
        for row in cross_validation.itertuples()
    )
    lines = [
        f"Over seeds on the report's split, mean validation accuracy (min to max): {spread}.",
        f"Repeated cross-validation, mean accuracy (95 % interval): {cv}.",
    ]
    pairs = differences[(differences["model_a"] == focus) | (differences["model_b"] == focus)]
    if len(pairs):
        phrases = "; ".join(_difference_phrase(row) for _, row in pairs.iterrows())
        lines.append(f"Paired on the same folds: {phrases}.")
    return " ".join(lines)
