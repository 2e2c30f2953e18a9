"""How the importance study's rankings agree between normalisations and measures (Spearman's rho).

A module of its own: the sensitivity job reads the study's summaries and needs only pandas, not the
statistics (scipy) that make those summaries.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from winenet.studies.measures import MEASURES


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
            # pandas' Spearman: NaN where either ranking has no spread to correlate.
            rho = (
                rankings[a][common].corr(rankings[b][common], method="spearman")
                if len(common) > 1
                else np.nan
            )
            rows.append({"ranking_a": a, "ranking_b": b, "spearman": float(rho)})
    return pd.DataFrame(rows, columns=["ranking_a", "ranking_b", "spearman"])
