"""Numbers and settings as the claims table prints them: never NaN or infinite, and rounded once, here."""

from __future__ import annotations

import math
from collections.abc import Sequence

import pandas as pd

from winenet.verdicts.evidence import Evidence


def number(value: float, digits: int = 3) -> str:
    """``value`` with ``digits`` decimals; a value that is not finite is refused, the rule must say why."""
    value = float(value)
    if not math.isfinite(value):
        raise ValueError(f"a claim's evidence was about to print {value}; the rule must say why instead")
    return f"{value:.{digits}f}"


def signed(value: float, digits: int = 3) -> str:
    """A difference with its sign; one that rounds to zero is printed without one."""
    text = number(value, digits)
    return number(0.0, digits) if float(text) == 0 else f"{float(value):+.{digits}f}"


def probability(value: float) -> str:
    """A probability or p-value, "< 0.001" below what three decimals show."""
    return "< 0.001" if value < 0.0005 else number(value, 3)


def listed(values: Sequence, limit: int | None = None) -> str:
    """Values joined by commas, the first ``limit`` of them and "..." after."""
    values = list(values)
    shown = values if limit is None else values[:limit]
    return ", ".join(str(v) for v in shown) + (" ..." if len(shown) < len(values) else "")


def seed_conditions(evidence: Evidence, models: Sequence[str]) -> str:
    """The settings a seed-study claim was measured under."""
    design, training = evidence.design, evidence.design["training"]
    split = design["split"]
    return (
        f"{' and '.join(models)}, {design['normalisations'][0]} normalisation; the split test_size "
        f"{split['test_size']:g}, random_state {split['random_state']} ({evidence.validation_rows} "
        f"validation rows); {design['seeds']['count']} seeds of {training['epochs']} epochs, learning rate "
        f"{training['learning_rate']:g}, batch size {training['batch_size']}"
    )


def fold_conditions(evidence: Evidence, normalisation: str, sides: str = "both sides") -> str:
    """The settings a comparison on the cross-validation folds was measured under."""
    folds, training = evidence.design["cross_validation"], evidence.design["training"]
    return (
        f"{normalisation} normalisation for {sides}; {folds['folds']} folds x {folds['repeats']} "
        f"repeats of stratified cross-validation, {training['epochs']} epochs per network"
    )


def left_out_runs(scores: pd.DataFrame) -> str:
    """The study's runs that diverged or stayed at chance, counted and named; "" when none did."""
    statuses = scores.drop_duplicates("run").set_index("run")["status"]
    parts = []
    for status, label in (("diverged", "diverged"), ("chance", "at chance")):
        named = statuses.index[statuses == status].tolist()
        if named:
            parts.append(f"{len(named)} {label} (runs {listed(named, 10)})")
    return "; ".join(parts)


def study_conditions(evidence: Evidence, normalisation: str, ranked: int) -> str:
    """The settings an importance-study claim was measured under, with the runs left out."""
    study = evidence.design["importance"]
    runs = evidence.design["study_runs"][normalisation]
    scores = evidence.scores[normalisation]
    on_splits = ""
    if normalisation in evidence.split_scores:
        splits = study["splits"]
        on_splits = (
            f" on {splits['count']} splits of the table: the report's ({runs} runs) and "
            f"{splits['count'] - 1} more ({splits['runs']} runs each)"
        )
        runs += (splits["count"] - 1) * splits["runs"]
        scores = pd.concat([scores, evidence.split_scores[normalisation]], ignore_index=True)
    text = (
        f"{normalisation} normalisation; {ranked} of {runs} runs of the importance study ranked{on_splits} "
        f"({study['epochs']} epochs, {study['penalty']} penalty {study['coefficient']:g})"
    )
    left_out = left_out_runs(scores)
    return f"{text}; left out: {left_out}" if left_out else text
