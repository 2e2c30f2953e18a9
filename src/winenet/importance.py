"""The report's feature-importance study: many L1 trainings, each ranking the input features.

Run r of the study draws its initial weights and its shuffles from
``SeedSequence(seed, spawn_key=(r,))``, so its scores do not depend on which shard, process or
machine trained it. A shard trains its runs as stacks on the replica axis of ``network.py``.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
import pandas as pd

from winenet.network import Network
from winenet.training import train_runs

MEASURES = ("weight", "gradient")


def shard_runs(runs: int, shards: int, shard: int) -> range:
    """The contiguous block of run indices that shard ``shard`` (0-based) of ``shards`` trains."""
    if not 0 <= shard < shards:
        raise ValueError(f"shard {shard} is not in 0..{shards - 1}")
    base, extra = divmod(runs, shards)
    start = shard * base + min(shard, extra)
    return range(start, start + base + (shard < extra))


def train_importance_runs(
    x_train: np.ndarray,
    y_train: np.ndarray,
    x_validation: np.ndarray,
    y_validation: np.ndarray,
    runs: Sequence[int],
    features: Sequence[str],
    *,
    hidden: Sequence[int],
    n_classes: int,
    learning_rate: float,
    batch_size: int,
    epochs: int,
    penalty: str,
    coefficient: float,
    seed: int,
    dtype: str = "float64",
    stack_size: int = 20,
) -> pd.DataFrame:
    """Train runs ``runs`` and score every feature: one row per run and feature.

    ``weight_score`` is the sum of |W| over the first layer's row of the feature after
    training; ``gradient_score`` the sum over all training steps of |dLoss/dInput| for the
    feature; ``accuracy`` the run's final validation accuracy. Runs are trained ``stack_size``
    at a time on the replica axis; the result does not depend on ``stack_size``.
    """
    runs = list(runs)
    sizes = [x_train.shape[1], *hidden, n_classes]
    frames = []
    for start in range(0, len(runs), stack_size):
        block = runs[start : start + stack_size]
        network, result = train_runs(
            block,
            seed,
            sizes,
            (x_train, y_train, x_validation, y_validation),
            penalty=penalty,
            coefficient=coefficient,
            dtype=dtype,
            learning_rate=learning_rate,
            batch_size=batch_size,
            epochs=epochs,
            input_gradient_score=True,
        )
        weight_score = np.abs(network.linears[0].W).sum(axis=-1)  # (R, features)
        frames.append(
            pd.DataFrame(
                {
                    "run": np.repeat(block, len(features)),
                    "feature": np.tile(list(features), len(block)),
                    "weight_score": weight_score.astype(np.float64).ravel(),
                    "gradient_score": result.input_gradient_score.astype(np.float64).ravel(),
                    "accuracy": np.repeat(result.validation_accuracy.astype(np.float64), len(features)),
                }
            )
        )
    return pd.concat(frames, ignore_index=True)


def rank_features(scores: pd.DataFrame) -> pd.DataFrame:
    """Per run and measure, each feature's rank: 1 = largest score; columns run, feature, measure, rank."""
    frames = []
    for measure in MEASURES:
        ranked = scores[["run", "feature"]].copy()
        ranked["measure"] = measure
        # method="first" breaks exact ties by feature order, so every run has ranks 1..F once.
        ranked["rank"] = (
            scores.groupby("run")[f"{measure}_score"].rank(ascending=False, method="first").astype(int)
        )
        frames.append(ranked)
    return pd.concat(frames, ignore_index=True).sort_values(["measure", "run", "rank"], ignore_index=True)


def rank_frequencies(ranks: pd.DataFrame, features: Sequence[str]) -> pd.DataFrame:
    """Per measure, feature and rank: the number of runs; columns measure, feature, rank, runs."""
    n_features = len(features)
    full = pd.MultiIndex.from_product(
        [list(MEASURES), list(features), range(1, n_features + 1)], names=["measure", "feature", "rank"]
    )
    counts = ranks.groupby(["measure", "feature", "rank"]).size().reindex(full, fill_value=0)
    return counts.rename("runs").reset_index()


def frequency_matrix(frequencies: pd.DataFrame, measure: str, features: Sequence[str]) -> pd.DataFrame:
    """Features x ranks table of run counts for one measure (rows in ``features`` order)."""
    chosen = frequencies[frequencies["measure"] == measure]
    return chosen.pivot(index="feature", columns="rank", values="runs").loc[list(features)]


def importance_summary(ranks: pd.DataFrame) -> pd.DataFrame:
    """Per feature: mean rank and share of runs in the top two, per measure; most important first."""
    grouped = ranks.groupby(["feature", "measure"])["rank"]
    table = pd.DataFrame(
        {"mean_rank": grouped.mean(), "top_two_share": grouped.apply(lambda r: (r <= 2).mean())}
    )
    wide = table.unstack("measure")
    wide.columns = [f"{measure}_{statistic}" for statistic, measure in wide.columns]
    wide = wide[[f"{m}_{s}" for m in MEASURES for s in ("mean_rank", "top_two_share")]]
    wide["overall_mean_rank"] = wide[[f"{m}_mean_rank" for m in MEASURES]].mean(axis=1)
    return wide.sort_values(["overall_mean_rank", "gradient_mean_rank"]).reset_index()


def conclusion(summary: pd.DataFrame, expected: Sequence[str] = ("Proline", "Flavanoids")) -> str:
    """One paragraph, computed from ``importance_summary``: what ranks first and whether it agrees."""
    top = summary["feature"].head(2).tolist()
    lines = [
        f"Across the study's runs the features ranked most important are **{top[0]}** "
        f"(mean rank {summary.loc[0, 'weight_mean_rank']:.1f} by weight, "
        f"{summary.loc[0, 'gradient_mean_rank']:.1f} by gradient) and **{top[1]}** "
        f"(mean rank {summary.loc[1, 'weight_mean_rank']:.1f} by weight, "
        f"{summary.loc[1, 'gradient_mean_rank']:.1f} by gradient)."
    ]
    if set(top) == set(expected):
        lines.append(f"This agrees with the report, which found {' and '.join(expected)} on top.")
    else:
        shared = sorted(set(top) & set(expected))
        agreement = f"shares {', '.join(shared)} with" if shared else "differs from"
        lines.append(f"This {agreement} the report's top two, {' and '.join(expected)}.")
    return " ".join(lines)


def permutation_importance(
    network: Network, x: np.ndarray, y: np.ndarray, features: Sequence[str], repeats: int, seed: int
) -> pd.DataFrame:
    """Accuracy lost when one feature's column of ``x`` ``(rows, in)`` is shuffled, ``repeats`` times each.

    Columns feature, mean_drop, std_drop, rank (1 = largest drop); the shuffles come from one
    Generator seeded with ``seed``, so the table is the same every run.
    """
    rng = np.random.default_rng(seed)
    baseline = (network.forward(x).argmax(axis=-1) == y).mean()
    drops = np.empty((len(features), repeats))
    for j in range(len(features)):
        for r in range(repeats):
            shuffled = x.copy()
            shuffled[:, j] = x[rng.permutation(len(x)), j]
            drops[j, r] = baseline - (network.forward(shuffled).argmax(axis=-1) == y).mean()
    table = pd.DataFrame(
        {"feature": list(features), "mean_drop": drops.mean(axis=1), "std_drop": drops.std(axis=1)}
    )
    table["rank"] = table["mean_drop"].rank(ascending=False, method="first").astype(int)
    return table.sort_values("rank", ignore_index=True)


def ranking_agreement(permutation: pd.DataFrame, summary: pd.DataFrame) -> pd.DataFrame:
    """Spearman rank correlation between the permutation, weight-score and gradient-score rankings."""
    from scipy.stats import spearmanr

    merged = summary.set_index("feature")[[f"{m}_mean_rank" for m in MEASURES]]
    merged["permutation_rank"] = permutation.set_index("feature")["rank"]
    rankings = {
        "permutation": merged["permutation_rank"],
        "weight score": merged["weight_mean_rank"],
        "gradient score": merged["gradient_mean_rank"],
    }
    rows = []
    names = list(rankings)
    for i, a in enumerate(names):
        for b in names[i + 1 :]:
            rho = spearmanr(rankings[a], rankings[b]).statistic
            rows.append({"ranking_a": a, "ranking_b": b, "spearman": float(rho)})
    return pd.DataFrame(rows)
