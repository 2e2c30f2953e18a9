"""Every declared claim judged, and the rows of each statement settled together (Holm within a statement)."""

from __future__ import annotations

import re
from collections.abc import Callable, Mapping, Sequence
from dataclasses import replace

import numpy as np
import pandas as pd

from winenet.claims import with_defaults
from winenet.stats import holm_adjust
from winenet.verdicts.evidence import VERDICTS, Evidence, Judgement
from winenet.verdicts.folds import judge_baselines, judge_comparison
from winenet.verdicts.normalisation import judge_normalisation
from winenet.verdicts.seeds import judge_accuracy, judge_overfitting, judge_volatility
from winenet.verdicts.study import judge_top_features
from winenet.verdicts.text import probability

COLUMNS = ["claim", "verdict", "evidence", "conditions", "rule"]
# The verdicts at a glance (the HTML report's landing page): each row's claim, what it covers, verdict.
GLANCE_COLUMNS = ["claim", "under", "verdict"]

JUDGES: dict[str, Callable[[Mapping, Evidence], list[Judgement]]] = {
    "accuracy": judge_accuracy,
    "comparison": judge_comparison,
    "baselines": judge_baselines,
    "overfitting": judge_overfitting,
    "volatility": judge_volatility,
    "top_features": judge_top_features,
    "normalisation": judge_normalisation,
}


def settle(judgements: Sequence[Judgement], alpha: float) -> list[Judgement]:
    """The verdicts of rows with p-values: Holm's step-down over the rows of the same statement.

    Each row enters with the smaller of its two directional errors, and a row that Holm rejects
    takes the direction of that smaller error: at most one direction can pass, so a row is wrong
    only when the truth lies on the other side. Statements are not corrected against each other,
    so adding a claim never changes another claim's verdict.
    """
    adjusted: dict[int, float] = {}
    family_size: dict[int, int] = {}
    for statement in dict.fromkeys(j.statement for j in judgements):
        pending = [i for i, j in enumerate(judgements) if j.statement == statement and j.verdict is None]
        errors = np.array([min(judgements[i].p_claim, judgements[i].p_contrary) for i in pending])
        if errors.size:
            adjusted.update(zip(pending, holm_adjust(np.clip(errors, 0.0, 1.0)), strict=True))
            family_size[statement] = errors.size
    settled = []
    for index, judgement in enumerate(judgements):
        if judgement.verdict is not None:
            settled.append(judgement)
            continue
        error = float(adjusted[index])
        if error <= alpha:
            verdict = "holds" if judgement.p_claim <= judgement.p_contrary else "does not hold"
        else:
            verdict = "undecided"
        rows = family_size[judgement.statement]
        over = f"Holm-adjusted over the statement's {rows} rows" if rows > 1 else "one row, nothing to adjust"
        evidence = (
            f"{judgement.evidence}; error {probability(error)} ({over}; a verdict needs at most {alpha:g})"
        )
        settled.append(replace(judgement, verdict=verdict, evidence=evidence))
    return settled


_NOT_A_NUMBER = re.compile(r"\b(nan|inf|-inf)\b", re.IGNORECASE)


def judge_claims(statements: Sequence[Mapping], evidence: Evidence) -> pd.DataFrame:
    """Every declared claim the run can judge, in the order declared: ``COLUMNS`` and ``under``.

    Statements marked ``reference_only`` are judged only when the input table is the report's data.
    """
    judgements = []
    for index, raw in enumerate(statements):
        statement = with_defaults(raw)
        if statement["reference_only"] and not evidence.is_reference_data:
            continue
        judgements += [replace(j, statement=index) for j in JUDGES[statement["kind"]](statement, evidence)]
    rows = [
        {column: getattr(judgement, column) for column in [*COLUMNS, "under"]}
        for judgement in settle(judgements, evidence.alpha)
    ]
    table = pd.DataFrame(rows, columns=[*COLUMNS, "under"])
    for row in rows:
        if row["verdict"] not in VERDICTS:
            raise ValueError(f"verdict {row['verdict']!r} is not one of {VERDICTS}")
        if any(_NOT_A_NUMBER.search(str(row[column])) for column in ("evidence", "conditions")):
            raise ValueError(f"the claim {row['claim']!r} would print a value that is not a number: {row}")
    return table
