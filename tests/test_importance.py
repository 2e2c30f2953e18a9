"""The importance study: shards, stacking and ranks change nothing about the answer."""

import numpy as np
import pandas as pd
import pytest

from winenet.importance import (
    conclusion,
    frequency_matrix,
    importance_summary,
    rank_features,
    rank_frequencies,
    shard_runs,
    train_importance_runs,
)
from winenet.network import Network, one_hot

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
    numeric = ["weight_score", "gradient_score", "accuracy"]
    np.testing.assert_allclose(stacked[numeric], alone[numeric], rtol=1e-10, atol=1e-10)


def test_a_runs_scores_do_not_depend_on_its_shard(wine_split):
    whole = study(wine_split, range(6))
    parts = pd.concat([study(wine_split, range(0, 4)), study(wine_split, range(4, 6))], ignore_index=True)
    pd.testing.assert_frame_equal(whole, parts)


def test_weight_score_is_the_first_layers_absolute_row_sum(wine_split):
    from winenet.training import run_generators, train_network

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
    from winenet.training import run_generators

    network = Network.initialise([13, 8, 3], run_generators(1, [0]))
    network.loss(x[None], one_hot(y, 3)[None])  # the batch is the whole set, order irrelevant
    expected = np.abs(network.backward()).sum(axis=-2)[0]
    np.testing.assert_allclose(scores["gradient_score"], expected, rtol=1e-12)


def test_float32_study_runs_and_agrees_roughly(wine_split):
    single = study(wine_split, range(3), dtype="float32")
    double = study(wine_split, range(3))
    np.testing.assert_allclose(single["weight_score"], double["weight_score"], rtol=1e-3)


def synthetic_scores():
    # Feature f2 always scores highest, f0 always lowest; f1 in between.
    rows = []
    for run in range(4):
        for k, feature in enumerate(["f0", "f1", "f2"]):
            rows.append(
                {
                    "run": run,
                    "feature": feature,
                    "weight_score": k + run / 10,
                    "gradient_score": k,
                    "accuracy": 0.9,
                }
            )
    return pd.DataFrame(rows)


def test_ranks_frequencies_and_summary():
    ranks = rank_features(synthetic_scores())
    assert set(ranks["measure"]) == {"weight", "gradient"}
    top = ranks[(ranks["rank"] == 1)]
    assert set(top["feature"]) == {"f2"} and len(top) == 8
    frequencies = rank_frequencies(ranks, ["f0", "f1", "f2"])
    assert len(frequencies) == 2 * 3 * 3 and frequencies["runs"].sum() == 2 * 4 * 3
    matrix = frequency_matrix(frequencies, "weight", ["f0", "f1", "f2"])
    assert matrix.loc["f2", 1] == 4 and matrix.loc["f0", 3] == 4
    summary = importance_summary(ranks)
    assert summary["feature"].tolist() == ["f2", "f1", "f0"]
    assert summary.loc[0, "weight_top_two_share"] == 1.0 and summary.loc[2, "gradient_mean_rank"] == 3.0


def test_conclusion_is_computed_from_the_summary():
    summary = importance_summary(rank_features(synthetic_scores()))
    text = conclusion(summary, expected=("f2", "f1"))
    assert "**f2**" in text and "**f1**" in text and "agrees" in text
    assert "differs" in conclusion(summary, expected=("a", "b"))


def test_permutation_importance_finds_the_only_informative_feature():
    from winenet.importance import permutation_importance, ranking_agreement
    from winenet.network import Linear

    # A linear "network" that looks only at feature 1: shuffling feature 1 costs accuracy, others nothing.
    weights = np.zeros((3, 2))
    weights[1] = [-10.0, 10.0]
    network = Network([Linear(weights, np.zeros(2))])
    x = np.random.default_rng(0).standard_normal((40, 3))
    y = (x[:, 1] > 0).astype(int)
    table = permutation_importance(network, x, y, ["a", "b", "c"], repeats=5, seed=0)
    assert table["feature"][0] == "b" and table["mean_drop"][0] > 0.2
    assert (table.loc[table["feature"] != "b", "mean_drop"] == 0).all()
    again = permutation_importance(network, x, y, ["a", "b", "c"], repeats=5, seed=0)
    pd.testing.assert_frame_equal(table, again)
    summary = pd.DataFrame(
        {"feature": ["b", "a", "c"], "weight_mean_rank": [1, 2, 3], "gradient_mean_rank": [1, 3, 2]}
    )
    agreement = ranking_agreement(table, summary)
    assert agreement["spearman"].between(-1, 1).all() and len(agreement) == 3
