"""Claims judged on the cross-validation folds: two models, or a network and the baselines, compared.

Every model is scored on the same folds under the same normalisation, so the folds pair up. Fold
accuracies share training rows: the corrected (Nadeau-Bengio) variance and the correlated Bayesian
t-test (Corani and Benavoli 2015) judge the mean difference against a margin that belongs to the
claim, in accuracy units, never derived from the folds.
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from dataclasses import dataclass

import numpy as np

from winenet.stats import corrected_paired_test, correlated_t_posterior, within
from winenet.summaries import fold_differences
from winenet.verdicts.evidence import Evidence, Judgement
from winenet.verdicts.text import fold_conditions, listed, number, probability, signed

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


def claim_margin(statement: Mapping, evidence: Evidence) -> float:
    """The accuracy difference the claim tolerates: its own ``margin``, or ``claims.margin``."""
    own = statement.get("margin")
    return float(evidence.settings["margin"] if own is None else own)


def _margin_phrase(statement: Mapping, margin: float) -> str:
    source = "the claim's own" if statement.get("margin") is not None else "claims.margin"
    return f"margin ±{margin:g} in accuracy ({source})"


@dataclass(frozen=True)
class Pair:
    """Model a minus model b on the same folds: the numbers every comparison verdict rests on."""

    a: str
    b: str
    folds: int
    mean: float
    low: float
    high: float
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
    """Model a against model b on the folds of one normalisation, with the posterior at ``margin``."""
    paired = fold_differences(evidence.per_fold, a, b, normalisation)
    difference = paired["difference"].to_numpy()
    n_train, n_test = float(paired["n_train"].mean()), float(paired["n_test"].mean())
    at_chance = {model: _chance_folds(evidence, model, normalisation) for model in (a, b)}
    accuracy = {model: _mean_accuracy(evidence, model, normalisation) for model in (a, b)}
    if np.isnan(difference).any():
        return Pair(a, b, len(difference), math.nan, math.nan, math.nan, {}, True, at_chance, accuracy)
    test = within(corrected_paired_test(difference, n_train, n_test), ("ci_low", "ci_high"), -1, 1)
    posterior = correlated_t_posterior(difference, n_train, n_test, margin)
    return Pair(
        a,
        b,
        len(difference),
        test["mean"],
        test["ci_low"],
        test["ci_high"],
        posterior,
        False,
        at_chance,
        accuracy,
    )


def _pair_phrase(pair: Pair) -> str:
    return (
        f"{pair.a} minus {pair.b}: {signed(pair.mean)} (corrected 95 % interval {signed(pair.low)} to "
        f"{signed(pair.high)})"
    )


def _chance_phrase(at_chance: Mapping[str, list[str]], total: int) -> str:
    """ "; plain at chance on 3 of 10 folds (repeat 0 fold 1, ...)" for each model that learned nothing."""
    parts = [
        f"{model} at chance on {len(folds)} of {total} folds ({listed(folds, 4)})"
        for model, folds in at_chance.items()
        if folds
    ]
    return "; " + "; ".join(parts) if parts else ""


def _nothing_learned(pair: Pair) -> bool:
    """Both models at chance on every fold: there is no accuracy to compare."""
    return all(len(folds) == pair.folds for folds in pair.at_chance.values())


def _comparison_rule(evidence: Evidence, relation: str, margin_text: str) -> str:
    threshold = float(evidence.settings["posterior_threshold"])
    claim = RELATIONS[relation].format(a="a", b="b", margin="the margin")
    return (
        f"correlated Bayesian t-test of a minus b on the same folds (Nadeau-Bengio variance), "
        f"{margin_text}: P({claim}) at least {threshold:g}, Holm-adjusted over the statement's rows: "
        f"holds; at most {1 - threshold:.2g}: does not hold"
    )


def judge_comparison(statement: Mapping, evidence: Evidence) -> list[Judgement]:
    """Model a against model b on the same folds and normalisation, per normalisation."""
    a, b, relation = statement["model_a"], statement["model_b"], statement["relation"]
    margin = claim_margin(statement, evidence)
    margin_text = _margin_phrase(statement, margin)
    judgements = []
    for normalisation in evidence.normalisations(statement):
        pair = make_pair(evidence, a, b, normalisation, margin)
        judgement = Judgement(
            statement["text"],
            fold_conditions(evidence, normalisation),
            _comparison_rule(evidence, relation, margin_text),
            "",
            normalisation,
        )
        judgements.append(judgement)
        if pair.diverged:
            judgement.evidence = f"a fold of {a} or {b} diverged: no paired comparison; {margin_text}"
            judgement.verdict = "undecided"
            continue
        if _nothing_learned(pair):
            judgement.evidence = (
                f"{a} and {b} both at chance on every one of {pair.folds} folds: neither learned anything, "
                f"so there is no accuracy to compare; {margin_text}"
            )
            judgement.verdict = "undecided"
            continue
        probability_claim = claim_probability(relation, pair.posterior)
        judgement.evidence = (
            f"{_pair_phrase(pair)} over {pair.folds} folds; mean accuracy {a} {number(pair.accuracy[a])}, "
            f"{b} {number(pair.accuracy[b])}; "
            f"P({RELATIONS[relation].format(a=a, b=b, margin=f'{margin:g}')}) "
            f"{probability(probability_claim)}; {margin_text}{_chance_phrase(pair.at_chance, pair.folds)}"
        )
        judgement.p_claim, judgement.p_contrary = 1.0 - probability_claim, probability_claim
    return judgements


def judge_baselines(statement: Mapping, evidence: Evidence) -> list[Judgement]:
    """Each network against every baseline under the same normalisation: one row per network."""
    relation = statement["relation"]
    margin = claim_margin(statement, evidence)
    margin_text = _margin_phrase(statement, margin)
    networks = statement["networks"] or list(evidence.networks)
    judgements = []
    for normalisation in evidence.normalisations(statement):
        present = evidence.per_fold.loc[evidence.per_fold["normalisation"] == normalisation, "model"]
        baselines = [m for m in dict.fromkeys(present) if m not in evidence.networks]
        for network in networks:
            conditions = f"network {network} against {listed(baselines)}, " + fold_conditions(
                evidence, normalisation, "every model"
            )
            rule = _comparison_rule(evidence, relation, margin_text)
            judgement = Judgement(statement["text"], conditions, rule, "", f"{network}, {normalisation}")
            judgements.append(judgement)
            pairs = [make_pair(evidence, network, baseline, normalisation, margin) for baseline in baselines]
            if not pairs or any(pair.diverged for pair in pairs):
                judgement.evidence = (
                    f"a fold diverged or no baseline was scored: no comparison; {margin_text}"
                )
                judgement.verdict = "undecided"
                continue
            probabilities = [claim_probability(relation, pair.posterior) for pair in pairs]
            accuracies = ", ".join(f"{pair.b} {number(pair.accuracy[pair.b])}" for pair in pairs)
            judgement.evidence = (
                f"mean accuracy over {pairs[0].folds} folds: {network} {number(pairs[0].accuracy[network])}; "
                f"{accuracies}; "
            )
            judgement.evidence += "; ".join(
                f"{_pair_phrase(pair)}, "
                f"P({RELATIONS[relation].format(a=pair.a, b=pair.b, margin=f'{margin:g}')}) "
                f"{probability(p)}"
                for pair, p in zip(pairs, probabilities, strict=True)
            )
            at_chance = {model: folds for pair in pairs for model, folds in pair.at_chance.items()}
            judgement.evidence += f"; {margin_text}{_chance_phrase(at_chance, pairs[0].folds)}"
            # The claim is about every baseline: it holds only if it holds against each one (an
            # intersection-union test). It fails if it fails against any one, a union over the
            # baselines: Bonferroni within the row.
            judgement.p_claim = 1.0 - min(probabilities)
            judgement.p_contrary = min(1.0, len(pairs) * min(probabilities))
    return judgements
