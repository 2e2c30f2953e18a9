"""What the claims are judged from (the run's full-precision outputs) and what a judge returns for a row."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field

import numpy as np
import pandas as pd

VERDICTS = ("holds", "does not hold", "undecided")


@dataclass(frozen=True)
class SeedCurves:
    """One model's seed study, every batch recorded: runs ``(R,)`` and arrays ``(R, epochs, batches)``.

    The losses are the cross-entropy alone; ``train_penalty`` and ``validation_penalty`` the penalty
    term of the same batches (None in a history recorded without it).
    """

    runs: np.ndarray
    train_loss: np.ndarray
    train_accuracy: np.ndarray
    validation_loss: np.ndarray
    validation_accuracy: np.ndarray
    train_penalty: np.ndarray | None = None
    validation_penalty: np.ndarray | None = None


def seed_curves(history: pd.DataFrame) -> SeedCurves:
    """The seed study's history table (run, phase, epoch, batch, loss, accuracy, penalty) as ``SeedCurves``.

    A history without the penalty column (an earlier version's) leaves the penalties None.
    """
    arrays = {}
    runs = np.sort(history["run"].unique())
    for phase in ("train", "validation"):
        chosen = history[history["phase"] == phase].sort_values(["run", "epoch", "batch"], kind="stable")
        shape = (len(runs), int(chosen["epoch"].max()), int(chosen["batch"].max()))
        for column in ("loss", "accuracy", "penalty"):
            if column not in chosen:
                continue
            arrays[f"{phase}_{column}"] = chosen[column].to_numpy(dtype=np.float64).reshape(shape)
    return SeedCurves(runs=runs, **arrays)


@dataclass
class Evidence:
    """The run's outputs the claims are judged from, loaded, and the settings they were made with."""

    table: Mapping  # results/data/table.json
    metrics: Mapping[str, dict]  # results/metrics.json: the run's own trained models
    seeds: Mapping[str, pd.DataFrame]  # per seed-trained model: run, accuracy, status
    curves: Mapping[str, SeedCurves]  # per seed-trained model: every batch of every seed
    per_fold: pd.DataFrame  # every network and baseline on every fold, under every normalisation
    networks: Sequence[str]  # the entries of `models:`
    ranks: Mapping[str, pd.DataFrame]  # per normalisation: the ranked runs' run, feature, measure, rank
    scores: Mapping[str, pd.DataFrame]  # per normalisation studied: the study's scores and status
    features: Mapping[str, pd.DataFrame]  # per normalisation: the normalised training rows of the split
    settings: Mapping  # config `claims:`
    design: Mapping  # training, seeds, cross_validation, split, importance, study_runs, normalisations
    reference_sha256: str | None = None  # config `reference.table_sha256`
    # Per normalisation with further splits (importance.splits): the split study's ranks (with each
    # run's split) and its scores and statuses; empty when the study ran on the report's split alone.
    split_ranks: Mapping[str, pd.DataFrame] = field(default_factory=dict)
    split_scores: Mapping[str, pd.DataFrame] = field(default_factory=dict)

    @property
    def is_reference_data(self) -> bool:
        """Whether the input table is the report's (by the content hash of its values)."""
        return bool(self.reference_sha256) and self.table["sha256"] == self.reference_sha256

    @property
    def alpha(self) -> float:
        """The error a verdict may carry: one minus the posterior probability it needs."""
        return 1.0 - float(self.settings["posterior_threshold"])

    @property
    def validation_rows(self) -> int:
        """The rows of the report's validation split, which every seed is scored on."""
        classes = next(iter(self.metrics.values()))["classes"]
        return sum(int(entry["support"]) for entry in classes.values())

    def normalisations(self, statement: Mapping) -> list[str]:
        """The normalisations a statement is judged under: its own, or every one of the run."""
        chosen = statement.get("normalisation")
        return [chosen] if chosen else list(self.design["normalisations"])


@dataclass
class Judgement:
    """One row of the claims table before its statement's rows are settled together.

    ``fields`` holds the row's numbers and names, columns of ``columns.COLUMNS`` (the models, the
    estimate and its interval, the claim's region, the sample, ...); a number that does not exist
    is left out, and ``fields["note"]`` says why. A rule that decides alone (from an interval) sets
    ``verdict``. A rule with p-values leaves it None and gives its two directional errors:
    ``p_claim``, the error of saying "holds", and ``p_contrary``, that of saying "does not hold";
    ``settle`` Holm-adjusts the smaller of the two over the rows of the same statement.
    """

    claim: str
    kind: str
    conditions: str
    rule: str
    under: str  # a few words for what this row covers: a normalisation, a network, the seeds
    fields: dict = field(default_factory=dict)
    verdict: str | None = None
    p_claim: float | None = None
    p_contrary: float | None = None
    statement: int = 0  # the index of the statement this row belongs to: its Holm family

    def decide_by_tests(self, p_claim: float, p_contrary: float) -> None:
        """Leave the verdict to ``settle``, from the two directional errors."""
        self.p_claim, self.p_contrary = float(p_claim), float(p_contrary)

    def undecided(self, note: str) -> None:
        """No verdict can be reached: say why (in words; its numbers are fields)."""
        self.fields["note"] = note
        self.verdict = "undecided"


def interval_fields(interval, suffix: str = "") -> dict:
    """A ``stats.Interval`` as fields: ``estimate``, ``ci_low``, ``ci_high`` (with ``suffix``), its method.

    A point (every value equal) has its ends at the estimate; the method says there was no spread.
    """
    fields = {
        f"estimate{suffix}": interval.estimate,
        f"ci_low{suffix}": interval.low,
        f"ci_high{suffix}": interval.high,
    }
    if not suffix:
        fields["confidence"] = interval.confidence
        fields["interval"] = {
            "BCa": "BCa bootstrap",
            "percentile": "percentile bootstrap",
            "point": "every value equal, so no spread",
        }[interval.method]
    return fields


def region(low: float | None = None, high: float | None = None) -> dict:
    """The estimate's region where the claim holds, as fields (an unbounded side is left out)."""
    fields = {}
    if low is not None:
        fields["claim_low"] = low
    if high is not None:
        fields["claim_high"] = high
    return fields


def status_fields(runs: pd.DataFrame, unit: str, treatment: str = "") -> dict:
    """How many of ``runs`` (columns run, status) diverged or stayed at chance, and which, as fields.

    ``unit`` names them ("seeds", "runs"); ``treatment`` says what the rule did with them. Runs that
    learned are not named; nothing is said when every run learned.
    """
    statuses = runs.drop_duplicates("run").set_index("run")["status"]
    fields = {"diverged": int((statuses == "diverged").sum()), "at_chance": int((statuses == "chance").sum())}
    parts = []
    for status, label in (("diverged", "diverged"), ("chance", "at chance")):
        named = statuses.index[statuses == status].tolist()
        if named:
            shown = ", ".join(str(r) for r in named[:10]) + (" ..." if len(named) > 10 else "")
            parts.append(f"{len(named)} {label} ({unit} {shown})")
    if parts:
        fields["runs_named"] = "; ".join(parts) + (f": {treatment}" if treatment else "")
    return fields
