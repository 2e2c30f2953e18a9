"""Claims judged on the cross-validation folds: two models, or a network and the baselines, compared.

Every model is scored on the same folds under the same normalisation, so the folds pair up. Fold
accuracies share training rows: the corrected (Nadeau-Bengio) variance and the correlated Bayesian
t-test (Corani and Benavoli 2015) judge the mean difference against a margin that belongs to the
claim, in accuracy units, never derived from the folds. The standard error never falls below what a
difference at the margin varies by over the table's rows (``stats.row_floor``): folds without spread
are no certainty.
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from dataclasses import dataclass

import numpy as np

from winenet.studies.folds import fold_differences
from winenet.studies.stats import corrected_paired_test, correlated_t_posterior, row_floor, within
from winenet.verdicts.evidence import Evidence, Judgement, region
from winenet.verdicts.text import fold_conditions, listed

# What each relation claims of a minus b.
RELATIONS = {
    "better": "{a} better than {b} by more than {margin}",
    "not_worse": "{a} not worse than {b} by more than {margin}",
    "not_better": "{a} not better than {b} by more than {margin}",
    "equivalent": "{a} within {margin} of {b}",
}


def claim_probability(relation: str, posterior: Mapping) -> float:
    """P(claim) from the posterior of a minus b (``correlated_t_posterior``); the contrary has the rest."""
    a, equal, b = posterior["p_a_better"], posterior["p_equivalent"], posterior["p_b_better"]
    return {"better": a, "not_worse": a + equal, "not_better": equal + b, "equivalent": equal}[relation]


def contrary_error(relation: str, posterior: Mapping) -> float:
    """The error of saying the claim does not hold, from the posterior of a minus b.

    For a one-sided relation it is P(claim), the contrary's complement. Equivalence fails when a - b
    lies above the margin or below it: each side is a one-sided test, Bonferroni over the two. The
    posterior mass inside a margin narrower than the evidence's spread is small even when the truth
    lies inside, so it cannot show the contrary.
    """
    if relation != "equivalent":
        return claim_probability(relation, posterior)
    above, below = posterior["p_a_better"], posterior["p_b_better"]
    return min(1.0, 2 * min(1.0 - above, 1.0 - below))


def claim_margin(statement: Mapping, evidence: Evidence) -> tuple[float, str]:
    """The accuracy difference the claim tolerates, and where it comes from: its own, or ``claims.margin``."""
    own = statement.get("margin")
    if own is None:
        return float(evidence.settings["margin"]), "claims.margin"
    return float(own), "the claim's own"


def claim_region(relation: str, margin: float) -> dict:
    """The region of a minus b where the claim holds, as fields."""
    return {
        "better": region(low=margin),
        "not_worse": region(low=-margin),
        "not_better": region(high=margin),
        "equivalent": region(-margin, margin),
    }[relation]


@dataclass(frozen=True)
class Pair:
    """Model a minus model b on the same folds: the numbers every comparison verdict rests on."""

    a: str
    b: str
    folds: int
    mean: float
    low: float
    high: float
    confidence: float
    posterior: Mapping
    diverged: bool
    # Per model: the folds it learned nothing on, as "repeat r fold f".
    at_chance: Mapping[str, list[str]]
    accuracy: Mapping[str, float]  # per model: its mean accuracy over the folds


def _chance_folds(evidence: Evidence, model: str, normalisation: str) -> list[str]:
    rows = evidence.per_fold[
        (evidence.per_fold["model"] == model)
        & (evidence.per_fold["normalisation"] == normalisation)
        & (evidence.per_fold["status"] == "chance")
    ]
    return [f"repeat {r.repeat} fold {r.fold}" for r in rows.itertuples()]


def _mean_accuracy(evidence: Evidence, model: str, normalisation: str) -> float:
    chosen = evidence.per_fold[
        (evidence.per_fold["model"] == model) & (evidence.per_fold["normalisation"] == normalisation)
    ]
    return float(chosen["accuracy"].mean())


def make_pair(evidence: Evidence, a: str, b: str, normalisation: str, margin: float) -> Pair:
    """Model a against model b on the folds of one normalisation, with the posterior at ``margin``.

    The interval has each end at the verdict's error (1 - 2 alpha in all): a one-sided claim's
    posterior reaches its threshold exactly when the interval's end on that side clears the margin.
    """
    paired = fold_differences(evidence.per_fold, a, b, normalisation)
    difference = paired["difference"].to_numpy()
    n_train, n_test = float(paired["n_train"].mean()), float(paired["n_test"].mean())
    at_chance = {model: _chance_folds(evidence, model, normalisation) for model in (a, b)}
    accuracy = {model: _mean_accuracy(evidence, model, normalisation) for model in (a, b)}
    confidence = 1 - 2 * evidence.alpha
    if np.isnan(difference).any():
        return Pair(
            a, b, len(difference), math.nan, math.nan, math.nan, confidence, {}, True, at_chance, accuracy
        )
    # Every repeat covers the same rows: a fold's training and test rows together are the table's.
    floor = row_floor(margin, n_train + n_test)
    test = within(
        corrected_paired_test(difference, n_train, n_test, confidence, floor_se=floor),
        ("ci_low", "ci_high"),
        -1,
        1,
    )
    posterior = correlated_t_posterior(difference, n_train, n_test, margin, floor_se=floor)
    return Pair(
        a,
        b,
        len(difference),
        test["mean"],
        test["ci_low"],
        test["ci_high"],
        confidence,
        posterior,
        False,
        at_chance,
        accuracy,
    )


def _pair_fields(pair: Pair) -> dict:
    """The difference a minus b with its interval, and each side's mean accuracy, as fields."""
    return {
        "estimate": pair.mean,
        "ci_low": pair.low,
        "ci_high": pair.high,
        "confidence": pair.confidence,
        "interval": "Nadeau-Bengio corrected t",
        "side_a": pair.a,
        "value_a": pair.accuracy[pair.a],
        "side_b": pair.b,
        "value_b": pair.accuracy[pair.b],
    }


def _chance_fields(at_chance: Mapping[str, list[str]], total: int) -> dict:
    """How many folds the models learned nothing on, and which, as fields."""
    named = [
        f"{model} at chance on {len(folds)} of {total} folds ({listed(folds, 4)})"
        for model, folds in at_chance.items()
        if folds
    ]
    fields = {"at_chance": sum(len(folds) for folds in at_chance.values())}
    if named:
        fields["runs_named"] = "; ".join(named) + ": they count with their accuracy"
    return fields


def _nothing_learned(pair: Pair) -> bool:
    """Both models at chance on every fold: there is no accuracy to compare."""
    return all(len(folds) == pair.folds for folds in pair.at_chance.values())


def _comparison_rule(evidence: Evidence, relation: str, margin: float, margin_from: str) -> str:
    threshold = float(evidence.settings["posterior_threshold"])
    claim = RELATIONS[relation].format(a="a", b="b", margin="the margin")
    return (
        f"correlated Bayesian t-test of a minus b on the same folds (Nadeau-Bengio variance, its standard "
        f"error at least that of a difference at the margin over the table's rows), margin ±{margin:g} in "
        f"accuracy ({margin_from}): P({claim}) at least {threshold:g}, Holm-adjusted over the statement's "
        f"rows: holds; "
        + (
            f"P(a - b above the margin) or P(below minus the margin) at least {1 - (1 - threshold) / 2:g}: "
            "does not hold"
            if relation == "equivalent"
            else f"at most {1 - threshold:.2g}: does not hold"
        )
    )


def _common_fields(relation: str, margin: float, margin_from: str, folds: int) -> dict:
    return {
        **claim_region(relation, margin),
        "margin": margin,
        "margin_from": margin_from,
        "test": "correlated Bayesian t-test",
        "statistic_name": "P(claim)",
        "sample": folds,
        "sample_unit": "folds",
    }


def judge_comparison(statement: Mapping, evidence: Evidence) -> list[Judgement]:
    """Model a against model b on the same folds and normalisation, per normalisation."""
    a, b, relation = statement["model_a"], statement["model_b"], statement["relation"]
    margin, margin_from = claim_margin(statement, evidence)
    rule = _comparison_rule(evidence, relation, margin, margin_from)
    judgements = []
    for normalisation in evidence.normalisations(statement):
        pair = make_pair(evidence, a, b, normalisation, margin)
        fields = {
            "models": f"{a}, {b}",
            "normalisation": normalisation,
            "quantity": f"mean accuracy difference over folds, {a} minus {b}",
            **_common_fields(relation, margin, margin_from, pair.folds),
            **_chance_fields(pair.at_chance, pair.folds),
        }
        conditions = fold_conditions(evidence, normalisation)
        judgement = Judgement(statement["text"], "comparison", conditions, rule, normalisation, fields)
        judgements.append(judgement)
        if pair.diverged:
            fields["diverged"] = 1
            judgement.undecided(f"a fold of {a} or {b} diverged: no paired comparison")
            continue
        if _nothing_learned(pair):
            judgement.undecided(
                f"{a} and {b} both at chance on every fold: neither learned anything, so there is no "
                "accuracy to compare"
            )
            continue
        probability_claim = claim_probability(relation, pair.posterior)
        fields |= _pair_fields(pair) | {"statistic": probability_claim}
        judgement.decide_by_tests(1.0 - probability_claim, contrary_error(relation, pair.posterior))
    return judgements


def judge_baselines(statement: Mapping, evidence: Evidence) -> list[Judgement]:
    """Each network against every baseline under the same normalisation: one row per network.

    The row's numbers are those of the least favourable baseline (the lowest P(claim)), which
    decides; beyond/paired_differences.csv has every pair.
    """
    relation = statement["relation"]
    margin, margin_from = claim_margin(statement, evidence)
    rule = _comparison_rule(evidence, relation, margin, margin_from) + (
        "; against every baseline (intersection-union) for holds, against any (Bonferroni within the "
        "row) for does not hold; the row shows the least favourable baseline"
    )
    networks = statement["networks"] or list(evidence.networks)
    judgements = []
    for normalisation in evidence.normalisations(statement):
        present = evidence.per_fold.loc[evidence.per_fold["normalisation"] == normalisation, "model"]
        baselines = [m for m in dict.fromkeys(present) if m not in evidence.networks]
        for network in networks:
            conditions = f"network {network} against {listed(baselines)}, " + fold_conditions(
                evidence, normalisation, "every model"
            )
            pairs = [make_pair(evidence, network, baseline, normalisation, margin) for baseline in baselines]
            folds = pairs[0].folds if pairs else 0
            fields = {
                "models": ", ".join([network, *baselines]),
                "normalisation": normalisation,
                "quantity": (
                    f"mean accuracy difference over folds, {network} minus its least favourable baseline"
                ),
                **_common_fields(relation, margin, margin_from, folds),
            }
            under = f"{network}, {normalisation}"
            judgement = Judgement(statement["text"], "baselines", conditions, rule, under, fields)
            judgements.append(judgement)
            if not pairs or any(pair.diverged for pair in pairs):
                fields["diverged"] = int(any(pair.diverged for pair in pairs))
                judgement.undecided("a fold diverged or no baseline was scored: no comparison")
                continue
            probabilities = [claim_probability(relation, pair.posterior) for pair in pairs]
            deciding = int(np.argmin(probabilities))
            at_chance = {model: folds for pair in pairs for model, folds in pair.at_chance.items()}
            fields |= _pair_fields(pairs[deciding]) | _chance_fields(at_chance, folds)
            fields["statistic"] = probabilities[deciding]
            # The claim is about every baseline: it holds only if it holds against each one (an
            # intersection-union test). It fails if it fails against any one, a union over the
            # baselines: Bonferroni within the row.
            contrary = min(contrary_error(relation, pair.posterior) for pair in pairs)
            judgement.decide_by_tests(1.0 - min(probabilities), min(1.0, len(pairs) * contrary))
    return judgements
