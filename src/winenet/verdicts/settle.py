"""Every declared claim judged, and the rows of each statement settled together (Holm within a statement)."""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable, Mapping, Sequence
from dataclasses import replace

import numpy as np
import pandas as pd

from winenet.studies.stats import holm_adjust
from winenet.verdicts.claims import with_defaults
from winenet.verdicts.columns import claims_frame
from winenet.verdicts.evidence import VERDICTS, Evidence, Judgement
from winenet.verdicts.folds import judge_baselines, judge_comparison
from winenet.verdicts.normalisation import judge_normalisation
from winenet.verdicts.render import render_evidence
from winenet.verdicts.seeds import judge_accuracy, judge_overfitting, judge_volatility
from winenet.verdicts.study import judge_top_features

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
    so adding a claim never changes another claim's verdict. The adjusted error is the row's
    ``error`` field.
    """
    adjusted: dict[int, float] = {}
    for statement in dict.fromkeys(j.statement for j in judgements):
        pending = [i for i, j in enumerate(judgements) if j.statement == statement and j.verdict is None]
        errors = np.array([min(judgements[i].p_claim, judgements[i].p_contrary) for i in pending])
        if errors.size:
            adjusted.update(zip(pending, holm_adjust(np.clip(errors, 0.0, 1.0)), strict=True))
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
        fields = {
            **judgement.fields,
            "p_claim": judgement.p_claim,
            "p_contrary": judgement.p_contrary,
            "error": error,
        }
        settled.append(replace(judgement, verdict=verdict, fields=fields))
    return settled


def _row_ids(judgements: Sequence[Judgement]) -> list[str]:
    """The statement's number (from 1), and ``.k`` when the statement has several rows."""
    counts = Counter(j.statement for j in judgements)
    seen: Counter = Counter()
    ids = []
    for judgement in judgements:
        seen[judgement.statement] += 1
        number = judgement.statement + 1
        ids.append(
            f"{number}.{seen[judgement.statement]}" if counts[judgement.statement] > 1 else str(number)
        )
    return ids


def judge_claims(statements: Sequence[Mapping], evidence: Evidence) -> pd.DataFrame:
    """Every declared claim the run can judge, in the order declared: a row of ``COLUMNS`` each.

    Statements marked ``reference_only`` are judged only when the input table is the report's data.
    """
    judgements = []
    for index, raw in enumerate(statements):
        statement = with_defaults(raw)
        if statement["reference_only"] and not evidence.is_reference_data:
            continue
        judgements += [replace(j, statement=index) for j in JUDGES[statement["kind"]](statement, evidence)]
    settled = settle(judgements, evidence.alpha)
    rows = []
    for row_id, judgement in zip(_row_ids(settled), settled, strict=True):
        if judgement.verdict not in VERDICTS:
            raise ValueError(f"verdict {judgement.verdict!r} is not one of {VERDICTS}")
        row = {
            **judgement.fields,
            "id": row_id,
            "statement": judgement.statement + 1,
            "claim": judgement.claim,
            "kind": judgement.kind,
            "under": judgement.under,
            "verdict": judgement.verdict,
            "alpha": evidence.alpha,
            "conditions": judgement.conditions,
            "rule": judgement.rule,
        }
        row["evidence"] = render_evidence(row)
        rows.append(row)
    return claims_frame(rows)
