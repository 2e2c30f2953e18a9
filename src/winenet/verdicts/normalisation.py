"""Claims about what a normalisation does: a common range for the features, and an equal influence.

Each is judged by what the normalisation leaves, never by what it is defined to do: the spread of
the normalised training features where the method does not fix it, and how evenly the features
influence the trained networks of the importance study, against equality within the claim's margin.
"""

from __future__ import annotations

import math
from collections.abc import Mapping

import numpy as np
import pandas as pd

from winenet.studies.stats import bootstrap_interval, independent_interval, one_sided_p
from winenet.verdicts.claims import RAW, SPREAD_BY_DEFINITION
from winenet.verdicts.evidence import Evidence, Judgement, interval_fields, region, status_fields
from winenet.verdicts.seeds import by_interval, ratio_margin
from winenet.verdicts.text import listed


def range_normalisations(statement: Mapping, normalisations) -> list[str]:
    """The normalisations a common-range claim is judged under: not raw features, not a definition."""
    chosen = [statement["normalisation"]] if statement.get("normalisation") else list(normalisations)
    return [m for m in chosen if m != RAW and m not in SPREAD_BY_DEFINITION]


def influence_normalisations(statement: Mapping, normalisations) -> list[str]:
    """The normalisations an equal-influence claim is judged under: every one but the raw features."""
    chosen = [statement["normalisation"]] if statement.get("normalisation") else list(normalisations)
    return [m for m in chosen if m != RAW]


def _spread_ratio(*columns, axis=-1):
    deviations = np.stack([column.std(axis=axis, ddof=1) for column in columns])
    return deviations.max(axis=0) / deviations.min(axis=0)


def judge_common_range(statement: Mapping, evidence: Evidence) -> list[Judgement]:
    """Do the normalised training features share a common spread, within the claim's factor?"""
    own = statement.get("factor")
    factor = float(own or evidence.settings["range_factor"])
    names = list(evidence.table["features"])
    chosen = range_normalisations(statement, evidence.design["normalisations"])
    confidence = 1.0 - evidence.alpha / max(len(chosen), 1)
    left_alone = ", ".join(f"{m} ({why})" for m, why in SPREAD_BY_DEFINITION.items())
    rule = (
        "the standard deviation of each normalised feature over the training rows, largest over smallest, "
        f"with its BCa interval over the rows (at {100 * confidence:.4g} %: Bonferroni over the statement's "
        f"rows): below {factor:g} (the claim's factor): holds; above it: does not hold. Not judged: raw "
        f"features, and {left_alone}"
    )
    split = evidence.design["split"]
    judgements = []
    for normalisation in chosen:
        train = evidence.features[normalisation]
        conditions = (
            f"{normalisation} normalisation fitted on the {len(train)} training rows of the split test_size "
            f"{split['test_size']:g}, random_state {split['random_state']}"
        )
        values = train[names].to_numpy(dtype=np.float64)
        deviations = pd.Series(values.std(axis=0, ddof=1), index=names)
        largest, smallest = deviations.idxmax(), deviations.idxmin()
        fields = {
            "normalisation": normalisation,
            "quantity": "standard deviation of the normalised training features, largest over smallest",
            **region(high=factor),
            "margin": factor,
            "margin_from": "the claim's own factor" if own else "claims.range_factor",
            "test": "BCa interval of the ratio against the factor",
            "sample": len(train),
            "sample_unit": "training rows",
            "side_a": largest,
            "value_a": float(deviations[largest]),
            "side_b": smallest,
            "value_b": float(deviations[smallest]),
        }
        judgement = Judgement(statement["text"], "normalisation", conditions, rule, normalisation, fields)
        judgements.append(judgement)
        if deviations[smallest] == 0:
            judgement.undecided(f"{smallest} is constant over the training rows, so there is no ratio")
            continue
        interval = bootstrap_interval(list(values.T), _spread_ratio, paired=True, confidence=confidence)
        if interval is None:
            judgement.undecided("the ratio has no interval: a feature is constant in some resamples")
            continue
        fields |= interval_fields(interval)
        judgement.verdict = by_interval(interval, -math.inf, factor)
    return judgements


def effective_features(scores: np.ndarray) -> np.ndarray:
    """Per run ``(R,)``: how many features the model relies on, from permutation scores ``(R, features)``.

    (Σp)² / Σp² over the positive importances p: 1 when one feature carries all the influence, the
    feature count when every feature carries the same; NaN for a run no feature's shuffling hurts.
    """
    positive = np.clip(np.asarray(scores, dtype=np.float64), 0.0, None)
    total, squares = positive.sum(axis=-1), np.square(positive).sum(axis=-1)
    with np.errstate(invalid="ignore", divide="ignore"):
        return np.where(total > 0, np.square(total) / squares, np.nan)


def _usable_scores(scores: pd.DataFrame) -> pd.DataFrame:
    """The permutation scores of the runs that learned: a row per run, a column per feature."""
    usable = scores[scores["status"] == "ok"]
    features = list(dict.fromkeys(scores["feature"]))
    table = usable.pivot(index="run", columns="feature", values="permutation_score")
    return table.reindex(columns=features).sort_index()


def judge_equal_influence(statement: Mapping, evidence: Evidence) -> list[Judgement]:
    """Do the features influence the model equally, within the claim's margin, run by run?"""
    margin, margin_from = ratio_margin(statement, evidence)
    bound = -math.log1p(margin)
    confidence = 1 - 2 * evidence.alpha
    rule = (
        "per run of the importance study, the evenness of the features' influence: the number of features "
        "the model relies on, (Σp)²/Σp² over the features' positive permutation importances p, over the "
        "feature count (1 when every feature carries the same, 1/count when one carries it all); one-sided "
        f"t-tests over runs of its log against equality within the margin, log 1/(1 + {margin:g}) "
        f"({margin_from}): above: holds; below: does not hold; Holm over the statement's rows"
    )
    judgements = []
    for normalisation in influence_normalisations(statement, evidence.design["normalisations"]):
        scores = evidence.scores[normalisation]
        learned = _usable_scores(scores)
        count = learned.shape[1]
        effective = pd.Series(effective_features(learned.to_numpy()), index=learned.index)
        # Runs that learned but whose every feature's shuffling left the accuracy as it was: no
        # influence to share out, so no evenness; named, and left out.
        no_influence = effective.index[effective.isna()].tolist()
        effective = effective.dropna()
        conditions = (
            f"{normalisation} normalisation; {len(learned)} of {scores['run'].nunique()} runs of the "
            f"importance study learned, {count} features"
        )
        fields = {
            "normalisation": normalisation,
            "quantity": "effective number of features the model relies on over the feature count, per run",
            **region(low=1 / (1 + margin)),
            "margin": margin,
            "margin_from": margin_from,
            "test": "one-sided t-tests over runs of the log evenness against the margin",
            "statistic_name": "t over runs",
            "sample": len(effective),
            "sample_unit": "runs that learned, with influence",
            "side_a": normalisation,
            "side_b": "every feature alike",
            "value_b": float(count),
        }
        named = [status_fields(scores, "runs").get("runs_named")]
        if no_influence:
            named.append(
                f"{len(no_influence)} where no feature's shuffling costs accuracy "
                f"(runs {listed(no_influence, 10)})"
            )
        if any(named):
            fields["runs_named"] = "; ".join(filter(None, named)) + ": left out"
        judgement = Judgement(statement["text"], "normalisation", conditions, rule, normalisation, fields)
        judgements.append(judgement)
        if len(effective) < 3:
            judgement.undecided(
                f"too few runs learned under {normalisation}, with some feature whose shuffling costs "
                "accuracy, to judge the features' influence (at least 3)"
            )
            continue
        logs = np.log(effective.to_numpy() / count)
        interval = independent_interval(logs, confidence)
        fields |= {
            "estimate": math.exp(interval["mean"]),
            "ci_low": math.exp(interval["ci_low"]),
            "ci_high": math.exp(interval["ci_high"]),
            "confidence": confidence,
            "interval": "t over runs of the log evenness",
            "value_a": float(np.exp(np.log(effective).mean())),
        }
        if interval["se"] > 0:
            fields["statistic"] = (interval["mean"] - bound) / interval["se"]
        judgement.decide_by_tests(
            float(one_sided_p(logs - bound, "greater")), float(one_sided_p(logs - bound, "less"))
        )
    return judgements


def judge_normalisation(statement: Mapping, evidence: Evidence) -> list[Judgement]:
    """A normalisation claim by its effect: a common range, or an equal influence of the features."""
    if statement["effect"] == "common_range":
        return judge_common_range(statement, evidence)
    return judge_equal_influence(statement, evidence)
