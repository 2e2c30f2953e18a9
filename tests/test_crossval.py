"""Repeated cross-validation and baselines: correct, leak-free, repeatable; corrected tables."""

import numpy as np
import pandas as pd
import pytest
from sklearn.datasets import load_wine

import winenet.studies.folds as folds_module
from winenet.data.arrays import model_arrays
from winenet.data.preprocessing import apply_normalisation, fit_normalisation
from winenet.model.network import Network
from winenet.model.training import run_generators, train_network
from winenet.studies.baselines import cross_validate_baselines
from winenet.studies.crossval import coefficient_grid, cross_validate_network, regularisation_path
from winenet.studies.folds import FOLD_COLUMNS, Fold, cv_folds, fold_table
from winenet.studies.stats import corrected_interval
from winenet.studies.summaries import accuracy_table, paired_differences, path_summary

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


def network_cv(table, features, folds, normalisation_method="l2norm", **overrides):
    settings = {
        "normalisation_methods": [normalisation_method],
        "hidden": [8],
        "penalty": "l1",
        "coefficient": 0.008,
        "seed": 3,
        "dtype": "float64",
        **TRAINING,
        **overrides,
    }
    return cross_validate_network(table, LABEL, features, folds, **settings)[normalisation_method]


def test_cv_folds_are_stratified_disjoint_numbered_and_cover_every_row(wine_table):
    table, _ = wine_table
    labels = table[LABEL].to_numpy()
    folds = cv_folds(labels, n_splits=5, n_repeats=3, random_state=0)
    assert len(folds) == 15
    assert [(f.repeat, f.fold) for f in folds] == [(r, k) for r in range(3) for k in range(5)]
    for fold in folds:
        assert not set(fold.train) & set(fold.test)
        assert len(fold.train) + len(fold.test) == len(labels)
    for repeat in range(3):
        tests = [fold.test for fold in folds if fold.repeat == repeat]
        assert sorted(np.concatenate(tests).tolist()) == list(range(len(labels)))
        # Stratified: a class's rows are spread over the five folds as evenly as possible.
        counts = np.array([np.bincount(labels[test], minlength=4)[1:] for test in tests])
        assert (counts.max(axis=0) - counts.min(axis=0) <= 1).all()
    again = cv_folds(labels, n_splits=5, n_repeats=3, random_state=0)
    assert all(np.array_equal(a.test, b.test) for a, b in zip(folds, again, strict=True))


def test_cross_validate_network_fits_the_normalisation_on_training_rows_only(wine_table, monkeypatch):
    table, features = wine_table
    folds = cv_folds(table[LABEL], n_splits=3, n_repeats=1, random_state=1)
    fitted_on = []

    def spy(train, features, method):
        fitted_on.append(sorted(train.index.tolist()))
        return fit_normalisation(train, features, method)

    monkeypatch.setattr(folds_module, "fit_normalisation", spy)
    scores, status = network_cv(table, features, folds)
    assert fitted_on == [sorted(fold.train.tolist()) for fold in folds]
    assert scores.shape == (3,) and ((scores >= 0) & (scores <= 1)).all()
    assert set(status) <= {"ok", "chance"}


def test_cross_validate_network_equals_a_hand_made_fold_loop(wine_table):
    table, features = wine_table
    # An extreme held-out row: had it entered the normalisation, the training rows' scale would
    # change and so would the trained network.
    table = table.copy()
    table.loc[0, features[-1]] *= 1e4
    folds = cv_folds(table[LABEL], n_splits=3, n_repeats=1, random_state=1)
    scores, _ = network_cv(table, features, folds, normalisation_method="standard")
    for index, fold in enumerate(folds):
        train, test = table.iloc[fold.train], table.iloc[fold.test]
        fitted = fit_normalisation(train, features, "standard")
        normalisation = {"label": LABEL, "classes": [1, 2, 3], **fitted}
        x_train, y_train = model_arrays(apply_normalisation(train, normalisation), normalisation)
        x_test, y_test = model_arrays(apply_normalisation(test, normalisation), normalisation)
        (rng,) = run_generators(3, [index])
        network = Network.initialise([13, 8, 3], rng, "l1", 0.008)
        result = train_network(network, x_train, y_train, x_test, y_test, **TRAINING, rng=rng, record=False)
        assert scores[index] == pytest.approx(float(result.validation_accuracy), abs=1e-10)
    again, _ = network_cv(table, features, folds, normalisation_method="standard")
    np.testing.assert_array_equal(scores, again)


def test_every_normalisation_in_one_stack_gives_what_each_gives_alone(wine_table):
    table, features = wine_table
    folds = cv_folds(table[LABEL], n_splits=3, n_repeats=1, random_state=1)
    settings = {
        "hidden": [8],
        "penalty": "l1",
        "coefficient": 0.008,
        "seed": 3,
        "dtype": "float32",
        **TRAINING,
    }
    together = cross_validate_network(
        table, LABEL, features, folds, normalisation_methods=["l2norm", "standard"], **settings
    )
    for method in ("l2norm", "standard"):
        (alone,) = cross_validate_network(
            table, LABEL, features, folds, normalisation_methods=[method], **settings
        ).values()
        np.testing.assert_array_equal(together[method][0], alone[0])
        np.testing.assert_array_equal(together[method][1], alone[1])


def test_baselines_are_accuracies_and_deterministic(wine_table):
    table, features = wine_table
    folds = cv_folds(table[LABEL], n_splits=2, n_repeats=1, random_state=0)[:1]
    settings = {"normalisation_method": "standard", "seed": 0, "hidden": [16]}
    first = cross_validate_baselines(table, LABEL, features, folds, **settings)
    second = cross_validate_baselines(table, LABEL, features, folds, **settings)
    assert list(first) == ["logistic_regression", "mlp", "random_forest"]
    for name, (values, status) in first.items():
        assert values.shape == (1,) and 0 <= values[0] <= 1 and status.tolist() == ["ok"]
        np.testing.assert_array_equal(values, second[name][0])
    # Standardised Wine is easy for all three.
    assert min(values[0] for values, _ in first.values()) > 0.85


def test_baselines_are_tuned_on_the_training_fold_with_the_normalisation_inside():
    from sklearn.model_selection import GridSearchCV

    from winenet.studies.pipelines import Normaliser, OutOfBagSearch, baseline_pipelines

    pipelines = baseline_pipelines("l2norm", 0, [7, 5], smallest_class=2, rows=4)
    assert list(pipelines) == ["logistic_regression", "mlp", "random_forest"]
    for name in ("logistic_regression", "mlp"):
        assert isinstance(pipelines[name], GridSearchCV) and pipelines[name].cv.n_splits == 2
    assert isinstance(pipelines["random_forest"], OutOfBagSearch)
    for search in pipelines.values():
        assert isinstance(search.estimator.steps[0][1], Normaliser)
    # The MLP has the networks' own hidden layers; a training fold of one batch is not shuffled
    # (that would only reorder a sum), a larger one is.
    mlp = pipelines["mlp"].estimator.steps[-1][1]
    assert mlp.hidden_layer_sizes == (7, 5) and not mlp.shuffle
    large = baseline_pipelines("l2norm", 0, [7, 5], smallest_class=2, rows=201)["mlp"]
    assert large.estimator.steps[-1][1].shuffle
    x = np.array([[3.0, 1.0, 5.0], [4.0, 1.0, 0.0]])
    np.testing.assert_allclose(Normaliser("l2norm").fit(x).transform(x)[:, 0], [0.6, 0.8])
    standard = Normaliser("standard").fit(x).transform(x)
    assert (standard[:, 1] == 0).all()  # constant over the rows: 0, as the networks' inputs
    np.testing.assert_allclose(Normaliser("none").fit(x).transform(x)[:, [0, 2]], x[:, [0, 2]])


def test_the_forest_keeps_the_grid_value_with_the_best_out_of_bag_accuracy_on_the_training_rows(
    wine_table,
):
    from sklearn.base import clone

    from winenet.studies.pipelines import FOREST_MAX_FEATURES, baseline_pipelines

    table, features = wine_table
    (fold,) = cv_folds(table[LABEL], n_splits=2, n_repeats=1, random_state=0)[:1]
    x, y = table[features].to_numpy(), table[LABEL].to_numpy()
    search = baseline_pipelines("standard", 0, [8], smallest_class=20, rows=len(fold.train))["random_forest"]
    untouched = clone(search)
    search.fit(x[fold.train], y[fold.train])
    # One forest per grid value, each scored on its own out-of-bag training rows; the best kept,
    # the first of equals.
    alone = [
        clone(search.estimator).set_params(model__max_features=value).fit(x[fold.train], y[fold.train])
        for value in FOREST_MAX_FEATURES
    ]
    scores = [model[-1].oob_score_ for model in alone]
    assert search.oob_scores_ == scores
    best = scores.index(max(scores))
    assert search.best_params_ == {"model__max_features": FOREST_MAX_FEATURES[best]}
    held_out = x[fold.test]
    np.testing.assert_array_equal(search.predict(held_out), alone[best].predict(held_out))
    # Fitted afresh on the same rows: the same choice and the same predictions.
    again = clone(untouched).fit(x[fold.train], y[fold.train])
    assert again.oob_scores_ == search.oob_scores_
    np.testing.assert_array_equal(again.predict(held_out), search.predict(held_out))


def per_fold_table(accuracies: dict, n_train=80, n_test=20, status=None) -> pd.DataFrame:
    """A per-fold table of made-up accuracies, two repeats of as many folds as values / 2."""
    frames = []
    for (model, normalisation), values in accuracies.items():
        n = len(values)
        folds = [Fold(i // (n // 2), i % (n // 2), np.arange(n_train), np.arange(n_test)) for i in range(n)]
        frames.append(fold_table(model, normalisation, folds, np.asarray(values), status or ["ok"] * n))
    return pd.concat(frames, ignore_index=True)


def test_fold_table_has_the_promised_columns(wine_table):
    table, _ = wine_table
    folds = cv_folds(table[LABEL], n_splits=2, n_repeats=2, random_state=0)
    frame = fold_table("plain", "l2norm", folds, np.array([0.9, 0.8, 0.7, 0.6]), ["ok"] * 4)
    assert list(frame.columns) == FOLD_COLUMNS
    assert frame[["repeat", "fold"]].values.tolist() == [[0, 0], [0, 1], [1, 0], [1, 1]]
    assert (frame["n_train"] + frame["n_test"] == len(table)).all()


def test_accuracy_table_uses_the_corrected_interval():
    values = [0.90, 0.95, 0.92, 0.97, 0.91, 0.94]
    table = accuracy_table(per_fold_table({("plain", "l2norm"): values}))
    expected = corrected_interval(values, 80, 20)
    assert table.loc[0, "ci_low"] == pytest.approx(expected["ci_low"])
    assert table.loc[0, "ci_high"] == pytest.approx(expected["ci_high"])
    # The corrected interval is wider than the naive one by sqrt(1 + n * n_test / n_train) = 1.58.
    assert expected["se"] / expected["naive_se"] == pytest.approx(np.sqrt(1 + 6 * 20 / 80))
    assert table.loc[0, "chance_folds"] == 0 and table.loc[0, "folds_not_ok"] == ""


def test_accuracy_table_names_chance_folds_and_leaves_diverged_models_without_interval():
    chance = per_fold_table({("l2", "l2norm"): [0.9, 0.4, 0.9, 0.9]}, status=["ok", "chance", "ok", "ok"])
    row = accuracy_table(chance).iloc[0]
    assert row["chance_folds"] == 1 and "repeat 0 fold 1" in row["folds_not_ok"]
    diverged = per_fold_table(
        {("l2", "l2norm"): [0.9, np.nan, 0.9, 0.9]}, status=["ok", "diverged", "ok", "ok"]
    )
    row = accuracy_table(diverged).iloc[0]
    assert row["diverged_folds"] == 1 and np.isnan(row["ci_low"]) and "diverged" in row["folds_not_ok"]


def test_paired_differences_corrected_with_posterior_and_holm():
    per_fold = per_fold_table(
        {
            ("good", "l2norm"): [0.90, 0.95, 0.92, 0.97, 0.91, 0.94],
            ("bad", "l2norm"): [0.80, 0.85, 0.93, 0.80, 0.82, 0.84],
            ("good", "standard"): [0.90, 0.95, 0.92, 0.97, 0.91, 0.94],
            ("bad", "standard"): [0.90, 0.95, 0.92, 0.97, 0.91, 0.94],
            ("forest", "l2norm"): [0.99, 0.98, 0.97, 0.99, 0.98, 0.99],
            ("forest", "standard"): [0.99, 0.98, 0.97, 0.99, 0.98, 0.99],
        }
    )
    table = paired_differences(per_fold, ["good", "bad"], margin=0.01)
    pairs = list(zip(table["normalisation"], table["model_a"], table["model_b"], strict=True))
    # Networks with each other and with the baseline under the same normalisation; never baseline
    # with itself, never across normalisations.
    assert pairs == [
        ("l2norm", "good", "bad"),
        ("l2norm", "good", "forest"),
        ("l2norm", "bad", "forest"),
        ("standard", "good", "bad"),
        ("standard", "good", "forest"),
        ("standard", "bad", "forest"),
    ]
    good_bad = table.iloc[0]
    difference = np.array([0.10, 0.10, -0.01, 0.17, 0.09, 0.10])
    expected = corrected_interval(difference, 80, 20)
    assert good_bad["mean_difference"] == pytest.approx(difference.mean())
    assert good_bad["ci_low"] == pytest.approx(expected["ci_low"])
    probabilities = good_bad[["p_a_better", "p_equivalent", "p_b_better"]].astype(float)
    assert probabilities.sum() == pytest.approx(1) and good_bad["p_a_better"] > 0.8
    # Identical folds: no difference, certainly equivalent.
    same = table.iloc[3]
    assert same["mean_difference"] == 0 and same["p_equivalent"] == 1 and same["p_value"] == 1
    # The margin is the one given (claims.margin), whatever the folds' size.
    assert (table["margin"] == 0.01).all()
    # Holm: adjusted p-values are never smaller than the raw ones and keep their order.
    assert (table["p_holm"] >= table["p_value"] - 1e-15).all()
    order = np.argsort(table["p_value"].to_numpy(), kind="stable")
    assert np.all(np.diff(table["p_holm"].to_numpy()[order]) >= -1e-15)


def test_paired_differences_refuse_models_scored_on_different_folds():
    per_fold = per_fold_table({("a", "n"): [0.9, 0.8, 0.9, 0.8], ("b", "n"): [0.9, 0.8, 0.9, 0.8, 0.9, 0.8]})
    with pytest.raises(ValueError, match="same folds"):
        paired_differences(per_fold, ["a", "b"], margin=0.01)


def test_coefficient_grid_is_logarithmic():
    assert coefficient_grid(0.001, 0.1, 3) == pytest.approx([0.001, 0.01, 0.1])
    with pytest.raises(ValueError):
        coefficient_grid(0.1, 0.01, 3)


def test_regularisation_path_replicas_equal_folds_trained_alone(wine_table):
    table, features = wine_table
    folds = cv_folds(table[LABEL], n_splits=2, n_repeats=1, random_state=0)
    settings = {"hidden": [8], "seed": 3, "dtype": "float64", **TRAINING}
    path = regularisation_path(
        table,
        LABEL,
        features,
        folds,
        [0.001, 0.1],
        normalisation_method="standard",
        penalty="l1_proximal",
        **settings,
    )
    assert len(path) == 4 and path["coefficient"].tolist() == [0.001, 0.001, 0.1, 0.1]
    assert path["fold"].tolist() == [0, 1, 0, 1] and path["penalty"].eq("l1_proximal").all()
    assert path["zero_share"].between(0, 1).all()
    # The larger coefficient thresholds more weights to exactly zero.
    assert path.loc[2:, "zero_share"].mean() > path.loc[:1, "zero_share"].mean()
    for coefficient in (0.001, 0.1):
        alone, _ = network_cv(
            table,
            features,
            folds,
            penalty="l1_proximal",
            coefficient=coefficient,
            normalisation_method="standard",
            hidden=[8],
        )
        np.testing.assert_allclose(
            path.loc[path["coefficient"] == coefficient, "accuracy"], alone, atol=1e-12
        )
    summary = path_summary(path)
    assert summary[["normalisation", "penalty", "coefficient"]].values.tolist() == [
        ["standard", "l1_proximal", 0.001],
        ["standard", "l1_proximal", 0.1],
    ]
    assert (summary["ci_low"] <= summary["mean"]).all() and (summary["mean"] <= summary["ci_high"]).all()


@pytest.mark.parametrize(
    ("labels", "splits", "repeats", "seed"),
    [
        (np.repeat([1, 2, 3], [59, 71, 48]), 5, 2, 0),
        (np.array(list("bacabcabbcabcaabcbca")), 3, 3, 7),
        (np.tile([0, 1], 30), 10, 1, 42),
    ],
)
def test_cv_folds_are_scikit_learns_repeated_stratified_k_fold(labels, splits, repeats, seed):
    from sklearn.model_selection import RepeatedStratifiedKFold

    expected = RepeatedStratifiedKFold(n_splits=splits, n_repeats=repeats, random_state=seed)
    mine = cv_folds(labels, splits, repeats, seed)
    for fold, (train, test) in zip(mine, expected.split(np.zeros((len(labels), 1)), labels), strict=True):
        np.testing.assert_array_equal(fold.train, train)
        np.testing.assert_array_equal(fold.test, test)
