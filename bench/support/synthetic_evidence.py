"""Synthetic evidence with a known truth, one kind per verdict rule: what ``calibration`` judges.

Each ``draw_*`` function returns the fields of a ``verdicts.Evidence`` drawn in one of ``CASES``:
the claim true with a margin, exactly at its boundary, or false, at a ``Design``'s size.
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from dataclasses import dataclass, field

import numpy as np
import pandas as pd

from winenet.studies.importance import rank_features
from winenet.studies.splits import split_ranks
from winenet.verdicts.evidence import Evidence, SeedCurves

CASES = ("true with a margin", "at the boundary", "false")
# Epochs of a simulated training: the rules read the curves' shape, which more epochs only lengthen.
EPOCHS = 200
TRAIN_BATCHES = 14  # 133 training rows in batches of 10
VALIDATION_BATCHES = 5  # 45 validation rows
VALIDATION_CLASSES = {"1": {"support": 16}, "2": {"support": 21}, "3": {"support": 8}}
FEATURES = [f"x{j}" for j in range(13)]
# Fold differences of two networks spread by about one held-out row (the default run's l1 minus plain).
FOLD_SPREAD = 0.026
FOLD_ROWS = (142, 36)  # training and test rows of a fold of the Wine data at 5 folds


@dataclass(frozen=True)
class Design:
    """The sizes a simulated run has: seeds, cross-validation, study runs and training rows."""

    seeds: int
    folds: int
    repeats: int
    runs: int
    rows: int
    # The importance study's splits of the table (1: the report's alone) and its runs on each further one.
    splits: int = 1
    split_runs: int = 0

    def scaled(self, factor: int) -> Design:
        """The same design with ``factor`` times the seeds, repeats, study runs, rows and splits."""
        return Design(
            self.seeds * factor,
            self.folds,
            self.repeats * factor,
            self.runs * factor,
            self.rows * factor,
            self.splits * factor,
            self.split_runs,
        )

    def describe(self) -> str:
        return (
            f"{self.seeds} seeds, {self.folds}x{self.repeats} folds, {self.runs} runs, {self.rows} rows, "
            f"{self.splits} splits"
        )


def default_design(config: Mapping) -> Design:
    """The design of a default run: config.yaml's seeds, folds, repeats and study runs, the report's rows."""
    beyond = config["beyond"]
    return Design(
        seeds=int(beyond["seeds"]["count"]),
        folds=int(beyond["cross_validation"]["folds"]),
        repeats=int(beyond["cross_validation"]["repeats"]),
        runs=int(config["importance"]["runs_other_normalisations"]),
        rows=133,
        splits=int(config["importance"]["splits"]["count"]),
        split_runs=int(config["importance"]["splits"]["runs"]),
    )


def base_evidence(settings: Mapping, design: Design, **fields) -> Evidence:
    """Evidence with every field a rule might read, set to neutral values; ``fields`` replace some."""
    values = {
        "table": {"sha256": "", "features": FEATURES},
        "metrics": {"model": {"accuracy": 0.95, "classes": VALIDATION_CLASSES}},
        "seeds": {},
        "curves": {},
        "per_fold": pd.DataFrame(),
        "networks": ["a", "b"],
        "ranks": {},
        "scores": {},
        "features": {},
        "settings": settings,
        "design": {
            "training": {"epochs": EPOCHS, "learning_rate": 0.01, "batch_size": 10},
            "split": {"test_size": 0.25, "random_state": 0},
            "seeds": {"count": design.seeds},
            "cross_validation": {"folds": design.folds, "repeats": design.repeats},
            "importance": {
                "epochs": 250,
                "penalty": "l1",
                "coefficient": 0.008,
                "splits": {"count": design.splits, "runs": design.split_runs},
            },
            "study_runs": {"standard": design.runs},
            "normalisations": ["standard"],
        },
    }
    return Evidence(**{**values, **fields})


# --- one simulated evidence per rule: (statement, draw(case, design, rng) -> Evidence fields) -----------


def _seed_table(accuracy: np.ndarray) -> pd.DataFrame:
    return pd.DataFrame({"run": np.arange(len(accuracy)), "accuracy": accuracy, "status": "ok"})


def draw_accuracy(case: str, design: Design, rng: np.random.Generator) -> dict:
    """Seeds scoring 43/45 (the report's 96 %) or 42/45: 95 %, half, or 5 % of them at 43/45."""
    share = {"true with a margin": 0.95, "at the boundary": 0.5, "false": 0.05}[case]
    accuracy = np.where(rng.uniform(size=design.seeds) < share, 43 / 45, 42 / 45)
    return {"seeds": {"model": _seed_table(accuracy)}}


def _curves(validation: np.ndarray, train: np.ndarray, rng: np.random.Generator) -> SeedCurves:
    """Seed curves whose losses are the drawn ones: the penalty term recorded, and zero.

    The rules read the loss with its penalty by default; a history without the penalty column would
    leave every such claim undecided, and the table would measure nothing.
    """
    runs = validation.shape[0]
    return SeedCurves(
        runs=np.arange(runs),
        train_loss=train,
        train_accuracy=np.full(train.shape, 0.95),
        validation_loss=validation,
        validation_accuracy=np.full(validation.shape, 0.93),
        train_penalty=np.zeros(train.shape),
        validation_penalty=np.zeros(validation.shape),
    )


def overfitting_curve(rise: float) -> np.ndarray:
    """Mean validation loss per epoch ``(EPOCHS,)``: falling, at its floor, then rising to ``rise`` times it.

    The lowest stretch of the curve is its floor and the last tenth lies at ``rise`` times the floor,
    so the ratio the rule estimates is ``rise`` exactly.
    """
    epochs = np.arange(EPOCHS)
    window = EPOCHS // 10
    floor = 0.3
    falling = floor + 0.7 * np.exp(-epochs / 10)
    start, top = EPOCHS // 2, EPOCHS - window
    ramp = np.clip((epochs - start) / (top - start), 0, 1)
    return np.where(epochs < start, falling, floor * (1 + (rise - 1) * ramp))


def draw_overfitting(case: str, design: Design, rng: np.random.Generator, rises: dict) -> dict:
    """Validation curves ending ``rises[case]`` times above their floor, with seed, epoch and batch noise."""
    mean = overfitting_curve(rises[case])
    level = np.exp(rng.normal(0, 0.05, size=(design.seeds, 1, 1)))
    epoch_noise = rng.normal(0, 0.02, size=(design.seeds, EPOCHS, 1))
    batch_noise = rng.normal(0, 0.05, size=(design.seeds, EPOCHS, VALIDATION_BATCHES))
    validation = level * mean[None, :, None] * (1 + epoch_noise + batch_noise)
    train = 0.05 + np.exp(-np.arange(EPOCHS) / 30)[None, :, None] * np.ones((design.seeds, 1, TRAIN_BATCHES))
    return {
        "curves": {"model": _curves(validation, train, rng)},
        "seeds": {"model": _seed_table(np.full(design.seeds, 0.93))},
    }


def draw_volatility(case: str, design: Design, rng: np.random.Generator, margin: float) -> dict:
    """Batch losses of a seed pair at one level, a's swings 0.7, 1/(1 + margin) or 1 times b's."""
    ratio = {"true with a margin": 0.7, "at the boundary": 1 / (1 + margin), "false": 1.0}[case]
    level = 0.3 * np.exp(rng.normal(0, 0.2, size=(design.seeds, 1, 1)))
    shape = (design.seeds, EPOCHS, TRAIN_BATCHES)
    curves = {}
    for model, spread in (("a", 0.2 * ratio), ("b", 0.2)):
        train = level * (1 + spread * rng.standard_normal(shape))
        validation = np.full((design.seeds, EPOCHS, VALIDATION_BATCHES), 0.3)
        curves[model] = _curves(validation, train, rng)
    seeds = {model: _seed_table(np.full(design.seeds, 0.95)) for model in curves}
    return {"curves": curves, "seeds": seeds}


def draw_spikes(case: str, design: Design, rng: np.random.Generator, margin: float) -> dict:
    """Batch losses of a seed pair with one-batch spikes, a's 1.5, 1 + margin or 1 times as many as b's."""
    ratio = {"true with a margin": 1.5, "at the boundary": 1 + margin, "false": 1.0}[case]
    level = 0.3 * np.exp(rng.normal(0, 0.2, size=(design.seeds, 1, 1)))
    shape = (design.seeds, EPOCHS, TRAIN_BATCHES)
    curves = {}
    for model, rate in (("a", 0.02 * ratio), ("b", 0.02)):
        spikes = rng.uniform(size=shape) < rate
        train = level * (1 + 0.05 * rng.standard_normal(shape) + spikes)
        validation = np.full((design.seeds, EPOCHS, VALIDATION_BATCHES), 0.3)
        curves[model] = _curves(validation, train, rng)
    seeds = {model: _seed_table(np.full(design.seeds, 0.95)) for model in curves}
    return {"curves": curves, "seeds": seeds}


def _per_fold(model: str, accuracy: np.ndarray, design: Design) -> pd.DataFrame:
    folds = design.folds * design.repeats
    return pd.DataFrame(
        {
            "model": model,
            "normalisation": "standard",
            "repeat": np.arange(folds) // design.folds,
            "fold": np.arange(folds) % design.folds,
            "accuracy": accuracy,
            "n_train": FOLD_ROWS[0],
            "n_test": FOLD_ROWS[1],
            "status": "ok",
        }
    )


def fold_differences(mean: float, design: Design, rng: np.random.Generator) -> np.ndarray:
    """Differences of two models over the folds ``(folds * repeats,)`` with the correlation folds share.

    Any two folds share most of their training rows: the differences are equicorrelated with
    rho = n_test / (n_train + n_test), the model under which Nadeau and Bengio's correction is exact.
    """
    count = design.folds * design.repeats
    rho = FOLD_ROWS[1] / sum(FOLD_ROWS)
    shared = rng.standard_normal()
    return mean + FOLD_SPREAD * (math.sqrt(rho) * shared + math.sqrt(1 - rho) * rng.standard_normal(count))


def draw_comparison(case: str, design: Design, rng: np.random.Generator, margin: float) -> dict:
    """a minus b over the folds: 0 (a keeps b's accuracy), exactly -margin, or -2 margins."""
    mean = {"true with a margin": 0.0, "at the boundary": -margin, "false": -2 * margin}[case]
    b = 0.95 + 0.01 * rng.standard_normal(design.folds * design.repeats)
    a = b + fold_differences(mean, design, rng)
    return {"per_fold": pd.concat([_per_fold("a", a, design), _per_fold("b", b, design)], ignore_index=True)}


def draw_baselines(case: str, design: Design, rng: np.random.Generator, margin: float) -> dict:
    """A network against three baselines, the first deciding: 0, -margin (others far behind), -2 margins."""
    first = {"true with a margin": 0.0, "at the boundary": -margin, "false": -2 * margin}[case]
    others = 0.1 if case == "at the boundary" else 0.0
    network = 0.95 + 0.01 * rng.standard_normal(design.folds * design.repeats)
    tables = [_per_fold("a", network, design)]
    for name, mean in (("base1", first), ("base2", others), ("base3", others)):
        tables.append(_per_fold(name, network - fold_differences(mean, design, rng), design))
    return {"per_fold": pd.concat(tables, ignore_index=True), "networks": ["a"]}


# How much a feature's mean score moves from one split of the table to another, against the run
# noise of 1: the split study's split-to-split variation.
_SPLIT_SPREAD = 0.5


def _scores_table(values: np.ndarray, first_run: int) -> pd.DataFrame:
    runs = values.shape[0]
    return pd.DataFrame(
        {
            "run": np.repeat(np.arange(first_run, first_run + runs), len(FEATURES)),
            "feature": np.tile(FEATURES, runs),
            "permutation_score": values.ravel(),
            "status": "ok",
        }
    )


def draw_top_features(case: str, design: Design, rng: np.random.Generator) -> dict:
    """Permutation scores over runs: x0 and x1 on top, x1 tied with x2 in distribution, or below it.

    With further splits, each split moves every feature's mean score by its own amount
    (``_SPLIT_SPREAD``): the truth is the mean over splits, which the report's split alone misses.
    """
    means = np.zeros(len(FEATURES))
    means[0] = 3.0
    means[1], means[2] = {
        "true with a margin": (2.5, 1.5),
        "at the boundary": (2.0, 2.0),
        "false": (2.0, 2.5),
    }[case]
    split_shift = (lambda: _SPLIT_SPREAD * rng.standard_normal(len(FEATURES))) if design.splits > 1 else None
    report = means + (split_shift() if split_shift else 0.0)
    scores = _scores_table(report + rng.standard_normal((design.runs, len(FEATURES))), 0)
    fields = {"ranks": {"standard": rank_features(scores)}, "scores": {"standard": scores}}
    if split_shift is None:
        return fields
    frames = []
    for split in range(1, design.splits):
        values = means + split_shift() + rng.standard_normal((design.split_runs, len(FEATURES)))
        frame = _scores_table(values, design.runs + (split - 1) * design.split_runs)
        frame.insert(0, "split", split)
        frames.append(frame)
    more = pd.concat(frames, ignore_index=True)
    return fields | {"split_ranks": {"standard": split_ranks(more)}, "split_scores": {"standard": more}}


# Influence: each run's permutation importances, concentrated as on raw features and spread towards
# equal by a share t of the uniform vector; a little noise per run and feature, so that the
# evenness of a run can come close to 1 (noise of spread s caps its mean log near -s²).
_RAW_INFLUENCE = np.array([1.0, 0.5, 0.25, *([0.05] * (len(FEATURES) - 3))])
_INFLUENCE_NOISE = 0.1


def _influence_scores(share: float, runs: int, rng: np.random.Generator) -> np.ndarray:
    mean = (1 - share) * _RAW_INFLUENCE + share * _RAW_INFLUENCE.mean()
    return mean * np.exp(_INFLUENCE_NOISE * rng.standard_normal((runs, len(FEATURES))))


def log_evenness(share: float, draws: int = 200_000, seed: int = 0) -> float:
    """The estimand of the equal-influence rule at ``share``: E[log(N / feature count)] over runs."""
    from winenet.verdicts.normalisation import effective_features

    rng = np.random.default_rng(seed)
    effective = effective_features(_influence_scores(share, draws, rng))
    return float(np.mean(np.log(effective / len(FEATURES))))


def influence_share(target: float) -> float:
    """The share of the uniform vector at which the log evenness is ``target`` (bisection)."""
    low, high = 0.0, 1.0
    for _ in range(40):
        middle = (low + high) / 2
        low, high = (middle, high) if log_evenness(middle) < target else (low, middle)
    return (low + high) / 2


def _study_scores(values: np.ndarray) -> pd.DataFrame:
    runs = len(values)
    return pd.DataFrame(
        {
            "run": np.repeat(np.arange(runs), len(FEATURES)),
            "feature": np.tile(FEATURES, runs),
            "permutation_score": values.ravel(),
            "status": "ok",
        }
    )


@dataclass
class InfluenceTruth:
    """The shares of the uniform vector whose evenness is 1/(1 + margin) to the power 1/2, 1 or 2.

    Half the boundary's distance from equality on the log scale (true), the boundary, twice it (false).
    """

    margin: float
    shares: dict = field(default_factory=dict)

    def share(self, case: str) -> float:
        if case not in self.shares:
            power = {"true with a margin": 0.5, "at the boundary": 1.0, "false": 2.0}[case]
            self.shares[case] = influence_share(-power * math.log1p(self.margin))
        return self.shares[case]


def draw_equal_influence(case: str, design: Design, rng: np.random.Generator, truth: InfluenceTruth) -> dict:
    """Permutation importances per run under a normalisation, as even as ``case`` asks."""
    return {"scores": {"standard": _study_scores(_influence_scores(truth.share(case), design.runs, rng))}}


def draw_common_range(case: str, design: Design, rng: np.random.Generator, factor: float) -> dict:
    """Normalised training rows whose features' spreads span 0.75, exactly 1, or 1.5 times ``factor``."""
    ratio = {"true with a margin": 0.75 * factor, "at the boundary": factor, "false": 1.5 * factor}[case]
    # The extremes belong to two features; the rest lie between, so that the noise of eleven
    # middling features does not decide the largest or the smallest.
    deviations = np.full(len(FEATURES), math.sqrt(ratio))
    deviations[0], deviations[1] = 1.0, ratio
    rows = pd.DataFrame(rng.standard_normal((design.rows, len(FEATURES))) * deviations, columns=FEATURES)
    return {"features": {"l2norm": rows}, "design_normalisations": ["l2norm"]}
