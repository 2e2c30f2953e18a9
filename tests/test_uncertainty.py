"""Seed spread, repeated cross-validation and baselines: correct, leak-free and repeatable."""

import numpy as np
import pandas as pd
import pytest
from scipy import stats
from sklearn.datasets import load_wine

import winenet.uncertainty as uncertainty
from winenet.data import apply_normalisation, fit_normalisation
from winenet.network import Network
from winenet.training import model_arrays, run_generators, train_network
from winenet.uncertainty import (
    accuracy_interval,
    cross_validate_baselines,
    cross_validate_network,
    cv_folds,
    cv_table,
    paired_differences,
    seed_accuracies,
)

LABEL = "Producer"
TRAINING = {"learning_rate": 0.01, "batch_size": 10, "epochs": 2}


@pytest.fixture(scope="module")
def wine_table():
    wine = load_wine()
    features = [f"f{i}" for i in range(wine.data.shape[1])]
    table = pd.DataFrame(wine.data, columns=features)
    # Labels 1..3 as in data/wine.csv, so class k is label k + 1, not the label itself.
    table.insert(0, LABEL, wine.target + 1)
    return table, features


def network_cv(table, features, folds, **overrides):
    settings = {
        "normalisation_method": "l2norm",
        "hidden": [8],
        "penalty": "l1",
        "coefficient": 0.008,
        "seed": 3,
        "dtype": "float64",
        **TRAINING,
        **overrides,
    }
    return cross_validate_network(table, LABEL, features, folds, **settings)


def test_seed_accuracies_equal_each_seed_trained_alone(wine_split):
    settings = {"sizes": [13, 8, 3], "penalty": "l1", "coefficient": 0.008, **TRAINING, "epochs": 3}
    stacked = seed_accuracies(*wine_split, seeds=4, seed=7, **settings)
    assert stacked.shape == (4,)
    alone = []
    for run in range(4):
        (rng,) = run_generators(7, [run])
        network = Network.initialise(settings["sizes"], rng, "l1", 0.008)
        result = train_network(
            network, *wine_split, learning_rate=0.01, batch_size=10, epochs=3, rng=rng, record=False
        )
        alone.append(float(result.validation_accuracy))
    np.testing.assert_allclose(stacked, alone, rtol=0, atol=1e-10)
    np.testing.assert_array_equal(stacked, seed_accuracies(*wine_split, seeds=4, seed=7, **settings))
    float32 = seed_accuracies(*wine_split, seeds=4, seed=7, dtype="float32", **settings)
    assert float32.dtype == np.float64 and ((float32 >= 0) & (float32 <= 1)).all()


def test_accuracy_interval_on_known_numbers():
    summary = accuracy_interval([0.8, 0.9, 1.0])
    assert summary["n"] == 3
    assert summary["mean"] == pytest.approx(0.9)
    assert summary["std"] == pytest.approx(0.1)
    half = stats.t.ppf(0.975, 2) * 0.1 / np.sqrt(3)  # 4.303 * 0.0577 = 0.248
    assert half == pytest.approx(0.2484, abs=1e-4)
    assert summary["ci_low"] == pytest.approx(0.9 - half)
    assert summary["ci_high"] == pytest.approx(0.9 + half)
    assert (summary["min"], summary["max"]) == (0.8, 1.0)
    assert all(type(summary[key]) is float for key in ("mean", "std", "ci_low", "ci_high", "min", "max"))
    constant = accuracy_interval(np.full(5, 0.75))
    assert constant["std"] == 0 and constant["ci_low"] == constant["ci_high"] == 0.75
    assert np.isnan(accuracy_interval([0.5])["std"])


def test_cv_folds_are_stratified_disjoint_and_cover_every_row(wine_table):
    table, _ = wine_table
    labels = table[LABEL].to_numpy()
    folds = cv_folds(labels, n_splits=5, n_repeats=3, random_state=0)
    assert len(folds) == 15
    for train, test in folds:
        assert not set(train) & set(test)
        assert len(train) + len(test) == len(labels)
    for repeat in range(3):
        tests = [test for _, test in folds[repeat * 5 : (repeat + 1) * 5]]
        assert sorted(np.concatenate(tests).tolist()) == list(range(len(labels)))
        # Stratified: a class's rows are spread over the five folds as evenly as possible.
        counts = np.array([np.bincount(labels[test], minlength=4)[1:] for test in tests])
        assert (counts.max(axis=0) - counts.min(axis=0) <= 1).all()
    again = cv_folds(labels, n_splits=5, n_repeats=3, random_state=0)
    assert all(np.array_equal(a[1], b[1]) for a, b in zip(folds, again, strict=True))


def test_cross_validate_network_fits_the_normalisation_on_training_rows_only(wine_table, monkeypatch):
    table, features = wine_table
    folds = cv_folds(table[LABEL], n_splits=3, n_repeats=1, random_state=1)
    fitted_on = []

    def spy(train, features, method):
        fitted_on.append(sorted(train.index.tolist()))
        return fit_normalisation(train, features, method)

    monkeypatch.setattr(uncertainty, "fit_normalisation", spy)
    scores = network_cv(table, features, folds)
    assert fitted_on == [sorted(train.tolist()) for train, _ in folds]
    assert scores.shape == (3,) and ((scores >= 0) & (scores <= 1)).all()


def test_cross_validate_network_equals_a_hand_made_fold_loop(wine_table):
    table, features = wine_table
    # An extreme held-out row: had it entered the normalisation, the training rows' scale would
    # change and so would the trained network.
    table = table.copy()
    table.loc[0, features[-1]] *= 1e4
    folds = cv_folds(table[LABEL], n_splits=3, n_repeats=1, random_state=1)
    scores = network_cv(table, features, folds, normalisation_method="standard")
    for index, (train_rows, test_rows) in enumerate(folds):
        train, test = table.iloc[train_rows], table.iloc[test_rows]
        fitted = fit_normalisation(train, features, "standard")
        normalisation = {"label": LABEL, "classes": [1, 2, 3], **fitted}
        x_train, y_train = model_arrays(apply_normalisation(train, normalisation), normalisation)
        x_test, y_test = model_arrays(apply_normalisation(test, normalisation), normalisation)
        (rng,) = run_generators(3, [index])
        network = Network.initialise([13, 8, 3], rng, "l1", 0.008)
        result = train_network(network, x_train, y_train, x_test, y_test, **TRAINING, rng=rng, record=False)
        assert scores[index] == pytest.approx(float(result.validation_accuracy), abs=1e-10)
    np.testing.assert_array_equal(scores, network_cv(table, features, folds, normalisation_method="standard"))


def test_baselines_are_accuracies_and_deterministic(wine_table):
    table, features = wine_table
    folds = cv_folds(table[LABEL], n_splits=2, n_repeats=1, random_state=0)[:1]
    first = cross_validate_baselines(table, LABEL, features, folds, normalisation_method="standard", seed=0)
    second = cross_validate_baselines(table, LABEL, features, folds, normalisation_method="standard", seed=0)
    assert list(first) == ["logistic_regression", "mlp", "random_forest"]
    for name, values in first.items():
        assert values.shape == (1,)
        assert 0 <= values[0] <= 1
        np.testing.assert_array_equal(values, second[name])
    # Standardised Wine is easy for all three.
    assert min(values[0] for values in first.values()) > 0.85


def test_paired_differences_sign_interval_and_share():
    accuracies = {
        "good": np.array([0.9, 0.95, 0.92, 0.97, 0.91, 0.94]),
        "bad": np.array([0.8, 0.85, 0.93, 0.80, 0.82, 0.84]),
        "same": np.array([0.9, 0.95, 0.92, 0.97, 0.91, 0.94]),
    }
    table = paired_differences(accuracies, n_boot=2000, seed=5)
    assert list(table.columns) == [
        "model_a",
        "model_b",
        "mean_difference",
        "ci_low",
        "ci_high",
        "a_better_share",
    ]
    assert list(zip(table["model_a"], table["model_b"], strict=True)) == [
        ("good", "bad"),
        ("good", "same"),
        ("bad", "same"),
    ]
    good_bad, good_same, bad_same = (row for _, row in table.iterrows())
    assert good_bad["mean_difference"] == pytest.approx(np.mean(accuracies["good"] - accuracies["bad"]))
    assert good_bad["mean_difference"] > 0 and good_bad["ci_low"] > 0
    assert good_bad["a_better_share"] == pytest.approx(5 / 6)
    assert bad_same["mean_difference"] == pytest.approx(-good_bad["mean_difference"])
    assert bad_same["ci_high"] < 0 and bad_same["a_better_share"] == pytest.approx(1 / 6)
    assert good_same["mean_difference"] == good_same["ci_low"] == good_same["ci_high"] == 0
    assert good_same["a_better_share"] == 0
    assert (table["ci_low"] <= table["mean_difference"]).all()
    assert (table["mean_difference"] <= table["ci_high"]).all()
    pd.testing.assert_frame_equal(table, paired_differences(accuracies, n_boot=2000, seed=5))
    # A pair's interval does not depend on the other models in the dict.
    alone = paired_differences({"bad": accuracies["bad"], "same": accuracies["same"]}, n_boot=2000, seed=5)
    pd.testing.assert_frame_equal(alone, table.iloc[[2]].reset_index(drop=True))
    with pytest.raises(ValueError, match="same"):
        paired_differences({"a": np.ones(3), "b": np.ones(4)})


def test_cv_table_has_one_row_per_model_in_dict_order():
    accuracies = {"z": np.array([0.8, 0.9, 1.0]), "a": np.array([0.5, 0.5, 0.5])}
    table = cv_table(accuracies)
    assert table["model"].tolist() == ["z", "a"]
    assert list(table.columns) == ["model", "n", "mean", "std", "ci_low", "ci_high", "min", "max"]
    assert table.loc[0, "mean"] == pytest.approx(0.9)
    assert table.loc[0, "ci_low"] == pytest.approx(accuracy_interval(accuracies["z"])["ci_low"])
    assert table.loc[1, "std"] == 0 and table.loc[1, "ci_high"] == 0.5


def test_uncertainty_conclusion_says_what_the_intervals_say():
    from winenet.uncertainty import uncertainty_conclusion

    folds = {"plain": np.array([0.95, 0.97, 0.96, 0.98]), "l2": np.array([0.85, 0.88, 0.86, 0.87])}
    differences = paired_differences(folds, n_boot=500, seed=0)
    text = uncertainty_conclusion(cv_table(folds), cv_table(folds), differences, focus="l2")
    assert "**plain** is better than **l2**" in text
    close = {"plain": np.array([0.9, 0.95, 0.9, 0.95]), "l2": np.array([0.95, 0.9, 0.95, 0.9])}
    text = uncertainty_conclusion(
        cv_table(close), cv_table(close), paired_differences(close, 500), focus="l2"
    )
    assert "cannot be told apart" in text
