"""Claims about what a normalisation does: a common range for the features, and a more equal influence.

Each is judged by what the normalisation changes, never by what it is defined to do: the spread of
the normalised training features where the method does not fix it, and the features' influence
on the trained networks against the same study on the raw features (``none``), run by run.
"""

from __future__ import annotations

import math
from collections.abc import Mapping

import numpy as np
import pandas as pd

from winenet.claims import RAW, SPREAD_BY_DEFINITION
from winenet.stats import bootstrap_interval, independent_interval, one_sided_p
from winenet.verdicts.evidence import Evidence, Judgement
from winenet.verdicts.seeds import by_interval
from winenet.verdicts.text import interval_phrase, left_out_runs, number, probability, share


def range_normalisations(statement: Mapping, normalisations) -> list[str]:
    """The normalisations a common-range claim is judged under: not raw features, not a definition."""
    chosen = [statement["normalisation"]] if statement.get("normalisation") else list(normalisations)
    return [m for m in chosen if m != RAW and m not in SPREAD_BY_DEFINITION]


def influence_normalisations(statement: Mapping, normalisations) -> list[str]:
    """The normalisations an equal-influence claim compares with the raw features."""
    chosen = [statement["normalisation"]] if statement.get("normalisation") else list(normalisations)
    return [m for m in chosen if m != RAW]


def _spread_ratio(*columns, axis=-1):
    deviations = np.stack([column.std(axis=axis, ddof=1) for column in columns])
    return deviations.max(axis=0) / deviations.min(axis=0)


def judge_common_range(statement: Mapping, evidence: Evidence) -> list[Judgement]:
    """Do the normalised training features share a common spread, within the claim's factor?"""
    factor = float(statement.get("factor") or evidence.settings["range_factor"])
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
        judgement = Judgement(statement["text"], conditions, rule, "", normalisation)
        judgements.append(judgement)
        values = train[names].to_numpy(dtype=np.float64)
        deviations = pd.Series(values.std(axis=0, ddof=1), index=names)
        largest, smallest = deviations.idxmax(), deviations.idxmin()
        described = (
            f"standard deviation of each normalised training feature over {len(train)} rows: largest "
            f"{largest} {deviations[largest]:.3g}, smallest {smallest} {deviations[smallest]:.3g}"
        )
        if deviations[smallest] == 0:
            judgement.evidence = f"{described}: {smallest} is constant over the training rows, so no ratio"
            judgement.verdict = "undecided"
            continue
        interval = bootstrap_interval(list(values.T), _spread_ratio, paired=True, confidence=confidence)
        if interval is None:
            judgement.evidence = (
                f"{described}; the ratio has no interval: a feature is constant in some resamples"
            )
            judgement.verdict = "undecided"
            continue
        judgement.evidence = (
            f"{described}; largest over smallest {number(interval.estimate, 2)} "
            f"({interval_phrase(interval, 2)}); a common range means below {factor:g}"
        )
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


def _runs_learned(count: int) -> str:
    return {0: "no run learned", 1: "only 1 run learned"}.get(count, f"only {count} runs learned")


def judge_equal_influence(statement: Mapping, evidence: Evidence) -> list[Judgement]:
    """Do the features influence the model more equally than on raw features, run by run?"""
    margin = float(evidence.settings["ratio_margin"])
    bound = math.log1p(margin)
    rule = (
        "per run of the importance study, the number of features the model relies on, (Σp)²/Σp² over the "
        "features' positive permutation importances p (1 when one feature carries it all, the feature "
        "count when all carry it alike), against the same run (same seed) of the study on raw features "
        f"(none); one-sided t-tests over runs of the log ratio: above log {1 + margin:g} "
        f"(claims.ratio_margin {margin:g}): holds; below: does not hold; Holm over the statement's rows"
    )
    raw_scores = evidence.scores[RAW]
    raw = _usable_scores(raw_scores)
    judgements = []
    for normalisation in influence_normalisations(statement, evidence.design["normalisations"]):
        scores = evidence.scores[normalisation]
        normalised = _usable_scores(scores)
        runs = normalised.index.intersection(raw.index)
        conditions = (
            f"{normalisation} against raw features, runs paired by seed; {normalisation}: "
            f"{len(normalised)} of {scores['run'].nunique()} runs learned; raw features: {len(raw)} of "
            f"{raw_scores['run'].nunique()} runs learned"
        )
        judgement = Judgement(statement["text"], conditions, rule, "", normalisation)
        judgements.append(judgement)
        both = pd.DataFrame(
            {
                "normalised": effective_features(normalised.loc[runs].to_numpy()),
                "raw": effective_features(raw.loc[runs, normalised.columns].to_numpy()),
            },
            index=runs,
        ).dropna()
        if len(both) < 3:
            why = []
            for name, table in ((normalisation, scores), ("raw features", raw_scores)):
                left_out = left_out_runs(table)
                if left_out:
                    why.append(f"{name}: {left_out}")
            judgement.evidence = (
                f"{_runs_learned(len(both))}, with some feature whose shuffling costs accuracy, under both "
                f"{normalisation} and raw features: too few to compare the features' influence "
                f"(left out: {'; '.join(why) or 'none, but no feature mattered'})"
            )
            judgement.verdict = "undecided"
            continue
        logs = np.log(both)
        ratio = (logs["normalised"] - logs["raw"]).to_numpy()
        interval = independent_interval(ratio)
        p_claim = float(one_sided_p(ratio - bound, "greater"))
        low, middle, high = (math.exp(interval[key]) for key in ("ci_low", "mean", "ci_high"))
        judgement.evidence = (
            f"features the model relies on, geometric mean over {share(len(both), len(runs))} paired runs "
            f"with influence under both: {normalisation} {number(math.exp(logs['normalised'].mean()), 2)}, "
            f"raw features {number(math.exp(logs['raw'].mean()), 2)}; ratio {number(middle, 2)} (95 % "
            f"interval {number(low, 2)} to {number(high, 2)}); more equal means above {1 + margin:.2f}; "
            f"one-sided p {probability(p_claim)}"
        )
        judgement.p_claim = p_claim
        judgement.p_contrary = float(one_sided_p(ratio - bound, "less"))
    return judgements


def judge_normalisation(statement: Mapping, evidence: Evidence) -> list[Judgement]:
    """A normalisation claim by its effect: a common range, or a more equal influence than raw features."""
    if statement["effect"] == "common_range":
        return judge_common_range(statement, evidence)
    return judge_equal_influence(statement, evidence)
