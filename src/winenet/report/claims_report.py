"""The claims as a reader sees them: the verdicts at a glance, the evidence page and the claims figure.

Everything here is drawn from the claims table (``verdicts.columns``) alone: no number is computed
or typed here. The glance and the evidence page are HTML that the report shows (the glance also on
its landing page); a verdict is told apart by its symbol and word, its colour only helps.
"""

from __future__ import annotations

import html
import textwrap
from collections.abc import Iterable

import numpy as np
import pandas as pd
from matplotlib.figure import Figure
from matplotlib.lines import Line2D
from matplotlib.patches import Patch

from winenet.report.plots import house_style

# Symbol, word and colour of each verdict: the symbol and word tell them apart, the colour helps.
VERDICT_MARKS = {
    "holds": ("✓", "#1a7f37"),
    "does not hold": ("✗", "#cf222e"),
    "undecided": ("?", "#6e7781"),
}
# One stylesheet for the glance and the evidence page, of winenet's own classes only: the glance
# sits inside Snakemake's report page as well as on its own.
STYLE = """
.winenet-verdicts { font-size: 0.75rem; line-height: 1.25; }
.winenet-verdicts table { border-collapse: collapse; width: 100%; margin: 0.3rem 0; }
.winenet-verdicts th, .winenet-verdicts td { text-align: left; vertical-align: top; padding: 0.15rem 0.25rem;
  border-bottom: 1px solid #d0d7de; }
.winenet-verdicts th { font-weight: 600; }
.winenet-verdicts td.winenet-id { color: #57606a; white-space: nowrap; }
.winenet-verdict { font-weight: 700; font-size: 1.1em; white-space: nowrap; }
.winenet-verdicts td:last-child { white-space: normal; }
.winenet-holds { color: #1a7f37; }
.winenet-does-not-hold { color: #cf222e; }
.winenet-undecided { color: #6e7781; }
.winenet-under { color: #57606a; }
.winenet-legend { color: #57606a; margin: 0.2rem 0; }
"""
PAGE_STYLE = """
body.winenet-page { font-family: system-ui, sans-serif; font-size: 14px; line-height: 1.45; margin: 1.2rem;
  max-width: 62rem; color: #1f2328; }
.winenet-page h1 { font-size: 1.4rem; }
.winenet-page h2 { font-size: 1.05rem; margin: 1.4rem 0 0.2rem; }
.winenet-kind { color: #57606a; margin: 0; }
.winenet-row { margin: 0.5rem 0 0.5rem 1rem; }
.winenet-row p { margin: 0.15rem 0; }
.winenet-small { color: #57606a; font-size: 0.85rem; }
"""


def _class(verdict: str) -> str:
    return "winenet-" + verdict.replace(" ", "-")


def verdict_badge(verdict: str) -> str:
    """A verdict as HTML: its symbol and word, in a class of its own."""
    symbol, _ = VERDICT_MARKS[verdict]
    return f'<span class="winenet-verdict {_class(verdict)}">{symbol} {html.escape(verdict)}</span>'


def _statements(claims: pd.DataFrame) -> Iterable[tuple[int, pd.DataFrame]]:
    return claims.groupby("statement", sort=False)


def _legend(claims: pd.DataFrame) -> str:
    confidence = f" at {100 * (1 - float(claims['alpha'].iloc[0])):.4g} %" if len(claims) else ""
    return (
        f'<p class="winenet-legend">{verdict_badge("holds")}: the evidence supports the claim{confidence}; '
        f"{verdict_badge('does not hold')}: it supports the contrary; {verdict_badge('undecided')}: "
        "neither, a valid answer. Beside each verdict: the seeds, normalisation or network it rests on.</p>"
    )


def _glance_item(verdict: str, under: str, alone: bool) -> str:
    """One verdict in the glance: its symbol (and word, for a claim judged once) and what it rests on."""
    symbol, _ = VERDICT_MARKS[verdict]
    word = f" {html.escape(verdict)}" if alone else ""
    return (
        f'<span class="winenet-verdict {_class(verdict)}" title="{html.escape(verdict)}">'
        f"{symbol}{word}</span>"
        f'&nbsp;<span class="winenet-under">{html.escape(under)}</span>'
    )


# More claims or verdicts than these do not fit a report's landing page as rows (the report centres
# it in the window, so a taller one would lose its top): the glance then counts the verdicts.
GLANCE_CLAIMS = 18
GLANCE_VERDICTS = 30


def glance_html(claims: pd.DataFrame) -> str:
    """The verdicts at a glance: one row per declared claim, each of its verdicts with what it rests on.

    A claim judged under several conditions (normalisations, networks) shows one symbol per
    verdict; beyond ``GLANCE_CLAIMS`` claims or ``GLANCE_VERDICTS`` verdicts, the glance counts the
    verdicts instead.
    """
    groups = list(_statements(claims))
    counts = claims["verdict"].value_counts()
    summary = ", ".join(
        f"{verdict_badge(verdict)} {int(counts.get(verdict, 0))}" for verdict in VERDICT_MARKS
    )
    rows = []
    fits = len(groups) <= GLANCE_CLAIMS and len(claims) <= GLANCE_VERDICTS
    for number, group in groups if fits else []:
        alone = len(group) == 1
        verdicts = " · ".join(_glance_item(row.verdict, row.under, alone) for row in group.itertuples())
        rows.append(
            f'<tr><td class="winenet-id">{number}</td><td>{html.escape(group["claim"].iloc[0])}</td>'
            f"<td>{verdicts}</td></tr>"
        )
    if not groups:
        table = "<p>No claim was judged on this data.</p>"
    elif not rows:
        table = f"<p>{len(groups)} claims, {len(claims)} verdicts: {summary}; category Claims lists them.</p>"
    else:
        table = (
            "<table>\n<thead><tr><th>#</th><th>claim</th><th>verdict, and what it rests on</th></tr>"
            f"</thead>\n<tbody>\n{chr(10).join(rows)}\n</tbody>\n</table>"
        )
    return f'<div class="winenet-verdicts">\n<style>{STYLE}</style>\n{table}\n{_legend(claims)}\n</div>\n'


def claims_page(claims: pd.DataFrame, title: str = "The claims and their evidence") -> str:
    """A whole HTML page: every claim with its verdicts, each row's evidence and conditions, its rule."""
    sections = []
    for number, group in _statements(claims):
        first = group.iloc[0]
        rows = []
        for row in group.itertuples():
            rows.append(
                f'<div class="winenet-row" id="row-{html.escape(row.id)}">'
                f'<p>{verdict_badge(row.verdict)} <span class="winenet-under">{html.escape(row.under)}'
                f"</span></p><p>{html.escape(row.evidence)}</p>"
                f'<p class="winenet-small">Conditions: {html.escape(row.conditions)}</p></div>'
            )
        sections.append(
            f'<section id="claim-{number}"><h2>{number}. {html.escape(first["claim"])}</h2>'
            f'<p class="winenet-kind">kind {html.escape(first["kind"])}</p>'
            + "".join(rows)
            + f'<details class="winenet-small"><summary>The rule</summary>{html.escape(first["rule"])}'
            "</details></section>"
        )
    return (
        '<!DOCTYPE html>\n<html lang="en">\n<head>\n<meta charset="utf-8">\n'
        f"<title>{html.escape(title)}</title>\n<style>{STYLE}{PAGE_STYLE}</style>\n</head>\n"
        f'<body class="winenet-page winenet-verdicts">\n<h1>{html.escape(title)}</h1>\n{_legend(claims)}\n'
        '<p class="winenet-legend">Every number below is a field of claims.parquet (and '
        "claims.csv, in the run's folder), where the estimates, intervals, margins and errors can be "
        "filtered and plotted.</p>\n" + "\n".join(sections) + "\n</body>\n</html>\n"
    )


# The panels of the claims figure: rows whose estimates share a scale, with the scale's name.
def _panel(row) -> str:
    if row.kind in ("comparison", "baselines"):
        return "accuracy difference, a minus b"
    if row.kind == "normalisation":
        return row.quantity
    return {
        "accuracy": "validation accuracy: the median seed",
        "overfitting": "validation loss at the end over its lowest stretch",
        "volatility": "volatility of a over b (second half of training)",
        "top_features": "mean rank gap: the deciding other feature minus the named one",
    }.get(row.kind, row.quantity)


def _label(row, width: int = 58) -> str:
    claim = textwrap.shorten(row.claim, width=width, placeholder="…")
    return f"{row.id}  {claim} ({row.under})"


def _finite(*values) -> list[float]:
    return [float(v) for v in values if v is not None and not pd.isna(v)]


@house_style()
def claims_figure(claims: pd.DataFrame, title: str) -> Figure:
    """Each claim row's estimate and interval against the region where the claim holds, verdict marked.

    One panel per scale (accuracies, accuracy differences, ratios, rank gaps); the shaded band is
    the claim's margin or window, the filled marker the estimate, the hollow one a second measure
    reported beside it; a row without an estimate says why.
    """
    rows = list(claims.itertuples())
    panels: dict[str, list] = {}
    for row in rows:
        panels.setdefault(_panel(row), []).append(row)
    heights = [len(members) + 1.2 for members in panels.values()] or [1.0]
    # Wide rather than tall: the report shows a figure at the width of its pane, and one taller than
    # the window loses its top.
    figure = Figure(figsize=(12.5, 0.27 * sum(heights) + 1.0), layout="constrained")
    axes = np.atleast_1d(figure.subplots(max(len(panels), 1), 1, height_ratios=heights, squeeze=False)[:, 0])
    for axis, (name, members) in zip(axes, panels.items(), strict=False):
        _draw_panel(axis, name, members)
    if not panels:
        axes[0].set_axis_off()
        axes[0].text(0.5, 0.5, "no claim was judged on this data", ha="center", va="center")
    handles = [
        Patch(facecolor="#2da44e", alpha=0.13, label="where the claim holds: its margin or window"),
        Line2D([], [], color="black", marker="o", label="the estimate and its interval"),
        Line2D(
            [],
            [],
            color="black",
            marker="D",
            markerfacecolor="white",
            linewidth=1.0,
            label="a second measure beside it",
        ),
    ]
    figure.legend(handles=handles, loc="outside lower center", ncols=3, fontsize=8, frameon=False)
    figure.suptitle(title)
    return figure


def _draw_panel(axis, name: str, members: list) -> None:
    values = []
    for row in members:
        values += _finite(row.estimate, row.ci_low, row.ci_high, row.estimate_2, row.ci_low_2, row.ci_high_2)
        values += _finite(row.claim_low, row.claim_high)
    low, high = (min(values), max(values)) if values else (0.0, 1.0)
    pad = 0.08 * (high - low) if high > low else 0.05 * max(abs(high), 1.0)
    left, right = low - pad, high + pad
    y = np.arange(len(members))[::-1]
    for position, row in zip(y, members, strict=True):
        symbol, colour = VERDICT_MARKS[row.verdict]
        band_low = row.claim_low if not pd.isna(row.claim_low) else left
        band_high = row.claim_high if not pd.isna(row.claim_high) else right
        axis.fill_betweenx(
            [position - 0.42, position + 0.42], band_low, band_high, color="#2da44e", alpha=0.13, linewidth=0
        )
        if pd.isna(row.estimate):
            note = row.note if isinstance(row.note, str) else "see its evidence"
            axis.text(
                (left + right) / 2,
                position,
                textwrap.shorten(f"no estimate: {note}", width=90, placeholder="…"),
                ha="center",
                va="center",
                fontsize=7,
                color="#57606a",
            )
        else:
            _estimate_marker(axis, position, row.estimate, row.ci_low, row.ci_high, colour, filled=True)
        if not pd.isna(row.estimate_2):
            _estimate_marker(
                axis, position - 0.22, row.estimate_2, row.ci_low_2, row.ci_high_2, colour, filled=False
            )
        axis.text(
            1.01,
            position,
            f"{symbol} {row.verdict}",
            transform=axis.get_yaxis_transform(),
            va="center",
            fontsize=8,
            color=colour,
            fontweight="bold",
        )
    axis.set_xlim(left, right)
    axis.set_ylim(-0.7, len(members) - 0.3)
    axis.set_yticks(y, [_label(row) for row in members], fontsize=7.5)
    axis.set_title(name, fontsize=9, loc="left")
    axis.grid(axis="x", alpha=0.3)


def _estimate_marker(axis, position, estimate, low, high, colour, filled: bool) -> None:
    if not (pd.isna(low) or pd.isna(high)):
        axis.plot([low, high], [position, position], color=colour, linewidth=1.6 if filled else 1.0)
    axis.plot(
        [estimate],
        [position],
        marker="o" if filled else "D",
        markersize=5 if filled else 4,
        color=colour,
        markerfacecolor=colour if filled else "white",
        linestyle="none",
    )
