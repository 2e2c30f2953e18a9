"""Claims judged from the importance study: which features rank on top, by the measures that discriminate.

The study's runs are independent trainings (each from its own seed), so tests over runs treat them
as independent; only runs that learned something are ranked, and the others are counted and named.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence

import numpy as np
import pandas as pd

from winenet.importance import MEASURES
from winenet.stats import concordance, holm_adjust, independent_interval, one_sided_p, within
from winenet.verdicts.evidence import Evidence, Judgement
from winenet.verdicts.text import number, probability, study_conditions


def rank_matrix(ranks: pd.DataFrame, measure: str) -> pd.DataFrame:
    """One measure's ranks as a table: a row per ranked run, a column per feature."""
    chosen = ranks[ranks["measure"] == measure]
    return chosen.pivot(index="run", columns="feature", values="rank").sort_index()


def _mean_rank(matrix: pd.DataFrame, feature: str) -> str:
    values = matrix[feature].to_numpy(dtype=np.float64)
    interval = within(independent_interval(values), ("ci_low", "ci_high"), 1.0, float(matrix.shape[1]))
    return (
        f"{feature} {number(interval['mean'], 1)} ({number(interval['ci_low'], 1)} to "
        f"{number(interval['ci_high'], 1)})"
    )


def measure_errors(matrix: pd.DataFrame, expected: Sequence[str]) -> tuple[float, float, str]:
    """One measure's errors on "``expected`` are the top features": (p_claim, p_contrary, the deciding pair).

    For each named feature e and each other feature o, the rank difference rank(o) - rank(e) over
    runs. The claim needs every difference positive (one-sided t-tests, all must pass: p_claim is
    the largest p); it fails when some o ranks above some e (Holm over the pairs: p_contrary is the
    smallest adjusted p).
    """
    others = [f for f in matrix.columns if f not in expected]
    pairs = [(e, o) for e in expected for o in others]
    differences = np.column_stack([matrix[o].to_numpy() - matrix[e].to_numpy() for e, o in pairs])
    above = one_sided_p(differences, "greater")
    below = holm_adjust(one_sided_p(differences, "less"))
    closest, worst = int(np.argmax(above)), int(np.argmin(below))
    if below[worst] < above[closest]:
        e, o = pairs[worst]
        gap = float(differences[:, worst].mean())
        reason = (
            f"{o} ranks above {e} by {number(-gap, 1)} ranks on average (Holm-adjusted p "
            f"{probability(below[worst])})"
        )
    else:
        e, o = pairs[closest]
        reason = f"closest: {e} above {o}, p {probability(above[closest])}"
    return float(above[closest]), float(below[worst]), reason


def judge_top_features(statement: Mapping, evidence: Evidence) -> list[Judgement]:
    """Are the named features the most important ones? By every measure that discriminates, over runs."""
    expected = list(statement["features"])
    measures = list(statement["measures"] or MEASURES)
    alpha, needed = evidence.alpha, float(evidence.settings["min_concordance"])
    rule = (
        f"per measure that discriminates (Friedman p below {alpha:g} and Kendall's W at least {needed:g} "
        "over runs; the others abstain): paired one-sided t-tests over runs that each named feature ranks "
        "above every other, all of them passing by every discriminating measure: holds; another above a "
        "named one (Holm over the pairs) by every discriminating measure: does not hold; Holm over the "
        "statement's rows"
    )
    judgements = []
    for normalisation in evidence.normalisations(statement):
        ranks = evidence.ranks[normalisation]
        ranked = int(ranks["run"].nunique())
        conditions = study_conditions(evidence, normalisation, ranked)
        judgement = Judgement(statement["text"], conditions, rule, "", normalisation)
        judgements.append(judgement)
        if ranked < 3:
            judgement.evidence = f"{ranked} ranked runs: too few to tell"
            judgement.verdict = "undecided"
            continue
        phrases, errors = [], []
        for measure in measures:
            matrix = rank_matrix(ranks, measure)
            agreement, p_value = concordance(matrix.to_numpy())
            order = matrix.mean().sort_values(kind="stable").index.tolist()
            shown = order[:3] + [f for f in expected if f not in order[:3]]
            ranked_features = ", ".join(_mean_rank(matrix, f) for f in shown)
            if p_value > alpha or agreement < needed:
                phrases.append(
                    f"by {measure} score: abstains, it does not discriminate (Kendall's W "
                    f"{number(agreement, 2)}, Friedman p {probability(p_value)}); {ranked_features}"
                )
                continue
            p_claim, p_contrary, reason = measure_errors(matrix, expected)
            errors.append((p_claim, p_contrary))
            phrases.append(
                f"by {measure} score (Kendall's W {number(agreement, 2)}): {ranked_features}; {reason}"
            )
        judgement.evidence = "mean rank (95 % interval of the mean) " + "; ".join(phrases)
        if not errors:
            judgement.verdict = "undecided"
            judgement.evidence += "; no measure discriminates"
            continue
        # Every discriminating measure must agree: an intersection-union test in each direction.
        judgement.p_claim = max(p for p, _ in errors)
        judgement.p_contrary = max(p for _, p in errors)
        sides = {p_claim < p_contrary for p_claim, p_contrary in errors}
        if len(sides) > 1:
            judgement.evidence += "; the discriminating measures point opposite ways"
    return judgements
