"""The importance study's runs summarised: mean ranks with their intervals, the conclusion, agreement.

The runs are independent (each has its own seed), so every interval here is over runs.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
import pandas as pd

from winenet.studies.measures import MEASURES
from winenet.studies.stats import independent_interval, within


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
) -> str:
    """One paragraph computed from ``importance_summary``: which features rank first, how sure, how many runs.

    ``excluded`` (from ``excluded_runs``) names the runs left out. Whether the report's top two
    hold is the claims' question (``verdicts.py``), judged with paired tests over runs.
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
    return " ".join(lines)
