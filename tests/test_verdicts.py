"""Each rule reaches the verdict its synthetic evidence calls for, and says why, with no NaN anywhere."""

import numpy as np
import pandas as pd
import pytest

from winenet.verdicts import (
    COLUMNS,
    VERDICTS,
    Evidence,
    judge_claims,
    relative_ranges,
    rounding_window,
    spike_rates,
)

SHA = "a" * 64
NETWORKS = ["plain", "l2"]
FEATURES = ["a", "b", "c", "d"]
SETTINGS = {
    "posterior_threshold": 0.95,
    "ratio_margin": 0.1,
    "influence_ratio": 2.0,
    "min_concordance": 0.3,
    "spike_factor": 5,
}
DESIGN = {
    "training": {"epochs": 40, "learning_rate": 0.01, "batch_size": 10, "seed": 0},
    "split": {"test_size": 0.25, "random_state": 0},
    "seeds": {"count": 12, "seed": 11, "dtype": "float32"},
    "cross_validation": {"folds": 5, "repeats": 2, "rope": None},
    "importance": {"epochs": 25, "penalty": "l1", "coefficient": 0.008},
    "study_runs": {"l2norm": 60},
    "normalisations": ["l2norm"],
}


def seeds(accuracies, status=None):
    accuracies = np.asarray(accuracies, dtype=float)
    return pd.DataFrame(
        {
            "run": np.arange(len(accuracies)),
            "accuracy": accuracies,
            "status": status or ["ok"] * len(accuracies),
        }
    )


def history(train_loss, validation_loss, train_accuracy=1.0, validation_accuracy=0.9):
    """A seed study's history from train losses ``(R, E, B)`` and validation losses ``(R, E)``."""
    train_loss = np.asarray(train_loss, dtype=float)
    validation_loss = np.asarray(validation_loss, dtype=float)
    runs, epochs, batches = train_loss.shape
    frames = []
    for phase, values in (("train", train_loss), ("validation", validation_loss[..., None])):
        per_batch = values.shape[-1]
        frames.append(
            pd.DataFrame(
                {
                    "run": np.repeat(np.arange(runs), epochs * per_batch),
                    "phase": phase,
                    "epoch": np.tile(np.repeat(np.arange(1, epochs + 1), per_batch), runs),
                    "batch": np.tile(np.arange(1, per_batch + 1), runs * epochs),
                    "loss": values.ravel(),
                    "accuracy": train_accuracy if phase == "train" else validation_accuracy,
                }
            )
        )
    return pd.concat(frames, ignore_index=True).sort_values(["run", "phase"], kind="stable")


def steady_history(runs=12, epochs=40, batches=4, noise=0.05, seed=0, rises=False):
    """Training loss falling, validation loss flat, or rising after epoch 10 when ``rises``."""
    rng = np.random.default_rng(seed)
    level = 1.0 / np.arange(1, epochs + 1)
    train = level[None, :, None] * (1 + noise * rng.uniform(size=(runs, epochs, batches)))
    validation = np.full((runs, epochs), 0.3) + 0.01 * rng.uniform(size=(runs, epochs))
    if rises:
        validation += np.clip(np.arange(epochs) - 10, 0, None)[None, :] * 0.05
    return history(train, validation)


def folds(model, accuracy, normalisation="l2norm", n_test=36):
    accuracy = np.asarray(accuracy, dtype=float)
    return pd.DataFrame(
        {
            "model": model,
            "normalisation": normalisation,
            "repeat": np.arange(len(accuracy)) // 5,
            "fold": np.arange(len(accuracy)) % 5,
            "accuracy": accuracy,
            "n_train": 142,
            "n_test": n_test,
            "status": "ok",
        }
    )


def study(weight, gradient, permutation):
    """Ranks and scores of a study from per-run scores ``(runs, features)`` of each measure."""
    runs = len(permutation)
    scores = pd.DataFrame(
        {
            "run": np.repeat(np.arange(runs), len(FEATURES)),
            "feature": np.tile(FEATURES, runs),
            "weight_score": np.ravel(weight),
            "gradient_score": np.ravel(gradient),
            "permutation_score": np.ravel(permutation),
            "accuracy": 0.9,
            "status": "ok",
        }
    )
    from winenet.importance import rank_features

    return rank_features(scores), scores


def evidence(**overrides):
    rng = np.random.default_rng(1)
    # Proline-like: feature a always first, b second, c and d last, by every measure.
    ordered = np.tile([4.0, 3.0, 1.0, 0.9], (60, 1)) + 0.01 * rng.uniform(size=(60, 4))
    ranks, scores = study(ordered, ordered, ordered / 10)
    fields = {
        "table": {"sha256": SHA, "features": FEATURES},
        "metrics": {
            m: {"accuracy": 0.95, "classes": {"1": {"support": 20}, "2": {"support": 25}}} for m in NETWORKS
        },
        "seeds": {m: seeds(np.full(12, 43 / 45)) for m in [*NETWORKS, "l1", "l1_proximal"]},
        "seed_histories": {m: steady_history() for m in [*NETWORKS, "l1", "l1_proximal"]},
        "per_fold": pd.concat(
            [
                folds("plain", np.full(10, 0.95)),
                folds("l2", np.full(10, 0.95)),
                folds("mlp", np.full(10, 0.95)),
            ],
            ignore_index=True,
        ),
        "networks": NETWORKS,
        "ranks": {"l2norm": ranks},
        "scores": {"l2norm": scores},
        "settings": SETTINGS,
        "design": DESIGN,
        "reference_sha256": SHA,
    }
    fields.update(overrides)
    return Evidence(**fields)


def judged(statements, **overrides):
    table = judge_claims(statements, evidence(**overrides))
    assert list(table.columns) == [*COLUMNS, "under"] and table["verdict"].isin(VERDICTS).all()
    assert table["under"].str.len().gt(0).all()
    for column in ("evidence", "conditions", "rule"):
        assert not table[column].str.contains(r"\bnan\b|\binf\b", case=False).any(), table[column].tolist()
    return table


def verdicts(statements, **overrides):
    return judged(statements, **overrides)["verdict"].tolist()


# --- accuracy -------------------------------------------------------------------------------------------


def accuracy_claim(value, model="plain"):
    return {"text": f"{model} reaches {value}", "kind": "accuracy", "model": model, "value": value}


def test_the_rounding_window_follows_the_reported_digits():
    assert rounding_window(0.96) == pytest.approx((0.955, 0.965))
    assert rounding_window(0.955) == pytest.approx((0.9545, 0.9555))
    assert rounding_window(1.0) == pytest.approx((0.5, 1.5))


def test_accuracy_holds_when_the_typical_seed_is_inside_the_window_even_without_spread():
    # Every seed at 43 of 45 rows: a constant bootstrap column is a point, never NaN.
    table = judged([accuracy_claim(0.96)])
    assert table["verdict"].tolist() == ["holds"]
    assert (
        "every value the same" in table["evidence"][0]
        and "12 of 12 (100 %) seeds reach" in table["evidence"][0]
    )


def test_accuracy_reached_by_a_favourable_seed_but_not_typical_does_not_hold():
    accuracies = np.r_[np.full(9, 40 / 45), np.full(3, 43 / 45)]
    table = judged([accuracy_claim(0.96)], seeds={"plain": seeds(accuracies)})
    assert table["verdict"].tolist() == ["does not hold"]
    assert "3 of 12 (25 %) seeds reach 0.955" in table["evidence"][0]


def test_accuracy_straddling_the_window_is_undecided_and_the_interval_is_scipys_bca():
    from scipy import stats

    accuracies = np.r_[np.full(10, 43 / 45), np.full(2, 42 / 45)]
    table = judged([accuracy_claim(0.96)], seeds={"plain": seeds(accuracies)})
    assert table["verdict"].tolist() == ["undecided"]
    expected = stats.bootstrap(
        (accuracies,), np.mean, method="BCa", n_resamples=9999, rng=np.random.default_rng(0)
    ).confidence_interval
    assert f"BCa 95 % interval {expected.low:.3f} to {expected.high:.3f}" in table["evidence"][0]


def test_accuracy_with_too_few_seeds_says_so_and_names_the_diverged():
    runs = seeds([0.9, 0.9, np.nan], status=["ok", "ok", "diverged"])
    table = judged([accuracy_claim(0.96)], seeds={"plain": runs})
    assert table["verdict"].tolist() == ["undecided"]
    assert "only 2 seeds" in table["evidence"][0] and "1 diverged (seeds 2)" in table["evidence"][0]


def test_reference_only_claims_need_the_reports_data():
    claim = {**accuracy_claim(0.96), "reference_only": True}
    assert verdicts([claim], table={"sha256": "b" * 64, "features": FEATURES}) == []
    assert verdicts([claim]) == ["holds"]


# --- comparisons on folds -------------------------------------------------------------------------------


def comparison(relation, a="l2", b="plain"):
    return {
        "text": f"{a} {relation} {b}",
        "kind": "comparison",
        "model_a": a,
        "model_b": b,
        "relation": relation,
    }


def per_fold(a_accuracy, b_accuracy, **extra):
    frames = [folds("l2", a_accuracy), folds("plain", b_accuracy), folds("mlp", np.full(10, 0.9))]
    frames += [folds(name, values) for name, values in extra.items()]
    return pd.concat(frames, ignore_index=True)


def test_a_clear_winner_is_better_and_not_not_better():
    rng = np.random.default_rng(0)
    plain = 0.80 + rng.integers(0, 2, 10) / 36
    cv = per_fold(plain + 0.15, plain)
    claims = [comparison(r) for r in ("better", "not_worse", "not_better")]
    assert verdicts(claims, per_fold=cv) == ["holds", "holds", "does not hold"]


def test_true_equivalence_within_a_rope_holds():
    plain = np.full(10, 0.9)
    same = plain + np.r_[1, -1, 0, 0, 0, 1, -1, 0, 0, 0] / 36
    design = {**DESIGN, "cross_validation": {**DESIGN["cross_validation"], "rope": 0.1}}
    table = judged([comparison("equivalent")], per_fold=per_fold(same, plain), design=design)
    assert table["verdict"].tolist() == ["holds"]
    assert "rope ±0.1 (beyond.cross_validation.rope; one held-out row of 36 is 0.028)" in table["evidence"][0]


def test_equivalence_a_design_cannot_show_is_undecidable_and_says_what_would_decide_it():
    plain = np.full(10, 0.9)
    same = plain + np.r_[1, -1, 0, 0, 0, 1, -1, 0, 0, 0] / 36
    design = {**DESIGN, "cross_validation": {**DESIGN["cross_validation"], "rope": 0.01}}
    table = judged([comparison("equivalent")], per_fold=per_fold(same, plain), design=design)
    assert table["verdict"].tolist() == ["undecidable with this design"]
    evidence = table["evidence"][0]
    assert "finer than one held-out row" in evidence and "held-out rows (about" in evidence
    assert "more repeats would not" in evidence


def test_the_default_rope_is_one_held_out_row_and_a_flat_difference_decides():
    plain = np.full(10, 0.9)
    table = judged([comparison("not_worse")], per_fold=per_fold(plain - 1 / 36 * 0, plain))
    assert "rope ±0.028: one held-out row of 36" in table["evidence"][0]
    assert table["verdict"].tolist() == ["holds"]


def test_holm_over_the_family_withholds_a_verdict_one_comparison_alone_would_get():
    from scipy import stats

    rng = np.random.default_rng(3)
    plain = 0.85 + rng.integers(0, 3, 10) / 36
    l2 = plain + np.r_[3, 2, 2, 3, 1, 3, 2, 2, 1, 3] / 36
    # A model whose difference from plain sits on the rope's edge: its rows decide nothing.
    twin = plain + (np.r_[3, -3] * np.ones((5, 1))).ravel() / 36 - 1 / 36
    cv = per_fold(l2, plain, twin=twin)
    alone = judged([comparison("better")], per_fold=cv)
    # The posterior is the corrected t: P(better by more than a row) from scipy's t distribution.
    difference = l2 - plain
    se = np.sqrt(1 / 10 + 36 / 142) * difference.std(ddof=1)
    posterior = stats.t.cdf((difference.mean() - 1 / 36) / se, 9)
    assert 0.95 < posterior < 0.99 and f"{posterior:.3f}" in alone["evidence"][0]
    assert alone["verdict"].tolist() == ["holds"]
    crowd = judged([comparison("better")] + [comparison("not_worse", "twin", "plain")] * 5, per_fold=cv)
    assert crowd["verdict"][0] == "undecided" and "over the 6 comparison rows" in crowd["evidence"][0]


def test_baselines_hold_only_against_every_baseline_and_fail_against_any():
    good = np.full(10, 0.95)
    cv = pd.concat(
        [folds("plain", good), folds("l2", good - 0.2), folds("mlp", good - 0.01), folds("forest", good)],
        ignore_index=True,
    )
    table = judged([{"text": "networks match baselines", "kind": "baselines"}], per_fold=cv)
    assert table["verdict"].tolist() == ["holds", "does not hold"]
    assert table["conditions"][0].startswith("network plain against mlp, forest")


# --- seeds' recorded trainings --------------------------------------------------------------------------


def test_overfitting_is_a_rise_of_the_validation_loss_over_seeds():
    overfits = {"text": "plain overfits", "kind": "overfitting", "model": "plain"}
    steady = {"text": "l2 does not", "kind": "overfitting", "model": "l2", "overfits": False}
    histories = {"plain": steady_history(rises=True), "l2": steady_history()}
    assert verdicts([overfits, steady], seed_histories=histories) == ["holds", "holds"]
    flipped = {"plain": steady_history(), "l2": steady_history(rises=True)}
    table = judged([overfits, steady], seed_histories=flipped)
    assert table["verdict"].tolist() == ["does not hold", "does not hold"]
    assert "validation loss at the end over its lowest stretch" in table["evidence"][0]


def test_relative_range_is_scale_free_and_spikes_are_rises_beyond_the_median_change():
    losses = np.random.default_rng(0).uniform(1, 2, size=(3, 5, 4))
    assert relative_ranges(10 * losses) == pytest.approx(relative_ranges(losses))
    spiky = np.tile([1.0, 1.1, 1.0, 1.1], (1, 10, 1))
    spiky[0, 4, 2] = 5.0
    assert spike_rates(spiky, 5) == pytest.approx([1 / 39])
    assert spike_rates(np.ones((2, 3, 4)), 5) == pytest.approx([0, 0])


def volatility(measure, relation, a="l2", b="l1"):
    return {
        "text": f"{a} {relation} {measure}",
        "kind": "volatility",
        "model_a": a,
        "model_b": b,
        "measure": measure,
        "relation": relation,
    }


def test_a_smoother_model_is_lower_in_relative_range_whatever_its_loss_level():
    rough = steady_history(noise=0.4, seed=2)
    smooth = steady_history(noise=0.1, seed=3)
    smooth["loss"] *= 3  # a higher level does not make it rougher
    histories = {"l2": smooth, "l1": rough}
    assert verdicts([volatility("range", "lower")], seed_histories=histories) == ["holds"]
    same = {"l2": steady_history(noise=0.2, seed=4), "l1": steady_history(noise=0.2, seed=5)}
    assert verdicts([volatility("range", "lower")], seed_histories=same) == ["does not hold"]


def test_spikes_of_one_model_against_a_model_without_any():
    quiet = steady_history(noise=0.0, seed=1)
    assert verdicts([volatility("spikes", "higher")], seed_histories={"l2": quiet, "l1": quiet}) == [
        "does not hold"
    ]
    table = judged([volatility("spikes", "lower")], seed_histories={"l2": quiet, "l1": quiet})
    assert "l1 has none, so there is no ratio" in table["evidence"][0]


# --- the importance study -------------------------------------------------------------------------------


def top_features(features=("a", "b")):
    return {"text": "a and b on top", "kind": "top_features", "features": list(features)}


def test_top_features_hold_by_every_measure_that_discriminates():
    assert verdicts([top_features()]) == ["holds"]
    assert verdicts([top_features(("a", "c"))]) == ["does not hold"]


def test_a_non_discriminating_measure_abstains_instead_of_vetoing():
    rng = np.random.default_rng(7)
    ordered = np.tile([4.0, 3.0, 1.0, 0.9], (60, 1)) + 0.01 * rng.uniform(size=(60, 4))
    noise = rng.uniform(size=(60, 4))
    ranks, scores = study(noise, ordered, ordered / 10)
    table = judged([top_features()], ranks={"l2norm": ranks}, scores={"l2norm": scores})
    assert table["verdict"].tolist() == ["holds"]
    assert "by weight score: abstains, it does not discriminate" in table["evidence"][0]
    assert "mean rank (95 % interval of the mean)" in table["evidence"][0]


def test_discriminating_measures_that_disagree_leave_it_undecided():
    rng = np.random.default_rng(8)
    ordered = np.tile([4.0, 3.0, 1.0, 0.9], (60, 1)) + 0.01 * rng.uniform(size=(60, 4))
    other = np.tile([4.0, 1.0, 3.0, 0.9], (60, 1)) + 0.01 * rng.uniform(size=(60, 4))
    ranks, scores = study(ordered, other, ordered / 10)
    table = judged([top_features()], ranks={"l2norm": ranks}, scores={"l2norm": scores})
    assert table["verdict"].tolist() == ["undecided"] and "disagree" in table["evidence"][0]


def test_kendalls_w_is_friedmans_statistic_scaled():
    from scipy import stats

    from winenet.stats import concordance

    matrix = np.random.default_rng(2).uniform(size=(30, 5)) + np.arange(5)
    w, p = concordance(matrix)
    result = stats.friedmanchisquare(*matrix.T)
    assert w == pytest.approx(result.statistic / (30 * 4)) and p == pytest.approx(result.pvalue)


def test_equal_influence_holds_for_equal_permutation_importance_and_fails_for_a_dominant_feature():
    claim = {"text": "equal influence", "kind": "normalisation"}
    rng = np.random.default_rng(4)
    equal = 0.05 + 0.005 * rng.uniform(size=(60, 4))
    ranks, scores = study(equal, equal, equal)
    table = judged([claim], ranks={"l2norm": ranks}, scores={"l2norm": scores})
    assert table["verdict"].tolist() == ["holds"]
    assert "is what the method does, not a finding" in table["evidence"][0]
    assert verdicts([claim]) == ["does not hold"]


def test_a_feature_without_influence_in_any_run_gives_words_not_nan():
    claim = {"text": "equal influence", "kind": "normalisation"}
    zeros = np.zeros((60, 4))
    ranks, scores = study(zeros + np.arange(4), zeros + np.arange(4), zeros)
    table = judged([claim], ranks={"l2norm": ranks}, scores={"l2norm": scores})
    assert table["verdict"].tolist() == ["undecided"] and "no influence to compare" in table["evidence"][0]
