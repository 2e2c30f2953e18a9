"""The networks on the folds of repeated cross-validation, and the tables that compare every model.

Folds share most of their training rows, so the tables built here use the corrected intervals and
tests of ``stats.py``, never the naive ones.
"""

from __future__ import annotations

import itertools
from collections.abc import Sequence

import numpy as np
import pandas as pd

from winenet.data import resolve_features
from winenet.folds import Fold, fold_arrays, fold_table, table_classes
from winenet.stats import (
    corrected_interval,
    corrected_paired_test,
    correlated_t_posterior,
    holm_adjust,
    within,
)
from winenet.training import batch_count, train_runs

__all__ = [
    "accuracy_table",
    "coefficient_grid",
    "cross_validate_network",
    "paired_differences",
    "path_summary",
    "regularisation_path",
]


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
    replicas: Sequence[tuple[int, float]],
    *,
    normalisation_method: str,
    hidden: Sequence[int],
    penalty: str,
    learning_rate: float,
    batch_size: int,
    epochs: int,
    seed: int,
    dtype: str,
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Train one network per replica (fold index, coefficient); return accuracy, status, zero share ``(n,)``.

    Replica (i, c) trains on fold i from ``run_generators(seed, [i])`` with penalty coefficient c,
    as it would alone: replicas of one fold share their start, so they differ only by c.
    """
    classes = table_classes(table, label)
    sizes = [len(features), *hidden, len(classes)]
    accuracy = np.empty(len(replicas))
    statuses = np.empty(len(replicas), dtype=object)
    zero_share = np.empty(len(replicas))
    arrays = {
        i: fold_arrays(table, label, features, classes, folds[i], normalisation_method)
        for i in dict.fromkeys(i for i, _ in replicas)
    }
    # Folds whose training sets make the same number of batches per epoch train as one stack
    # (stratified folds differ by a row at most), each replica on its own fold's rows and
    # normalisation, padded to the largest fold; replica r still trains as it would alone.
    groups: dict[int, list[int]] = {}
    for r, (i, _) in enumerate(replicas):
        groups.setdefault(batch_count(len(folds[i].train), batch_size), []).append(r)
    for members in groups.values():
        fold_of = [replicas[r][0] for r in members]
        coefficients = np.array([replicas[r][1] for r in members])
        # One shared coefficient keeps the scalar penalty path, which is faster than a per-replica one.
        shared = coefficients[0] if (coefficients == coefficients[0]).all() else coefficients
        network, result = train_runs(
            fold_of,
            seed,
            sizes,
            [_padded_stack(part) for part in zip(*(arrays[i] for i in fold_of), strict=True)],
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
    normalisation_method: str,
    hidden: Sequence[int],
    penalty: str,
    coefficient: float,
    learning_rate: float,
    batch_size: int,
    epochs: int,
    seed: int,
    dtype: str = "float64",
) -> tuple[np.ndarray, np.ndarray]:
    """Held-out accuracy ``(n_folds,)`` and status ``(n_folds,)``, one network per fold.

    Fold i trains from ``run_generators(seed, [i])``, whatever the normalisation, so two
    normalisations differ only in their inputs. A diverged fold's accuracy is NaN.
    """
    features = resolve_features(list(table.columns), label, features)
    accuracy, status, _ = _train_on_folds(
        table,
        label,
        features,
        folds,
        [(i, coefficient) for i in range(len(folds))],
        normalisation_method=normalisation_method,
        hidden=hidden,
        penalty=penalty,
        learning_rate=learning_rate,
        batch_size=batch_size,
        epochs=epochs,
        seed=seed,
        dtype=dtype,
    )
    return accuracy, status


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
    replicas = [(i, float(c)) for c in coefficients for i in range(len(folds))]
    accuracy, status, zero_share = _train_on_folds(
        table,
        label,
        features,
        folds,
        replicas,
        normalisation_method=normalisation_method,
        hidden=hidden,
        penalty=penalty,
        learning_rate=learning_rate,
        batch_size=batch_size,
        epochs=epochs,
        seed=seed,
        dtype=dtype,
    )
    fold_of = [folds[i] for i, _ in replicas]
    frame = fold_table(penalty, normalisation_method, fold_of, accuracy, status).rename(
        columns={"model": "penalty"}
    )
    frame.insert(2, "coefficient", [c for _, c in replicas])
    frame["zero_share"] = zero_share
    return frame[["normalisation", "penalty", *frame.columns.drop(["normalisation", "penalty"])]]


def path_summary(per_fold: pd.DataFrame, confidence: float = 0.95) -> pd.DataFrame:
    """Per normalisation, penalty and coefficient: corrected accuracy interval and mean zero share."""
    rows = []
    keys = ["normalisation", "penalty", "coefficient"]
    for key, group in per_fold.groupby(keys, sort=False):
        row = dict(zip(keys, key, strict=True))
        usable = group[group["status"] != "diverged"]
        if len(usable) == len(group) and len(group) >= 2:
            interval = corrected_interval(
                group["accuracy"], group["n_train"].mean(), group["n_test"].mean(), confidence
            )
            interval = within(interval, ("ci_low", "ci_high"), 0.0, 1.0)
            row |= {name: interval[name] for name in ("mean", "ci_low", "ci_high")}
        else:
            row |= dict.fromkeys(("mean", "ci_low", "ci_high"), float("nan"))
        row |= {
            "zero_share": float(group["zero_share"].mean()),
            "folds": len(group),
            "chance_folds": int((group["status"] == "chance").sum()),
            "diverged_folds": int((group["status"] == "diverged").sum()),
        }
        rows.append(row)
    return pd.DataFrame(rows)


def _named(rows: pd.DataFrame, status: str) -> str:
    chosen = rows[rows["status"] == status]
    return "; ".join(f"repeat {r.repeat} fold {r.fold}" for r in chosen.itertuples())


def accuracy_table(per_fold: pd.DataFrame, confidence: float = 0.95) -> pd.DataFrame:
    """Per model and normalisation, in order of appearance: mean held-out accuracy, corrected interval.

    The interval uses the Nadeau-Bengio corrected variance with the mean fold sizes. Folds at
    chance are counted and named; a model with a diverged fold gets no interval (NaN), since its
    accuracy there is undefined and dropping the fold would bias the mean.
    """
    rows = []
    for (model, normalisation), group in per_fold.groupby(["model", "normalisation"], sort=False):
        diverged = int((group["status"] == "diverged").sum())
        row = {
            "model": model,
            "normalisation": normalisation,
            "folds": len(group),
            "n_train": float(group["n_train"].mean()),
            "n_test": float(group["n_test"].mean()),
        }
        if diverged:
            row |= dict.fromkeys(("mean", "std", "ci_low", "ci_high", "min", "max"), float("nan"))
        else:
            interval = corrected_interval(group["accuracy"], row["n_train"], row["n_test"], confidence)
            interval = within(interval, ("ci_low", "ci_high"), 0.0, 1.0)
            row |= {key: interval[key] for key in ("mean", "std", "ci_low", "ci_high")}
            row |= {"min": float(group["accuracy"].min()), "max": float(group["accuracy"].max())}
        row |= {
            "chance_folds": int((group["status"] == "chance").sum()),
            "diverged_folds": diverged,
            "folds_not_ok": "; ".join(
                part
                for part in (
                    _named(group, "diverged") and f"diverged: {_named(group, 'diverged')}",
                    _named(group, "chance") and f"at chance: {_named(group, 'chance')}",
                )
                if part
            ),
        }
        rows.append(row)
    return pd.DataFrame(rows)


DIFFERENCE_COLUMNS = [
    "model_a",
    "model_b",
    "normalisation",
    "mean_difference",
    "ci_low",
    "ci_high",
    "t",
    "p_value",
    "p_holm",
    "p_a_better",
    "p_equivalent",
    "p_b_better",
]


def _comparisons(per_fold: pd.DataFrame, networks: Sequence[str]) -> list[tuple[str, str, str, str, str]]:
    """(normalisation, model_a, normalisation_a, model_b, normalisation_b) for every comparison made."""
    present = per_fold[["model", "normalisation"]].drop_duplicates()
    baselines = [tuple(r) for r in present.itertuples(index=False) if r.model not in networks]
    pairs = []
    for normalisation in dict.fromkeys(present.loc[present["model"].isin(networks), "normalisation"]):
        models = [
            m
            for m in networks
            if ((present["model"] == m) & (present["normalisation"] == normalisation)).any()
        ]
        for a, b in itertools.combinations(models, 2):
            pairs.append((normalisation, a, normalisation, b, normalisation))
        for a in models:
            for baseline, baseline_normalisation in baselines:
                pairs.append((normalisation, a, normalisation, baseline, baseline_normalisation))
    return pairs


def paired_differences(
    per_fold: pd.DataFrame, networks: Sequence[str], rope: float, confidence: float = 0.95
) -> pd.DataFrame:
    """Model a minus model b on the same folds, per normalisation of the networks; corrected statistics.

    Under each normalisation every pair of ``networks`` is compared, and every network with every
    baseline (the other models of ``per_fold``, under their own normalisation). Columns
    ``DIFFERENCE_COLUMNS``: the mean difference with its corrected interval, the corrected paired
    t-test with its two-sided p-value and the Holm-adjusted one (over every row of the table), and
    the correlated-t posterior probabilities that a is better by more than ``rope``, that the two
    are within ``rope``, and that b is better. Pairs with a diverged fold get NaN.
    """
    indexed = per_fold.set_index(["model", "normalisation", "repeat", "fold"]).sort_index()
    rows = []
    for normalisation, a, norm_a, b, norm_b in _comparisons(per_fold, networks):
        left = indexed.loc[(a, norm_a)].sort_index()
        right = indexed.loc[(b, norm_b)].sort_index()
        if not left.index.equals(right.index):
            raise ValueError(f"{a} ({norm_a}) and {b} ({norm_b}) were not scored on the same folds")
        row = {"model_a": a, "model_b": b, "normalisation": normalisation}
        difference = (left["accuracy"] - right["accuracy"]).to_numpy()
        if np.isnan(difference).any():
            row |= dict.fromkeys(DIFFERENCE_COLUMNS[3:], float("nan"))
        else:
            n_train = float(np.mean([left["n_train"].mean(), right["n_train"].mean()]))
            n_test = float(np.mean([left["n_test"].mean(), right["n_test"].mean()]))
            test = within(
                corrected_paired_test(difference, n_train, n_test, confidence), ("ci_low", "ci_high"), -1, 1
            )
            row |= {
                "mean_difference": test["mean"],
                "ci_low": test["ci_low"],
                "ci_high": test["ci_high"],
                "t": test["t"],
                "p_value": test["p_value"],
            }
            row |= correlated_t_posterior(difference, n_train, n_test, rope)
        rows.append(row)
    table = pd.DataFrame(rows, columns=DIFFERENCE_COLUMNS)
    tested = table["p_value"].notna()
    table.loc[tested, "p_holm"] = holm_adjust(table.loc[tested, "p_value"].to_numpy())
    return table
