"""Tables that summarise repeated trainings: seeds, cross-validation folds and paired comparisons.

Seeds are independent runs, so their intervals are plain t intervals. Folds share most of their
training rows, so the fold tables use the corrected intervals and tests of ``stats.py``, never the
naive ones.
"""

from __future__ import annotations

import itertools
from collections.abc import Sequence

import numpy as np
import pandas as pd

from winenet.studies.folds import fold_differences
from winenet.studies.stats import (
    corrected_interval,
    corrected_paired_test,
    correlated_t_posterior,
    holm_adjust,
    independent_interval,
    within,
)

__all__ = [
    "DIFFERENCE_COLUMNS",
    "accuracy_table",
    "paired_differences",
    "path_summary",
    "seed_table",
]


def _named_seeds(runs: pd.DataFrame, status: str) -> str:
    return ", ".join(str(run) for run in runs.loc[runs["status"] == status, "run"])


def seed_table(per_seed: pd.DataFrame) -> pd.DataFrame:
    """Per model, in order of appearance: seeds, mean, std, 95 % interval of the mean and of one more seed.

    Diverged seeds have no accuracy and are left out of every statistic; seeds at chance are part
    of the spread (learning nothing is one of the things a seed can do). Both are counted and named.
    """
    rows = []
    for model, runs in per_seed.groupby("model", sort=False):
        usable = runs[runs["status"] != "diverged"]
        row = {"model": model, "seeds": len(runs)}
        if len(usable) >= 2:
            interval = within(
                independent_interval(usable["accuracy"]), ("ci_low", "ci_high", "pi_low", "pi_high"), 0.0, 1.0
            )
            row |= {key: interval[key] for key in ("mean", "std", "ci_low", "ci_high", "pi_low", "pi_high")}
            row |= {"min": interval["min"], "max": interval["max"]}
        else:
            keys = ("mean", "std", "ci_low", "ci_high", "pi_low", "pi_high", "min", "max")
            row |= dict.fromkeys(keys, float("nan"))
        row |= {
            "chance_seeds": int((runs["status"] == "chance").sum()),
            "diverged_seeds": int((runs["status"] == "diverged").sum()),
            "seeds_at_chance": _named_seeds(runs, "chance"),
            "seeds_diverged": _named_seeds(runs, "diverged"),
        }
        rows.append(row)
    return pd.DataFrame(rows)


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
    "margin",
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


def _comparisons(per_fold: pd.DataFrame, networks: Sequence[str]) -> list[tuple[str, str, str]]:
    """(normalisation, model_a, model_b) for every comparison made, both models under that normalisation.

    Under each normalisation: every pair of networks, then every network with every other model
    (a baseline) scored under the same normalisation, so that no comparison mixes preprocessing.
    """
    present = per_fold[["model", "normalisation"]].drop_duplicates()
    pairs = []
    for normalisation in dict.fromkeys(present["normalisation"]):
        here = present.loc[present["normalisation"] == normalisation, "model"].tolist()
        models = [m for m in networks if m in here]
        baselines = [m for m in here if m not in networks]
        pairs += [(normalisation, a, b) for a, b in itertools.combinations(models, 2)]
        pairs += [(normalisation, a, b) for a in models for b in baselines]
    return pairs


def paired_differences(
    per_fold: pd.DataFrame, networks: Sequence[str], margin: float, confidence: float = 0.95
) -> pd.DataFrame:
    """Model a minus model b on the same folds and normalisation; corrected statistics.

    Under each normalisation every pair of ``networks`` is compared, and every network with every
    baseline (the other models of ``per_fold``) under the same normalisation. Columns
    ``DIFFERENCE_COLUMNS``: the mean difference with its corrected interval, the corrected paired
    t-test with its two-sided p-value and the Holm-adjusted one (over every row of the table), and
    the correlated-t posterior probabilities that a is better by more than ``margin`` (an accuracy
    difference, ``claims.margin``), that the two are within it, and that b is better. Pairs with a
    diverged fold get NaN.
    """
    rows = []
    for normalisation, a, b in _comparisons(per_fold, networks):
        paired = fold_differences(per_fold, a, b, normalisation)
        row = {"model_a": a, "model_b": b, "normalisation": normalisation, "margin": margin}
        difference = paired["difference"].to_numpy()
        if np.isnan(difference).any():
            row |= dict.fromkeys(DIFFERENCE_COLUMNS[4:], float("nan"))
        else:
            n_train, n_test = float(paired["n_train"].mean()), float(paired["n_test"].mean())
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
            row |= correlated_t_posterior(difference, n_train, n_test, margin)
        rows.append(row)
    table = pd.DataFrame(rows, columns=DIFFERENCE_COLUMNS)
    tested = table["p_value"].notna()
    table.loc[tested, "p_holm"] = holm_adjust(table.loc[tested, "p_value"].to_numpy())
    return table
