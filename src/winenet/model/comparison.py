"""The trained models side by side, from their metrics (no scikit-learn here: the compare job is light)."""

from __future__ import annotations

import pandas as pd


def comparison_table(metrics: dict[str, dict]) -> pd.DataFrame:
    """Models side by side: accuracy, macro and weighted F1, and per-class recall and AUC."""
    rows = []
    for model, entry in metrics.items():
        row = {
            "model": model,
            "penalty": entry["penalty"],
            "coefficient": entry["coefficient"],
            "status": entry.get("status", "ok"),
            "accuracy": entry["accuracy"],
            "macro_f1": entry["macro_avg"]["f1"],
            "weighted_f1": entry["weighted_avg"]["f1"],
        }
        for cls, scores in entry["classes"].items():
            row[f"recall_{cls}"] = scores["recall"]
            row[f"auc_{cls}"] = scores["roc_auc"]
        rows.append(row)
    return pd.DataFrame(rows)


def resolution_note(metrics: dict[str, dict]) -> str:
    """How much one validation row weighs in an accuracy, from the models' class supports."""
    rows = sum(int(scores["support"]) for scores in next(iter(metrics.values()))["classes"].values())
    return (
        f"The validation set has {rows} rows: one row is {100 / rows:.1f} accuracy points, the "
        "smallest difference these accuracies can show.\n"
    )
