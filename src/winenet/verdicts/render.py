"""The evidence sentence of a claims row, rendered from its fields alone: the one renderer.

Every number the sentence prints is a field of the row (``columns.COLUMNS``), rounded here and
nowhere else; a field that is empty is left out, and the row's ``note`` says why. The sentence is
for people: programs read the fields.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping

import pandas as pd

from winenet.verdicts.text import number, probability, signed


def _has(row: Mapping, name: str) -> bool:
    value = row.get(name)
    return value is not None and not (not isinstance(value, str) and pd.isna(value))


def _percent(value: float) -> str:
    return f"{100 * float(value):.4g} %"


def _interval(row: Mapping, digits: int, show=number, suffix: str = "") -> str:
    """ "(90 % Nadeau-Bengio corrected t interval -0.050 to 0.020)", or "" when there is none."""
    low, high = f"ci_low{suffix}", f"ci_high{suffix}"
    if not (_has(row, low) and _has(row, high)):
        return ""
    level = f"{_percent(row['confidence'])} " if _has(row, "confidence") else ""
    how = row["interval"] if _has(row, "interval") else ""
    if how.startswith("every value equal"):
        return f" ({how})"
    how = f", {how}" if how and not suffix else ""
    return f" ({level}interval {show(row[low], digits)} to {show(row[high], digits)}{how})"


def _region(row: Mapping, digits: int, show=number) -> str:
    """Where the claim holds, in words: "above 1.10", "below 0.91", "between -0.030 and 0.030"."""
    low, high = _has(row, "claim_low"), _has(row, "claim_high")
    if low and high:
        return f"between {show(row['claim_low'], digits)} and {show(row['claim_high'], digits)}"
    if low:
        return f"above {show(row['claim_low'], digits)}"
    return f"below {show(row['claim_high'], digits)}"


def _estimate(row: Mapping, label: str, digits: int, show=number, suffix: str = "") -> str:
    if not _has(row, f"estimate{suffix}"):
        return ""
    return f"{label} {show(row[f'estimate{suffix}'], digits)}{_interval(row, digits, show, suffix)}"


def _accuracy(row: Mapping) -> list[str]:
    parts = [_estimate(row, "median seed", 3)]
    if not _has(row, "claim_high"):  # reaches: at least the value, as it was rounded
        parts.append(
            f"reaching the reported {row['claimed']:g} means at least {number(row['claim_low'])} on "
            f"{row['rows']} validation rows"
        )
        if _has(row, "seeds_below"):
            parts.append(
                f"{row['sample'] - row['seeds_below']} of {row['sample']} seeds reach it, "
                f"{row['seeds_below']} below ({row['seeds_above']} above the figure's window)"
            )
    else:  # reproduces: the rounded figure
        parts.append(
            f"the reported {row['claimed']:g} stands for {number(row['claim_low'])} to "
            f"{number(row['claim_high'])} on {row['rows']} validation rows"
        )
        if _has(row, "seeds_inside"):
            parts.append(
                f"{row['seeds_inside']} of {row['sample']} seeds inside, {row['seeds_below']} below, "
                f"{row['seeds_above']} above"
            )
    if _has(row, "model_accuracy"):
        parts.append(f"this run's model {number(row['model_accuracy'])}")
    return parts


def _comparison(row: Mapping) -> list[str]:
    if not _has(row, "estimate"):
        return []
    parts = []
    if row["kind"] == "baselines":
        parts.append(f"the least favourable baseline is {row['side_b']}")
    parts.append(
        _estimate(row, f"{row['side_a']} minus {row['side_b']}", 3, signed) + f" over {row['sample']} folds"
    )
    parts.append(
        f"mean accuracy {row['side_a']} {number(row['value_a'])}, {row['side_b']} {number(row['value_b'])}"
    )
    parts.append(f"P(the claim) {probability(row['statistic'])}")
    return parts


def _margin(row: Mapping) -> str:
    region_ = _region(row, 3, signed)
    return f"margin ±{row['margin']:g} in accuracy ({row['margin_from']}); the claim holds {region_}"


def _loss(row: Mapping) -> str:
    return "with its penalty" if row["loss"] == "penalised" else "without its penalty"


def _overfitting(row: Mapping) -> list[str]:
    if not _has(row, "estimate"):
        return []
    return [
        _estimate(
            row,
            f"validation loss {_loss(row)} at the end over its lowest stretch, mean over "
            f"{row['sample']} seeds",
            2,
        )
        + " with the stretch where the other seeds' mean is lowest",
        _estimate(row, "", 2, suffix="_2").strip() + " with each seed's own lowest",
        (
            f"overfitting means {_region(row, 2)}"
            if _has(row, "claim_low")
            else f"no rise means {_region(row, 2)}"
        )
        + f" (margin {row['margin']:g}, {row['margin_from']})",
        f"the training loss meanwhile went to {number(row['train_loss_ratio'])} times its value then",
        f"accuracy at the end: training {number(row['value_a'])}, validation {number(row['value_b'])}",
    ]


def _volatility(row: Mapping) -> list[str]:
    if not _has(row, "value_a"):
        return []
    spikes = _has(row, "spike_height")
    show = _percent if spikes else number
    parts = [f"training loss {_loss(row)}"]
    if spikes:
        parts.append(
            f"a spike is a rise of more than {number(row['spike_height'], 4)} from one batch to the next"
        )
    parts.append(
        f"primary, {row['side_a']} {show(row['value_a'])}, {row['side_b']} {show(row['value_b'])}"
        + (f", ratio {number(row['estimate'], 2)}{_interval(row, 2)}" if _has(row, "estimate") else "")
        + f": {row['estimate_verdict']}"
    )
    parts.append(
        "scale-free"
        + (
            f", ratio {number(row['estimate_2'], 2)}{_interval(row, 2, suffix='_2')}"
            if _has(row, "estimate_2")
            else ""
        )
        + f": {row['estimate_2_verdict']}"
    )
    parts.append(
        f"the claim holds for ratios {_region(row, 2)} (margin {row['margin']:g}, {row['margin_from']})"
    )
    return parts


def _top_features(row: Mapping) -> list[str]:
    parts = []
    if _has(row, "measure"):
        voting = f"; voting: {row['measures_voting']}"
        abstaining = f"; abstaining: {row['measures_abstaining']}" if _has(row, "measures_abstaining") else ""
        parts.append(
            f"by {row['measure']} score (Kendall's W {number(row['kendall_w'], 2)}{voting}{abstaining}): "
            "mean rank "
            f"{row['side_a']} {number(row['value_a'], 2)}, {row['side_b']} {number(row['value_b'], 2)} over "
            f"{row['sample']} {row['sample_unit']}"
            + (" (each split's mean over its runs)" if row["sample_unit"] == "splits" else "")
            + f"; {row['side_b']} minus {row['side_a']}"
            + f" {signed(row['estimate'], 2)}{_interval(row, 2, signed)}"
        )
    elif _has(row, "measures_abstaining"):
        parts.append(f"abstaining: {row['measures_abstaining']}")
    if _has(row, "correlated"):
        parts.append(f"their importance is shared with correlated features: {row['correlated']}")
    return parts


def _normalisation(row: Mapping) -> list[str]:
    if row["quantity"].startswith("standard deviation"):
        parts = [
            f"standard deviation over {row['sample']} normalised training rows: largest {row['side_a']} "
            f"{row['value_a']:.3g}, smallest {row['side_b']} {row['value_b']:.3g}"
        ]
        if _has(row, "estimate"):
            parts.append(_estimate(row, "largest over smallest", 2))
        parts.append(f"a common range means {_region(row, 2)}")
        return parts
    if not _has(row, "estimate"):
        return []
    return [
        f"features the model relies on, geometric mean over {row['sample']} runs: "
        f"{number(row['value_a'], 2)} of {row['value_b']:g}",
        _estimate(row, "evenness (relied on over count)", 2),
        f"equal influence means {_region(row, 2)} (margin {row['margin']:g}, {row['margin_from']})",
    ]


RENDERERS: dict[str, Callable[[Mapping], list[str]]] = {
    "accuracy": _accuracy,
    "comparison": _comparison,
    "baselines": _comparison,
    "overfitting": _overfitting,
    "volatility": _volatility,
    "top_features": _top_features,
    "normalisation": _normalisation,
}


def render_evidence(row: Mapping) -> str:
    """The evidence sentence of one claims row (a mapping of ``COLUMNS`` to values), from its fields."""
    parts = [part for part in RENDERERS[row["kind"]](row) if part]
    if row["kind"] in ("comparison", "baselines"):
        parts.append(_margin(row))
    for name in ("note", "runs_named"):
        if _has(row, name):
            parts.append(row[name])
    if _has(row, "error"):
        parts.append(
            f"error {probability(row['error'])} (Holm within the statement; a verdict needs at most "
            f"{row['alpha']:g})"
        )
    return "; ".join(parts)
