"""The importance study: shards, stacking and ranks change nothing about the answer."""

import numpy as np
import pandas as pd
import pytest
import reference_network as reference

from winenet.model.network import Network, one_hot
from winenet.studies.importance import (
    excluded_runs,
    frequency_matrix,
    permutation_drops,
    permutation_generators,
    rank_features,
    rank_frequencies,
    shard_runs,
    train_importance_runs,
)
from winenet.studies.measures import MEASURES
from winenet.studies.ranking import conclusion, importance_summary
from winenet.studies.sensitivity import ranking_agreement

FEATURES = [f"f{i}" for i in range(13)]


def study(wine_split, runs, **overrides):
    settings = (
        dict(
            hidden=[16, 16],
            n_classes=3,
            learning_rate=0.01,
            batch_size=10,
            epochs=3,
            penalty="l1",
            coefficient=0.008,
            seed=7,
        )
        | overrides
    )
    return train_importance_runs(*wine_split, runs, FEATURES, **settings)


@pytest.mark.parametrize(("runs", "shards"), [(300, 16), (14, 7), (5, 5), (10, 3), (1, 1)])
def test_shards_cover_every_run_once_in_contiguous_blocks(runs, shards):
    blocks = [shard_runs(runs, shards, s) for s in range(shards)]
    assert [r for block in blocks for r in block] == list(range(runs))
    assert max(map(len, blocks)) - min(map(len, blocks)) <= 1


def test_stacked_runs_equal_runs_trained_one_at_a_time(wine_split):
    stacked = study(wine_split, range(5), stack_size=5)
    alone = study(wine_split, range(5), stack_size=1)
    numeric = ["weight_score", "gradient_score", "permutation_score", "accuracy"]
    np.testing.assert_allclose(stacked[numeric], alone[numeric], rtol=1e-10, atol=1e-10)


def test_a_runs_scores_do_not_depend_on_its_shard(wine_split):
    whole = study(wine_split, range(6))
    parts = pd.concat([study(wine_split, range(0, 4)), study(wine_split, range(4, 6))], ignore_index=True)
    pd.testing.assert_frame_equal(whole, parts)


def test_weight_score_is_the_first_layers_absolute_row_sum(wine_split):
    from winenet.model.training import run_generators, train_network

    scores = study(wine_split, [3])
    rngs = run_generators(7, [3])
    network = Network.initialise([13, 16, 16, 3], rngs, "l1", 0.008)
    train_network(network, *wine_split, learning_rate=0.01, batch_size=10, epochs=3, rng=rngs, record=False)
    np.testing.assert_allclose(scores["weight_score"], np.abs(network.linears[0].W[0]).sum(axis=1))


def test_gradient_score_sums_the_input_gradient_of_every_step():
    # One step on one batch: the score is |dLoss/dInput| summed over the batch's rows.
    x = np.random.default_rng(0).standard_normal((4, 13))
    y = np.array([0, 1, 2, 0])
    scores = train_importance_runs(
        x,
        y,
        x,
        y,
        [0],
        FEATURES,
        hidden=[8],
        n_classes=3,
        learning_rate=0.01,
        batch_size=4,
        epochs=1,
        penalty="none",
        coefficient=0.0,
        seed=1,
    )
    from winenet.model.training import run_generators

    network = Network.initialise([13, 8, 3], run_generators(1, [0]))
    # The batch is the whole set, so the order of its rows does not matter.
    found = reference.gradients(network, x[None], one_hot(y, 3)[None])
    expected = np.abs(found.inputs).sum(axis=-2)[0]
    np.testing.assert_allclose(scores["gradient_score"], expected, rtol=1e-12)


def test_float32_study_runs_and_agrees_roughly(wine_split):
    single = study(wine_split, range(3), dtype="float32")
    double = study(wine_split, range(3))
    np.testing.assert_allclose(single["weight_score"], double["weight_score"], rtol=1e-3)


def synthetic_scores(runs=4, status=None):
    # Feature f2 always scores highest, f0 always lowest; f1 in between.
    rows = []
    for run in range(runs):
        for k, feature in enumerate(["f0", "f1", "f2"]):
            rows.append(
                {
                    "run": run,
                    "feature": feature,
                    "weight_score": k + run / 10,
                    "gradient_score": k,
                    "permutation_score": k / 10,
                    "accuracy": 0.9,
                    "status": status[run] if status else "ok",
                }
            )
    return pd.DataFrame(rows)


def test_ranks_frequencies_and_summary():
    ranks = rank_features(synthetic_scores())
    assert set(ranks["measure"]) == {"weight", "gradient", "permutation"}
    top = ranks[(ranks["rank"] == 1)]
    assert set(top["feature"]) == {"f2"} and len(top) == 12
    frequencies = rank_frequencies(ranks, ["f0", "f1", "f2"])
    # Heatmaps are drawn for the weight and gradient scores, as the report did.
    assert len(frequencies) == 2 * 3 * 3 and frequencies["runs"].sum() == 2 * 4 * 3
    matrix = frequency_matrix(frequencies, "weight", ["f0", "f1", "f2"])
    assert matrix.loc["f2", 1] == 4 and matrix.loc["f0", 3] == 4
    summary = importance_summary(ranks, ["f0", "f1", "f2"])
    assert summary["feature"].tolist() == ["f2", "f1", "f0"]
    assert summary.loc[0, "weight_top_two_share"] == 1.0 and summary.loc[2, "gradient_mean_rank"] == 3.0
    assert (summary["runs_ranked"] == 4).all()
    # Every run agrees: the interval of the mean rank has no width.
    assert summary.loc[0, "weight_mean_rank_ci_low"] == summary.loc[0, "weight_mean_rank_ci_high"] == 1.0


def test_mean_rank_interval_is_a_t_interval_over_runs_within_the_possible_ranks():
    scores = synthetic_scores()
    # Runs 0 and 1 swap f1 and f2 by weight score: f2's weight ranks are 2, 2, 1, 1.
    swap = scores["run"].isin([0, 1]) & (scores["feature"] == "f1")
    scores.loc[swap, "weight_score"] = 10
    summary = importance_summary(rank_features(scores), ["f0", "f1", "f2"]).set_index("feature")
    # mean 1.5, s = 0.57735, t_{0.975,3} = 3.182446: half-width 3.182446 * 0.57735 / 2 = 0.918693,
    # cut at rank 1 below.
    assert summary.loc["f2", "weight_mean_rank"] == 1.5
    assert summary.loc["f2", "weight_mean_rank_ci_high"] == pytest.approx(1.5 + 0.918693, abs=1e-5)
    assert summary.loc["f2", "weight_mean_rank_ci_low"] == 1.0


def test_runs_that_diverged_or_learned_nothing_are_not_ranked_but_named():
    scores = synthetic_scores(runs=5, status=["ok", "chance", "ok", "diverged", "ok"])
    ranks = rank_features(scores)
    assert sorted(ranks["run"].unique()) == [0, 2, 4]
    assert excluded_runs(scores) == {"chance": [1], "diverged": [3]}
    summary = importance_summary(ranks, ["f0", "f1", "f2"])
    text = conclusion(summary, excluded_runs(scores), runs=5)
    assert "3 of 5 runs" in text and "1 diverged (runs 3)" in text and "runs 1" in text


def test_conclusion_names_no_feature_when_no_run_learned_anything():
    scores = synthetic_scores(runs=2, status=["chance", "chance"])
    summary = importance_summary(rank_features(scores), ["f0", "f1", "f2"])
    text = conclusion(summary, excluded_runs(scores), runs=2)
    assert "no feature is called important" in text and "**" not in text


def test_conclusion_with_a_single_feature_says_there_is_nothing_to_rank():
    scores = synthetic_scores()
    scores = scores[scores["feature"] == "f0"]
    summary = importance_summary(rank_features(scores), ["f0"])
    assert "nothing to rank" in conclusion(summary, excluded_runs(scores), runs=4)


def test_conclusion_is_computed_from_the_summary():
    summary = importance_summary(rank_features(synthetic_scores()), ["f0", "f1", "f2"])
    text = conclusion(summary)
    assert "**f2**" in text and "**f1**" in text and "4 of 4 runs ranked" in text
    # Whether the report's top two hold is a claim, judged in verdicts.py, not said here.
    assert "report" not in text


def test_permutation_drops_find_the_only_informative_feature():
    from winenet.model.network import Linear

    # A stack of two linear "networks" that look only at feature 1: shuffling feature 1 costs
    # accuracy, shuffling the others nothing.
    weights = np.zeros((2, 3, 2))
    weights[:, 1] = [-10.0, 10.0]
    network = Network([Linear(weights, np.zeros((2, 2)))])
    x = np.random.default_rng(0).standard_normal((40, 3))
    y = (x[:, 1] > 0).astype(int)
    drops = permutation_drops(network, x, y, permutation_generators(0, [0, 1]), repeats=5)
    assert drops.shape == (2, 3)
    assert (drops[:, 1] > 0.2).all() and (drops[:, [0, 2]] == 0).all()
    again = permutation_drops(network, x, y, permutation_generators(0, [0, 1]), repeats=5)
    np.testing.assert_array_equal(drops, again)


def test_ranking_agreement_pairs_every_normalisation_and_measure():
    summary = importance_summary(rank_features(synthetic_scores()), ["f0", "f1", "f2"])
    agreement = ranking_agreement({"l2norm": summary, "standard": summary})
    assert len(agreement) == 6 * 5 // 2
    assert agreement["spearman"].between(-1, 1).all()
    same = agreement[
        (agreement["ranking_a"] == "l2norm/weight") & (agreement["ranking_b"] == "standard/weight")
    ]
    assert same["spearman"].iloc[0] == pytest.approx(1.0)


def test_ranking_agreement_is_scipys_spearman():
    from scipy.stats import spearmanr

    rng = np.random.default_rng(3)
    features = [f"f{i}" for i in range(8)]
    a = pd.DataFrame({"feature": features, **{f"{m}_mean_rank": rng.uniform(1, 8, 8) for m in MEASURES}})
    b = a.assign(weight_mean_rank=rng.permutation(a["weight_mean_rank"].to_numpy()))
    agreement = ranking_agreement({"x": a, "y": b}).set_index(["ranking_a", "ranking_b"])["spearman"]
    expected = spearmanr(a["weight_mean_rank"], b["weight_mean_rank"]).statistic
    assert agreement[("x/weight", "y/weight")] == pytest.approx(expected, abs=1e-12)
