"""Figure functions: tables and arrays in, a matplotlib Figure out, plus a byte-reproducible PNG saver.

The house style (``house_style``) and the PNG writer (``save_figure``) serve every figure, those of
``stat_plots.py`` too.
"""

from __future__ import annotations

import textwrap
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from pathlib import Path

import matplotlib
import numpy as np
import pandas as pd
from matplotlib.backends.backend_agg import FigureCanvasAgg
from matplotlib.figure import Figure

# Lines, intervals and bars, drawn by matplotlib; the statistical figures, drawn by seaborn, are in
# stat_plots.py, so that a job drawing only these does not import seaborn (about 1.5 s). The
# evaluate stage computes the ROC points the ROC figure draws.

__all__ = [
    "difference_intervals",
    "importance_rankings",
    "interval_comparison",
    "method_curves",
    "metric_bars",
    "regularisation_path_figure",
    "roc_curves",
    "save_figure",
    "training_curves",
]

# Every figure is built and drawn under matplotlib's built-in defaults plus these few settings, so
# the pixels do not depend on a user's matplotlibrc or on whatever style a caller set.
_STYLE = {
    "font.size": 9,
    "axes.titlesize": 10,
    "axes.labelsize": 9,
    "xtick.labelsize": 8,
    "ytick.labelsize": 8,
    "legend.fontsize": 8,
    "figure.titlesize": 11,
    "axes.grid": False,
    "figure.facecolor": "white",
    "savefig.facecolor": "white",
}
PHASE_COLOURS = {"train": "C0", "validation": "C1"}
# Categories (classes, models) take the colours of matplotlib's default cycle, in order, as the
# series of every other figure do.
_PALETTE = [f"C{i}" for i in range(10)]
_PHASE_ORDER = ("train", "validation")


@contextmanager
def house_style() -> Iterator[None]:
    # rc_context restores the caller's rcParams on exit, so the defaults reset below never leaks.
    with matplotlib.rc_context():
        matplotlib.rcdefaults()
        matplotlib.rcParams.update(_STYLE)
        yield


def class_colours(classes: Sequence) -> dict:
    # One fixed colour per class position, so class k looks the same in every figure of the run.
    return {cls: _PALETTE[i % len(_PALETTE)] for i, cls in enumerate(classes)}


def require_columns(table: pd.DataFrame, columns: Sequence[str], what: str) -> None:
    missing = [column for column in columns if column not in table.columns]
    if missing:
        raise ValueError(f"{what} lacks column(s) {missing}; it has {list(table.columns)}")


def save_figure(figure: Figure, path, dpi: int) -> None:
    """Write ``figure`` as a PNG at ``dpi`` whose bytes depend only on the figure's content."""
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    # An explicit Agg canvas: the figure renders the same whatever backend pyplot would have chosen.
    FigureCanvasAgg(figure)
    with house_style():
        # Software=None drops the only text chunk matplotlib writes to a PNG (it names the version).
        figure.savefig(path, format="png", dpi=dpi, metadata={"Software": None})


def _batch_positions(batches: pd.DataFrame) -> pd.DataFrame:
    # Train and validation have different batch counts per epoch, so each batch is placed at its
    # fraction of the epoch: both phases then share one x axis, and batch b of n in epoch e sits at
    # e - 1 + b / n, the last batch of an epoch lining up with that epoch's per-epoch point.
    ordered = batches.sort_values(["phase", "epoch", "batch"], kind="stable").reset_index(drop=True)
    per_epoch = ordered.groupby(["phase", "epoch"], sort=False)["batch"].transform("count")
    rank = ordered.groupby(["phase", "epoch"], sort=False).cumcount() + 1
    return ordered.assign(position=ordered["epoch"] - 1 + rank / per_epoch)


def _phases(*tables: pd.DataFrame) -> list[str]:
    present = set().union(*(set(table["phase"].unique().tolist()) for table in tables))
    return [p for p in _PHASE_ORDER if p in present] + sorted(present - set(_PHASE_ORDER))


@house_style()
def training_curves(epochs: pd.DataFrame, batches: pd.DataFrame, annotation: str) -> Figure:
    """Six panels (3x2): per-epoch loss, accuracy and their volatilities, then per-batch loss and accuracy."""
    require_columns(
        epochs,
        ["phase", "epoch", "loss", "accuracy", "loss_volatility", "accuracy_volatility"],
        "epochs",
    )
    require_columns(batches, ["phase", "epoch", "batch", "loss", "accuracy"], "batches")
    placed = _batch_positions(batches)
    phases = _phases(epochs, batches)
    colours = {p: PHASE_COLOURS.get(p, f"C{2 + i}") for i, p in enumerate(phases)}
    # Markers only help when there are few epochs (a smoke run); at hundreds they blur the line.
    marker = "o" if epochs["epoch"].nunique() <= 30 else None

    figure = Figure(figsize=(12, 10), layout="constrained")
    axes = figure.subplots(3, 2)
    epoch_panels = [
        (axes[0, 0], "loss", "loss per epoch", "loss"),
        (axes[0, 1], "accuracy", "accuracy per epoch", "accuracy"),
        (axes[1, 0], "loss_volatility", "loss volatility per epoch (max - min over batches)", "loss range"),
        (
            axes[1, 1],
            "accuracy_volatility",
            "accuracy volatility per epoch (max - min over batches)",
            "accuracy range",
        ),
    ]
    for ax, column, panel_title, ylabel in epoch_panels:
        for phase in phases:
            rows = epochs[epochs["phase"] == phase].sort_values("epoch")
            ax.plot(
                rows["epoch"],
                rows[column],
                color=colours[phase],
                marker=marker,
                markersize=3,
                linewidth=1.2,
                label=phase,
            )
        ax.set_title(panel_title)
        ax.set_xlabel("epoch")
        ax.set_ylabel(ylabel)
    batch_panels = [
        (axes[2, 0], "loss", "loss per batch", "loss"),
        (axes[2, 1], "accuracy", "accuracy per batch", "accuracy"),
    ]
    for ax, column, panel_title, ylabel in batch_panels:
        for phase in phases:
            rows = placed[placed["phase"] == phase]
            ax.plot(
                rows["position"],
                rows[column],
                color=colours[phase],
                linewidth=0.6,
                alpha=0.8,
                label=phase,
            )
        ax.set_title(panel_title)
        ax.set_xlabel("epoch (one point per batch)")
        ax.set_ylabel(ylabel)
    for ax in axes.ravel():
        ax.grid(True, linewidth=0.4, alpha=0.5)
    # One legend for all six panels, outside them: per-panel legends sat on the noisy curves.
    handles, labels = axes[0, 0].get_legend_handles_labels()
    figure.legend(
        handles, labels, loc="outside lower center", ncols=max(len(phases), 1), fontsize=9, handlelength=3
    )
    figure.suptitle(textwrap.fill(annotation, width=140))
    return figure


@house_style()
def roc_curves(points: pd.DataFrame, aucs: dict, classes: list, title: str) -> Figure:
    """One-vs-rest ROC curve per class from ``points`` (class, fpr, tpr; see ``evaluation.roc_points``).

    ``aucs`` maps each class's string form (the keys of metrics.json) to its AUC, None when undefined.
    """
    require_columns(points, ["class", "fpr", "tpr"], "points")
    colours = class_colours(classes)
    figure = Figure(figsize=(5.5, 5), layout="constrained")
    ax = figure.subplots()
    ax.plot([0, 1], [0, 1], linestyle="--", color="0.6", linewidth=1, label="chance")
    for cls in classes:
        curve = points[points["class"] == cls]
        auc = aucs.get(str(cls))
        # A class with no positives (or no negatives) in this sample has no ROC curve; the legend
        # says so rather than leave the class out.
        if curve.empty or auc is None:
            ax.plot([], [], color=colours[cls], label=f"class {cls} (AUC undefined: one-sided labels)")
            continue
        label = f"class {cls} (AUC {auc:.2f})"
        ax.plot(curve["fpr"], curve["tpr"], color=colours[cls], linewidth=1.5, label=label)
    ax.set_xlim(-0.02, 1.02)
    ax.set_ylim(-0.02, 1.02)
    ax.set_aspect("equal")
    ax.set_xlabel("false positive rate")
    ax.set_ylabel("true positive rate")
    ax.set_title(title)
    ax.grid(True, linewidth=0.4, alpha=0.5)
    ax.legend(loc="lower right")
    return figure


@house_style()
def metric_bars(values: pd.DataFrame, value: str, group: str, title: str) -> Figure:
    """One bar per row of ``values`` (x = ``group``, height = ``value``) with the value printed on it."""
    require_columns(values, [group, value], "values")
    names = values[group].astype(str).tolist()
    heights = values[value].to_numpy(dtype=float)
    figure = Figure(figsize=(max(4.0, 1.0 + 0.9 * len(names)), 4), layout="constrained")
    ax = figure.subplots()
    colours = [_PALETTE[i % len(_PALETTE)] for i in range(len(names))]
    bars = ax.bar(range(len(names)), heights, color=colours, width=0.6)
    # Scores in [0, 1] (accuracies) read best with fixed decimals; anything else keeps 4 digits.
    in_unit_range = bool(np.all((heights >= 0) & (heights <= 1)))
    ax.bar_label(bars, fmt="{:.3f}" if in_unit_range else "{:.4g}", padding=2)
    ax.set_xticks(range(len(names)), names)
    if max((len(name) for name in names), default=0) * len(names) > 60:
        ax.tick_params(axis="x", labelrotation=30)
    # Headroom for the printed values above the tallest bar.
    ax.margins(y=0.12)
    ax.set_xlabel(group)
    ax.set_ylabel(value)
    ax.set_title(title)
    ax.grid(True, axis="y", linewidth=0.4, alpha=0.5)
    ax.set_axisbelow(True)
    return figure


@house_style()
def method_curves(epochs_by_method: dict[str, pd.DataFrame], zero_shares: pd.Series, title: str) -> Figure:
    """Two training methods side by side: per-epoch loss and loss volatility by phase, and weight sparsity.

    ``epochs_by_method`` maps a method name to its ``epoch_summary`` table; ``zero_shares`` maps
    it to the share of first-layer weights that are exactly zero.
    """
    figure = Figure(figsize=(13, 4.5), layout="constrained")
    loss_axis, volatility_axis, zero_axis = figure.subplots(1, 3)
    styles = {"train": "-", "validation": "--"}
    for i, (method, epochs) in enumerate(epochs_by_method.items()):
        require_columns(epochs, ["phase", "epoch", "loss", "loss_volatility"], "epochs")
        for phase, rows in epochs.groupby("phase", sort=True):
            style = dict(color=f"C{i}", linestyle=styles.get(phase, ":"), linewidth=1)
            loss_axis.plot(rows["epoch"], rows["loss"], label=f"{method}, {phase}", **style)
            volatility_axis.plot(rows["epoch"], rows["loss_volatility"], **style)
    loss_axis.set(title="loss per epoch", xlabel="epoch", ylabel="loss (with penalty)", yscale="log")
    volatility_axis.set(title="loss volatility per epoch (max - min)", xlabel="epoch", ylabel="loss range")
    loss_axis.legend(fontsize=8)
    methods = list(zero_shares.index)
    bars = zero_axis.bar(methods, zero_shares.to_numpy(), color=[f"C{i}" for i in range(len(methods))])
    zero_axis.bar_label(bars, labels=[f"{share:.1%}" for share in zero_shares], fontsize=8)
    zero_axis.set(title="first-layer weights exactly zero", ylabel="share", ylim=(0, 1.05))
    figure.suptitle(title)
    return figure


@house_style()
def interval_comparison(table: pd.DataFrame, title: str) -> Figure:
    """Each model's mean with its interval, one marker per normalisation, models along the x axis.

    ``table`` has columns model, normalisation, mean, ci_low, ci_high (e.g. ``crossval.accuracy_table``).
    """
    require_columns(table, ["model", "normalisation", "mean", "ci_low", "ci_high"], "table")
    models = list(dict.fromkeys(table["model"]))
    normalisations = list(dict.fromkeys(table["normalisation"]))
    figure = Figure(figsize=(max(6, 1.1 * len(models) + 2.5), 4.5), layout="constrained")
    axis = figure.subplots()
    width = 0.6 / max(len(normalisations), 1)
    for k, normalisation in enumerate(normalisations):
        rows = table[table["normalisation"] == normalisation]
        x = np.array([models.index(m) for m in rows["model"]]) + (k - (len(normalisations) - 1) / 2) * width
        mean = rows["mean"].to_numpy(dtype=float)
        error = np.vstack(
            [mean - rows["ci_low"].to_numpy(dtype=float), rows["ci_high"].to_numpy(dtype=float) - mean]
        )
        axis.errorbar(
            x, mean, yerr=error, fmt="o", color=f"C{k}", capsize=3, markersize=5, label=normalisation
        )
    axis.set_xticks(range(len(models)), models)
    if max((len(m) for m in models), default=0) * len(models) > 70:
        axis.tick_params(axis="x", labelrotation=25)
    axis.set(title=title, ylabel="held-out accuracy (corrected 95 % interval)")
    axis.grid(axis="y", alpha=0.3)
    axis.legend(title="normalisation", loc="lower left")
    return figure


@house_style()
def difference_intervals(
    differences: pd.DataFrame, title: str, xlabel: str, margin: float | None = None
) -> Figure:
    """Paired differences ``model_a - model_b`` with their intervals, one row per pair; zero marked.

    With a ``normalisation`` column the pairs are coloured by it. ``margin`` (an accuracy
    difference, the claims' ``margin``) is drawn as the band within which two models count as the
    same: an interval inside it shows them equivalent, one beyond it a difference a claim can use.
    """
    require_columns(
        differences, ["model_a", "model_b", "mean_difference", "ci_low", "ci_high"], "differences"
    )
    figure = Figure(figsize=(7.5, 0.3 * len(differences) + 1.9), layout="constrained")
    axis = figure.subplots()
    y = np.arange(len(differences))[::-1]
    if margin is not None:
        axis.axvspan(
            -margin, margin, color="#2da44e", alpha=0.13, linewidth=0, label=f"the claims' margin ±{margin:g}"
        )
    groups = (
        differences["normalisation"] if "normalisation" in differences else pd.Series([""] * len(differences))
    )
    for k, group in enumerate(dict.fromkeys(groups)):
        chosen = (groups == group).to_numpy()
        rows = differences[chosen]
        mean = rows["mean_difference"].to_numpy(dtype=float)
        error = np.vstack(
            [mean - rows["ci_low"].to_numpy(dtype=float), rows["ci_high"].to_numpy(dtype=float) - mean]
        )
        axis.errorbar(
            mean,
            y[chosen],
            xerr=error,
            fmt="o",
            color=f"C{k}",
            capsize=3,
            markersize=4,
            label=f"normalisation {group}" if group else None,
        )
    axis.axvline(0, color="grey", linestyle="--", linewidth=1)
    labels = [f"{a} - {b}" for a, b in zip(differences["model_a"], differences["model_b"], strict=True)]
    axis.set_yticks(y, labels)
    axis.set(title=title, xlabel=xlabel, ylim=(-0.8, len(differences) - 0.2))
    if "normalisation" in differences or margin is not None:
        axis.legend(loc="lower right", fontsize=8)
    return figure


@house_style()
def importance_rankings(summaries: dict[str, pd.DataFrame], measures: Sequence[str], title: str) -> Figure:
    """Mean rank of every feature with its interval, one panel per measure, one colour per normalisation.

    ``summaries`` maps a normalisation to its ``importance.importance_summary``; features are listed
    in the first summary's order (most important at the top).
    """
    names = list(summaries)
    features = summaries[names[0]]["feature"].tolist()
    figure = Figure(figsize=(3.4 * len(measures) + 1.8, 0.32 * len(features) + 1.8), layout="constrained")
    axes = np.atleast_1d(figure.subplots(1, len(measures), sharey=True, squeeze=False).ravel())
    y = np.arange(len(features))
    step = 0.5 / max(len(names), 1)
    for axis, measure in zip(axes, measures, strict=True):
        for k, name in enumerate(names):
            indexed = summaries[name].set_index("feature").reindex(features)
            mean = indexed[f"{measure}_mean_rank"].to_numpy(dtype=float)
            low = indexed[f"{measure}_mean_rank_ci_low"].to_numpy(dtype=float)
            high = indexed[f"{measure}_mean_rank_ci_high"].to_numpy(dtype=float)
            error = np.vstack([np.nan_to_num(mean - low), np.nan_to_num(high - mean)])
            offset = (k - (len(names) - 1) / 2) * step
            axis.errorbar(
                mean, y + offset, xerr=error, fmt="o", color=f"C{k}", markersize=4, capsize=2, label=name
            )
        axis.set(title=f"by {measure} score", xlabel="mean rank (1 = most important)")
        axis.set_xlim(0.5, len(features) + 0.5)
        axis.grid(axis="x", alpha=0.3)
    axes[0].set_yticks(y, features)
    axes[0].invert_yaxis()
    handles, labels = axes[0].get_legend_handles_labels()
    figure.legend(
        handles, labels, title="normalisation", loc="outside lower center", ncols=max(len(names), 1)
    )
    figure.suptitle(title)
    return figure


@house_style()
def regularisation_path_figure(table: pd.DataFrame, title: str) -> Figure:
    """Accuracy with its interval and first-layer zero share against the coefficient, per penalty and method.

    ``table`` has columns normalisation, penalty, coefficient, mean, ci_low, ci_high, zero_share.
    """
    require_columns(
        table, ["normalisation", "penalty", "coefficient", "mean", "ci_low", "ci_high", "zero_share"], "table"
    )
    normalisations = list(dict.fromkeys(table["normalisation"]))
    penalties = list(dict.fromkeys(table["penalty"]))
    figure = Figure(figsize=(5 * len(normalisations) + 1, 7), layout="constrained")
    axes = figure.subplots(2, len(normalisations), sharex=True, squeeze=False)
    for column, normalisation in enumerate(normalisations):
        accuracy_axis, zero_axis = axes[0, column], axes[1, column]
        for k, penalty in enumerate(penalties):
            rows = table[(table["normalisation"] == normalisation) & (table["penalty"] == penalty)]
            rows = rows.sort_values("coefficient")
            x = rows["coefficient"].to_numpy(dtype=float)
            accuracy_axis.plot(x, rows["mean"], marker="o", markersize=3, color=f"C{k}", label=penalty)
            accuracy_axis.fill_between(
                x, rows["ci_low"], rows["ci_high"], color=f"C{k}", alpha=0.15, linewidth=0
            )
            zero_axis.plot(x, rows["zero_share"], marker="o", markersize=3, color=f"C{k}", label=penalty)
        accuracy_axis.set(
            title=f"{normalisation} normalisation", ylabel="cross-validated accuracy", xscale="log"
        )
        zero_axis.set(xlabel="penalty coefficient", ylabel="first-layer weights exactly zero", xscale="log")
        zero_axis.set_ylim(-0.02, 1.02)
        for axis in (accuracy_axis, zero_axis):
            axis.grid(alpha=0.3)
    axes[0, 0].legend(title="penalty", loc="lower left")
    figure.suptitle(title)
    return figure
