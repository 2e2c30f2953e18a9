"""The verdict rules' operating characteristics, measured on evidence with a known truth.

Each rule of ``verdicts`` is run, unchanged, on evidence drawn from a model whose truth is known:
the claim true with a margin, exactly at its boundary (where either verdict is wrong), and false.
Two arms: synthetic evidence for every rule (``synthetic_evidence``), at the default design (the
seeds, folds, runs and rows of config.yaml) and at a design four times larger; and real learners'
folds for the fold rules (``learner_evidence``), at 5x2, 5x8 and 10x10 folds. What a rule must show:
at the boundary it says "holds", and "does not hold", each at most as often as the error a verdict
may carry, and a true claim decides at least as often when the design grows. The boundary shares
are checked sequentially (``Check``): runs are added in stages until every share is shown below
a rule that errs too often, or shown above the bound. ``bench/calibration.py`` runs it and writes
its tables into docs/claims.md.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass

import numpy as np
import pandas as pd
from scipy import stats as scipy_stats

from support.learner_evidence import PAIRS, Population, Truth, fold_accuracies, margins
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


# The wrong verdicts at the boundary: each is checked against the error a verdict may carry.
WRONG_AT_BOUNDARY = ("holds", "does not hold")


@dataclass(frozen=True)
class Check:
    """The sequential check of the wrong verdicts' shares at the boundary, over ``checks`` shares.

    Runs come in stages of ``stage``, up to ``stages`` of them. After each stage a share fails when an
    exact one-sided binomial test shows it above ``bound`` at ``family / (checks * stages)``
    (Bonferroni over the shares and the looks: a table whose every share is within the bound fails
    with chance at most ``family``); it passes early when the same kind of test shows it below
    ``bad`` at ``early``. A cell stops when any of its shares fails, when all pass, or at the last
    stage, where what has not failed passes. ``power`` is the chance that a share of ``bad`` fails.
    """

    checks: int
    bound: float = 0.05
    bad: float = 0.07
    stage: int = 400
    stages: int = 8
    family: float = 0.05
    early: float = 0.01

    @property
    def level(self) -> float:
        return self.family / (self.checks * self.stages)

    def fails(self, count: int, runs: int) -> bool:
        """Whether ``count`` wrong verdicts in ``runs`` show the share above the bound."""
        return bool(scipy_stats.binom.sf(count - 1, runs, self.bound) < self.level)

    def passes(self, count: int, runs: int) -> bool:
        """Whether ``count`` wrong verdicts in ``runs`` show the share below ``bad``."""
        return bool(scipy_stats.binom.cdf(count, runs, self.bad) < self.early)

    def settled(self, counts: Sequence[int], runs: int) -> bool:
        """Whether a cell with these wrong-verdict counts after ``runs`` runs needs no more."""
        if runs >= self.stage * self.stages or any(self.fails(count, runs) for count in counts):
            return True
        return all(self.passes(count, runs) for count in counts)

    def power(self, share: float) -> float:
        """The chance that a share of ``share`` fails, passing early only by ``passes`` (exact, by stages)."""
        step = scipy_stats.binom.pmf(np.arange(self.stage + 1), self.stage, share)
        alive, failed = np.array([1.0]), 0.0
        for look in range(1, self.stages + 1):
            alive = np.convolve(alive, step)
            runs, counts = look * self.stage, np.arange(len(alive))
            fail = scipy_stats.binom.sf(counts - 1, runs, self.bound) < self.level
            failed += float(alive[fail].sum())
            alive = np.where(fail, 0.0, alive)
            if look < self.stages:
                alive = np.where(scipy_stats.binom.cdf(counts, runs, self.bad) < self.early, 0.0, alive)
        return failed


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


def simulate(
    rule: Rule, case: str, design: Design, settings: Mapping, runs: int, seed, check: Check | None = None
) -> tuple[Counter, int]:
    """How often each verdict comes out of simulated runs, and how many (seeded: the same every time).

    ``runs`` of them; with ``check``, stages of ``check.stage`` until the check is settled.
    """
    rng = np.random.default_rng(seed)
    counts, done = Counter(), 0
    stage = check.stage if check else runs
    while True:
        counts.update(judge_once(rule, case, design, settings, rng) for _ in range(stage))
        done += stage
        if check is None or check.settled([counts[verdict] for verdict in WRONG_AT_BOUNDARY], done):
            return counts, done


def cell(
    settings: Mapping,
    name: str,
    case: str,
    label: str,
    design: Design,
    runs: int,
    seed: int,
    check: Check | None = None,
) -> dict:
    """One row of the table: rule ``name`` in ``case`` at one design, with the share of each verdict.

    Every row draws from a stream of its own (the rule, the case and the design key it), so that
    no two rows share their chance. At the boundary ``check``, if given, decides how many runs.
    """
    every = rules(settings)
    (index,) = [i for i, rule in enumerate(every) if rule.name == name]
    key = [seed, index, CASES.index(case), design.seeds]
    sequential = check if case == "at the boundary" else None
    counts, done = simulate(every[index], case, design, settings, runs, key, sequential)
    return {"rule": name, "truth": case, "design": label, "runs": done} | {
        verdict: counts[verdict] / done for verdict in VERDICTS
    }


def operating_characteristics(
    settings: Mapping,
    design: Design,
    runs: int,
    scale: int = 4,
    seed: int = 0,
    only: set | None = None,
    map_cells: Callable = map,
    check: Check | None = None,
) -> pd.DataFrame:
    """Every rule in every case at ``design`` and ``scale`` times it: one row each, with each verdict's share.

    ``map_cells`` maps ``cell`` over the rows' arguments: ``map``, or a process pool's to use every core.
    ``check``: the boundary rows run by it (``runs`` is then its stage); without, ``runs`` each.
    """
    cells = [
        (settings, rule.name, case, label, chosen, runs, seed, check)
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


def failures(table: pd.DataFrame, check: Check) -> list[str]:
    """What the rules must show and do not, one line each: the errors at the boundary, the power's growth.

    At the boundary both wrong verdicts are checked, each share by ``check`` (exact binomial tests,
    Bonferroni over the shares and the stages). A true claim must hold at least as often at the
    largest design of its rule as at the smallest: Clopper-Pearson intervals at 95 % Bonferroni-adjusted
    over the rules, so that a table of many rows does not fail by the chance of one. A rule that
    never lets a true claim hold at its largest design decides nothing, whatever its error: a line too.
    """
    problems = []
    for row in table[table["truth"] == "at the boundary"].to_dict("records"):
        for verdict in WRONG_AT_BOUNDARY:
            share = row[verdict]
            if check.fails(round(share * row["runs"]), int(row["runs"])):
                problems.append(
                    f"{row['rule']}, {row['design']} design: at the boundary it says {verdict} in "
                    f"{share:.3f} of {row['runs']} runs, above the error {check.bound:g} beyond "
                    "simulation error"
                )
    true = table[table["truth"] == "true with a margin"]
    confidence = 1 - 0.05 / max(1, true["rule"].nunique())
    for rule, rows in true.groupby("rule", sort=False):
        small, large = rows.iloc[0], rows.iloc[-1]
        if round(large["holds"] * large["runs"]) == 0:
            problems.append(
                f"{rule}: a true claim never holds, even at the larger design ({large['runs']} runs): "
                "the rule decides nothing"
            )
            continue
        _, high = proportion_interval(large["holds"], int(large["runs"]), confidence)
        low, _ = proportion_interval(small["holds"], int(small["runs"]), confidence)
        if high < low:
            problems.append(
                f"{rule}: a true claim holds less often at the larger design ({large['holds']:.3f} against "
                f"{small['holds']:.3f})"
            )
    return problems


# --- the real learners' arm: the fold rules on real learners' folds ------------------------------------

RELATIONS = ("not_better", "equivalent")


def learner_designs(design: Design) -> dict[str, tuple[int, int]]:
    """The real learners' designs, (folds, repeats) by label: the default's, 4 times its repeats, 10x10."""
    folds, repeats = design.folds, design.repeats
    return {
        f"default ({folds}x{repeats})": (folds, repeats),
        f"4x ({folds}x{4 * repeats})": (folds, 4 * repeats),
        "10x10": (10, 10),
    }


def table_check(settings: Mapping, synthetic_rules: int, designs: int, stage: int) -> Check:
    """The check of a table with ``synthetic_rules`` rules at two designs and the learners at ``designs``.

    Two shares per boundary row: "holds" and "does not hold".
    """
    rows = 2 * synthetic_rules + len(PAIRS) * len(RELATIONS) * designs
    return Check(checks=2 * rows, bound=1 - float(settings["posterior_threshold"]), stage=stage)


@dataclass(frozen=True)
class LearnerRow:
    """A row of the real learners' arm: a claim about a pair at the margin its case sets."""

    a: str
    b: str
    relation: str
    case: str
    margin: float

    @property
    def rule(self) -> str:
        return f"comparison ({self.relation}), {self.a} against {self.b}"

    def statement(self) -> dict:
        return {
            "text": self.rule,
            "kind": "comparison",
            "model_a": self.a,
            "model_b": self.b,
            "relation": self.relation,
            "margin": self.margin,
        }


def learner_rows(truth: Truth, margin: float) -> list[LearnerRow]:
    """Every pair, relation and case at one design, each pair oriented so that its truth a - b is >= 0."""
    rows = []
    for pair in PAIRS:
        a, b = pair if truth.difference[pair] >= 0 else pair[::-1]
        for relation in RELATIONS:
            for case, chosen in margins(truth.difference[pair], margin).items():
                rows.append(LearnerRow(a, b, relation, case, chosen))
    return rows


def learner_verdicts(
    settings: Mapping, population: Population, folds: int, repeats: int, rows: Sequence[LearnerRow], seed
) -> list[str]:
    """The verdict of each row on one new data set's folds (seeded: the same every time)."""
    rng = np.random.default_rng(seed)
    per_fold = fold_accuracies(population, folds, repeats, sorted({m for r in rows for m in (r.a, r.b)}), rng)
    design = Design(seeds=20, folds=folds, repeats=repeats, runs=100, rows=population.rows)
    evidence = base_evidence(settings, design, per_fold=per_fold, networks=[])
    table = judge_claims([row.statement() for row in rows], evidence)
    return table["verdict"].astype(str).tolist()


def learner_characteristics(
    settings: Mapping,
    population: Population,
    designs: Mapping[str, tuple[int, int]],
    truths: Mapping[str, Truth],
    runs: int,
    seed: int = 0,
    map_runs: Callable = map,
    check: Check | None = None,
) -> pd.DataFrame:
    """The fold rules on real learners' folds at each design: one row per pair, relation, case and design.

    All rows of a design judge the same data sets (a data set's folds serve every margin). With
    ``check``, data sets come in its stages until every boundary row's check is settled; without,
    ``runs`` data sets. ``map_runs`` maps ``learner_verdicts`` over the data sets.
    """
    margin = float(settings["margin"])
    records = []
    for index, (label, (folds, repeats)) in enumerate(designs.items()):
        rows = learner_rows(truths[label], margin)
        counts = [Counter() for _ in rows]
        done = 0
        stage = check.stage if check else runs
        while True:
            arguments = [
                (settings, population, folds, repeats, rows, [seed, index, done + i]) for i in range(stage)
            ]
            for verdicts in map_runs(learner_verdicts, *zip(*arguments, strict=True)):
                for count, verdict in zip(counts, verdicts, strict=True):
                    count[verdict] += 1
            done += stage
            boundary = [
                count[verdict]
                for row, count in zip(rows, counts, strict=True)
                if row.case == "at the boundary"
                for verdict in WRONG_AT_BOUNDARY
            ]
            if check is None or check.settled(boundary, done):
                break
        for row, count in zip(rows, counts, strict=True):
            records.append(
                {"rule": row.rule, "truth": row.case, "design": label, "margin": row.margin, "runs": done}
                | {verdict: count[verdict] / done for verdict in VERDICTS}
            )
    return pd.DataFrame(records)


def learner_table(table: pd.DataFrame, truths: Mapping[str, Truth]) -> str:
    """The real learners' table docs/claims.md shows, with each design's truth and its error."""
    lines = []
    for label, truth in truths.items():
        accuracies = ", ".join(f"{name} {value:.4f}" for name, value in truth.accuracy.items())
        differences = ", ".join(
            f"{a} - {b} {truth.difference[(a, b)]:+.5f} (± {truth.error[(a, b)]:.5f})"
            for a, b in truth.difference
        )
        lines.append(
            f"- {label}: trained on {truth.train_rows} rows, expected accuracy on new data {accuracies}; "
            f"{differences} (standard error over {truth.draws} training sets)"
        )
    lines += [
        "",
        "| claim | truth | design | margin | runs | holds | does not hold | undecided |",
        "|---|---|---|---|---|---|---|---|",
    ]
    for _, row in table.iterrows():
        cells = " | ".join(f"{row[verdict]:.3f}" for verdict in VERDICTS)
        where = f"{row['rule']} | {row['truth']} | {row['design']}"
        lines.append(f"| {where} | {row['margin']:.4f} | {row['runs']} | {cells} |")
    return "\n".join(lines) + "\n"


def markdown_table(table: pd.DataFrame, design: Design, scale: int) -> str:
    """The table docs/claims.md shows: each rule, truth and design with the share of each verdict."""
    lines = [
        f"Default design: {design.describe()}; {scale}x: {design.scaled(scale).describe()}; "
        f"{int(table['runs'].min())} simulated runs per row, more at the boundary (column runs).",
        "",
        "| rule | truth | design | runs | holds | does not hold | undecided |",
        "|---|---|---|---|---|---|---|",
    ]
    for _, row in table.iterrows():
        cells = " | ".join(f"{row[verdict]:.3f}" for verdict in VERDICTS)
        lines.append(f"| {row['rule']} | {row['truth']} | {row['design']} | {row['runs']} | {cells} |")
    return "\n".join(lines) + "\n"
