"""What the claims are judged from (the run's full-precision outputs) and what a judge returns for a row."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass

import numpy as np
import pandas as pd

VERDICTS = ("holds", "does not hold", "undecided")


@dataclass(frozen=True)
class SeedCurves:
    """One model's seed study, every batch recorded: runs ``(R,)`` and arrays ``(R, epochs, batches)``."""

    runs: np.ndarray
    train_loss: np.ndarray
    train_accuracy: np.ndarray
    validation_loss: np.ndarray
    validation_accuracy: np.ndarray


def seed_curves(history: pd.DataFrame) -> SeedCurves:
    """The seed study's history table (run, phase, epoch, batch, loss, accuracy) as ``SeedCurves``."""
    arrays = {}
    runs = np.sort(history["run"].unique())
    for phase in ("train", "validation"):
        chosen = history[history["phase"] == phase].sort_values(["run", "epoch", "batch"], kind="stable")
        shape = (len(runs), int(chosen["epoch"].max()), int(chosen["batch"].max()))
        for column in ("loss", "accuracy"):
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
    scores: Mapping[str, pd.DataFrame]  # per normalisation studied (and raw features): scores and status
    features: Mapping[str, pd.DataFrame]  # per normalisation: the normalised training rows of the split
    settings: Mapping  # config `claims:`
    design: Mapping  # training, seeds, cross_validation, split, importance, study_runs, normalisations
    reference_sha256: str | None = None  # config `reference.table_sha256`

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

    A rule that decides alone (from an interval) sets ``verdict``. A rule with p-values leaves it
    None and gives its two directional errors: ``p_claim``, the error of saying "holds", and
    ``p_contrary``, that of saying "does not hold"; ``settle`` Holm-adjusts the smaller of the
    two over the rows of the same statement.
    """

    claim: str
    conditions: str
    rule: str
    evidence: str
    under: str = ""  # a few words for what this row covers: a normalisation, a network, the seeds
    verdict: str | None = None
    p_claim: float = 1.0
    p_contrary: float = 1.0
    statement: int = 0  # the index of the statement this row belongs to: its Holm family
