"""Metrics from a trained network's validation predictions, by scikit-learn.

Precision, recall, F1 and support (zero_division=0), the one-vs-rest ROC curves and their AUC, the
confusion matrix and the classification report's text are ``sklearn.metrics``'; this module shapes
them into the pipeline's tables and JSON.
"""

from __future__ import annotations

import numpy as np
import pandas as pd
from sklearn import metrics as sk_metrics

from winenet.model.model_files import probability_column
from winenet.model.outcomes import run_status


def _scores(precision, recall, f1, support) -> dict:
    return {
        "precision": float(precision),
        "recall": float(recall),
        "f1": float(f1),
        "support": int(support),
    }


def precision_recall_f1(true, predicted, classes: list) -> tuple[np.ndarray, ...]:
    """Per class ``(K,)``: precision, recall, F1 (0 where undefined) and support."""
    return sk_metrics.precision_recall_fscore_support(true, predicted, labels=classes, zero_division=0)


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
            scores["roc_auc"] = float(
                sk_metrics.roc_auc_score(is_class, predictions[probability_column(cls)])
            )
        else:
            scores["roc_auc"] = None
        per_class[str(cls)] = scores
    averages = {
        average: _scores(
            *sk_metrics.precision_recall_fscore_support(
                true, predicted, labels=classes, average=average, zero_division=0
            )[:3],
            len(true),
        )
        for average in ("macro", "weighted")
    }
    return {
        "accuracy": float(sk_metrics.accuracy_score(true, predicted)),
        "classes": per_class,
        "macro_avg": averages["macro"],
        "weighted_avg": averages["weighted"],
        # Rows true, columns predicted, in the order of ``classes``: what the confusion figure draws.
        "confusion_matrix": sk_metrics.confusion_matrix(true, predicted, labels=classes).tolist(),
    }


def learning_status(predictions: pd.DataFrame) -> dict:
    """Whether a model learned anything: its accuracy against always answering the most common class.

    Returns ``majority_share`` (that class's share of the rows, the accuracy of a model that
    learned nothing) and ``status``: "chance" when the accuracy is no higher, else "ok".
    """
    majority = float(predictions["true"].value_counts().max() / len(predictions))
    accuracy = float((predictions["true"] == predictions["predicted"]).mean())
    return {"majority_share": majority, "status": str(run_status(accuracy, 0, majority))}


def status_note(model: str, metrics: dict) -> str:
    """A sentence for the report's captions when the model learned nothing; empty otherwise."""
    if metrics.get("status") != "chance":
        return ""
    return (
        f"**Model {model} learned nothing:** its validation accuracy {metrics['accuracy']:.3f} is no "
        f"better than always answering the most common class ({metrics['majority_share']:.3f}). "
        "Lower the learning rate or change the normalisation (``normalisation.methods``).\n"
    )


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
        probabilities = predictions[probability_column(cls)].to_numpy()
        fpr, tpr, thresholds = sk_metrics.roc_curve(is_class, probabilities)
        frames.append(pd.DataFrame({"class": cls, "threshold": thresholds, "fpr": fpr, "tpr": tpr}))
    columns = ["class", "threshold", "fpr", "tpr"]
    return pd.concat(frames, ignore_index=True)[columns] if frames else pd.DataFrame(columns=columns)


def classification_report_text(predictions: pd.DataFrame, classes: list, digits: int = 2) -> str:
    """The report's table: precision, recall, F1-score and support per class, accuracy and averages."""
    return sk_metrics.classification_report(
        predictions["true"],
        predictions["predicted"],
        labels=classes,
        target_names=[str(cls) for cls in classes],
        digits=digits,
        zero_division=0,
    )
