"""The report's claims, each judged from the run's own outputs: "holds", "does not hold" or "undecided".

Every verdict and every number here is computed from the tables the pipeline wrote; nothing is
typed in. A claim is "undecided" when the evidence cannot tell, which is a valid answer. Claims
about the report's own numbers (its accuracies, its top features) are judged only when the input
table is the report's data; the other claims are about methods and apply to any data.
"""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field

import numpy as np
import pandas as pd

from winenet.data import normalisation_parameters
from winenet.stats import block_bootstrap_ratio, wilson_interval
from winenet.training import epoch_summary

VERDICTS = ("holds", "does not hold", "undecided")
COLUMNS = ["claim", "verdict", "evidence", "conditions"]


@dataclass
class Outputs:
    """The pipeline outputs the claims are judged from, already loaded."""

    table: dict  # results/data/table.json
    models: Mapping[str, dict]  # config `models:`
    metrics: Mapping[str, dict]  # results/metrics.json
    histories: Mapping[str, pd.DataFrame]  # per model, results/models/{model}/history.parquet
    seeds: pd.DataFrame  # results/beyond/seed_accuracy.csv
    cross_validation: pd.DataFrame  # results/beyond/cv_accuracy.csv
    differences: pd.DataFrame  # results/beyond/paired_differences.csv
    importance: Mapping[str, pd.DataFrame]  # per normalisation, results/importance/{n}/summary.csv
    normalisations: Sequence[str]  # config `normalisation.methods`
    training_features: pd.DataFrame  # the raw features of the training rows of the report's split
    l1_histories: Mapping[str, pd.DataFrame]  # "subgradient" and "proximal" histories
    settings: Mapping  # config `claims:`
    reference: Mapping  # config `reference:`
    rope: float = 0.01  # config `beyond.cross_validation.rope`
    folds: str = ""  # e.g. "5 folds x 2 repeats"
    excluded_runs: Mapping[str, Mapping[str, list]] = field(default_factory=dict)  # per normalisation

    @property
    def is_reference_data(self) -> bool:
        """Whether the input table is the report's (by the content hash of its values)."""
        return (
            bool(self.reference.get("table_sha256"))
            and self.table["sha256"] == self.reference["table_sha256"]
        )

    def model_with_penalty(self, penalty: str) -> str | None:
        """The first model of ``models`` with this penalty, or None."""
        return next((name for name, entry in self.models.items() if entry["penalty"] == penalty), None)


def _row(claim: str, verdict: str, evidence: str, conditions: str) -> dict:
    if verdict not in VERDICTS:
        raise ValueError(f"verdict {verdict!r} is not one of {VERDICTS}")
    return {"claim": claim, "verdict": verdict, "evidence": evidence, "conditions": conditions}


def _three(value: float) -> str:
    return "n/a" if value is None or not math.isfinite(value) else f"{value:.3f}"


def _signed(value: float) -> str:
    """A difference with its sign, three decimals; one that rounds to zero is printed as 0.000."""
    rounded = round(float(value), 3)
    return "0.000" if rounded == 0 else f"{rounded:+.3f}"


def _from_posterior(p_a: float, p_equal: float, p_b: float, threshold: float) -> str:
    """ "a" (a better), "b", "equal" or "undecided": the outcome whose posterior reaches ``threshold``."""
    for outcome, probability in (("a", p_a), ("b", p_b), ("equal", p_equal)):
        if probability >= threshold:
            return outcome
    return "undecided"


def accuracy_claims(outputs: Outputs) -> list[dict]:
    """The report's validation accuracies against the spread of the same model over seeds."""
    if not outputs.is_reference_data:
        return []
    rows = []
    seeds = outputs.seeds.set_index("model")
    for model, reported in outputs.reference.get("accuracies", {}).items():
        if model not in seeds.index or model not in outputs.metrics:
            continue
        spread, metrics = seeds.loc[model], outputs.metrics[model]
        claim = f"Model {model} reaches {reported:.0%} validation accuracy"
        usable = int(spread["seeds"] - spread["diverged_seeds"])
        conditions = f"the report's split and settings; {int(spread['seeds'])} seeds"
        not_ok = _seed_exceptions(spread)
        if usable < 3 or not math.isfinite(spread["pi_low"]):
            evidence = f"only {usable} seeds trained to the end{not_ok}: too few for a spread"
            rows.append(_row(claim, "undecided", evidence, conditions))
            continue
        # The report rounded to whole percent: its value stands for this window of accuracies.
        low, high = reported - 0.005, reported + 0.005
        inside = high > spread["pi_low"] and low < spread["pi_high"]
        evidence = (
            f"this run's model: {_three(metrics['accuracy'])}; over seeds mean {_three(spread['mean'])}, "
            "one more seed "
            f"expected in [{_three(spread['pi_low'])}, {_three(spread['pi_high'])}] (95 % prediction "
            f"interval), observed {_three(spread['min'])} to {_three(spread['max'])}{not_ok}"
        )
        rows.append(_row(claim, "holds" if inside else "does not hold", evidence, conditions))
    return rows


def _seed_exceptions(spread: pd.Series) -> str:
    parts = []
    if spread["diverged_seeds"]:
        parts.append(f"{int(spread['diverged_seeds'])} diverged (seeds {spread['seeds_diverged']})")
    if spread["chance_seeds"]:
        parts.append(f"{int(spread['chance_seeds'])} at chance (seeds {spread['seeds_at_chance']})")
    return "; " + "; ".join(parts) if parts else ""


def _epochs(history: pd.DataFrame, phase: str) -> pd.DataFrame:
    summary = epoch_summary(history)
    return summary[summary["phase"] == phase].sort_values("epoch").reset_index(drop=True)


def overfitting_claim(outputs: Outputs) -> list[dict]:
    """The unregularised model: training accuracy near 100 % while the validation accuracy plateaus."""
    model = outputs.model_with_penalty("none")
    if model is None or model not in outputs.histories:
        return []
    train = _epochs(outputs.histories[model], "train")
    validation = _epochs(outputs.histories[model], "validation")
    epochs = len(train)
    claim = (
        "The unregularised model overfits: training accuracy near 100 % while validation accuracy plateaus"
    )
    conditions = f"model {model}, {epochs} epochs, the report's split"
    if epochs < 8:
        return [_row(claim, "undecided", f"only {epochs} epochs: too few to see a plateau", conditions)]
    tail = max(1, epochs // 10)
    train_accuracy = float(train["accuracy"].tail(tail).mean())
    rows = sum(int(scores["support"]) for scores in outputs.metrics[model]["classes"].values())
    final = float(outputs.metrics[model]["accuracy"])
    low, high = wilson_interval(round(final * rows), rows)
    quarter = epochs // 4
    third_quarter = float(validation["accuracy"].iloc[2 * quarter : 3 * quarter].mean())
    last_quarter = float(validation["accuracy"].iloc[3 * quarter :].mean())
    change = last_quarter - third_quarter
    best_loss_epoch = int(validation.loc[validation["loss"].idxmin(), "epoch"])
    loss_rise = float(validation["loss"].iloc[-1] / validation["loss"].min())
    # A plateau: over the last quarter the validation accuracy moved by less than one row.
    plateau = abs(change) < 1 / rows
    near_perfect = train_accuracy >= 0.99
    gap_is_real = high < train_accuracy
    evidence = (
        f"training accuracy {_three(train_accuracy)} (mean of the last {tail} epochs); validation "
        f"accuracy {_three(final)} (Wilson 95 % interval {_three(low)} to {_three(high)} on {rows} rows), "
        f"changing by {_signed(change)} from the third to the last quarter of training (one row is "
        f"{1 / rows:.3f}); validation loss lowest in epoch {best_loss_epoch} and {loss_rise:.2f} times "
        "that lowest value at the end"
    )
    if near_perfect and plateau and gap_is_real:
        verdict = "holds"
    elif not near_perfect or not plateau:
        verdict = "does not hold"
    else:
        verdict = "undecided"
    return [_row(claim, verdict, evidence, conditions)]


def regularisation_claims(outputs: Outputs) -> list[dict]:
    """Each regularised model against the unregularised one on the same folds, per normalisation."""
    plain = outputs.model_with_penalty("none")
    if plain is None:
        return []
    threshold = outputs.settings["posterior_threshold"]
    rows = []
    regularised = [name for name, entry in outputs.models.items() if entry["penalty"] in ("l1", "l2")]
    for normalisation in dict.fromkeys(outputs.differences["normalisation"]):
        for model in regularised:
            pair = _pair(outputs.differences, model, plain, normalisation)
            if pair is None:
                continue
            claim = (
                f"Regularisation ({model}) keeps the accuracy of the unregularised model without raising it"
            )
            conditions = f"{normalisation} normalisation; {outputs.folds}"
            if not math.isfinite(pair["p_equivalent"]):
                rows.append(_row(claim, "undecided", "a fold diverged: no paired comparison", conditions))
                continue
            outcome = _from_posterior(pair["p_a_better"], pair["p_equivalent"], pair["p_b_better"], threshold)
            verdict = {"equal": "holds", "a": "does not hold", "b": "does not hold"}.get(outcome, "undecided")
            evidence = (
                f"{model} minus {plain}: {_signed(pair['mean_difference'])} (corrected 95 % interval "
                f"{_signed(pair['ci_low'])} to {_signed(pair['ci_high'])}); P({model} better) "
                f"{pair['p_a_better']:.2f}, P(equivalent within ±{outputs.rope:g}) "
                f"{pair['p_equivalent']:.2f}, "
                f"P({plain} better) {pair['p_b_better']:.2f}"
            )
            rows.append(_row(claim, verdict, evidence, conditions))
    return rows


def _pair(differences: pd.DataFrame, a: str, b: str, normalisation: str) -> pd.Series | None:
    """The row comparing a with b under normalisation, flipped if the table has it as b minus a."""
    same = differences[(differences["normalisation"] == normalisation)]
    forward = same[(same["model_a"] == a) & (same["model_b"] == b)]
    if len(forward):
        return forward.iloc[0]
    backward = same[(same["model_a"] == b) & (same["model_b"] == a)]
    if not len(backward):
        return None
    row = backward.iloc[0].copy()
    row["mean_difference"], row["ci_low"], row["ci_high"] = (
        -row["mean_difference"],
        -row["ci_high"],
        -row["ci_low"],
    )
    row["p_a_better"], row["p_b_better"] = row["p_b_better"], row["p_a_better"]
    row["model_a"], row["model_b"] = a, b
    return row


def _volatility_ratio(
    numerator: pd.DataFrame, denominator: pd.DataFrame, seed: int = 0
) -> tuple[float, float, float, int]:
    """Ratio of mean training-loss volatility over the second half of training, with its interval."""
    top, bottom = _epochs(numerator, "train"), _epochs(denominator, "train")
    epochs = min(len(top), len(bottom))
    second_half = slice(epochs // 2, epochs)
    a = top["loss_volatility"].to_numpy()[second_half]
    b = bottom["loss_volatility"].to_numpy()[second_half]
    # Blocks of about sqrt(n) epochs keep the correlation between neighbouring epochs.
    block = max(1, round(math.sqrt(len(a))))
    return (*block_bootstrap_ratio(a, b, block=block, seed=seed), len(a))


def l1_spike_claim(outputs: Outputs) -> list[dict]:
    """If the kink of |w| made the spikes, the proximal step (which has no kink) would have fewer."""
    if set(outputs.l1_histories) != {"subgradient", "proximal"}:
        return []
    margin = outputs.settings["volatility_margin"]
    ratio, low, high, epochs = _volatility_ratio(
        outputs.l1_histories["subgradient"], outputs.l1_histories["proximal"]
    )
    claim = "L1's loss spikes come from the absolute value being non-differentiable at zero"
    conditions = (
        f"subgradient and proximal L1 with the same seed, batches and coefficient; last {epochs} epochs"
    )
    evidence = (
        f"training-loss volatility of the subgradient step over the proximal step, which handles the kink "
        f"exactly: {ratio:.2f} (block-bootstrap 95 % interval {low:.2f} to {high:.2f}; a ratio within "
        f"{1 / (1 + margin):.2f} to {1 + margin:.2f} means the same spikes)"
    )
    plain = outputs.model_with_penalty("none")
    if plain is not None and plain in outputs.histories:
        versus, plain_low, plain_high, _ = _volatility_ratio(
            outputs.l1_histories["subgradient"], outputs.histories[plain]
        )
        evidence += f"; against the unregularised model {versus:.2f} ({plain_low:.2f} to {plain_high:.2f})"
    if low > 1 + margin:
        verdict = "holds"
    elif low >= 1 / (1 + margin) and high <= 1 + margin or high < 1:
        verdict = "does not hold"
    else:
        verdict = "undecided"
    return [_row(claim, verdict, evidence, conditions)]


def l2_smoothness_claim(outputs: Outputs) -> list[dict]:
    """L2's training loss varies less within an epoch than L1's, over the same batches."""
    l2, l1 = outputs.model_with_penalty("l2"), outputs.model_with_penalty("l1")
    if l2 is None or l1 is None or l2 not in outputs.histories or l1 not in outputs.histories:
        return []
    margin = outputs.settings["volatility_margin"]
    ratio, low, high, epochs = _volatility_ratio(outputs.histories[l2], outputs.histories[l1])
    claim = "L2's loss curve is smoother than L1's"
    conditions = f"models {l2} and {l1}, same seed and batches; last {epochs} epochs"
    evidence = (
        f"training-loss volatility (largest minus smallest batch loss in an epoch) of {l2} over {l1}: "
        f"{ratio:.2f} (block-bootstrap 95 % interval {low:.2f} to {high:.2f}); smoother means below "
        f"{1 / (1 + margin):.2f}"
    )
    if high < 1 / (1 + margin):
        verdict = "holds"
    elif low >= 1 / (1 + margin):
        verdict = "does not hold"
    else:
        verdict = "undecided"
    return [_row(claim, verdict, evidence, conditions)]


def _excluded_phrase(excluded: Mapping[str, list]) -> str:
    parts = [
        f"{len(excluded[status])} {label} left out (runs {', '.join(map(str, excluded[status][:10]))}"
        + (" ..." if len(excluded[status]) > 10 else "")
        + ")"
        for status, label in (("diverged", "diverged"), ("chance", "at chance"))
        if excluded.get(status)
    ]
    return "; ".join(parts)


def top_feature_claims(outputs: Outputs) -> list[dict]:
    """The report's two most important features against the study's mean ranks, per normalisation."""
    expected = list(outputs.reference.get("top_features", []))
    if not outputs.is_reference_data or len(expected) != 2:
        return []
    rows = []
    claim = f"{expected[0]} and {expected[1]} are the two most important features"
    for normalisation, summary in outputs.importance.items():
        runs = int(summary["runs_ranked"].iloc[0]) if len(summary) else 0
        excluded = _excluded_phrase(outputs.excluded_runs.get(normalisation, {}))
        conditions = f"{normalisation} normalisation; {runs} ranked runs" + (
            f"; {excluded}" if excluded else ""
        )
        if runs < 2 or len(summary) < 3:
            rows.append(_row(claim, "undecided", "too few ranked runs or features to tell", conditions))
            continue
        measures = [c.removesuffix("_mean_rank") for c in summary.columns if c.endswith("_mean_rank")]
        measures = [m for m in measures if m != "overall"]
        outcomes, phrases = [], []
        for measure in measures:
            ordered = summary.sort_values(f"{measure}_mean_rank", kind="stable").reset_index(drop=True)
            indexed = ordered.set_index("feature")
            top = ordered["feature"].head(2).tolist()
            others = ordered[~ordered["feature"].isin(expected)]
            worst_expected_low = max(indexed.loc[f, f"{measure}_mean_rank_ci_low"] for f in expected)
            worst_expected_high = max(indexed.loc[f, f"{measure}_mean_rank_ci_high"] for f in expected)
            best_other = others.iloc[0]
            if set(top) == set(expected) and worst_expected_high < best_other[f"{measure}_mean_rank_ci_low"]:
                outcomes.append("holds")
            elif best_other[f"{measure}_mean_rank_ci_high"] < worst_expected_low:
                outcomes.append("does not hold")
            else:
                outcomes.append("undecided")
            mean, low, high = (f"{measure}_mean_rank{end}" for end in ("", "_ci_low", "_ci_high"))
            ranked = ", ".join(
                f"{row['feature']} {row[mean]:.1f} [{row[low]:.1f}, {row[high]:.1f}]"
                for _, row in ordered.head(3).iterrows()
            )
            phrases.append(f"by {measure} score: {ranked}")
        verdict = outcomes[0] if len(set(outcomes)) == 1 else "undecided"
        evidence = "mean rank [95 % interval over runs] of the first three " + "; ".join(phrases)
        if len(set(outcomes)) > 1:
            evidence += " (the measures disagree)"
        rows.append(_row(claim, verdict, evidence, conditions))
    return rows


def _spread_ratio(x: np.ndarray, method: str) -> float:
    """Largest over smallest standard deviation of the features after fitting ``method`` on ``x``."""
    offset, scale = normalisation_parameters(x, method)
    std = ((x - offset) / scale).std(axis=0, ddof=1)
    return float(std.max() / std.min()) if std.min() > 0 else math.inf


def spread_claims(outputs: Outputs, resamples: int = 1000, seed: int = 0) -> list[dict]:
    """After normalisation, do the features share one scale? Largest over smallest standard deviation.

    The interval comes from refitting the normalisation on bootstrap resamples of the training rows
    and measuring again, so it is the uncertainty of the whole procedure, not of the transform alone.
    """
    limit = outputs.settings["spread_ratio"]
    x = outputs.training_features.to_numpy(dtype=np.float64)
    names = list(outputs.training_features.columns)
    claim = "Normalisation makes all features influence the model equally, by scaling them to a common range"
    rows = []
    for method in outputs.normalisations:
        conditions = f"{method} normalisation; the {len(x)} training rows"
        if x.shape[1] < 2:
            rows.append(_row(claim, "undecided", "a single feature has nothing to be equal to", conditions))
            continue
        offset, scale = normalisation_parameters(x, method)
        std = ((x - offset) / scale).std(axis=0, ddof=1)
        ratio = float(std.max() / std.min())
        rng = np.random.default_rng(seed)
        resampled = [_spread_ratio(x[rng.integers(0, len(x), len(x))], method) for _ in range(resamples)]
        low, high = np.quantile(resampled, [0.025, 0.975])
        evidence = (
            f"standard deviations of the normalised features range from {std.min():#.3g} "
            f"({names[int(std.argmin())]}) to {std.max():#.3g} ({names[int(std.argmax())]}): ratio "
            f"{ratio:.2f} (bootstrap 95 % interval {low:.2f} to {high:.2f}); a common range means at "
            f"most {limit:g}"
        )
        if high <= limit:
            verdict = "holds"
        elif low > limit:
            verdict = "does not hold"
        else:
            verdict = "undecided"
        rows.append(_row(claim, verdict, evidence, conditions))
    return rows


def baseline_claims(outputs: Outputs) -> list[dict]:
    """Every network against the best baseline on the same folds, per normalisation of the networks."""
    threshold = outputs.settings["posterior_threshold"]
    networks = list(outputs.models)
    cv = outputs.cross_validation
    baselines = cv[~cv["model"].isin(networks)]
    if baselines.empty:
        return []
    best = baselines.sort_values("mean", ascending=False, kind="stable").iloc[0]
    claim = "The networks match standard baselines"
    rows = []
    for normalisation in dict.fromkeys(outputs.differences["normalisation"]):
        outcomes, phrases = [], []
        for network in networks:
            pair = _pair(outputs.differences, network, best["model"], normalisation)
            if pair is None or not math.isfinite(pair["p_equivalent"]):
                outcomes.append("undecided")
                continue
            at_least_equal = pair["p_a_better"] + pair["p_equivalent"]
            if at_least_equal >= threshold:
                outcomes.append("holds")
            elif pair["p_b_better"] >= threshold:
                outcomes.append("does not hold")
            else:
                outcomes.append("undecided")
            phrases.append(
                f"{network} {_signed(pair['mean_difference'])} "
                f"({_signed(pair['ci_low'])} to {_signed(pair['ci_high'])}), "
                f"P({best['model']} better) {pair['p_b_better']:.2f}"
            )
        if "does not hold" in outcomes:
            verdict = "does not hold"
        elif all(outcome == "holds" for outcome in outcomes):
            verdict = "holds"
        else:
            verdict = "undecided"
        evidence = (
            f"against the best baseline, {best['model']} ({best['normalisation']} features, mean "
            f"{best['mean']:.3f}), network minus baseline with corrected 95 % intervals: "
            + "; ".join(phrases)
        )
        conditions = f"networks with {normalisation} normalisation; {outputs.folds}"
        rows.append(_row(claim, verdict, evidence, conditions))
    return rows


JUDGES = (
    accuracy_claims,
    overfitting_claim,
    regularisation_claims,
    l1_spike_claim,
    l2_smoothness_claim,
    top_feature_claims,
    spread_claims,
    baseline_claims,
)


def judge_claims(outputs: Outputs, judges: Sequence = JUDGES) -> pd.DataFrame:
    """Every claim the outputs can judge, in the report's order: columns ``COLUMNS``."""
    rows = [row for judge in judges for row in judge(outputs)]
    return pd.DataFrame(rows, columns=COLUMNS)
