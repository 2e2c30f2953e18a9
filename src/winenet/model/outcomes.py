"""What became of a trained model, decided in one place for networks, folds and baselines alike.

It learned something ("ok"), it learned no more than always answering the most common class
("chance"), or its weights stopped being finite numbers ("diverged").
"""

from __future__ import annotations

import numpy as np

STATUSES = ("ok", "chance", "diverged")


def majority_share(labels: np.ndarray, sizes: np.ndarray | None = None) -> np.ndarray:
    """Share of the most common class among labels ``(rows,)`` -> ``()``, or ``(R, rows)`` -> ``(R,)``.

    With ``sizes`` ``(R,)`` only each replica's first ``sizes[r]`` labels count (the rest is padding).
    """
    labels = np.asarray(labels)
    if labels.ndim == 1:
        return np.asarray(np.bincount(labels).max() / len(labels))
    sizes = np.full(labels.shape[0], labels.shape[1]) if sizes is None else np.asarray(sizes)
    return np.array([np.bincount(row[:n]).max() / n for row, n in zip(labels, sizes, strict=True)])


def run_status(validation_accuracy, diverged_epoch, majority_share) -> np.ndarray:
    """ "diverged", "chance" (no better than the majority class) or "ok", elementwise over runs ``(...)``."""
    accuracy = np.asarray(validation_accuracy, dtype=np.float64)
    # A small tolerance: accuracies and shares are both ratios of row counts, computed differently.
    at_chance = ~(accuracy > np.asarray(majority_share) + 1e-9)
    return np.where(np.asarray(diverged_epoch) > 0, "diverged", np.where(at_chance, "chance", "ok"))
