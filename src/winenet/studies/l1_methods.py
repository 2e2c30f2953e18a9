"""The subgradient L1 model beside the proximal L1 step: accuracy, late loss volatility, exact zeros."""

from __future__ import annotations

import numpy as np
import pandas as pd

from winenet.model.network import Network
from winenet.model.training import epoch_summary


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
