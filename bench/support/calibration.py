"""The verdict rules' operating characteristics, measured on synthetic evidence with a known truth.

Each rule of ``verdicts`` is run, unchanged, on evidence drawn from a model whose truth is known:
the claim true with a margin, exactly at its boundary (where "holds" is the wrong verdict), and
false. Each case is drawn at the default design (the seeds, folds, runs and rows of config.yaml)
and at a design four times larger. What a rule must show: at the boundary it says "holds" at most
as often as the error a verdict may carry, and a true claim decides at least as often when the
design grows. ``bench/calibration.py`` runs it and writes its table into docs/claims.md.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable, Mapping
from dataclasses import dataclass

import numpy as np
import pandas as pd
from scipy import stats as scipy_stats

from support.synthetic_evidence import (
    CASES,
    Design,
    InfluenceTruth,
    base_evidence,
    draw_accuracy,
    draw_baselines,
    draw_common_range,
    draw_comparison,
    draw_equal_influence,
    draw_overfitting,
    draw_spikes,
    draw_top_features,
    draw_volatility,
)
from winenet.verdicts.evidence import VERDICTS
from winenet.verdicts.settle import judge_claims


@dataclass(frozen=True)
class Rule:
    """A rule under calibration: the statement it judges and how to draw its evidence."""

    name: str
    statement: dict
    draw: Callable[[str, Design, np.random.Generator], dict]


def rules(settings: Mapping) -> list[Rule]:
    """Every kind of claim, as the default claims use it, with its simulated evidence."""
    margin, ratio_margin = float(settings["margin"]), float(settings["ratio_margin"])
    factor = float(settings["range_factor"])
    truth = InfluenceTruth(ratio_margin)
    # The validation loss's rise, end over floor, in each case: the claim that it rises, and that it does not.
    overfits = {"true with a margin": 1 + 3 * ratio_margin, "at the boundary": 1 + ratio_margin, "false": 1.0}
    stays = {"true with a margin": 1.0, "at the boundary": 1 + ratio_margin, "false": 1 + 3 * ratio_margin}
    return [
        Rule(
            "accuracy",
            {
                "text": "reaches 96 %",
                "kind": "accuracy",
                "model": "model",
                "value": 0.96,
                "relation": "reaches",
            },
            draw_accuracy,
        ),
        Rule(
            "overfitting",
            {"text": "overfits", "kind": "overfitting", "model": "model"},
            lambda case, design, rng: draw_overfitting(case, design, rng, overfits),
        ),
        Rule(
            "overfitting: claimed absent",
            {"text": "does not overfit", "kind": "overfitting", "model": "model", "overfits": False},
            lambda case, design, rng: draw_overfitting(case, design, rng, stays),
        ),
        Rule(
            "volatility",
            {
                "text": "smoother",
                "kind": "volatility",
                "model_a": "a",
                "model_b": "b",
                "measure": "range",
                "relation": "lower",
            },
            lambda case, design, rng: draw_volatility(case, design, rng, ratio_margin),
        ),
        Rule(
            "volatility: spikes",
            {
                "text": "spikier",
                "kind": "volatility",
                "model_a": "a",
                "model_b": "b",
                "measure": "spikes",
                "relation": "higher",
            },
            lambda case, design, rng: draw_spikes(case, design, rng, ratio_margin),
        ),
        Rule(
            "comparison",
            {"text": "keeps", "kind": "comparison", "model_a": "a", "model_b": "b", "relation": "not_worse"},
            lambda case, design, rng: draw_comparison(case, design, rng, margin),
        ),
        Rule(
            "baselines",
            {"text": "matches", "kind": "baselines", "relation": "not_worse"},
            lambda case, design, rng: draw_baselines(case, design, rng, margin),
        ),
        Rule(
            "top_features",
            {
                "text": "x0 and x1 on top",
                "kind": "top_features",
                "features": ["x0", "x1"],
                "measures": ["permutation"],
            },
            draw_top_features,
        ),
        Rule(
            "normalisation: equal influence",
            {"text": "equal influence", "kind": "normalisation", "effect": "equal_influence"},
            lambda case, design, rng: draw_equal_influence(case, design, rng, truth),
        ),
        Rule(
            "normalisation: common range",
            {"text": "common range", "kind": "normalisation", "effect": "common_range"},
            lambda case, design, rng: draw_common_range(case, design, rng, factor),
        ),
        # Last, so that the rows above keep their streams of chance (a row's stream is keyed by its index).
        Rule(
            "accuracy: reproduces",
            {"text": "96 %", "kind": "accuracy", "model": "model", "value": 0.96, "relation": "reproduces"},
            draw_accuracy,
        ),
    ]


def judge_once(rule: Rule, case: str, design: Design, settings: Mapping, rng: np.random.Generator) -> str:
    """The verdict of one simulated run of ``rule`` in ``case``."""
    fields = rule.draw(case, design, rng)
    normalisations = fields.pop("design_normalisations", None)
    evidence = base_evidence(settings, design, **fields)
    if normalisations:
        evidence.design["normalisations"] = normalisations
    table = judge_claims([rule.statement], evidence)
    return str(table["verdict"].iloc[0])


def simulate(rule: Rule, case: str, design: Design, settings: Mapping, runs: int, seed) -> Counter:
    """How often each verdict comes out of ``runs`` simulated runs (seeded: the same counts every time)."""
    rng = np.random.default_rng(seed)
    return Counter(judge_once(rule, case, design, settings, rng) for _ in range(runs))


def cell(settings: Mapping, name: str, case: str, label: str, design: Design, runs: int, seed: int) -> dict:
    """One row of the table: rule ``name`` in ``case`` at one design, with the share of each verdict.

    Every row draws from a stream of its own (the rule, the case and the design key it), so that
    no two rows share their chance.
    """
    every = rules(settings)
    (index,) = [i for i, rule in enumerate(every) if rule.name == name]
    key = [seed, index, CASES.index(case), design.seeds]
    counts = simulate(every[index], case, design, settings, runs, key)
    return {"rule": name, "truth": case, "design": label, "runs": runs} | {
        verdict: counts[verdict] / runs for verdict in VERDICTS
    }


def operating_characteristics(
    settings: Mapping,
    design: Design,
    runs: int,
    scale: int = 4,
    seed: int = 0,
    only: set | None = None,
    map_cells: Callable = map,
) -> pd.DataFrame:
    """Every rule in every case at ``design`` and ``scale`` times it: one row each, with each verdict's share.

    ``map_cells`` maps ``cell`` over the rows' arguments: ``map``, or a process pool's to use every core.
    """
    cells = [
        (settings, rule.name, case, label, chosen, runs, seed)
        for rule in rules(settings)
        if not only or rule.name in only
        for case in CASES
        for label, chosen in (("default", design), (f"{scale}x", design.scaled(scale)))
    ]
    return pd.DataFrame(list(map_cells(cell, *zip(*cells, strict=True))))


def proportion_interval(share: float, runs: int, confidence: float = 0.95) -> tuple[float, float]:
    """The Clopper-Pearson interval of a share seen in ``runs`` simulations (scipy's)."""
    interval = scipy_stats.binomtest(round(share * runs), runs).proportion_ci(confidence)
    return float(interval.low), float(interval.high)


def failures(table: pd.DataFrame, alpha: float) -> list[str]:
    """What the rules must show and do not, one line each: the error at the boundary, the power's growth.

    "Beyond simulation error" holds for the whole table at once: each check's Clopper-Pearson
    interval is at 95 % Bonferroni-adjusted over the checks of its kind, so that a table of many
    rows does not fail by the chance of one.
    """
    problems = []
    boundaries = table[table["truth"] == "at the boundary"]
    confidence = 1 - 0.05 / len(boundaries)
    for row in boundaries.itertuples(index=False):
        low, _ = proportion_interval(row.holds, int(row.runs), confidence)
        if low > alpha:
            problems.append(
                f"{row.rule}, {row.design} design: at the boundary it says holds in {row.holds:.3f} of runs, "
                f"above the error {alpha:g} beyond simulation error"
            )
    true = table[table["truth"] == "true with a margin"]
    confidence = 1 - 0.05 / max(1, true["rule"].nunique())
    for rule, rows in true.groupby("rule", sort=False):
        small, large = rows.iloc[0], rows.iloc[1]
        _, high = proportion_interval(large["holds"], int(large["runs"]), confidence)
        low, _ = proportion_interval(small["holds"], int(small["runs"]), confidence)
        if high < low:
            problems.append(
                f"{rule}: a true claim holds less often at the larger design ({large['holds']:.3f} against "
                f"{small['holds']:.3f})"
            )
    return problems


def markdown_table(table: pd.DataFrame, design: Design, scale: int) -> str:
    """The table docs/claims.md shows: each rule, truth and design with the share of each verdict."""
    lines = [
        f"Default design: {design.describe()}; {scale}x: {design.scaled(scale).describe()}; "
        f"{int(table['runs'].iloc[0])} simulated runs per row.",
        "",
        "| rule | truth | design | holds | does not hold | undecided |",
        "|---|---|---|---|---|---|",
    ]
    for _, row in table.iterrows():
        cells = " | ".join(f"{row[verdict]:.3f}" for verdict in VERDICTS)
        lines.append(f"| {row['rule']} | {row['truth']} | {row['design']} | {cells} |")
    return "\n".join(lines) + "\n"
