"""Metrics of a prediction table, checked against hand-countable cases."""

import numpy as np
import pandas as pd
import pytest
from sklearn.metrics import auc

from winenet.model.comparison import comparison_table
from winenet.model.evaluation import (
    classification_metrics,
    classification_report_text,
    roc_points,
)
from winenet.model.model_files import predict_table, probability_column
from winenet.model.network import Network

CLASSES = [1, 2, 3]


@pytest.fixture
def predictions():
    # 4 of class 1 (one predicted 2), 3 of class 2, 2 of class 3 (one predicted 1).
    true = [1, 1, 1, 1, 2, 2, 2, 3, 3]
    predicted = [1, 1, 1, 2, 2, 2, 2, 3, 1]
    probabilities = np.full((9, 3), 0.1)
    for row, cls in enumerate(predicted):
        probabilities[row, cls - 1] = 0.8
    table = pd.DataFrame({"row": range(9), "true": true, "predicted": predicted})
    for k, cls in enumerate(CLASSES):
        table[f"p_{cls}"] = probabilities[:, k]
    return table


def test_metrics_count_by_hand(predictions):
    metrics = classification_metrics(predictions, CLASSES)
    assert metrics["accuracy"] == pytest.approx(7 / 9)
    one, two, three = (metrics["classes"][c] for c in ("1", "2", "3"))
    assert (one["precision"], one["recall"], one["support"]) == (pytest.approx(3 / 4), 0.75, 4)
    assert (two["precision"], two["recall"]) == (pytest.approx(3 / 4), 1.0)
    assert (three["precision"], three["recall"]) == (1.0, 0.5)
    assert metrics["macro_avg"]["recall"] == pytest.approx((0.75 + 1 + 0.5) / 3)
    assert metrics["weighted_avg"]["support"] == 9
    assert all(0 <= metrics["classes"][c]["roc_auc"] <= 1 for c in ("1", "2", "3"))


def test_roc_points_run_from_origin_to_corner_and_their_area_is_the_auc(predictions):
    points = roc_points(predictions, CLASSES)
    assert list(points.columns) == ["class", "threshold", "fpr", "tpr"]
    metrics = classification_metrics(predictions, CLASSES)
    for cls in CLASSES:
        curve = points[points["class"] == cls]
        assert (curve[["fpr", "tpr"]].iloc[0].tolist(), curve[["fpr", "tpr"]].iloc[-1].tolist()) == (
            [0.0, 0.0],
            [1.0, 1.0],
        )
        assert np.all(np.diff(curve["fpr"]) >= 0) and np.all(np.diff(curve["tpr"]) >= 0)
        area = auc(curve["fpr"], curve["tpr"])
        assert area == pytest.approx(metrics["classes"][str(cls)]["roc_auc"])


def test_roc_points_leave_out_a_class_without_negatives_or_positives(predictions):
    only_ones = predictions.assign(true=1)
    assert set(roc_points(only_ones, CLASSES)["class"]) == set()
    no_threes = predictions[predictions["true"] != 3]
    assert set(roc_points(no_threes, CLASSES)["class"]) == {1, 2}


def test_report_text_is_laid_out_like_the_reports_tables(predictions):
    text = classification_report_text(predictions, CLASSES)
    for word in ("precision", "recall", "f1-score", "support", "accuracy", "macro avg", "weighted avg"):
        assert word in text
    assert "0.78" in text  # accuracy 7/9 to two digits


def test_predict_table_keeps_labels_and_probabilities_sum_to_one():
    network = Network.initialise([4, 5, 3], np.random.default_rng(0))
    x = np.random.default_rng(1).standard_normal((6, 4))
    table = predict_table(network, x, np.arange(6), np.array([1, 2, 3, 1, 2, 3]), CLASSES)
    assert list(table.columns) == ["row", "true", "predicted", "p_1", "p_2", "p_3"]
    np.testing.assert_allclose(table[["p_1", "p_2", "p_3"]].sum(axis=1), 1.0)
    assert set(table["predicted"]) <= set(CLASSES)


def test_comparison_table_has_one_row_per_model(predictions):
    metrics = classification_metrics(predictions, CLASSES)
    entry = {"penalty": "l1", "coefficient": 0.008} | metrics
    table = comparison_table({"a": entry, "b": entry})
    assert table["model"].tolist() == ["a", "b"]
    assert {"accuracy", "macro_f1", "recall_1", "auc_3"} <= set(table.columns)


def random_predictions(classes, n=60, seed=0, ties=False):
    rng = np.random.default_rng(seed)
    true = rng.choice(classes, size=n)
    probabilities = rng.dirichlet(np.ones(len(classes)), size=n)
    if ties:
        probabilities = np.round(probabilities, 1)
    table = pd.DataFrame({"row": np.arange(n), "true": true})
    # Mostly right, sometimes a class is never predicted.
    table["predicted"] = np.where(rng.uniform(size=n) < 0.7, true, classes[0])
    for k, cls in enumerate(classes):
        table[probability_column(cls)] = probabilities[:, k]
    return table


SCENARIOS = {
    "three classes": ([1, 2, 3], False),
    "two classes": ([0, 1], False),
    "text classes with tied scores": (["a", "bb", "c", "dddddddddddddd"], True),
}


@pytest.mark.parametrize("scenario", list(SCENARIOS))
def test_metrics_roc_and_report_are_scikit_learns(scenario):
    from sklearn.metrics import (
        classification_report,
        precision_recall_fscore_support,
        roc_auc_score,
        roc_curve,
    )

    classes, ties = SCENARIOS[scenario]
    table = random_predictions(classes, ties=ties)
    metrics = classification_metrics(table, classes)
    p, r, f, s = precision_recall_fscore_support(
        table["true"], table["predicted"], labels=classes, zero_division=0
    )
    for k, cls in enumerate(classes):
        mine = metrics["classes"][str(cls)]
        assert (mine["precision"], mine["recall"], mine["f1"], mine["support"]) == pytest.approx(
            (p[k], r[k], f[k], s[k])
        )
        is_class = table["true"] == cls
        assert mine["roc_auc"] == pytest.approx(
            roc_auc_score(is_class, table[probability_column(cls)]), abs=1e-12
        )
        fpr, tpr, thresholds = roc_curve(is_class, table[probability_column(cls)])
        points = roc_points(table, classes)
        curve = points[points["class"] == cls]
        np.testing.assert_allclose(curve["fpr"], fpr)
        np.testing.assert_allclose(curve["tpr"], tpr)
        np.testing.assert_array_equal(curve["threshold"], thresholds)
    for average in ("macro", "weighted"):
        expected = precision_recall_fscore_support(
            table["true"], table["predicted"], labels=classes, average=average, zero_division=0
        )[:3]
        mine = metrics[f"{average}_avg"]
        assert (mine["precision"], mine["recall"], mine["f1"]) == pytest.approx(expected)
    text = classification_report(
        table["true"],
        table["predicted"],
        labels=classes,
        target_names=[str(c) for c in classes],
        digits=2,
        zero_division=0,
    )
    assert classification_report_text(table, classes) == text
