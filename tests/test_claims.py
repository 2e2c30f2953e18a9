"""Each claim's verdict follows from the numbers: holds, does not hold, or undecided, as the evidence says."""

import numpy as np
import pandas as pd
import pytest

from winenet.claims import (
    COLUMNS,
    VERDICTS,
    Outputs,
    accuracy_claims,
    baseline_claims,
    judge_claims,
    l1_spike_claim,
    l2_smoothness_claim,
    overfitting_claim,
    regularisation_claims,
    spread_claims,
    top_feature_claims,
)

SHA = "a" * 64
MODELS = {
    "plain": {"penalty": "none", "coefficient": 0.0},
    "l2": {"penalty": "l2", "coefficient": 0.08},
    "l1": {"penalty": "l1", "coefficient": 0.008},
}


def history(epochs=40, train_accuracy=1.0, validation_accuracy=0.95, volatility=0.2, seed=0):
    """A per-batch history: 4 training and 2 validation batches per epoch."""
    rng = np.random.default_rng(seed)
    rows = []
    for epoch in range(1, epochs + 1):
        for batch in range(1, 5):
            loss = 1 / epoch + volatility * rng.uniform()
            rows.append(("train", epoch, batch, loss, train_accuracy))
        for batch in range(1, 3):
            rows.append(("validation", epoch, batch, 0.5 + epoch / 100, validation_accuracy))
    return pd.DataFrame(rows, columns=["phase", "epoch", "batch", "loss", "accuracy"])


def metrics(accuracy):
    return {"accuracy": accuracy, "classes": {"1": {"support": 20}, "2": {"support": 25}}}


def differences(rows):
    columns = ["model_a", "model_b", "normalisation", "mean_difference", "ci_low", "ci_high"]
    columns += ["p_a_better", "p_equivalent", "p_b_better"]
    return pd.DataFrame(rows, columns=columns)


def outputs(**overrides):
    features = ["a", "b", "c"]
    summary = pd.DataFrame(
        {
            "feature": features,
            **{
                f"{m}_{s}": values
                for m in ("weight", "gradient", "permutation")
                for s, values in (
                    ("mean_rank", [1.1, 1.9, 3.0]),
                    ("mean_rank_ci_low", [1.0, 1.8, 2.9]),
                    ("mean_rank_ci_high", [1.2, 2.0, 3.0]),
                )
            },
            "runs_ranked": 50,
        }
    )
    rng = np.random.default_rng(0)
    settings = {
        "table": {"sha256": SHA, "features": features},
        "models": MODELS,
        "metrics": {name: metrics(0.96) for name in MODELS},
        "histories": {
            "plain": history(volatility=0.2, seed=1),
            "l2": history(volatility=0.1, seed=2),
            "l1": history(volatility=0.3, seed=3),
        },
        "seeds": pd.DataFrame(
            {
                "model": list(MODELS),
                "seeds": 20,
                "mean": [0.95, 0.90, 0.94],
                "pi_low": [0.94, 0.80, 0.90],
                "pi_high": [0.97, 1.0, 0.98],
                "min": [0.93, 0.69, 0.89],
                "max": [0.96, 0.96, 0.96],
                "chance_seeds": [0, 1, 0],
                "diverged_seeds": 0,
                "seeds_at_chance": ["", "7", ""],
                "seeds_diverged": "",
            }
        ),
        "cross_validation": pd.DataFrame(
            {"model": ["plain", "mlp"], "normalisation": ["l2norm", "standard"], "mean": [0.96, 0.99]}
        ),
        "differences": differences(
            [
                ("plain", "l2", "l2norm", 0.06, -0.03, 0.14, 0.88, 0.07, 0.05),
                ("plain", "l1", "l2norm", 0.00, -0.01, 0.01, 0.01, 0.98, 0.01),
                ("plain", "mlp", "l2norm", -0.02, -0.06, 0.02, 0.02, 0.30, 0.68),
                ("l2", "mlp", "l2norm", -0.08, -0.13, -0.02, 0.00, 0.01, 0.99),
                ("l1", "mlp", "l2norm", -0.02, -0.06, 0.02, 0.02, 0.30, 0.68),
            ]
        ),
        "importance": {"l2norm": summary},
        "normalisations": ["l2norm", "standard"],
        "training_features": pd.DataFrame(
            rng.normal([10, 1, 100], [1, 0.5, 30], size=(100, 3)), columns=features
        ),
        "l1_histories": {"subgradient": history(seed=4), "proximal": history(seed=4)},
        "settings": {"posterior_threshold": 0.95, "volatility_margin": 0.1, "spread_ratio": 2.0},
        "reference": {
            "table_sha256": SHA,
            "accuracies": {"plain": 0.96, "l2": 0.93, "l1": 0.96},
            "top_features": ["a", "b"],
        },
        "folds": "5 folds x 2 repeats",
        "excluded_runs": {"l2norm": {"chance": [3, 9], "diverged": []}},
    }
    settings.update(overrides)
    return Outputs(**settings)


def verdicts(rows):
    return [row["verdict"] for row in rows]


def test_report_accuracies_are_judged_against_the_seed_prediction_interval():
    rows = accuracy_claims(outputs())
    assert [row["claim"] for row in rows][0] == "Model plain reaches 96% validation accuracy"
    # plain: 0.955..0.965 meets [0.94, 0.97]; l2: 0.93 in [0.80, 1.0]; l1: 0.96 in [0.90, 0.98].
    assert verdicts(rows) == ["holds", "holds", "holds"]
    assert "1 at chance (seeds 7)" in rows[1]["evidence"]
    narrow = outputs().seeds.assign(pi_low=0.80, pi_high=0.90)
    assert verdicts(accuracy_claims(outputs(seeds=narrow))) == ["does not hold"] * 3


def test_claims_about_the_reports_numbers_need_the_reports_data():
    other = outputs(table={"sha256": "b" * 64, "features": ["a", "b", "c"]})
    assert accuracy_claims(other) == [] and top_feature_claims(other) == []
    # Claims about methods still apply to other data.
    assert overfitting_claim(other) and spread_claims(other)


def test_overfitting_holds_when_training_is_perfect_and_validation_flat():
    (row,) = overfitting_claim(outputs())
    assert row["verdict"] == "holds" and "training accuracy 1.000" in row["evidence"]
    underfit = outputs(histories={**outputs().histories, "plain": history(train_accuracy=0.9)})
    assert verdicts(overfitting_claim(underfit)) == ["does not hold"]
    assert verdicts(overfitting_claim(outputs(histories={"plain": history(epochs=4)}))) == ["undecided"]


def test_regularisation_verdicts_follow_the_posterior():
    rows = regularisation_claims(outputs())
    # l2 - plain: P(plain better) 0.88, below 0.95: undecided; l1: P(equivalent) 0.98: holds.
    assert [(row["claim"].split("(")[1][:2], row["verdict"]) for row in rows] == [
        ("l2", "undecided"),
        ("l1", "holds"),
    ]
    assert "l2 minus plain: -0.060" in rows[0]["evidence"]


def test_identical_l1_volatility_means_the_kink_is_not_the_cause():
    (row,) = l1_spike_claim(outputs())
    assert row["verdict"] == "does not hold" and "1.00" in row["evidence"]
    spiky = outputs(
        l1_histories={"subgradient": history(volatility=1.0, seed=5), "proximal": history(seed=4)}
    )
    assert verdicts(l1_spike_claim(spiky)) == ["holds"]


def test_l2_smoothness_is_a_ratio_of_volatilities():
    (row,) = l2_smoothness_claim(outputs())
    assert row["verdict"] == "holds"
    rough = outputs(histories={**outputs().histories, "l2": history(volatility=0.6, seed=2)})
    assert verdicts(l2_smoothness_claim(rough)) == ["does not hold"]


def test_top_features_hold_when_separated_from_the_third():
    (row,) = top_feature_claims(outputs())
    assert row["verdict"] == "holds" and "2 at chance left out (runs 3, 9)" in row["conditions"]
    swapped = outputs(reference={**outputs().reference, "top_features": ["a", "c"]})
    assert verdicts(top_feature_claims(swapped)) == ["does not hold"]


def test_spread_claim_per_normalisation():
    rows = spread_claims(outputs())
    # Raw scales 1, 0.5 and 30: divided by their L2 norms they stay unequal; z-scores are equal.
    assert verdicts(rows) == ["does not hold", "holds"]
    assert "ratio 1.00 (bootstrap 95 % interval 1.00 to 1.00)" in rows[1]["evidence"]


def test_networks_against_the_best_baseline():
    (row,) = baseline_claims(outputs())
    # l2 is worse than the mlp with posterior 0.99: the networks do not all match it.
    assert row["verdict"] == "does not hold" and "mlp" in row["evidence"]


def test_judge_claims_gives_one_table_with_known_verdicts():
    table = judge_claims(outputs())
    assert list(table.columns) == COLUMNS
    assert table["verdict"].isin(VERDICTS).all()
    assert len(table) == 3 + 1 + 2 + 1 + 1 + 1 + 2 + 1


def test_a_verdict_outside_the_three_is_refused():
    from winenet.claims import _row

    with pytest.raises(ValueError, match="verdict"):
        _row("c", "probably", "e", "k")
