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
from winenet.stats import independent_interval, within
from winenet.training import accuracy, train_runs

# weight: sum of the first layer's |W| for the feature after training; gradient: sum over every
# training step of |dLoss/dInput|; permutation: validation accuracy lost when the feature's column
# is shuffled. The first two look inside the network, the third only at its answers.
MEASURES = ("weight", "gradient", "permutation")
# Measures whose ranks the report drew as heatmaps of rank frequencies.
HEATMAP_MEASURES = ("weight", "gradient")


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
    accuracy (the run's final validation accuracy) and status (``training.STATUSES``: a diverged
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


def _rank_statistics(ranks: pd.Series, n_features: int) -> dict:
    values = ranks.to_numpy(dtype=np.float64)
    if len(values) >= 2:
        interval = within(independent_interval(values), ("ci_low", "ci_high"), 1.0, float(n_features))
        low, high = interval["ci_low"], interval["ci_high"]
    else:
        low = high = float("nan")
    return {
        "mean_rank": float(values.mean()),
        "mean_rank_ci_low": low,
        "mean_rank_ci_high": high,
        "top_two_share": float((values <= 2).mean()),
    }


SUMMARY_STATISTICS = ("mean_rank", "mean_rank_ci_low", "mean_rank_ci_high", "top_two_share")


def importance_summary(ranks: pd.DataFrame, features: Sequence[str] | None = None) -> pd.DataFrame:
    """Per feature and measure: mean rank with its 95 % interval over runs, share of runs in the top two.

    Runs are independent (each has its own seed), so the interval is a plain t interval over the
    ranked runs, given in ``runs_ranked``. Sorted by ``overall_mean_rank``, the mean of the
    measures' mean ranks, most important first. Without ranked runs every statistic is NaN.
    """
    features = list(features) if features is not None else sorted(set(ranks["feature"]))
    rows = []
    for feature in features:
        row = {"feature": feature}
        # Every measure has its columns, NaN when no run was ranked by it.
        for measure in MEASURES:
            chosen = ranks.loc[(ranks["feature"] == feature) & (ranks["measure"] == measure), "rank"]
            empty = dict.fromkeys(SUMMARY_STATISTICS, np.nan)
            statistics = _rank_statistics(chosen, len(features)) if len(chosen) else empty
            row |= {f"{measure}_{name}": value for name, value in statistics.items()}
        rows.append(row)
    table = pd.DataFrame(
        rows, columns=["feature", *[f"{m}_{s}" for m in MEASURES for s in SUMMARY_STATISTICS]]
    )
    table["overall_mean_rank"] = table[[f"{m}_mean_rank" for m in MEASURES]].mean(axis=1)
    table["runs_ranked"] = ranks["run"].nunique()
    return table.sort_values(["overall_mean_rank", "gradient_mean_rank"], kind="stable").reset_index(
        drop=True
    )


def _listed(runs: list[int], limit: int = 12) -> str:
    shown = ", ".join(str(r) for r in runs[:limit])
    return shown + (f" and {len(runs) - limit} more" if len(runs) > limit else "")


def _rank_phrase(row: pd.Series, measures: Sequence[str]) -> str:
    parts = []
    for measure in measures:
        low, high = row[f"{measure}_mean_rank_ci_low"], row[f"{measure}_mean_rank_ci_high"]
        interval = f" [{low:.1f}, {high:.1f}]" if np.isfinite(low) else ""
        parts.append(f"{row[f'{measure}_mean_rank']:.1f}{interval} by {measure}")
    return ", ".join(parts)


def conclusion(
    summary: pd.DataFrame,
    excluded: dict[str, list[int]] | None = None,
    runs: int | None = None,
    expected: Sequence[str] | None = None,
) -> str:
    """One paragraph computed from ``importance_summary``: which features rank first, how sure, how many runs.

    ``excluded`` (from ``excluded_runs``) names the runs left out; ``expected``, when given, is the
    report's top two, compared against only when the data is the report's.
    """
    excluded = excluded or {"chance": [], "diverged": []}
    ranked = int(summary["runs_ranked"].iloc[0]) if len(summary) else 0
    total = runs if runs is not None else ranked + sum(len(v) for v in excluded.values())
    left_out = [
        f"{len(excluded[status])} {label} (runs {_listed(excluded[status])})"
        for status, label in (
            ("diverged", "diverged"),
            ("chance", "learned nothing beyond the majority class"),
        )
        if excluded.get(status)
    ]
    counted = f"{ranked} of {total} runs ranked the features"
    if left_out:
        counted += "; left out: " + "; ".join(left_out)
    if ranked == 0:
        return f"{counted}. No run learned anything, so no feature is called important."
    if len(summary) < 2:
        return f"{counted}. With a single feature, {summary['feature'].iloc[0]}, there is nothing to rank."
    measures = [m for m in MEASURES if f"{m}_mean_rank" in summary]
    top = summary.head(2)
    lines = [
        f"{counted}. Most important: **{top['feature'].iloc[0]}** (mean rank "
        f"{_rank_phrase(top.iloc[0], measures)}) and **{top['feature'].iloc[1]}** "
        f"({_rank_phrase(top.iloc[1], measures)}); intervals are 95 % over runs."
    ]
    if len(summary) > 2:
        second, third = summary.iloc[1], summary.iloc[2]
        separated = [m for m in measures if second[f"{m}_mean_rank_ci_high"] < third[f"{m}_mean_rank_ci_low"]]
        if len(separated) == len(measures):
            lines.append(
                f"By every measure the second is ranked clearly above the third, {third['feature']}."
            )
        else:
            unclear = ", ".join(m for m in measures if m not in separated)
            lines.append(
                f"By {unclear} the second and the third, {third['feature']}, are not told apart "
                "by their intervals."
            )
    if expected:
        top_two = set(top["feature"])
        if top_two == set(expected):
            lines.append(f"This agrees with the report, which found {' and '.join(expected)} on top.")
        else:
            shared = sorted(top_two & set(expected))
            agreement = f"shares {', '.join(shared)} with" if shared else "differs from"
            lines.append(f"This {agreement} the report's top two, {' and '.join(expected)}.")
    return " ".join(lines)


def spearman(a: pd.Series, b: pd.Series) -> float:
    """Spearman's rank correlation of two series ``(n,)``: Pearson's of their ranks (ties averaged)."""
    # scipy.stats.spearmanr gives the same number and costs the job a second to import.
    ranks = np.vstack([a.rank().to_numpy(), b.rank().to_numpy()])
    if (ranks.std(axis=1) == 0).any():
        return float("nan")
    return float(np.corrcoef(ranks)[0, 1])


def ranking_agreement(summaries: dict[str, pd.DataFrame]) -> pd.DataFrame:
    """Spearman correlation of the features' mean ranks between every pair of (normalisation, measure).

    ``summaries`` maps a normalisation to its ``importance_summary``; columns ranking_a,
    ranking_b, spearman, each ranking named "normalisation/measure".
    """
    rankings = {}
    for normalisation, summary in summaries.items():
        indexed = summary.set_index("feature")
        for measure in MEASURES:
            column = f"{measure}_mean_rank"
            if column in indexed and indexed[column].notna().all():
                rankings[f"{normalisation}/{measure}"] = indexed[column]
    rows = []
    names = list(rankings)
    for i, a in enumerate(names):
        for b in names[i + 1 :]:
            common = rankings[a].index.intersection(rankings[b].index)
            rho = spearman(rankings[a][common], rankings[b][common]) if len(common) > 1 else np.nan
            rows.append({"ranking_a": a, "ranking_b": b, "spearman": float(rho)})
    return pd.DataFrame(rows, columns=["ranking_a", "ranking_b", "spearman"])
