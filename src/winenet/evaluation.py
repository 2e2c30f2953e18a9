"""Metrics from a trained network's validation predictions.

The arithmetic is scikit-learn's (precision, recall and F1 with zero_division=0, ROC curves with
their collinear points dropped, the AUC as the trapezoid under them, the classification report's
layout), written out in NumPy: importing scikit-learn costs each evaluate job over a second.
``tests/test_evaluation.py`` holds every number and the report's text equal to scikit-learn's.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from winenet.network import Network


def probability_column(cls) -> str:
    """Name of the predictions column that holds the probability of class ``cls``."""
    return f"p_{cls}"


def predict_table(
    network: Network, x: np.ndarray, rows: np.ndarray, labels: np.ndarray, classes: list
) -> pd.DataFrame:
    """One row per validation row: its input row, true label, predicted label, one probability per class."""
    probabilities = network.predict_proba(x)
    predicted = np.asarray(classes, dtype=object)[probabilities.argmax(axis=-1)]
    table = pd.DataFrame(
        {"row": rows, "true": labels, "predicted": pd.Series(predicted).astype(labels.dtype)}
    )
    for k, cls in enumerate(classes):
        table[probability_column(cls)] = probabilities[:, k]
    return table


def _scores(precision, recall, f1, support) -> dict:
    return {
        "precision": float(precision),
        "recall": float(recall),
        "f1": float(f1),
        "support": int(support),
    }


def _per_class_counts(true: np.ndarray, predicted: np.ndarray, classes: list) -> tuple[np.ndarray, ...]:
    """True positives, predicted and true counts per class ``(K,)``."""
    tp = np.array([np.sum((true == c) & (predicted == c)) for c in classes], dtype=np.float64)
    predicted_count = np.array([np.sum(predicted == c) for c in classes], dtype=np.float64)
    support = np.array([np.sum(true == c) for c in classes], dtype=np.float64)
    return tp, predicted_count, support


def _ratio(numerator: np.ndarray, denominator: np.ndarray) -> np.ndarray:
    # zero_division=0: a class never predicted (or never present) scores 0, not NaN.
    return np.divide(numerator, denominator, out=np.zeros_like(numerator), where=denominator != 0)


def precision_recall_f1(true, predicted, classes: list) -> tuple[np.ndarray, ...]:
    """Per class ``(K,)``: precision, recall, F1 (0 where undefined) and support."""
    tp, predicted_count, support = _per_class_counts(np.asarray(true), np.asarray(predicted), classes)
    precision, recall = _ratio(tp, predicted_count), _ratio(tp, support)
    f1 = _ratio(2 * tp, predicted_count + support)
    return precision, recall, f1, support


def classification_metrics(predictions: pd.DataFrame, classes: list) -> dict:
    """Accuracy; per class precision, recall, F1, support, one-vs-rest ROC AUC; macro/weighted averages."""
    true, predicted = predictions["true"].to_numpy(), predictions["predicted"].to_numpy()
    precision, recall, f1, support = precision_recall_f1(true, predicted, classes)
    per_class = {}
    for k, cls in enumerate(classes):
        scores = _scores(precision[k], recall[k], f1[k], support[k])
        is_class = true == cls
        # AUC is undefined when the validation rows hold only one side of the one-vs-rest split.
        if 0 < is_class.sum() < len(is_class):
            fpr, tpr, _ = roc_curve(is_class, predictions[probability_column(cls)].to_numpy())
            scores["roc_auc"] = float(np.trapezoid(tpr, fpr))
        else:
            scores["roc_auc"] = None
        per_class[str(cls)] = scores
    weights = support / support.sum()
    averages = {
        "macro": _scores(precision.mean(), recall.mean(), f1.mean(), len(true)),
        "weighted": _scores(weights @ precision, weights @ recall, weights @ f1, len(true)),
    }
    return {
        "accuracy": float(np.mean(true == predicted)),
        "classes": per_class,
        "macro_avg": averages["macro"],
        "weighted_avg": averages["weighted"],
    }


def learning_status(predictions: pd.DataFrame) -> dict:
    """Whether a model learned anything: its accuracy against always answering the most common class.

    Returns ``majority_share`` (that class's share of the rows, the accuracy of a model that
    learned nothing) and ``status``: "chance" when the accuracy is no higher, else "ok".
    """
    majority = float(predictions["true"].value_counts().max() / len(predictions))
    accuracy = float((predictions["true"] == predictions["predicted"]).mean())
    return {"majority_share": majority, "status": "ok" if accuracy > majority + 1e-9 else "chance"}


def status_note(model: str, metrics: dict) -> str:
    """A sentence for the report's captions when the model learned nothing; empty otherwise."""
    if metrics.get("status") != "chance":
        return ""
    return (
        f"**Model {model} learned nothing:** its validation accuracy {metrics['accuracy']:.3f} is no "
        f"better than always answering the most common class ({metrics['majority_share']:.3f}). "
        "Lower the learning rate or change the normalisation (``normalisation.methods``).\n"
    )


def roc_curve(is_positive: np.ndarray, scores: np.ndarray) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """False and true positive rates and thresholds ``(points,)`` of a binary ROC curve.

    As scikit-learn's ``roc_curve``: one point per distinct score, highest first, collinear
    points dropped, and a first point (0, 0) at threshold infinity.
    """
    order = np.argsort(scores, kind="mergesort")[::-1]
    scores, positive = np.asarray(scores)[order], np.asarray(is_positive, dtype=np.float64)[order]
    last_of_each_score = np.r_[np.where(np.diff(scores))[0], positive.size - 1]
    tps = np.cumsum(positive)[last_of_each_score]
    fps = 1 + last_of_each_score - tps
    thresholds = scores[last_of_each_score]
    if len(fps) > 2:
        # Points on a straight line between their neighbours add nothing to the curve.
        corners = np.where(np.r_[True, np.logical_or(np.diff(fps, 2), np.diff(tps, 2)), True])[0]
        fps, tps, thresholds = fps[corners], tps[corners], thresholds[corners]
    tps, fps, thresholds = np.r_[0, tps], np.r_[0, fps], np.r_[np.inf, thresholds]
    return fps / fps[-1], tps / tps[-1], thresholds


def roc_points(predictions: pd.DataFrame, classes: list) -> pd.DataFrame:
    """One-vs-rest ROC curve per class: columns class, threshold, fpr, tpr, in curve order.

    A class with only one side of the split among the validation rows (no positives or no
    negatives) has no curve and no rows, as its AUC in ``classification_metrics`` is undefined.
    """
    frames = []
    for cls in classes:
        is_class = (predictions["true"] == cls).to_numpy()
        if not 0 < is_class.sum() < len(is_class):
            continue
        fpr, tpr, thresholds = roc_curve(is_class, predictions[probability_column(cls)].to_numpy())
        frames.append(pd.DataFrame({"class": cls, "threshold": thresholds, "fpr": fpr, "tpr": tpr}))
    columns = ["class", "threshold", "fpr", "tpr"]
    return pd.concat(frames, ignore_index=True)[columns] if frames else pd.DataFrame(columns=columns)


def classification_report_text(predictions: pd.DataFrame, classes: list, digits: int = 2) -> str:
    """The report's table: precision, recall, F1-score and support per class, accuracy and averages.

    Laid out as scikit-learn's ``classification_report`` lays it out, character for character.
    """
    true, predicted = predictions["true"].to_numpy(), predictions["predicted"].to_numpy()
    precision, recall, f1, support = precision_recall_f1(true, predicted, classes)
    names = [str(cls) for cls in classes]
    width = max(max(len(name) for name in names), len("weighted avg"), digits)
    headers = ["precision", "recall", "f1-score", "support"]
    text = ("{:>{width}s} " + " {:>9}" * len(headers)).format("", *headers, width=width) + "\n\n"
    row = "{:>{width}s} " + " {:>9.{digits}f}" * 3 + " {:>9}\n"
    for k, name in enumerate(names):
        text += row.format(name, precision[k], recall[k], f1[k], int(support[k]), width=width, digits=digits)
    text += "\n"
    total = int(support.sum())
    # scikit-learn prints the micro average as "accuracy" when every label is one of the classes.
    if set(np.unique(np.r_[true, predicted]).tolist()) <= set(classes):
        accuracy_row = "{:>{width}s} " + " {:>9.{digits}}" * 2 + " {:>9.{digits}f}" + " {:>9}\n"
        text += accuracy_row.format(
            "accuracy", "", "", np.mean(true == predicted), total, width=width, digits=digits
        )
    weights = support / support.sum()
    for heading, weigh in (("macro avg", None), ("weighted avg", weights)):
        values = [v.mean() if weigh is None else weigh @ v for v in (precision, recall, f1)]
        text += row.format(heading, *values, total, width=width, digits=digits)
    return text


def comparison_table(metrics: dict[str, dict]) -> pd.DataFrame:
    """Models side by side: accuracy, macro and weighted F1, and per-class recall and AUC."""
    rows = []
    for model, entry in metrics.items():
        row = {
            "model": model,
            "penalty": entry["penalty"],
            "coefficient": entry["coefficient"],
            "status": entry.get("status", "ok"),
            "accuracy": entry["accuracy"],
            "macro_f1": entry["macro_avg"]["f1"],
            "weighted_f1": entry["weighted_avg"]["f1"],
        }
        for cls, scores in entry["classes"].items():
            row[f"recall_{cls}"] = scores["recall"]
            row[f"auc_{cls}"] = scores["roc_auc"]
        rows.append(row)
    return pd.DataFrame(rows)


def resolution_note(metrics: dict[str, dict]) -> str:
    """How much one validation row weighs in an accuracy, from the models' class supports."""
    rows = sum(int(scores["support"]) for scores in next(iter(metrics.values()))["classes"].values())
    return (
        f"The validation set has {rows} rows: one row is {100 / rows:.1f} accuracy points, the "
        "smallest difference these accuracies can show.\n"
    )


def sparsity(parameters: dict[str, np.ndarray], features: list[str]) -> dict:
    """Exact zeros of a trained network: shares of zero weights and the inputs switched off entirely."""
    first = parameters["W0"]  # (features, hidden)
    weights = [array for name, array in parameters.items() if name.startswith("W")]
    return {
        "first_layer_zero_share": float((first == 0).mean()),
        "all_weights_zero_share": float(sum((w == 0).sum() for w in weights) / sum(w.size for w in weights)),
        "features_switched_off": [f for f, row in zip(features, first, strict=True) if not row.any()],
    }


def method_table(
    methods: dict[str, tuple[dict[str, np.ndarray], pd.DataFrame]],
    coefficient: float,
    x: np.ndarray,
    labels: np.ndarray,
    features: list[str],
) -> pd.DataFrame:
    """Training methods side by side: accuracy on ``x`` ``(rows, in)``, late loss volatility, exact zeros.

    ``methods`` maps a name to (trained parameters, per-batch history); the volatility is the mean
    over the last 100 epochs of the training loss's range within an epoch.
    """
    from winenet.training import epoch_summary

    rows = []
    for method, (parameters, history) in methods.items():
        summary = epoch_summary(history)
        last = summary[(summary["epoch"] > summary["epoch"].max() - 100) & (summary["phase"] == "train")]
        predicted = Network.from_parameters(parameters).logits(x).argmax(axis=-1)
        found = sparsity(parameters, features)
        rows.append(
            {
                "method": method,
                "coefficient": coefficient,
                "validation_accuracy": float((predicted == labels).mean()),
                "train_loss_volatility_last_100_epochs": float(last["loss_volatility"].mean()),
                "first_layer_zero_share": found["first_layer_zero_share"],
                "all_weights_zero_share": found["all_weights_zero_share"],
                "features_switched_off": "; ".join(found["features_switched_off"]) or "none",
            }
        )
    return pd.DataFrame(rows)
