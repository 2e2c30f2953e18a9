"""The report's feature-importance study: many L1 trainings, each ranking the input features.

Run r of the study draws its initial weights and its shuffles from
``SeedSequence(seed, spawn_key=(r,))``, so its scores do not depend on which shard, process or
machine trained it. A shard trains its runs as stacks on the replica axis of ``network.py``.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence

import numpy as np
import pandas as pd

from winenet.model.network import Network
from winenet.model.training import accuracy, train_runs
from winenet.studies.measures import HEATMAP_MEASURES, MEASURES


def shard_runs(runs: int, shards: int, shard: int) -> range:
    """The contiguous block of run indices that shard ``shard`` (0-based) of ``shards`` trains."""
    if not 0 <= shard < shards:
        raise ValueError(f"shard {shard} is not in 0..{shards - 1}")
    base, extra = divmod(runs, shards)
    start = shard * base + min(shard, extra)
    return range(start, start + base + (shard < extra))


def permutation_generators(seed: int, runs: Sequence[int]) -> list[np.random.Generator]:
    """The shuffles of run r's permutation scores: ``SeedSequence(seed, spawn_key=(r, 1))``."""
    # A stream of its own, apart from the run's training stream (spawn_key (r,)), and keyed by the
    # run, so that the scores do not depend on the shard or the stack.
    return [
        np.random.Generator(np.random.PCG64(np.random.SeedSequence(seed, spawn_key=(r, 1)))) for r in runs
    ]


def permutation_drops(
    network: Network, x: np.ndarray, y: np.ndarray, rngs: Sequence[np.random.Generator], repeats: int
) -> np.ndarray:
    """Mean validation accuracy lost per feature when its column is shuffled: ``(R, features)``.

    ``network`` is a stack of R, ``x`` ``(rows, features)`` and ``y`` ``(rows,)`` the validation
    set; replica r shuffles with ``rngs[r]``, ``repeats`` times per feature, in one forward pass.
    """
    dtype = network.linears[0].W.dtype
    x = np.asarray(x, dtype=dtype)
    rows, n_features = x.shape
    baseline = accuracy(network.logits(x), y)  # (R,)
    shuffled = np.broadcast_to(x, (len(rngs), n_features, repeats, rows, n_features)).copy()
    for r, rng in enumerate(rngs):
        for j in range(n_features):
            for k in range(repeats):
                shuffled[r, j, k, :, j] = x[rng.permutation(rows), j]
    logits = network.logits(shuffled.reshape(len(rngs), -1, n_features))
    correct = logits.argmax(axis=-1).reshape(len(rngs), n_features, repeats, rows) == y
    return baseline[:, None] - correct.mean(axis=(-1, -2))


# The settings of `importance:` that say how each run of the study trains and is scored.
RUN_SETTINGS = ("epochs", "penalty", "coefficient", "seed", "dtype", "stack_size", "permutation_repeats")


def run_settings(study: Mapping) -> dict:
    """The keyword arguments of ``train_importance_runs`` that the study's settings give."""
    return {key: study[key] for key in RUN_SETTINGS}


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
    permutation_repeats: int = 5,
) -> pd.DataFrame:
    """Train runs ``runs`` and score every feature: one row per run and feature.

    Columns run, feature, weight_score, gradient_score, permutation_score (see ``MEASURES``),
    accuracy (the run's final validation accuracy) and status (``outcomes.STATUSES``: a diverged
    run's scores are NaN). Runs are trained ``stack_size`` at a time on the replica axis; the
    result does not depend on ``stack_size``.
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
        diverged = result.diverged_epoch > 0
        with np.errstate(invalid="ignore", over="ignore"):
            drops = permutation_drops(
                network, x_validation, y_validation, permutation_generators(seed, block), permutation_repeats
            )
        scores = {
            "weight_score": np.abs(network.linears[0].W).sum(axis=-1),  # (R, features)
            "gradient_score": result.input_gradient_score,
            "permutation_score": drops,
        }
        table = pd.DataFrame(
            {"run": np.repeat(block, len(features)), "feature": np.tile(list(features), len(block))}
        )
        for name, values in scores.items():
            table[name] = np.where(diverged[:, None], np.nan, values.astype(np.float64)).ravel()
        table["accuracy"] = np.repeat(result.validation_accuracy.astype(np.float64), len(features))
        table["status"] = np.repeat(result.status, len(features))
        frames.append(table)
    return pd.concat(frames, ignore_index=True)


def rank_features(scores: pd.DataFrame) -> pd.DataFrame:
    """Per usable run and measure, each feature's rank (1 = largest score): run, feature, measure, rank.

    Only runs with status "ok" are ranked: a run that diverged or learned nothing has no opinion
    about which feature matters. ``excluded_runs`` names the others.
    """
    usable = scores[scores["status"] == "ok"] if "status" in scores else scores
    frames = []
    for measure in MEASURES:
        column = f"{measure}_score"
        if column not in usable:
            continue
        ranked = usable[["run", "feature"]].copy()
        ranked["measure"] = measure
        # Weight and gradient scores never tie in practice, and "first" keeps their ranks whole
        # numbers for the heatmaps; permutation drops are multiples of 1 / (rows * repeats) and tie
        # often, so tied features share the average of their ranks instead of being ordered by name.
        method = "average" if measure == "permutation" else "first"
        ranked["rank"] = usable.groupby("run")[column].rank(ascending=False, method=method).astype(float)
        frames.append(ranked)
    columns = ["run", "feature", "measure", "rank"]
    if not frames:
        return pd.DataFrame(columns=columns)
    return pd.concat(frames, ignore_index=True).sort_values(["measure", "run", "rank"], ignore_index=True)


def excluded_runs(scores: pd.DataFrame) -> dict[str, list[int]]:
    """Runs left out of the ranks, by status ("chance", "diverged"), each sorted."""
    per_run = scores.drop_duplicates("run").set_index("run")["status"]
    return {status: sorted(per_run.index[per_run == status].tolist()) for status in ("chance", "diverged")}


def rank_frequencies(ranks: pd.DataFrame, features: Sequence[str]) -> pd.DataFrame:
    """Per heatmap measure, feature and rank: the number of runs; columns measure, feature, rank, runs."""
    n_features = len(features)
    full = pd.MultiIndex.from_product(
        [list(HEATMAP_MEASURES), list(features), range(1, n_features + 1)],
        names=["measure", "feature", "rank"],
    )
    chosen = ranks[ranks["measure"].isin(HEATMAP_MEASURES)].astype({"rank": int})
    counts = chosen.groupby(["measure", "feature", "rank"]).size().reindex(full, fill_value=0)
    return counts.rename("runs").reset_index()


def frequency_matrix(frequencies: pd.DataFrame, measure: str, features: Sequence[str]) -> pd.DataFrame:
    """Features x ranks table of run counts for one measure (rows in ``features`` order)."""
    chosen = frequencies[frequencies["measure"] == measure]
    return chosen.pivot(index="feature", columns="rank", values="runs").loc[list(features)]
