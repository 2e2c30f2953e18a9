"""Claims judged from the seed study: a reported accuracy, overfitting, and how rough the loss curves are.

Seeds are independent trainings of the same model on the report's split, so the rules here treat
them as independent draws: sign tests on the typical seed, bootstrap intervals over seeds.
"""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from decimal import Decimal
from fractions import Fraction

import numpy as np
from scipy import stats as scipy_stats

from winenet.stats import bootstrap_interval
from winenet.verdicts.evidence import Evidence, Judgement, SeedCurves
from winenet.verdicts.text import (
    excluded_seeds,
    interval_phrase,
    listed,
    number,
    probability,
    seed_conditions,
    share,
)

# --- accuracy: a reported value against the typical seed, at the resolution of the validation rows ----


def accuracy_window(value: float, rows: int) -> tuple[float, float, list[int]]:
    """The accuracies a reported ``value`` can stand for on ``rows`` validation rows: (low, high, counts).

    ``counts`` are the attainable k (of ``rows``) whose accuracy k/rows rounds to ``value`` at the
    digits it was reported with (0.96 is 0.955 up to 0.965). The window spans them and at least half
    a row on each side of them and of ``value``, so it always holds an attainable accuracy, and
    its edges lie halfway between two attainable ones: no seed's accuracy sits on an edge.
    """
    reported = Fraction(str(value))
    places = max(-Decimal(str(value)).normalize().as_tuple().exponent, 0)
    half_digit = Fraction(1, 2 * 10**places)
    counts = [
        k for k in range(rows + 1) if reported - half_digit <= Fraction(k, rows) < reported + half_digit
    ]
    half_row = Fraction(1, 2 * rows)
    ends = [reported, *(Fraction(k, rows) for k in counts)]
    return float(min(ends) - half_row), float(max(ends) + half_row), counts


def _sign_test(count: int, total: int, alternative: str) -> float:
    """P-value of a sign test that ``count`` of ``total`` seeds are fewer ("less") or more than half."""
    return float(scipy_stats.binomtest(count, total, 0.5, alternative=alternative).pvalue)


def judge_accuracy(statement: Mapping, evidence: Evidence) -> list[Judgement]:
    """Is the typical (median) seed's accuracy in the window the reported value stands for?"""
    model, value = statement["model"], float(statement["value"])
    rows = evidence.validation_rows
    low, high, counts = accuracy_window(value, rows)
    runs = evidence.seeds[model]
    # A seed that diverged has no accuracy: it did not reach the figure, so it counts below it.
    accuracy = np.where(runs["status"] == "diverged", -np.inf, runs["accuracy"].to_numpy(dtype=np.float64))
    total = len(accuracy)
    below, above = int(np.sum(accuracy < low)), int(np.sum(accuracy > high))
    inside = total - below - above
    stands_for = (
        f"the attainable {', '.join(f'{k}/{rows}' for k in counts)}"
        if counts
        else f"no attainable k/{rows} rounds to it"
    )
    rule = (
        "the typical seed (the median validation accuracy over seeds) against the window the reported "
        "value stands for on these validation rows (the accuracies k/n that round to it, and half a row "
        "each side): sign tests that fewer than half the seeds fall below it and fewer than half above "
        "it, both at the required error: holds; that more than half fall on one side (Bonferroni over "
        "the two sides): does not hold"
    )
    under = f"{evidence.design['seeds']['count']} seeds"
    judgement = Judgement(statement["text"], seed_conditions(evidence, [model]), rule, "", under)
    if total < 1:
        judgement.evidence = "no seed was trained"
        judgement.verdict = "undecided"
        return [judgement]
    # The median counts a diverged seed below, as the sign tests do, so the two cannot disagree.
    typical = float(np.median(accuracy))
    median = f"median seed {number(typical)}" if np.isfinite(typical) else "the median seed diverged"
    fewer_below, fewer_above = _sign_test(below, total, "less"), _sign_test(above, total, "less")
    more_below, more_above = _sign_test(below, total, "greater"), _sign_test(above, total, "greater")
    judgement.evidence = (
        f"{median}; the reported {value:g} stands for {number(low)} to {number(high)} on {rows} validation "
        f"rows ({stands_for}); {share(inside, total)} seeds inside, {below} below, {above} above; "
        f"sign tests: fewer than half below p {probability(fewer_below)}, fewer than half above "
        f"p {probability(fewer_above)}{excluded_seeds(runs)}"
    )
    if model in evidence.metrics:
        judgement.evidence += f"; this run's model {number(evidence.metrics[model]['accuracy'])}"
    # Both sides must hold (an intersection-union test); either side alone refutes it.
    judgement.p_claim = max(fewer_below, fewer_above)
    judgement.p_contrary = min(1.0, 2 * min(more_below, more_above))
    return [judgement]


# --- the seeds' recorded trainings: overfitting, volatility and spikes ---------------------------------


def _trained_runs(evidence: Evidence, models: Sequence[str]) -> tuple[np.ndarray, str]:
    """Runs that no model of ``models`` lost to divergence, and a phrase naming those left out."""
    tables = [evidence.seeds[model] for model in models]
    usable = set(tables[0]["run"])
    left_out = []
    for model, runs in zip(models, tables, strict=True):
        diverged = runs.loc[runs["status"] == "diverged", "run"].tolist()
        usable -= set(diverged)
        if diverged:
            left_out.append(f"{model}: seeds {listed(diverged)} diverged and are left out")
    return np.array(sorted(usable)), ("; " + "; ".join(left_out) if left_out else "")


def by_interval(interval, low: float = -math.inf, high: float = math.inf) -> str:
    """The verdict on "the quantity lies in [low, high)" from its interval: inside, outside, or across."""
    if low <= interval.low and interval.high < high:
        return "holds"
    if interval.high < low or interval.low >= high:
        return "does not hold"
    return "undecided"


def stretches(per_epoch: np.ndarray, window: int) -> np.ndarray:
    """Means over every ``window`` consecutive epochs: ``(R, epochs)`` -> ``(R, epochs - window + 1)``."""
    return np.lib.stride_tricks.sliding_window_view(per_epoch, window, axis=-1).mean(axis=-1)


def validation_rises(validation: np.ndarray, train: np.ndarray, window: int) -> dict[str, np.ndarray]:
    """Per seed, the loss of the last stretch over its loss at the lowest stretch, found two ways.

    ``validation`` and ``train`` are per-epoch losses ``(R, epochs)``, compared over stretches of
    ``window`` epochs. ``own``: the lowest stretch of the seed's own curve, which selects its own
    noise, so the ratio cannot understate the rise (a curve with no trend gives ratios above 1).
    ``crossed``: the stretch where the *other* seeds' mean curve is lowest (cross-fitting), which
    leaves the seed's noise out of the choice but may miss the true lowest stretch, so the ratio
    cannot overstate the rise. Also ``fall``, the training loss's ratio over the same stretches as
    ``crossed``, and ``chosen``, the index of the cross-fitted stretch per seed.
    """
    validation_stretches, train_stretches = stretches(validation, window), stretches(train, window)
    runs = len(validation_stretches)
    others = (validation_stretches.sum(axis=0) - validation_stretches) / (runs - 1)
    chosen = others.argmin(axis=1)
    rows = np.arange(runs)
    return {
        "own": validation_stretches[:, -1] / validation_stretches.min(axis=1),
        "crossed": validation_stretches[:, -1] / validation_stretches[rows, chosen],
        "fall": train_stretches[:, -1] / train_stretches[rows, chosen],
        "chosen": chosen,
    }


def judge_overfitting(statement: Mapping, evidence: Evidence) -> list[Judgement]:
    """Over seeds, does the validation loss end above its lowest stretch beyond the margin?

    Each direction is shown only by the estimate whose selection bias works against it: a rise by
    the cross-fitted ratio (which cannot overstate it), no rise by the own-minimum ratio (which
    cannot understate it).
    """
    model, overfits = statement["model"], bool(statement["overfits"])
    limit = 1.0 + float(evidence.settings["ratio_margin"])
    curves: SeedCurves = evidence.curves[model]
    epochs = curves.validation_loss.shape[1]
    window = max(1, epochs // 10)
    rises, stays = ("holds", "does not hold") if overfits else ("does not hold", "holds")
    rule = (
        f"per seed, the mean validation loss of the last {window} epochs over its mean in the lowest "
        f"{window}-epoch stretch, found where the other seeds' mean curve is lowest (cross-fitted: it "
        "cannot overstate the rise) and on the seed's own curve (it cannot understate it); the mean over "
        f"seeds of the cross-fitted ratio with its BCa 95 % interval above {limit:.2f} (1 + "
        f"claims.ratio_margin): {rises}; of the own-minimum ratio at most {limit:.2f}: {stays}"
    )
    under = f"{evidence.design['seeds']['count']} seeds"
    judgement = Judgement(statement["text"], seed_conditions(evidence, [model]), rule, "", under)
    usable, left_out = _trained_runs(evidence, [model])
    keep = np.isin(curves.runs, usable)
    if epochs < 10 or keep.sum() < 3:
        judgement.evidence = f"{keep.sum()} seeds of {epochs} epochs{left_out}: too few to see a trend"
        judgement.verdict = "undecided"
        return [judgement]

    def per_epoch(values):
        return values[keep].mean(axis=-1)  # (R, epochs): the mean over each epoch's batches

    measured = validation_rises(per_epoch(curves.validation_loss), per_epoch(curves.train_loss), window)
    crossed = bootstrap_interval([measured["crossed"]], np.mean)
    own = bootstrap_interval([measured["own"]], np.mean)
    lowest_epoch = int(np.median(measured["chosen"])) + window // 2 + 1
    judgement.evidence = (
        f"validation loss at the end over its lowest stretch, mean over {len(measured['own'])} seeds: "
        f"{number(crossed.estimate, 2)} ({interval_phrase(crossed, 2)}) with the stretch where the other "
        f"seeds' mean is lowest (around epoch {lowest_epoch} for the median seed), "
        f"{number(own.estimate, 2)} ({interval_phrase(own, 2)}) with each seed's own lowest; overfitting "
        f"means above {limit:.2f}; the training loss meanwhile went to "
        f"{number(np.mean(measured['fall']), 3)} times its value then; over the last {window} epochs "
        "training accuracy "
        f"{number(per_epoch(curves.train_accuracy)[:, -window:].mean())}, validation accuracy "
        f"{number(per_epoch(curves.validation_accuracy)[:, -window:].mean())}{left_out}"
    )
    if by_interval(crossed, limit) == "holds":
        judgement.verdict = rises
    elif by_interval(own, -math.inf, limit + 1e-12) == "holds":
        judgement.verdict = stays
    else:
        judgement.verdict = "undecided"
    return [judgement]


def loss_ranges(losses: np.ndarray) -> np.ndarray:
    """The report's volatility per run ``(R,)``: mean over epochs of the largest minus smallest batch loss.

    ``losses`` ``(R, epochs, batches)``.
    """
    return (losses.max(axis=-1) - losses.min(axis=-1)).mean(axis=-1)


def relative_ranges(losses: np.ndarray) -> np.ndarray:
    """Per run ``(R,)``: the mean over epochs of (largest - smallest) / mean batch loss, ``(R, E, B)`` in."""
    return ((losses.max(axis=-1) - losses.min(axis=-1)) / losses.mean(axis=-1)).mean(axis=-1)


def batch_changes(losses: np.ndarray) -> np.ndarray:
    """The change from each batch to the next, in training order: ``(R, E, B)`` -> ``(R, E * B - 1)``."""
    return np.diff(losses.reshape(losses.shape[0], -1), axis=1)


def spike_rates(losses: np.ndarray, threshold) -> np.ndarray:
    """Per run ``(R,)``: the share of batch-to-batch changes that rise by more than ``threshold``.

    ``threshold`` is one height in loss units for every run, or one per run ``(R,)``.
    """
    jumps = batch_changes(losses)
    return (jumps > np.reshape(threshold, (-1, 1))).mean(axis=1)


def own_scale_spike_rates(losses: np.ndarray, factor: float) -> np.ndarray:
    """Per run ``(R,)``: the share of rises beyond ``factor`` times the run's own median change."""
    scale = np.median(np.abs(batch_changes(losses)), axis=1)
    return spike_rates(losses, factor * scale) * (scale > 0)


def _ratio_of_means(a, b, axis=-1):
    return a.mean(axis=axis) / b.mean(axis=axis)


def _ratio_verdict(first, second, relation: str, bound: float) -> tuple[str, object | None, str]:
    """The verdict on mean(first)/mean(second) against ``bound``, its interval, and why there is none."""
    if second.mean() == 0:
        # Nothing in the second: a is not lower than nothing, and "higher" needs a scale to be judged.
        verdict = "does not hold" if relation == "lower" or first.mean() == 0 else "undecided"
        return verdict, None, "the second model has none, so there is no ratio"
    interval = bootstrap_interval([first, second], _ratio_of_means, paired=True)
    if interval is None:
        return "undecided", None, "the ratio has no interval: the second model is zero in some resamples"
    region = (-math.inf, bound) if relation == "lower" else (bound, math.inf)
    return by_interval(interval, *region), interval, ""


def _volatility_measures(measure: str, halves: dict, factor: float) -> tuple[dict, dict, str, str]:
    """Per model: the primary (absolute) and the scale-free values per seed, and what each measures."""
    if measure == "range":
        primary = {model: loss_ranges(half) for model, half in halves.items()}
        scale_free = {model: relative_ranges(half) for model, half in halves.items()}
        return (
            primary,
            scale_free,
            "loss range within an epoch (largest minus smallest batch loss)",
            ("the same over the epoch's mean loss"),
        )
    pooled = np.concatenate([np.abs(batch_changes(half)).ravel() for half in halves.values()])
    height = factor * float(np.median(pooled))
    primary = {model: spike_rates(half, height) for model, half in halves.items()}
    scale_free = {model: own_scale_spike_rates(half, factor) for model, half in halves.items()}
    return (
        primary,
        scale_free,
        (
            f"loss spikes (rises from one batch to the next of more than {number(height, 4)}, {factor:g} "
            "times the median change of both models), share of batches"
        ),
        f"rises beyond {factor:g} times each run's own median change",
    )


def _shown(values: np.ndarray, measure: str) -> str:
    return f"{100 * values.mean():.2f} %" if measure == "spikes" else number(values.mean())


def judge_volatility(statement: Mapping, evidence: Evidence) -> list[Judgement]:
    """Model a against model b over seed pairs, by the report's absolute measure and a scale-free one."""
    a, b, measure, relation = (statement[key] for key in ("model_a", "model_b", "measure", "relation"))
    margin = float(evidence.settings["ratio_margin"])
    factor = float(evidence.settings["spike_factor"])
    usable, left_out = _trained_runs(evidence, [a, b])
    halves = {}
    for model in (a, b):
        curves = evidence.curves[model]
        losses = curves.train_loss
        # The second half of training, where the curves the report described have settled.
        halves[model] = losses[np.isin(curves.runs, usable), losses.shape[1] // 2 :, :]
    epochs = halves[a].shape[1]
    bound = 1 / (1 + margin) if relation == "lower" else 1 + margin
    side, other_side = ("below", "at least") if relation == "lower" else ("above", "at most")
    rule = (
        f"ratio of {a}'s mean over {b}'s, paired by seed, by the report's absolute measure (primary) and a "
        f"scale-free one beside it; the primary's BCa 95 % interval {side} {bound:.2f}: holds; "
        f"{other_side} {bound:.2f}: does not hold (claims.ratio_margin {margin:g}); where the scale-free "
        "measure reaches the opposite verdict: undecided"
    )
    conditions = seed_conditions(evidence, [a, b]) + "; seed s of both from the same start and batches"
    under = f"{evidence.design['seeds']['count']} seed pairs"
    judgement = Judgement(statement["text"], conditions, rule, "", under)
    count = len(halves[a])
    if count < 3:
        judgement.evidence = f"{count} seed pairs trained to the end{left_out}: too few for an interval"
        judgement.verdict = "undecided"
        return [judgement]
    primary, scale_free, primary_what, scale_free_what = _volatility_measures(measure, halves, factor)
    phrases, verdicts = [], []
    for values, what in ((primary, primary_what), (scale_free, scale_free_what)):
        verdict, interval, reason = _ratio_verdict(values[a], values[b], relation, bound)
        verdicts.append(verdict)
        phrase = f"{what}: {a} {_shown(values[a], measure)}, {b} {_shown(values[b], measure)}"
        if interval is not None:
            phrase += f", ratio {number(interval.estimate, 2)} ({interval_phrase(interval, 2)})"
        phrases.append(f"{phrase}{'; ' + reason if reason else ''}: {verdict}")
    judgement.evidence = (
        f"last {epochs} epochs, mean over {count} seed pairs; {relation} means {side} {bound:.2f}; "
        f"primary, {phrases[0]}; scale-free, {phrases[1]}{left_out}"
    )
    if set(verdicts) == {"holds", "does not hold"}:
        judgement.evidence += "; the absolute and the scale-free measures disagree, so neither decides"
        judgement.verdict = "undecided"
    else:
        judgement.verdict = verdicts[0]
    return [judgement]
