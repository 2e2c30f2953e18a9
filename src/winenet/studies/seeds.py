"""The seed study: each model trained from many seeds on the report's one split.

The report judged each model by one training from one random start; how far apart two models'
accuracies can fall by the seed alone is what this study measures.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence

import numpy as np
import pandas as pd

from winenet.model.training import history_table, train_runs


def seed_runs(
    data: Sequence[np.ndarray],
    *,
    sizes: Sequence[int],
    penalty: str,
    coefficient: float,
    training: Mapping,
    seeds: Mapping,
) -> tuple[pd.DataFrame, pd.DataFrame]:
    """One model trained from ``seeds["count"]`` seeds as one stack: (accuracies, histories).

    ``data`` is (x_train, y_train, x_validation, y_validation) of the report's split; run r draws
    from ``run_generators(seeds["seed"], [r])``, so it trains as it would alone. ``training`` is the
    config's training slice, ``seeds`` the ``beyond.seeds`` slice (count, seed, dtype).
    The accuracies have columns run, accuracy, status; the histories one row per run and batch of
    both phases (``training.history_table``), the loss being the cross-entropy and the penalty a
    column of its own (their sum is the loss training minimises, the one the report plotted): what
    the claims about loss curves, spikes and overfitting are judged from, seed by seed.
    """
    runs = range(seeds["count"])
    _, result = train_runs(
        runs,
        seeds["seed"],
        sizes,
        data,
        penalty=penalty,
        coefficient=coefficient,
        dtype=seeds["dtype"],
        learning_rate=training["learning_rate"],
        batch_size=training["batch_size"],
        epochs=training["epochs"],
        record=True,
        penalty_record="apart",
    )
    accuracies = pd.DataFrame(
        {
            "run": list(runs),
            "accuracy": np.asarray(result.validation_accuracy, dtype=np.float64),
            "status": result.status,
        }
    )
    return accuracies, history_table(result.record, list(runs))
