"""Metrics from a trained network's validation predictions; scikit-learn does the arithmetic."""

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


def classification_metrics(predictions: pd.DataFrame, classes: list) -> dict:
    """Accuracy; per class precision, recall, F1, support, one-vs-rest ROC AUC; macro/weighted averages."""
    # Imported here, not at the top: scikit-learn takes over a second to import, and the jobs that
    # only compare or tabulate models never need it.
    from sklearn.metrics import accuracy_score, precision_recall_fscore_support, roc_auc_score

    true, predicted = predictions["true"], predictions["predicted"]
    precision, recall, f1, support = precision_recall_fscore_support(
        true, predicted, labels=classes, zero_division=0
    )
    per_class = {}
    for k, cls in enumerate(classes):
        scores = _scores(precision[k], recall[k], f1[k], support[k])
        is_class = (true == cls).to_numpy()
        # AUC is undefined when the validation rows hold only one side of the one-vs-rest split.
        scores["roc_auc"] = (
            float(roc_auc_score(is_class, predictions[probability_column(cls)]))
            if 0 < is_class.sum() < len(is_class)
            else None
        )
        per_class[str(cls)] = scores
    averages = {}
    for average in ("macro", "weighted"):
        p, r, f, _ = precision_recall_fscore_support(
            true, predicted, labels=classes, average=average, zero_division=0
        )
        averages[average] = _scores(p, r, f, len(true))
    return {
        "accuracy": float(accuracy_score(true, predicted)),
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


def roc_points(predictions: pd.DataFrame, classes: list) -> pd.DataFrame:
    """One-vs-rest ROC curve per class: columns class, threshold, fpr, tpr, in curve order.

    A class with only one side of the split among the validation rows (no positives or no
    negatives) has no curve and no rows, as its AUC in ``classification_metrics`` is undefined.
    """
    from sklearn.metrics import roc_curve

    frames = []
    for cls in classes:
        is_class = (predictions["true"] == cls).to_numpy()
        if not 0 < is_class.sum() < len(is_class):
            continue
        fpr, tpr, thresholds = roc_curve(is_class, predictions[probability_column(cls)])
        frames.append(pd.DataFrame({"class": cls, "threshold": thresholds, "fpr": fpr, "tpr": tpr}))
    columns = ["class", "threshold", "fpr", "tpr"]
    return pd.concat(frames, ignore_index=True)[columns] if frames else pd.DataFrame(columns=columns)


def classification_report_text(predictions: pd.DataFrame, classes: list) -> str:
    """The report's table: precision, recall, F1-score and support per class, accuracy and averages."""
    from sklearn.metrics import classification_report

    return classification_report(
        predictions["true"],
        predictions["predicted"],
        labels=classes,
        target_names=[str(cls) for cls in classes],
        digits=2,
        zero_division=0,
    )


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
