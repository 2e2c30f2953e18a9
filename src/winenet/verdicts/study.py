"""Claims judged from the importance study: which features rank on top, by the measures that discriminate.

The study's runs are independent trainings (each from its own seed); only runs that learned
something are ranked, and the others are counted and named. On the report's split alone, tests over
runs treat the runs as independent, and their error is seed noise on that split. With the split
study (``importance.splits``), each split's runs are averaged first and the tests run over splits:
the error then includes how the ranking changes from one split of the data to another.

A claim names features and says either that they are the top ones (the default: the named
features rank above every other, in any order, or in the named order with ``ordered``), or that
each is among the top k (``among: k``: fewer than k features rank above it).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass

import numpy as np
import pandas as pd

from winenet.studies.measures import MEASURES
from winenet.studies.stats import concordance, holm_adjust, independent_interval, one_sided_p
from winenet.verdicts.evidence import Evidence, Judgement, region, status_fields
from winenet.verdicts.text import study_conditions


def rank_matrix(ranks: pd.DataFrame, measure: str) -> pd.DataFrame:
    """One measure's ranks as a table: a row per ranked run, a column per feature."""
    chosen = ranks[ranks["measure"] == measure]
    return chosen.pivot(index="run", columns="feature", values="rank").sort_index()


@dataclass(frozen=True)
class MeasureErrors:
    """One measure's errors on a ranking claim, and the pair (named, other) that decides each direction."""

    p_claim: float
    p_contrary: float
    for_claim: tuple[str, str]
    for_contrary: tuple[str, str]


def _differences(
    matrix: pd.DataFrame, pairs: Sequence[tuple[str, str]], splits: pd.Series | None = None
) -> np.ndarray:
    """rank(other) - rank(named) ``(units, pairs)``: positive where the named one ranks above.

    The units are the runs, or with ``splits`` (each run's split, indexed by run) the splits: each
    split's mean over its runs, so that a test over them counts splits, not runs.
    """
    differences = np.column_stack(
        [matrix[o].to_numpy(dtype=np.float64) - matrix[e].to_numpy(dtype=np.float64) for e, o in pairs]
    )
    if splits is None:
        return differences
    groups = splits.reindex(matrix.index).to_numpy()
    return pd.DataFrame(differences).groupby(groups, sort=True).mean().to_numpy()


def _order_pairs(expected: Sequence[str], ordered: bool) -> list[tuple[str, str]]:
    """Each named feature against the next one, when the claim names them in order."""
    return list(zip(expected[:-1], expected[1:], strict=True)) if ordered else []


def top_set_errors(
    matrix: pd.DataFrame, expected: Sequence[str], ordered: bool = False, splits: pd.Series | None = None
) -> MeasureErrors:
    """Errors on "``expected`` are the top features" (in that order when ``ordered``), by one measure.

    For each named feature e and each other feature o, the rank difference rank(o) - rank(e) over
    runs. The claim needs every difference positive (one-sided t-tests, all must pass: p_claim is
    the largest p); it fails when some o ranks above some e (Holm over the pairs: p_contrary is the
    smallest adjusted p). With ``splits``, over the splits' means (``_differences``).
    """
    others = [f for f in matrix.columns if f not in expected]
    pairs = [(e, o) for e in expected for o in others] + _order_pairs(expected, ordered)
    differences = _differences(matrix, pairs, splits)
    above = one_sided_p(differences, "greater")
    below = holm_adjust(one_sided_p(differences, "less"))
    closest, worst = int(np.argmax(above)), int(np.argmin(below))
    return MeasureErrors(float(above[closest]), float(below[worst]), pairs[closest], pairs[worst])


def among_errors(
    matrix: pd.DataFrame,
    expected: Sequence[str],
    among: int,
    ordered: bool = False,
    splits: pd.Series | None = None,
) -> MeasureErrors:
    """Errors on "each of ``expected`` is among the top ``among``", by one measure.

    Named feature e is among the top k when fewer than k features rank above it: it holds when e
    ranks above at least p - k of the p - 1 others, Holm over e's comparisons (a false claim needs
    a wrongly rejected comparison to get there), for every named feature (intersection-union); it
    fails when at least k features rank above some named one (Holm over its comparisons,
    Bonferroni over the named features). With ``splits``, over the splits' means.
    """
    p = matrix.shape[1]
    claims, contraries = [], []
    for e in expected:
        pairs = [(e, o) for o in matrix.columns if o != e]
        differences = _differences(matrix, pairs, splits)
        beats = holm_adjust(one_sided_p(differences, "greater"))
        beaten = holm_adjust(one_sided_p(differences, "less"))
        # The (p - k)-th smallest: rejecting at it rejects that many comparisons at once.
        critical = int(np.argsort(beats, kind="stable")[p - among - 1])
        claims.append((float(beats[critical]), pairs[critical]))
        critical = int(np.argsort(beaten, kind="stable")[among - 1])
        contraries.append((float(beaten[critical]), pairs[critical]))
    for pair in _order_pairs(expected, ordered):
        difference = _differences(matrix, [pair], splits)
        claims.append((float(one_sided_p(difference, "greater")[0]), pair))
        contraries.append((float(one_sided_p(difference, "less")[0]), pair))
    p_claim, for_claim = max(claims, key=lambda item: item[0])
    p_contrary, for_contrary = min(contraries, key=lambda item: item[0])
    return MeasureErrors(p_claim, min(1.0, len(contraries) * p_contrary), for_claim, for_contrary)


def correlated_features(
    train: pd.DataFrame, features: Sequence[str], named: Sequence[str], threshold: float
) -> str:
    """The features whose Pearson correlation with a named one reaches ``threshold`` in size, in words.

    ``train`` holds the training rows (any normalisation: the correlation does not change with it).
    """
    columns = [f for f in features if f in train.columns]
    correlation = train[columns].corr()
    parts = []
    for feature in named:
        if feature not in correlation:
            continue
        r = correlation[feature].drop(feature).dropna()
        strong = r[r.abs() >= threshold].sort_values(key=np.abs, ascending=False)
        if len(strong):
            listed = ", ".join(f"{other} (r {value:.3f})" for other, value in strong.items())
            parts.append(f"{feature} with {listed}")
    return "; ".join(parts)


def _pair_fields(
    matrix: pd.DataFrame, pair: tuple[str, str], confidence: float, splits: pd.Series | None = None
) -> dict:
    """The deciding pair (named, other): each one's mean rank, and the gap with its interval over the
    runs, or over the splits' means with ``splits``."""
    named, other = pair
    gap = _differences(matrix, [pair], splits)[:, 0]
    unit = "runs" if splits is None else "splits"
    interval = independent_interval(gap, confidence)
    means = matrix if splits is None else matrix.groupby(splits.reindex(matrix.index).to_numpy()).mean()
    fields = {
        "side_a": named,
        "value_a": float(means[named].mean()),
        "side_b": other,
        "value_b": float(means[other].mean()),
        "estimate": interval["mean"],
        "ci_low": interval["ci_low"],
        "ci_high": interval["ci_high"],
        "confidence": confidence,
        "interval": f"t over {unit}",
        "statistic_name": f"t over {unit}",
    }
    if interval["se"] > 0:
        fields["statistic"] = interval["mean"] / interval["se"]
    return fields


def study_over_splits(
    evidence: Evidence, normalisation: str
) -> tuple[pd.DataFrame, pd.DataFrame, pd.Series | None]:
    """The ranks and scores a ranking claim is judged from under one normalisation, and each run's split.

    With a split study, the report's study's runs (on the report's split) and the split study's
    runs together, and a Series run -> split (the split's random state); without one, the report's
    study alone and None.
    """
    ranks, scores = evidence.ranks[normalisation], evidence.scores[normalisation]
    if normalisation not in evidence.split_ranks:
        return ranks, scores, None
    more_ranks, more_scores = evidence.split_ranks[normalisation], evidence.split_scores[normalisation]
    report_split = int(evidence.design["split"]["random_state"])
    splits = pd.concat(
        [
            pd.Series(report_split, index=pd.Index(ranks["run"].unique(), name="run")),
            more_ranks.drop_duplicates("run").set_index("run")["split"],
        ]
    )
    return (
        pd.concat([ranks, more_ranks.drop(columns="split")], ignore_index=True),
        pd.concat([scores, more_scores.drop(columns="split")], ignore_index=True),
        splits.astype("int64"),
    )


def judge_top_features(statement: Mapping, evidence: Evidence) -> list[Judgement]:
    """Are the named features the most important ones? By every measure that discriminates, over runs."""
    expected = list(statement["features"])
    among, ordered = statement.get("among"), bool(statement.get("ordered"))
    measures = list(statement["measures"] or MEASURES)
    alpha, needed = evidence.alpha, float(evidence.settings["min_concordance"])
    threshold = float(evidence.settings["correlation_threshold"])
    if among is None:
        claimed = "the named features rank above every other" + (", in the named order" if ordered else "")
    else:
        claimed = (
            f"each named feature ranks above all but at most {among - 1} of the others (Holm over its "
            "comparisons)"
        )
    rule = (
        f"per measure that discriminates (Friedman p below {alpha:g} and Kendall's W at least {needed:g} "
        f"over runs; the others abstain): paired one-sided t-tests that {claimed}, over the splits' "
        "mean ranks when the study covers further splits of the table (over runs on the report's split "
        "alone), passing by "
        "every discriminating measure: holds; the contrary by every discriminating measure: does not hold; "
        "Holm over the statement's rows; the row shows the deciding measure and pair (rank of the other "
        "minus rank of the named one: positive where the named one ranks above)"
    )
    judgements = []
    for normalisation in evidence.normalisations(statement):
        ranks, scores, splits = study_over_splits(evidence, normalisation)
        ranked = int(ranks["run"].nunique())
        count = 1 if splits is None else int(splits.nunique())
        unit = "runs" if splits is None else "splits"
        conditions = study_conditions(evidence, normalisation, ranked)
        fields = {
            "normalisation": normalisation,
            "quantity": "mean rank gap, the deciding other feature minus the named one",
            **region(low=0.0),
            "test": f"paired one-sided t-tests over {unit}, per discriminating measure",
            "sample": ranked if splits is None else count,
            "sample_unit": unit,
            "splits": count,
            **status_fields(scores, "runs", "left out of the ranks"),
        }
        if among is not None:
            fields["among"] = among
        # Synthetic evidence (the calibration) may come without training rows.
        train = evidence.features.get(normalisation)
        correlated = (
            ""
            if train is None
            else correlated_features(train, evidence.table["features"], expected, threshold)
        )
        if correlated:
            fields["correlated"] = correlated
        judgement = Judgement(statement["text"], "top_features", conditions, rule, normalisation, fields)
        judgements.append(judgement)
        if ranked < 3 or (splits is not None and count < 3):
            judgement.undecided(f"too few ranked {unit} to tell (at least 3)")
            continue
        voting, abstaining = {}, []
        for measure in measures:
            matrix = rank_matrix(ranks, measure)
            agreement, p_value = concordance(matrix.to_numpy())
            if p_value > alpha or agreement < needed:
                abstaining.append(measure)
                continue
            errors = (
                top_set_errors(matrix, expected, ordered, splits)
                if among is None
                else among_errors(matrix, expected, among, ordered, splits)
            )
            voting[measure] = (matrix, agreement, errors)
        if abstaining:
            fields["measures_abstaining"] = ", ".join(abstaining)
        if not voting:
            judgement.undecided("no measure discriminates")
            continue
        fields["measures_voting"] = ", ".join(voting)
        # Every discriminating measure must agree: an intersection-union test in each direction.
        p_claim = max(errors.p_claim for _, _, errors in voting.values())
        p_contrary = max(errors.p_contrary for _, _, errors in voting.values())
        towards_claim = p_claim <= p_contrary
        deciding = max(
            voting, key=lambda m: voting[m][2].p_claim if towards_claim else voting[m][2].p_contrary
        )
        matrix, agreement, errors = voting[deciding]
        pair = errors.for_claim if towards_claim else errors.for_contrary
        fields |= {"measure": deciding, "kendall_w": agreement}
        fields |= _pair_fields(matrix, pair, 1 - 2 * alpha, splits)
        sides = {errors.p_claim < errors.p_contrary for _, _, errors in voting.values()}
        if len(sides) > 1:
            fields["note"] = "the discriminating measures point opposite ways"
        judgement.decide_by_tests(p_claim, p_contrary)
    return judgements
