"""Each declared claim judged by the rule of its kind, from the run's full-precision outputs.

Verdicts: "holds" (the evidence supports the claim beyond its uncertainty), "does not hold" (it
supports the contrary), "undecided" (neither, at the required confidence: a valid answer), and
"undecidable with this design" (no outcome this design could produce would let the claim hold, so
its "undecided" is fixed by the design, not by the evidence; the evidence says what would decide
it). Every rule is stated in docs/claims.md with its test and threshold, and in the ``rule``
column of each row. Nothing here reads a rounded table: the inputs are the per-seed, per-fold and
per-run outputs themselves.
"""

from __future__ import annotations

import math
import re
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field, replace
from decimal import Decimal

import numpy as np
import pandas as pd

from winenet.claims import with_defaults
from winenet.importance import MEASURES
from winenet.stats import (
    bootstrap_interval,
    concordance,
    corrected_paired_test,
    correlated_t_posterior,
    equivalence_spread_limit,
    holm_adjust,
    independent_interval,
    one_sided_p,
    within,
)
from winenet.summaries import fold_differences, one_row_rope

VERDICTS = ("holds", "does not hold", "undecided", "undecidable with this design")
COLUMNS = ["claim", "verdict", "evidence", "conditions", "rule"]
# The verdicts at a glance (the HTML report's landing page): each row's claim, what it covers, verdict.
GLANCE_COLUMNS = ["claim", "under", "verdict"]


@dataclass
class Evidence:
    """The run's outputs the claims are judged from, loaded, and the settings they were made with."""

    table: Mapping  # results/data/table.json
    metrics: Mapping[str, dict]  # results/metrics.json: the run's own trained models
    seeds: Mapping[str, pd.DataFrame]  # per seed-trained model: run, accuracy, status
    seed_histories: Mapping[str, pd.DataFrame]  # per seed-trained model: run, phase, epoch, batch, loss, ...
    per_fold: pd.DataFrame  # every network and baseline on every fold, under every normalisation
    networks: Sequence[str]  # the entries of `models:`
    ranks: Mapping[str, pd.DataFrame]  # per normalisation: the ranked runs' run, feature, measure, rank
    scores: Mapping[str, pd.DataFrame]  # per normalisation: every run's scores and status
    settings: Mapping  # config `claims:`
    design: Mapping  # training, seeds, cross_validation, split, importance, study_runs, normalisations
    reference_sha256: str | None = None  # config `reference.table_sha256`
    _phases: dict = field(default_factory=dict, repr=False)  # (model, phase) -> seed_phase's arrays

    def seed_phase(self, model: str, phase: str) -> tuple[np.ndarray, dict[str, np.ndarray]]:
        """Run numbers ``(R,)`` and one phase's loss and accuracy ``(R, epochs, batches)`` of a model's seeds.

        Read from the seed study's history once per model and phase, whichever claims ask.
        """
        if (model, phase) not in self._phases:
            history = self.seed_histories[model]
            chosen = history[history["phase"] == phase].sort_values(["run", "epoch", "batch"], kind="stable")
            runs = chosen["run"].unique()
            shape = (len(runs), int(chosen["epoch"].max()), int(chosen["batch"].max()))
            values = {
                column: chosen[column].to_numpy(dtype=np.float64).reshape(shape)
                for column in ("loss", "accuracy")
            }
            self._phases[(model, phase)] = runs, values
        return self._phases[(model, phase)]

    @property
    def is_reference_data(self) -> bool:
        """Whether the input table is the report's (by the content hash of its values)."""
        return bool(self.reference_sha256) and self.table["sha256"] == self.reference_sha256

    @property
    def alpha(self) -> float:
        """The error a verdict may carry: one minus the posterior probability it needs."""
        return 1.0 - float(self.settings["posterior_threshold"])

    def normalisations(self, statement: Mapping) -> list[str]:
        """The normalisations a statement is judged under: its own, or every one of the run."""
        chosen = statement.get("normalisation")
        return [chosen] if chosen else list(self.design["normalisations"])


@dataclass
class Judgement:
    """One row of the claims table before the comparisons' family is settled.

    A rule that decides alone sets ``verdict``. A comparison leaves it None and gives its two
    directional errors: ``p_claim``, the probability of being wrong in saying "holds" (one minus the
    claim's posterior), and ``p_contrary``, that of saying "does not hold"; ``settle`` Holm-adjusts
    the smaller of the two over every comparison row. ``undecidable`` says why no outcome of this
    design could make the claim hold, and what would.
    """

    claim: str
    conditions: str
    rule: str
    evidence: str
    under: str = ""  # a few words for what this row covers: a normalisation, a network, the seeds
    verdict: str | None = None
    p_claim: float = 1.0
    p_contrary: float = 1.0
    undecidable: str = ""


# --- numbers as text: never NaN or infinite, and rounded once, here ---------------------------------


def _number(value: float, digits: int = 3) -> str:
    value = float(value)
    if not math.isfinite(value):
        raise ValueError(f"a claim's evidence was about to print {value}; the rule must say why instead")
    return f"{value:.{digits}f}"


def _signed(value: float, digits: int = 3) -> str:
    """A difference with its sign; one that rounds to zero is printed without one."""
    text = _number(value, digits)
    return _number(0.0, digits) if float(text) == 0 else f"{float(value):+.{digits}f}"


def _probability(value: float) -> str:
    return "< 0.001" if value < 0.0005 else _number(value, 3)


def _share(count: int, total: int) -> str:
    return f"{count} of {total} ({100 * count / total:.0f} %)"


def _listed(values: Sequence) -> str:
    return ", ".join(str(v) for v in values)


def _interval(interval, digits: int = 3) -> str:
    if interval.method == "point":
        return "every value the same, so no spread"
    label = "BCa" if interval.method == "BCa" else "percentile"
    return f"{label} 95 % interval {_number(interval.low, digits)} to {_number(interval.high, digits)}"


def by_interval(interval, low: float = -math.inf, high: float = math.inf) -> str:
    """The verdict on "the quantity lies in [low, high)" from its interval: inside, outside, or across."""
    if low <= interval.low and interval.high < high:
        return "holds"
    if interval.high < low or interval.low >= high:
        return "does not hold"
    return "undecided"


# --- what the conditions say: the settings the evidence was made with ----------------------------------


def _seed_conditions(evidence: Evidence, models: Sequence[str]) -> str:
    design, training = evidence.design, evidence.design["training"]
    split = design["split"]
    rows = sum(int(c["support"]) for c in next(iter(evidence.metrics.values()))["classes"].values())
    return (
        f"{' and '.join(models)}, {design['normalisations'][0]} normalisation; the split test_size "
        f"{split['test_size']:g}, random_state {split['random_state']} ({rows} validation rows); "
        f"{design['seeds']['count']} seeds of {training['epochs']} epochs, learning rate "
        f"{training['learning_rate']:g}, batch size {training['batch_size']}"
    )


def _fold_conditions(evidence: Evidence, normalisation: str) -> str:
    folds, training = evidence.design["cross_validation"], evidence.design["training"]
    return (
        f"{normalisation} normalisation for both sides; {folds['folds']} folds x {folds['repeats']} "
        f"repeats of stratified cross-validation, {training['epochs']} epochs per network"
    )


def _study_conditions(evidence: Evidence, normalisation: str, ranked: int) -> str:
    study = evidence.design["importance"]
    runs = evidence.design["study_runs"][normalisation]
    text = (
        f"{normalisation} normalisation; {ranked} of {runs} runs of the importance study ranked "
        f"({study['epochs']} epochs, {study['penalty']} penalty {study['coefficient']:g})"
    )
    scores = evidence.scores[normalisation]
    statuses = scores.drop_duplicates("run").set_index("run")["status"]
    for status, label in (("diverged", "diverged"), ("chance", "at chance")):
        left_out = statuses.index[statuses == status].tolist()
        if left_out:
            shown = _listed(left_out[:10]) + (" ..." if len(left_out) > 10 else "")
            text += f"; {len(left_out)} {label} left out (runs {shown})"
    return text


def _excluded_seeds(runs: pd.DataFrame) -> str:
    parts = []
    for status, label in (("diverged", "diverged"), ("chance", "at chance")):
        named = runs.loc[runs["status"] == status, "run"].tolist()
        if named:
            parts.append(f"{len(named)} {label} (seeds {_listed(named)})")
    return "; " + "; ".join(parts) if parts else ""


# --- accuracy: a reported value against the typical accuracy over seeds --------------------------------


def rounding_window(value: float) -> tuple[float, float]:
    """The accuracies a reported value stands for: 0.96 (two decimals, "96 %") is 0.955 up to 0.965."""
    places = -Decimal(str(value)).normalize().as_tuple().exponent
    half = 0.5 * 10.0 ** -max(places, 0)
    return value - half, value + half


def judge_accuracy(statement: Mapping, evidence: Evidence) -> list[Judgement]:
    """The typical (mean) accuracy over seeds, with its BCa interval, against the reported value's window."""
    model, value = statement["model"], float(statement["value"])
    low, high = rounding_window(value)
    runs = evidence.seeds[model]
    usable = runs[runs["status"] != "diverged"]
    accuracy = usable["accuracy"].to_numpy(dtype=np.float64)
    rule = (
        f"mean validation accuracy over seeds with its BCa 95 % interval: inside {low:g} to {high:g}, "
        f"the window the reported {value:g} rounds from: holds; entirely outside it: does not hold"
    )
    under = f"{evidence.design['seeds']['count']} seeds"
    judgement = Judgement(statement["text"], _seed_conditions(evidence, [model]), rule, "", under)
    if len(accuracy) < 3:
        judgement.evidence = (
            f"only {len(accuracy)} seeds trained to the end{_excluded_seeds(runs)}: too few for an interval"
        )
        judgement.verdict = "undecided"
        return [judgement]
    interval = bootstrap_interval([accuracy], np.mean)
    reach = int(np.sum(accuracy >= low - 1e-12))
    judgement.evidence = (
        f"mean over {len(accuracy)} seeds {_number(interval.estimate)} ({_interval(interval)}); the "
        f"reported {value:g} stands for {low:g} to {high:g}; {_share(reach, len(accuracy))} seeds reach "
        f"{low:g} or more{_excluded_seeds(runs)}"
    )
    if model in evidence.metrics:
        judgement.evidence += f"; this run's model {_number(evidence.metrics[model]['accuracy'])}"
    # An accuracy of k/n exactly on the window's edge belongs to it, whatever its last bit.
    judgement.verdict = by_interval(interval, low - 1e-12, high - 1e-12)
    return [judgement]


# --- the seeds' recorded trainings: overfitting, volatility and spikes ---------------------------------


def _trained_runs(evidence: Evidence, models: Sequence[str]) -> tuple[np.ndarray, str]:
    """Runs that no model of ``models`` lost to divergence, and a phrase naming those left out."""
    tables = [evidence.seeds[model] for model in models]
    usable = set(tables[0]["run"])
    left_out = []
    for model, runs in zip(models, tables, strict=True):
        diverged = runs.loc[runs["status"] == "diverged", "run"].tolist()
        usable -= set(diverged)
        if diverged:
            left_out.append(f"{model}: seeds {_listed(diverged)} diverged and are left out")
    return np.array(sorted(usable)), ("; " + "; ".join(left_out) if left_out else "")


def judge_overfitting(statement: Mapping, evidence: Evidence) -> list[Judgement]:
    """Over seeds, does the validation loss end above its lowest stretch by more than the margin?"""
    model, overfits = statement["model"], bool(statement["overfits"])
    limit = 1.0 + float(evidence.settings["ratio_margin"])
    runs, validation_phase = evidence.seed_phase(model, "validation")
    _, train_phase = evidence.seed_phase(model, "train")
    validation, validation_accuracy = validation_phase["loss"], validation_phase["accuracy"]
    train, train_accuracy = train_phase["loss"], train_phase["accuracy"]
    epochs = validation.shape[1]
    window = max(1, epochs // 10)
    rule = (
        f"per seed, the mean validation loss of the last {window} epochs over its lowest {window}-epoch "
        f"stretch; the mean ratio's BCa 95 % interval {'above' if overfits else 'at most'} {limit:.2f} "
        f"(1 + claims.ratio_margin): holds; {'at most' if overfits else 'above'} it: does not hold"
    )
    under = f"{evidence.design['seeds']['count']} seeds"
    judgement = Judgement(statement["text"], _seed_conditions(evidence, [model]), rule, "", under)
    usable, left_out = _trained_runs(evidence, [model])
    keep = np.isin(runs, usable)
    if epochs < 10 or keep.sum() < 3:
        judgement.evidence = f"{keep.sum()} seeds of {epochs} epochs{left_out}: too few to see a trend"
        judgement.verdict = "undecided"
        return [judgement]

    def per_epoch(values):
        return values[keep].mean(axis=-1)  # (R, epochs): the mean over each epoch's batches

    def stretches(values):
        return np.lib.stride_tricks.sliding_window_view(per_epoch(values), window, axis=1).mean(axis=-1)

    validation_stretches, train_stretches = stretches(validation), stretches(train)
    lowest = validation_stretches.argmin(axis=1)
    rows = np.arange(len(lowest))
    rise = validation_stretches[:, -1] / validation_stretches[rows, lowest]
    fall = train_stretches[:, -1] / train_stretches[rows, lowest]
    interval = bootstrap_interval([rise], np.mean)
    lowest_epoch = int(np.median(lowest)) + window // 2 + 1
    judgement.evidence = (
        f"validation loss at the end over its lowest stretch (median seed: around epoch {lowest_epoch}), "
        f"mean over {len(rise)} seeds {_number(interval.estimate, 2)} ({_interval(interval, 2)}); "
        f"overfitting means above {limit:.2f}; the training loss meanwhile went to "
        f"{_number(np.mean(fall), 3)} times its value then; over the last {window} epochs training "
        f"accuracy {_number(per_epoch(train_accuracy)[:, -window:].mean())}, validation accuracy "
        f"{_number(per_epoch(validation_accuracy)[:, -window:].mean())}{left_out}"
    )
    rise = (limit, math.inf) if overfits else (-math.inf, limit)
    judgement.verdict = by_interval(interval, *rise)
    return [judgement]


def relative_ranges(losses: np.ndarray) -> np.ndarray:
    """Per run ``(R,)``: the mean over epochs of (largest - smallest) / mean batch loss, ``(R, E, B)`` in."""
    return ((losses.max(axis=-1) - losses.min(axis=-1)) / losses.mean(axis=-1)).mean(axis=-1)


def spike_rates(losses: np.ndarray, factor: float) -> np.ndarray:
    """Per run ``(R,)``: the share of batch-to-batch changes that rise beyond ``factor`` x the median change.

    ``losses`` ``(R, E, B)`` are read in training order; the median of the absolute changes is each
    run's own scale, so the rate does not depend on the loss level.
    """
    sequence = losses.reshape(losses.shape[0], -1)
    jumps = np.diff(sequence, axis=1)
    scale = np.median(np.abs(jumps), axis=1, keepdims=True)
    return (jumps > factor * scale).mean(axis=1) * (scale[:, 0] > 0)


def _ratio_of_means(a, b, axis=-1):
    return a.mean(axis=axis) / b.mean(axis=axis)


def judge_volatility(statement: Mapping, evidence: Evidence) -> list[Judgement]:
    """Model a against model b over seed pairs: the ratio of their scale-free volatility or spike rate."""
    a, b, measure, relation = (statement[key] for key in ("model_a", "model_b", "measure", "relation"))
    margin = float(evidence.settings["ratio_margin"])
    factor = float(evidence.settings["spike_factor"])
    usable, left_out = _trained_runs(evidence, [a, b])
    values = {}
    for model in (a, b):
        runs, train = evidence.seed_phase(model, "train")
        losses = train["loss"]
        # The second half of training, where the curves the report described have settled.
        half = losses[np.isin(runs, usable), losses.shape[1] // 2 :, :]
        values[model] = relative_ranges(half) if measure == "range" else spike_rates(half, factor)
    epochs = losses.shape[1] - losses.shape[1] // 2
    bound = 1 / (1 + margin) if relation == "lower" else 1 + margin
    if measure == "range":
        what = (
            "relative loss range within an epoch (largest minus smallest batch cross-entropy, over the "
            f"epoch's mean), last {epochs} epochs"
        )
        shown = {model: _number(values[model].mean()) for model in (a, b)}
    else:
        what = (
            f"loss spikes (a rise from one batch to the next beyond {factor:g} times the run's median "
            f"change), share of batches over the last {epochs} epochs"
        )
        shown = {model: f"{100 * values[model].mean():.2f} %" for model in (a, b)}
    rule = (
        f"ratio of the mean {'relative loss range' if measure == 'range' else 'spike rate'} of {a} over {b}, "
        f"paired by seed, BCa 95 % interval {'below' if relation == 'lower' else 'above'} {bound:.2f}: "
        f"holds; {'at least' if relation == 'lower' else 'at most'} {bound:.2f}: does not hold "
        f"(claims.ratio_margin {margin:g})"
    )
    conditions = _seed_conditions(evidence, [a, b]) + "; seed s of both from the same start and batches"
    under = f"{evidence.design['seeds']['count']} seed pairs"
    judgement = Judgement(statement["text"], conditions, rule, "", under)
    count = len(values[a])
    if count < 3:
        judgement.evidence = f"{count} seed pairs trained to the end{left_out}: too few for an interval"
        judgement.verdict = "undecided"
        return [judgement]
    judgement.evidence = f"{what}, mean over {count} seed pairs: {a} {shown[a]}, {b} {shown[b]}"
    if values[b].mean() == 0:
        judgement.evidence += f"; {b} has none, so there is no ratio{left_out}"
        # Nothing in b: a is not lower than nothing, and "higher" needs a scale to be judged against.
        judgement.verdict = "does not hold" if relation == "lower" or values[a].mean() == 0 else "undecided"
        return [judgement]
    interval = bootstrap_interval([values[a], values[b]], _ratio_of_means, paired=True)
    if interval is None:
        judgement.evidence += f"; the ratio has no interval: {b} is zero in some resamples{left_out}"
        judgement.verdict = "undecided"
        return [judgement]
    judgement.evidence += (
        f"; ratio {_number(interval.estimate, 2)} ({_interval(interval, 2)}); "
        f"{'lower' if relation == 'lower' else 'higher'} means {'below' if relation == 'lower' else 'above'} "
        f"{bound:.2f}{left_out}"
    )
    region = (-math.inf, bound) if relation == "lower" else (bound, math.inf)
    judgement.verdict = by_interval(interval, *region)
    return [judgement]


# --- comparisons on the same folds: the correlated Bayesian t-test, Holm over the family --------------

# What each relation claims of a minus b.
RELATIONS = {
    "better": "{a} better than {b} by more than the rope",
    "not_worse": "{a} not worse than {b} by more than the rope",
    "not_better": "{a} not better than {b} by more than the rope",
    "equivalent": "{a} within the rope of {b}",
}


def claim_probability(relation: str, posterior: Mapping) -> float:
    """P(claim) from the posterior of a minus b (``correlated_t_posterior``); the contrary has the rest."""
    a, equal, b = posterior["p_a_better"], posterior["p_equivalent"], posterior["p_b_better"]
    return {"better": a, "not_worse": a + equal, "not_better": equal + b, "equivalent": equal}[relation]


@dataclass(frozen=True)
class Pair:
    """Model a minus model b on the same folds: the numbers every comparison verdict rests on."""

    a: str
    b: str
    folds: int
    mean: float
    low: float
    high: float
    posterior: Mapping
    n_train: float
    n_test: float
    diverged: bool


def _pair(evidence: Evidence, a: str, b: str, normalisation: str, rope: float) -> Pair:
    paired = fold_differences(evidence.per_fold, a, b, normalisation)
    difference = paired["difference"].to_numpy()
    n_train, n_test = float(paired["n_train"].mean()), float(paired["n_test"].mean())
    if np.isnan(difference).any():
        return Pair(a, b, len(difference), math.nan, math.nan, math.nan, {}, n_train, n_test, True)
    test = within(corrected_paired_test(difference, n_train, n_test), ("ci_low", "ci_high"), -1, 1)
    posterior = correlated_t_posterior(difference, n_train, n_test, rope)
    mean, low, high = test["mean"], test["ci_low"], test["ci_high"]
    return Pair(a, b, len(difference), mean, low, high, posterior, n_train, n_test, False)


def _rope(evidence: Evidence) -> tuple[float, str]:
    """The rope and how it was set: one held-out row of the smallest fold, unless configured."""
    one_row = one_row_rope(evidence.per_fold)
    rows = int(evidence.per_fold["n_test"].min())
    configured = evidence.design["cross_validation"].get("rope")
    if configured is None:
        return one_row, f"rope ±{_number(one_row)}: one held-out row of {rows}"
    return float(configured), (
        f"rope ±{float(configured):g} (beyond.cross_validation.rope; one held-out row of {rows} is "
        f"{_number(one_row)})"
    )


def undecidable_equivalence(evidence: Evidence, pair: Pair, rope: float) -> str:
    """Why equivalence within ±rope cannot be shown on these folds, and what would show it; "" if it can.

    One held-out row is what a fold resolves: two models that disagree on any row at all differ
    from fold to fold by about a row. When a spread of one row, with the most favourable mean of
    zero, still leaves the posterior short of the threshold, no outcome short of identical folds
    could decide the claim.
    """
    threshold = float(evidence.settings["posterior_threshold"])
    one_row = 1.0 / float(evidence.per_fold["n_test"].min())
    limit = equivalence_spread_limit(rope, pair.folds, pair.n_train, pair.n_test, threshold)
    if limit >= one_row:
        return ""
    folds = int(evidence.design["cross_validation"]["folds"])
    test_rows = math.ceil(1.0 / limit)
    # Repeats only shrink the 1/n part of the corrected variance; n_test/n_train stays.
    endless = equivalence_spread_limit(rope, 10**6, pair.n_train, pair.n_test, threshold)
    if endless < one_row:
        repeats = "more repeats would not, since the corrected variance keeps its n_test/n_train part"
    else:
        count = next(
            r
            for r in range(1, 10**6)
            if equivalence_spread_limit(rope, folds * r, pair.n_train, pair.n_test, threshold) >= one_row
        )
        repeats = f"or about {count} repeats of the folds"
    return (
        f"undecidable with this design: equivalence within ±{_number(rope)} needs fold differences "
        f"with a standard deviation below {_number(limit, 4)}, finer than one held-out row "
        f"({_number(one_row, 4)}), which a disagreement on a single row already brings; folds of at "
        f"least {test_rows} held-out rows (about {test_rows * folds} rows at {folds} folds) would allow "
        f"it, {repeats}"
    )


def _comparison_rule(evidence: Evidence, relation: str, rope_text: str) -> str:
    threshold = float(evidence.settings["posterior_threshold"])
    claim = RELATIONS[relation].format(a="a", b="b")
    return (
        f"correlated Bayesian t-test of a minus b on the same folds (Nadeau-Bengio variance), "
        f"{rope_text}: P({claim}) at least {threshold:g}, Holm-adjusted over the comparison rows: "
        f"holds; at most {1 - threshold:.2g}: does not hold"
    )


def _pair_phrase(pair: Pair) -> str:
    return (
        f"{pair.a} minus {pair.b}: {_signed(pair.mean)} (corrected 95 % interval {_signed(pair.low)} to "
        f"{_signed(pair.high)})"
    )


def judge_comparison(statement: Mapping, evidence: Evidence) -> list[Judgement]:
    """Model a against model b on the same folds and normalisation, per normalisation."""
    a, b, relation = statement["model_a"], statement["model_b"], statement["relation"]
    rope, rope_text = _rope(evidence)
    judgements = []
    for normalisation in evidence.normalisations(statement):
        pair = _pair(evidence, a, b, normalisation, rope)
        judgement = Judgement(
            statement["text"],
            _fold_conditions(evidence, normalisation),
            _comparison_rule(evidence, relation, rope_text),
            "",
            normalisation,
        )
        if pair.diverged:
            judgement.evidence = f"a fold of {a} or {b} diverged: no paired comparison; {rope_text}"
            judgement.verdict = "undecided"
        else:
            probability = claim_probability(relation, pair.posterior)
            judgement.evidence = (
                f"{_pair_phrase(pair)} over {pair.folds} folds; "
                f"P({RELATIONS[relation].format(a=a, b=b)}) {_probability(probability)}; {rope_text}"
            )
            judgement.p_claim, judgement.p_contrary = 1.0 - probability, probability
            if relation == "equivalent":
                judgement.undecidable = undecidable_equivalence(evidence, pair, rope)
        judgements.append(judgement)
    return judgements


def judge_baselines(statement: Mapping, evidence: Evidence) -> list[Judgement]:
    """Each network against every baseline under the same normalisation: one row per network."""
    relation = statement["relation"]
    rope, rope_text = _rope(evidence)
    networks = statement["networks"] or list(evidence.networks)
    judgements = []
    for normalisation in evidence.normalisations(statement):
        present = evidence.per_fold.loc[evidence.per_fold["normalisation"] == normalisation, "model"]
        baselines = [m for m in dict.fromkeys(present) if m not in evidence.networks]
        for network in networks:
            conditions = f"network {network} against {_listed(baselines)}, " + _fold_conditions(
                evidence, normalisation
            ).replace("for both sides", "for every model")
            rule = _comparison_rule(evidence, relation, rope_text)
            judgement = Judgement(statement["text"], conditions, rule, "", f"{network}, {normalisation}")
            pairs = [_pair(evidence, network, baseline, normalisation, rope) for baseline in baselines]
            if not pairs or any(pair.diverged for pair in pairs):
                judgement.evidence = f"a fold diverged or no baseline was scored: no comparison; {rope_text}"
                judgement.verdict = "undecided"
                judgements.append(judgement)
                continue
            probabilities = [claim_probability(relation, pair.posterior) for pair in pairs]
            judgement.evidence = "; ".join(
                f"{_pair_phrase(pair)}, P({RELATIONS[relation].format(a=pair.a, b=pair.b)}) "
                f"{_probability(probability)}"
                for pair, probability in zip(pairs, probabilities, strict=True)
            )
            judgement.evidence += f"; {rope_text}"
            # The claim is about every baseline: it holds only if it holds against each one. It
            # fails if it fails against any one, a union over the baselines: Bonferroni within the row.
            judgement.p_claim = 1.0 - min(probabilities)
            judgement.p_contrary = min(1.0, len(pairs) * min(probabilities))
            if relation == "equivalent":
                reasons = [undecidable_equivalence(evidence, pair, rope) for pair in pairs]
                judgement.undecidable = next((reason for reason in reasons if reason), "")
            judgements.append(judgement)
    return judgements


# --- the importance study: which features rank on top, and how equally features influence the model ---


def _rank_matrix(ranks: pd.DataFrame, measure: str) -> pd.DataFrame:
    chosen = ranks[ranks["measure"] == measure]
    return chosen.pivot(index="run", columns="feature", values="rank").sort_index()


def _mean_rank(matrix: pd.DataFrame, feature: str) -> str:
    values = matrix[feature].to_numpy(dtype=np.float64)
    interval = within(independent_interval(values), ("ci_low", "ci_high"), 1.0, float(matrix.shape[1]))
    return (
        f"{feature} {_number(interval['mean'], 1)} ({_number(interval['ci_low'], 1)} to "
        f"{_number(interval['ci_high'], 1)})"
    )


def _measure_verdict(matrix: pd.DataFrame, expected: Sequence[str], alpha: float) -> tuple[str, str]:
    """One measure's verdict on "``expected`` are the top features", and the pair that decided it.

    For each named feature e and each other feature o, the rank difference rank(o) - rank(e) over
    runs: every one of them positive (one-sided t-test, each at ``alpha``: all must pass) means the
    claim holds; some o above some e (Holm over the pairs) means it does not.
    """
    others = [f for f in matrix.columns if f not in expected]
    pairs = [(e, o) for e in expected for o in others]
    differences = np.column_stack([matrix[o].to_numpy() - matrix[e].to_numpy() for e, o in pairs])
    above = one_sided_p(differences, "greater")
    below = holm_adjust(one_sided_p(differences, "less"))
    if np.all(above <= alpha):
        closest = int(np.argmax(above))
        e, o = pairs[closest]
        return "holds", (
            f"every named feature ranks above every other (closest: {e} above {o}, p "
            f"{_probability(above[closest])})"
        )
    if below.min() <= alpha:
        worst = int(np.argmin(below))
        e, o = pairs[worst]
        gap = float(differences[:, worst].mean())
        return "does not hold", (
            f"{o} ranks above {e} (by {_number(-gap, 1)} ranks on average, Holm-adjusted p "
            f"{_probability(below[worst])})"
        )
    return "undecided", "no named feature is told apart from the best of the others"


def judge_top_features(statement: Mapping, evidence: Evidence) -> list[Judgement]:
    """Are the named features the most important ones? By every measure that discriminates, over runs."""
    expected = list(statement["features"])
    measures = list(statement["measures"] or MEASURES)
    alpha, needed = evidence.alpha, float(evidence.settings["min_concordance"])
    rule = (
        f"per measure that discriminates (Friedman p below {alpha:g} and Kendall's W at least {needed:g} "
        "over runs; the others abstain): paired one-sided t-tests over runs that each named feature ranks "
        f"above every other, all at {alpha:g}: holds; another above a named one after Holm: does not "
        "hold; the discriminating measures must agree"
    )
    judgements = []
    for normalisation in evidence.normalisations(statement):
        ranks = evidence.ranks[normalisation]
        ranked = int(ranks["run"].nunique())
        conditions = _study_conditions(evidence, normalisation, ranked)
        judgement = Judgement(statement["text"], conditions, rule, "", normalisation)
        judgements.append(judgement)
        if ranked < 3:
            judgement.evidence = f"{ranked} ranked runs: too few to tell"
            judgement.verdict = "undecided"
            continue
        phrases, votes = [], []
        for measure in measures:
            matrix = _rank_matrix(ranks, measure)
            agreement, p_value = concordance(matrix.to_numpy())
            order = matrix.mean().sort_values(kind="stable").index.tolist()
            shown = order[:3] + [f for f in expected if f not in order[:3]]
            listed = ", ".join(_mean_rank(matrix, f) for f in shown)
            if p_value > alpha or agreement < needed:
                phrases.append(
                    f"by {measure} score: abstains, it does not discriminate (Kendall's W "
                    f"{_number(agreement, 2)}, Friedman p {_probability(p_value)}); {listed}"
                )
                continue
            outcome, reason = _measure_verdict(matrix, expected, alpha)
            votes.append(outcome)
            phrases.append(
                f"by {measure} score (Kendall's W {_number(agreement, 2)}): {listed}; {reason}: {outcome}"
            )
        judgement.evidence = "mean rank (95 % interval of the mean) " + "; ".join(phrases)
        if not votes:
            judgement.verdict = "undecided"
            judgement.evidence += "; no measure discriminates"
        elif len(set(votes)) == 1:
            judgement.verdict = votes[0]
        else:
            judgement.verdict = "undecided"
            judgement.evidence += "; the discriminating measures disagree"
    return judgements


def _least_over_most(*columns, axis=-1):
    means = np.stack([column.mean(axis=axis) for column in columns])
    return means.min(axis=0) / means.max(axis=0)


def judge_normalisation(statement: Mapping, evidence: Evidence) -> list[Judgement]:
    """Do the features influence the model equally? The spread of their permutation importance over runs."""
    factor = float(evidence.settings["influence_ratio"])
    bound = 1.0 / factor
    rule = (
        "permutation importance per feature over the study's runs: the least influential feature's mean "
        f"over the most influential's, BCa 95 % interval at least {bound:.2f} (within a factor "
        f"{factor:g}, claims.influence_ratio): holds; below it: does not hold"
    )
    judgements = []
    for normalisation in evidence.normalisations(statement):
        scores = evidence.scores[normalisation]
        usable = scores[scores["status"] == "ok"]
        matrix = usable.pivot(index="run", columns="feature", values="permutation_score")
        conditions = _study_conditions(evidence, normalisation, len(matrix))
        judgement = Judgement(statement["text"], conditions, rule, "", normalisation)
        judgements.append(judgement)
        if len(matrix) < 3 or matrix.shape[1] < 2:
            judgement.evidence = f"{len(matrix)} ranked runs, {matrix.shape[1]} features: too few to tell"
            judgement.verdict = "undecided"
            continue
        means = matrix.mean()
        if means.max() <= 0:
            judgement.evidence = "shuffling no feature costs accuracy on average: no influence to compare"
            judgement.verdict = "undecided"
            continue
        interval = bootstrap_interval(list(matrix.to_numpy().T), _least_over_most, paired=True)
        most, least = means.idxmax(), means.idxmin()
        judgement.evidence = (
            "permutation importance (validation accuracy lost when a feature is shuffled), mean over "
            f"{len(matrix)} runs: most {most} {_number(means[most])}, least {least} {_number(means[least])}"
        )
        if matrix.shape[1] >= 3:
            agreement, _ = concordance(matrix.to_numpy())
            judgement.evidence += f"; Kendall's W of the features' order over runs {_number(agreement, 2)}"
        if interval is None:
            judgement.evidence += "; no interval: the strongest feature's mean is zero in some resamples"
            judgement.verdict = "undecided"
            continue
        judgement.evidence += (
            f"; least over most {_number(interval.estimate, 2)} ({_interval(interval, 2)}); equal "
            f"influence means at least {bound:.2f}. That normalised features share a range is what "
            "the method does, not a finding about their influence"
        )
        judgement.verdict = by_interval(interval, bound)
    return judgements


JUDGES: dict[str, Callable[[Mapping, Evidence], list[Judgement]]] = {
    "accuracy": judge_accuracy,
    "comparison": judge_comparison,
    "baselines": judge_baselines,
    "overfitting": judge_overfitting,
    "volatility": judge_volatility,
    "top_features": judge_top_features,
    "normalisation": judge_normalisation,
}


def settle(judgements: Sequence[Judgement], alpha: float) -> list[Judgement]:
    """The comparisons' verdicts: Holm's step-down over every comparison row as one family.

    Each row enters with the smaller of its two directional errors, and a row that Holm rejects
    takes the direction of that smaller error: at most one direction can pass, so a row is wrong
    only when the true difference lies on the other side.
    """
    pending = [j for j in judgements if j.verdict is None]
    errors = np.array([min(j.p_claim, j.p_contrary) for j in pending], dtype=np.float64)
    adjusted = iter(holm_adjust(np.clip(errors, 0.0, 1.0)) if errors.size else errors)
    settled = []
    for judgement in judgements:
        if judgement.verdict is not None:
            settled.append(judgement)
            continue
        error = next(adjusted)
        if error <= alpha:
            verdict = "holds" if judgement.p_claim <= judgement.p_contrary else "does not hold"
        elif judgement.undecidable:
            verdict = "undecidable with this design"
        else:
            verdict = "undecided"
        evidence = (
            f"{judgement.evidence}; Holm-adjusted error {_probability(error)} over the {errors.size} "
            f"comparison rows (a verdict needs at most {alpha:g})"
        )
        if verdict == "undecidable with this design":
            evidence += f"; {judgement.undecidable.removeprefix('undecidable with this design: ')}"
        settled.append(replace(judgement, verdict=verdict, evidence=evidence))
    return settled


_NOT_A_NUMBER = re.compile(r"\b(nan|inf|-inf)\b", re.IGNORECASE)


def judge_claims(statements: Sequence[Mapping], evidence: Evidence) -> pd.DataFrame:
    """Every declared claim the run can judge, in the order declared: ``COLUMNS`` and ``under``.

    Statements marked ``reference_only`` are judged only when the input table is the report's data.
    """
    judgements = []
    for raw in statements:
        statement = with_defaults(raw)
        if statement["reference_only"] and not evidence.is_reference_data:
            continue
        judgements += JUDGES[statement["kind"]](statement, evidence)
    rows = [
        {column: getattr(judgement, column) for column in [*COLUMNS, "under"]}
        for judgement in settle(judgements, evidence.alpha)
    ]
    table = pd.DataFrame(rows, columns=[*COLUMNS, "under"])
    for row in rows:
        if row["verdict"] not in VERDICTS:
            raise ValueError(f"verdict {row['verdict']!r} is not one of {VERDICTS}")
        if any(_NOT_A_NUMBER.search(str(row[column])) for column in ("evidence", "conditions")):
            raise ValueError(f"the claim {row['claim']!r} would print a value that is not a number: {row}")
    return table
