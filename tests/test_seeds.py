"""The seed study: a stack of seeds equals each seed trained alone; the table counts what failed."""

import numpy as np
import pandas as pd
import pytest

from winenet.model.network import Network
from winenet.model.training import history_table, run_generators, train_network
from winenet.studies.seeds import seed_runs
from winenet.studies.summaries import seed_table

TRAINING = {"learning_rate": 0.01, "batch_size": 10, "epochs": 3}


def test_seed_runs_equal_each_seed_trained_alone(wine_split):
    settings = {"sizes": [13, 8, 3], "penalty": "l1", "coefficient": 0.008, "training": TRAINING}
    table, history = seed_runs(wine_split, seeds={"count": 4, "seed": 7, "dtype": "float64"}, **settings)
    assert list(table.columns) == ["run", "accuracy", "status"] and len(table) == 4
    for run in range(4):
        (rng,) = run_generators(7, [run])
        network = Network.initialise([13, 8, 3], rng, "l1", 0.008)
        result = train_network(network, *wine_split, **TRAINING, rng=rng, record=False)
        assert table.loc[run, "accuracy"] == pytest.approx(float(result.validation_accuracy), abs=1e-10)
        # Each seed's recorded batches are its own training's, the loss being the cross-entropy and
        # the penalty apart: their sum is the loss its training minimised.
        (rng,) = run_generators(7, [run])
        network = Network.initialise([13, 8, 3], rng, "l1", 0.008)
        alone = train_network(network, *wine_split, **TRAINING, rng=rng)
        mine = history[history["run"] == run]
        expected = history_table(alone.record)
        assert "penalty" not in expected and (mine["penalty"] > 0).all()
        np.testing.assert_allclose(
            (mine["loss"] + mine["penalty"]).to_numpy(), expected["loss"].to_numpy(), rtol=1e-10
        )
        assert (
            mine[["phase", "epoch", "batch"]]
            .reset_index(drop=True)
            .equals(expected[["phase", "epoch", "batch"]])
        )
    again = seed_runs(wine_split, seeds={"count": 4, "seed": 7, "dtype": "float64"}, **settings)
    pd.testing.assert_frame_equal(table, again[0])
    pd.testing.assert_frame_equal(history, again[1])


def test_seed_table_counts_and_names_chance_and_diverged_seeds():
    per_seed = pd.DataFrame(
        {
            "model": ["a"] * 5 + ["b"] * 3,
            "run": [0, 1, 2, 3, 4, 0, 1, 2],
            "accuracy": [0.9, 0.92, 0.35, np.nan, 0.94, 0.8, 0.8, 0.8],
            "status": ["ok", "ok", "chance", "diverged", "ok", "ok", "ok", "ok"],
        }
    )
    table = seed_table(per_seed).set_index("model")
    a = table.loc["a"]
    assert a["seeds"] == 5 and a["chance_seeds"] == 1 and a["diverged_seeds"] == 1
    assert a["seeds_at_chance"] == "2" and a["seeds_diverged"] == "3"
    # The diverged seed has no accuracy and is left out; the one at chance is part of the spread.
    assert a["mean"] == pytest.approx(np.mean([0.9, 0.92, 0.35, 0.94]))
    assert 0 <= a["pi_low"] <= a["mean"] <= a["pi_high"] <= 1
    b = table.loc["b"]
    assert b["ci_low"] == b["ci_high"] == b["pi_low"] == b["pi_high"] == 0.8
