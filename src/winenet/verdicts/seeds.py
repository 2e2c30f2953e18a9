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

from winenet.studies.stats import bootstrap_interval
from winenet.verdicts.evidence import (
    Evidence,
    Judgement,
    SeedCurves,
    interval_fields,
    region,
    status_fields,
)
from winenet.verdicts.text import listed, seed_conditions

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


def median_interval(values: np.ndarray, confidence: float) -> tuple[float | None, float | None]:
    """The sign test's interval of the median of ``values`` ``(n,)`` (order statistics, scipy's).

    Each end is a one-sided bound at ``(1 + confidence) / 2``; an end the values cannot give (too
    few of them, or a diverged seed at ``-inf``) is None.
    """
    bounds = scipy_stats.quantile_test(values, q=0.0, p=0.5).confidence_interval(confidence)
    return tuple(float(end) if np.isfinite(end) else None for end in (bounds.low, bounds.high))


def judge_accuracy(statement: Mapping, evidence: Evidence) -> list[Judgement]:
    """Does the typical (median) seed reach the reported value, or reproduce it, as the claim says?

    ``relation: reaches``: at least the value, at the digits it was reported with (the window's lower
    edge); ``reproduces``: within the window of the accuracies that round to it.
    """
    model, value = statement["model"], float(statement["value"])
    relation = statement["relation"]
    rows = evidence.validation_rows
    low, high, _ = accuracy_window(value, rows)
    reaches = relation == "reaches"
    runs = evidence.seeds[model]
    # A seed that diverged has no accuracy: it did not reach the figure, so it counts below it.
    accuracy = np.where(runs["status"] == "diverged", -np.inf, runs["accuracy"].to_numpy(dtype=np.float64))
    total = len(accuracy)
    below, above = int(np.sum(accuracy < low)), int(np.sum(accuracy > high))
    if reaches:
        rule = (
            "reaches: the typical seed (the median validation accuracy over seeds) against the lowest "
            "accuracy that reaches the reported value at the digits it was reported with (the least k/n of "
            "these validation rows that rounds to it or above, less half a row): a sign test that fewer "
            "than half the seeds fall below it, at the required error: holds; that more than half do: does "
            "not hold; the interval of the median is the sign tests' own"
        )
    else:
        rule = (
            "reproduces: the typical seed (the median validation accuracy over seeds) against the window the "
            "reported value stands for on these validation rows (the accuracies k/n that round to it, and "
            "half a row each side): sign tests that fewer than half the seeds fall below it and fewer than "
            "half above it, both at the required error: holds; that more than half fall on one side "
            "(Bonferroni over the two sides): does not hold; the interval of the median is the two sign "
            "tests' own"
        )
    under = f"{evidence.design['seeds']['count']} seeds"
    fields = {
        "models": model,
        "normalisation": evidence.design["normalisations"][0],
        "quantity": "median validation accuracy over seeds",
        **(region(low) if reaches else region(low, high)),
        "claimed": value,
        "rows": rows,
        "test": "sign test on the seeds below the lowest accuracy that reaches the value"
        if reaches
        else "sign tests on the seeds below and above the window",
        "sample": total,
        "sample_unit": "seeds",
        **status_fields(runs, "seeds", "a diverged seed counts below the window"),
    }
    if model in evidence.metrics:
        fields["model_accuracy"] = evidence.metrics[model]["accuracy"]
    judgement = Judgement(
        statement["text"], "accuracy", seed_conditions(evidence, [model]), rule, under, fields
    )
    if total < 1:
        judgement.undecided("no seed was trained")
        return [judgement]
    fields |= {"seeds_inside": total - below - above, "seeds_below": below, "seeds_above": above}
    # The median counts a diverged seed below, as the sign tests do, so the two cannot disagree.
    typical = float(np.median(accuracy))
    if np.isfinite(typical):
        fields["estimate"] = typical
    else:
        fields["note"] = "the median seed diverged"
    # Each side at the verdict's error: the interval is the one the two sign tests decide by.
    confidence = 1 - 2 * evidence.alpha
    fields["ci_low"], fields["ci_high"] = median_interval(accuracy, confidence)
    if fields["ci_low"] is None or fields["ci_high"] is None:
        missing = "too few seeds, or too many diverged, for an end of the sign tests' interval"
        fields["note"] = "; ".join(filter(None, [fields.get("note"), missing]))
    fields |= {"confidence": confidence, "interval": "sign test"}
    fewer_below, fewer_above = _sign_test(below, total, "less"), _sign_test(above, total, "less")
    more_below, more_above = _sign_test(below, total, "greater"), _sign_test(above, total, "greater")
    if reaches:
        # One side: the seeds above the window reach the value too.
        fields |= {"statistic_name": "seeds below the lowest accuracy that reaches it", "statistic": below}
        judgement.decide_by_tests(fewer_below, more_below)
        return [judgement]
    # Both sides must hold (an intersection-union test); either side alone refutes it.
    p_claim = max(fewer_below, fewer_above)
    p_contrary = min(1.0, 2 * min(more_below, more_above))
    if p_claim <= p_contrary:
        name = "seeds below the window" if fewer_below >= fewer_above else "seeds above the window"
        count = below if fewer_below >= fewer_above else above
    else:
        name = "seeds below the window" if more_below <= more_above else "seeds above the window"
        count = below if more_below <= more_above else above
    fields |= {"statistic_name": name, "statistic": count}
    judgement.decide_by_tests(p_claim, p_contrary)
    return [judgement]


# --- the seeds' recorded trainings: overfitting, volatility and spikes ---------------------------------


def ratio_margin(statement: Mapping, evidence: Evidence) -> tuple[float, str]:
    """The relative margin of 1 a ratio claim is judged with, and where it comes from (the claim's own
    ``margin``, or ``claims.ratio_margin``)."""
    own = statement.get("margin")
    if own is not None:
        return float(own), "the claim's own margin"
    return float(evidence.settings["ratio_margin"]), "claims.ratio_margin"


def _trained_runs(evidence: Evidence, models: Sequence[str]) -> tuple[np.ndarray, dict]:
    """Runs that no model of ``models`` lost to divergence, and fields naming those left out."""
    tables = [evidence.seeds[model] for model in models]
    usable = set(tables[0]["run"])
    diverged, named = set(), []
    for model, runs in zip(models, tables, strict=True):
        lost = runs.loc[runs["status"] == "diverged", "run"].tolist()
        usable -= set(lost)
        diverged |= set(lost)
        if lost:
            named.append(f"{model}: seeds {listed(lost)} diverged")
    fields = {"diverged": len(diverged)}
    if named:
        fields["runs_named"] = "; ".join(named) + ": left out"
    return np.array(sorted(usable)), fields


# The loss a volatility or overfitting claim reads: the one training minimises and the report
# plotted, or its data part alone (each kind's default: ``claims.KIND_DEFAULTS``).
LOSSES = {
    "penalised": "with its penalty (the loss training minimises, as the report plotted it)",
    "data": "without its penalty (the cross-entropy alone)",
}


def claimed_loss(curves: SeedCurves, phase: str, loss: str) -> np.ndarray | None:
    """The ``phase`` ("train" or "validation") batch losses ``(R, epochs, batches)`` the claim names.

    ``penalised``: the cross-entropy plus the penalty term of the same batch; None when the history
    was recorded without the penalty (an earlier version's). ``data``: the cross-entropy alone.
    """
    data = getattr(curves, f"{phase}_loss")
    if loss == "data":
        return data
    penalty = getattr(curves, f"{phase}_penalty")
    return None if penalty is None else data + penalty


def unrecorded_penalty(models: Sequence[str]) -> str:
    """Why a penalised loss cannot be read from ``models``' seed histories, in one clause."""
    return (
        f"the seed history of {listed(models)} has no penalty column (recorded by an earlier "
        "version), so the loss with its penalty cannot be read: rerun the seed study"
    )


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
    model, overfits, loss = statement["model"], bool(statement["overfits"]), statement["loss"]
    margin, margin_from = ratio_margin(statement, evidence)
    limit = 1.0 + margin
    curves: SeedCurves = evidence.curves[model]
    epochs = curves.validation_loss.shape[1]
    window = max(1, epochs // 10)
    rises, stays = ("holds", "does not hold") if overfits else ("does not hold", "holds")
    rule = (
        f"per seed, the mean validation loss {LOSSES[loss]} of the last {window} epochs over its mean in "
        "the lowest "
        f"{window}-epoch stretch, found where the other seeds' mean curve is lowest (cross-fitted: it "
        "cannot overstate the rise) and on the seed's own curve (it cannot understate it); the mean over "
        f"seeds of the cross-fitted ratio with its BCa 95 % interval above {limit:.2f} (1 + the margin "
        f"{margin:g}, {margin_from}): {rises}; of the own-minimum ratio at most {limit:.2f}: {stays}"
    )
    under = f"{evidence.design['seeds']['count']} seeds"
    usable, fields = _trained_runs(evidence, [model])
    keep = np.isin(curves.runs, usable)
    fields |= {
        "models": model,
        "normalisation": evidence.design["normalisations"][0],
        "quantity": "validation loss at the end over its lowest stretch, found on the other seeds",
        **(region(low=limit) if overfits else region(high=limit)),
        "margin": margin,
        "margin_from": margin_from,
        "test": "BCa intervals of the two ratios against the margin",
        "sample": int(keep.sum()),
        "sample_unit": "seeds",
        "side_a": "training",
        "side_b": "validation",
        "loss": loss,
    }
    conditions = seed_conditions(evidence, [model])
    judgement = Judgement(statement["text"], "overfitting", conditions, rule, under, fields)
    validation, train = (claimed_loss(curves, phase, loss) for phase in ("validation", "train"))
    if validation is None or train is None:
        judgement.undecided(unrecorded_penalty([model]))
        return [judgement]
    if epochs < 10 or keep.sum() < 3:
        judgement.undecided("too few seeds or epochs to see a trend (at least 3 seeds of 10 epochs)")
        return [judgement]

    def per_epoch(values):
        return values[keep].mean(axis=-1)  # (R, epochs): the mean over each epoch's batches

    measured = validation_rises(per_epoch(validation), per_epoch(train), window)
    crossed = bootstrap_interval([measured["crossed"]], np.mean)
    own = bootstrap_interval([measured["own"]], np.mean)
    crossed_says = rises if by_interval(crossed, limit) == "holds" else "undecided"
    own_says = stays if by_interval(own, -math.inf, limit + 1e-12) == "holds" else "undecided"
    fields |= interval_fields(crossed) | interval_fields(own, "_2")
    fields |= {
        "quantity_2": "the same, at each seed's own lowest stretch",
        "estimate_verdict": crossed_says,
        "estimate_2_verdict": own_says,
        "train_loss_ratio": float(np.mean(measured["fall"])),
        "value_a": float(per_epoch(curves.train_accuracy)[:, -window:].mean()),
        "value_b": float(per_epoch(curves.validation_accuracy)[:, -window:].mean()),
    }
    judgement.verdict = crossed_says if crossed_says != "undecided" else own_says
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
    region_ = (-math.inf, bound) if relation == "lower" else (bound, math.inf)
    return by_interval(interval, *region_), interval, ""


# What each volatility measure is, primary (the report's absolute one) and scale-free.
MEASURE_QUANTITIES = {
    "range": (
        "loss range within an epoch (largest minus smallest batch loss), a's mean over b's",
        "the same over the epoch's mean loss",
    ),
    "spikes": (
        "share of batch-to-batch rises above one height for both (spike_height), a's mean over b's",
        "the same, each run against its own median change",
    ),
}


def _volatility_measures(measure: str, halves: dict, factor: float) -> tuple[dict, dict, float | None]:
    """Per model: the primary (absolute) and the scale-free values per seed; the spike height, if any."""
    if measure == "range":
        primary = {model: loss_ranges(half) for model, half in halves.items()}
        scale_free = {model: relative_ranges(half) for model, half in halves.items()}
        return primary, scale_free, None
    pooled = np.concatenate([np.abs(batch_changes(half)).ravel() for half in halves.values()])
    height = factor * float(np.median(pooled))
    primary = {model: spike_rates(half, height) for model, half in halves.items()}
    scale_free = {model: own_scale_spike_rates(half, factor) for model, half in halves.items()}
    return primary, scale_free, height


def judge_volatility(statement: Mapping, evidence: Evidence) -> list[Judgement]:
    """Model a against model b over seed pairs, by the report's absolute measure and a scale-free one."""
    a, b, measure, relation = (statement[key] for key in ("model_a", "model_b", "measure", "relation"))
    loss = statement["loss"]
    margin, margin_from = ratio_margin(statement, evidence)
    factor = float(evidence.settings["spike_factor"])
    usable, fields = _trained_runs(evidence, [a, b])
    halves, unrecorded = {}, []
    for model in (a, b):
        curves = evidence.curves[model]
        losses = claimed_loss(curves, "train", loss)
        if losses is None:
            unrecorded.append(model)
            continue
        # The second half of training, where the curves the report described have settled.
        halves[model] = losses[np.isin(curves.runs, usable), losses.shape[1] // 2 :, :]
    bound = 1 / (1 + margin) if relation == "lower" else 1 + margin
    side, other_side = ("below", "at least") if relation == "lower" else ("above", "at most")
    rule = (
        f"over the second half of training, on the training loss {LOSSES[loss]}, the ratio of {a}'s mean "
        f"over {b}'s, paired by seed, by the "
        f"report's absolute measure (primary) and a scale-free one beside it; the primary's BCa 95 % "
        f"interval {side} {bound:.2f}: holds; {other_side} {bound:.2f}: does not hold (margin {margin:g}, "
        f"{margin_from}); where the scale-free measure reaches the opposite verdict: undecided"
        + (f"; a spike is a rise beyond {factor:g} times the median change" if measure == "spikes" else "")
    )
    conditions = seed_conditions(evidence, [a, b]) + "; seed s of both from the same start and batches"
    under = f"{evidence.design['seeds']['count']} seed pairs"
    count = int(np.isin(evidence.curves[a].runs, usable).sum())
    primary_quantity, scale_free_quantity = MEASURE_QUANTITIES[measure]
    fields |= {
        "models": f"{a}, {b}",
        "normalisation": evidence.design["normalisations"][0],
        "quantity": primary_quantity,
        "quantity_2": scale_free_quantity,
        **(region(high=bound) if relation == "lower" else region(low=bound)),
        "margin": margin,
        "margin_from": margin_from,
        "loss": loss,
        "test": "paired BCa intervals of the two ratios",
        "sample": count,
        "sample_unit": "seed pairs",
        "side_a": a,
        "side_b": b,
    }
    judgement = Judgement(statement["text"], "volatility", conditions, rule, under, fields)
    if unrecorded:
        judgement.undecided(unrecorded_penalty(unrecorded))
        return [judgement]
    if count < 3:
        judgement.undecided("too few seed pairs trained to the end for an interval (at least 3)")
        return [judgement]
    primary, scale_free, height = _volatility_measures(measure, halves, factor)
    if height is not None:
        fields["spike_height"] = height
    fields |= {"value_a": float(primary[a].mean()), "value_b": float(primary[b].mean())}
    verdicts, notes = [], []
    for values, suffix in ((primary, ""), (scale_free, "_2")):
        verdict, interval, reason = _ratio_verdict(values[a], values[b], relation, bound)
        verdicts.append(verdict)
        fields[f"estimate{suffix}_verdict"] = verdict
        if interval is not None:
            fields |= interval_fields(interval, suffix)
        if reason:
            notes.append(("primary: " if not suffix else "scale-free: ") + reason)
    if set(verdicts) == {"holds", "does not hold"}:
        notes.append("the absolute and the scale-free measures disagree, so neither decides")
        judgement.verdict = "undecided"
    else:
        judgement.verdict = verdicts[0]
    if notes:
        fields["note"] = "; ".join(notes)
    return [judgement]
