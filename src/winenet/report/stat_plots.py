"""Statistical figures drawn by seaborn: features by class (violins), counts (heatmaps), seeds (swarm).

Each takes tables in and gives a matplotlib Figure out, in the house style of ``plots.py``, whose
``save_figure`` writes them.
"""

from __future__ import annotations

import math

import numpy as np
import pandas as pd
import seaborn as sns
from matplotlib.figure import Figure

from winenet.report.plots import class_colours, house_style, require_columns

__all__ = ["accuracy_spread", "confusion_matrix_figure", "feature_distributions", "rank_heatmap"]


@house_style()
def feature_distributions(
    table: pd.DataFrame,
    label: str,
    features: list[str],
    order: list[str] | None = None,
    title: str | None = None,
) -> Figure:
    """One panel per feature showing its raw values per class as violins; ``order`` ranks the panels."""
    require_columns(table, [label, *features], "table")
    if order is not None and sorted(order) != sorted(features):
        raise ValueError(f"order must be a permutation of features; got {order} for {features}")
    drawn = list(order) if order is not None else list(features)
    if not drawn:
        raise ValueError("features is empty: nothing to draw")
    classes = sorted(table[label].dropna().unique().tolist())
    colours = class_colours(classes)

    columns = min(5, len(drawn))
    rows = math.ceil(len(drawn) / columns)
    figure = Figure(figsize=(2.6 * columns, 2.3 * rows + 0.7), layout="constrained")
    axes = figure.subplots(rows, columns, squeeze=False).ravel()
    for position, (ax, feature) in enumerate(zip(axes, drawn, strict=False)):
        # Each violin spans its class's observed range (measurements have physical bounds) and has
        # the same largest width, whatever its class's size; the box marks the quartiles.
        sns.violinplot(
            data=table,
            x=label,
            y=feature,
            hue=label,
            order=classes,
            hue_order=classes,
            palette=colours,
            cut=0,
            density_norm="width",
            inner="box",
            linewidth=0.8,
            legend=False,
            ax=ax,
        )
        ax.set_title(f"{position + 1}. {feature}" if order is not None else feature)
        ax.set_xlabel("")
        ax.set_ylabel("")
    # Unused grid cells are removed, not hidden, so figure.axes lists one axes per feature.
    for ax in axes[len(drawn) :]:
        figure.delaxes(ax)
    figure.supxlabel(label)
    if title:
        figure.suptitle(title)
    return figure


def _count_heatmap(ax, counts: pd.DataFrame, cmap: str, colorbar: str | None, fontsize: float | None = None):
    """Integer ``counts`` (rows x columns, labelled) as a heatmap with each cell's count printed in it."""
    sns.heatmap(
        counts,
        annot=True,
        fmt="d",
        cmap=cmap,
        vmin=0,
        vmax=max(int(counts.to_numpy().max()), 1),
        linewidths=0.5,
        linecolor="white",
        cbar=colorbar is not None,
        cbar_kws={"label": colorbar} if colorbar else None,
        annot_kws={"fontsize": fontsize} if fontsize else None,
        ax=ax,
    )
    ax.tick_params(axis="y", labelrotation=0)


@house_style()
def confusion_matrix_figure(counts, classes: list, title: str, label: str = "class") -> Figure:
    """Annotated heatmap of the (K, K) confusion-matrix counts, rows true and columns predicted."""
    counts = np.asarray(counts, dtype=np.int64)
    if counts.shape != (len(classes), len(classes)):
        raise ValueError(
            f"the confusion matrix of {len(classes)} classes must be square in them, got {counts.shape}"
        )
    side = 2.5 + 0.6 * len(classes)
    figure = Figure(figsize=(side + 0.5, side), layout="constrained")
    ax = figure.subplots()
    labels = [str(c) for c in classes]
    # No colorbar: every cell carries its count, so a colour scale would only repeat it.
    _count_heatmap(ax, pd.DataFrame(counts, index=labels, columns=labels), "Blues", None)
    ax.set_xlabel(f"predicted {label}")
    ax.set_ylabel(f"true {label}")
    ax.set_title(title)
    return figure


@house_style()
def rank_heatmap(rank_counts: pd.DataFrame, title: str) -> Figure:
    """Annotated heatmap of runs per (feature, rank) from ``rank_counts`` (features x ranks)."""
    values = rank_counts.fillna(0).to_numpy(dtype=float)
    # Counts often arrive as floats from a pivot or a sum; anything fractional is not a count.
    if not np.array_equal(values, np.round(values)):
        raise ValueError("rank_counts must hold whole numbers of runs")
    rows, columns = values.shape
    counts = pd.DataFrame(
        values.astype(np.int64),
        index=[str(label) for label in rank_counts.index],
        columns=[str(label) for label in rank_counts.columns],
    )
    figure = Figure(figsize=(2.5 + 0.55 * columns, 1.3 + 0.4 * rows), layout="constrained")
    ax = figure.subplots()
    _count_heatmap(ax, counts, "viridis", "runs", fontsize=8)
    ax.set_xlabel("rank (1 = most important)")
    ax.set_ylabel("feature")
    ax.set_title(title)
    return figure


@house_style()
def accuracy_spread(values: dict[str, np.ndarray], intervals: pd.DataFrame, title: str) -> Figure:
    """Per group, each value as a point (a swarm: no two on top of each other), its mean and interval.

    ``intervals`` has one row per group (column ``model``) with ``mean``, ``ci_low`` and ``ci_high``.
    """
    require_columns(intervals, ["model", "mean", "ci_low", "ci_high"], "intervals")
    figure = Figure(figsize=(max(5, 1.3 * len(values) + 2), 4.5), layout="constrained")
    axis = figure.subplots()
    groups = list(values)
    points = pd.DataFrame(
        [
            (group, float(value))
            for group in groups
            for value in np.sort(np.asarray(values[group], dtype=float))
        ],
        columns=["model", "accuracy"],
    )
    palette = {group: f"C{i}" for i, group in enumerate(groups)}
    sns.swarmplot(
        data=points,
        x="model",
        y="accuracy",
        hue="model",
        order=groups,
        palette=palette,
        size=3.5,
        alpha=0.7,
        legend=False,
        ax=axis,
    )
    indexed = intervals.set_index("model")
    for i, group in enumerate(groups):
        row = indexed.loc[group]
        if np.isfinite(row["mean"]):
            error = [[row["mean"] - row["ci_low"]], [row["ci_high"] - row["mean"]]]
            axis.errorbar(i + 0.38, row["mean"], yerr=error, fmt="o", color="black", capsize=4, markersize=4)
            axis.annotate(f"{row['mean']:.3f}", (i + 0.45, row["mean"]), fontsize=8, va="center")
    axis.set(title=title, xlabel="", ylabel="accuracy", xlim=(-0.6, len(groups) - 0.1))
    axis.grid(axis="y", alpha=0.3)
    return figure
