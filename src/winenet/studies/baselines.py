"""scikit-learn baselines on the same folds as the networks: what a practitioner would run.

The pipelines themselves (a normalisation and a tuned model) are ``pipelines.py``'s; this module is
light, because the workflow reads ``BASELINES`` when it starts.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
import pandas as pd

from winenet.data.arrays import model_arrays
from winenet.data.preprocessing import resolve_features
from winenet.model.outcomes import run_status
from winenet.studies.folds import Fold, table_classes

# The baselines every network is compared with, in the order their rows appear.
BASELINES = ("logistic_regression", "mlp", "random_forest")


def cross_validate_baselines(
    table: pd.DataFrame,
    label: str,
    features: list[str] | str,
    folds: Sequence[Fold],
    *,
    normalisation_method: str,
    seed: int,
    hidden: Sequence[int],
) -> dict[str, tuple[np.ndarray, np.ndarray]]:
    """Per scikit-learn baseline: held-out accuracy and status ``(n_folds,)`` on the same folds."""
    from winenet.studies.pipelines import baseline_pipelines

    features = resolve_features(list(table.columns), label, features)
    classes = table_classes(table, label)
    raw = {"label": label, "classes": classes, "features": features}
    scores = {name: np.empty(len(folds)) for name in BASELINES}
    majority = np.empty(len(folds))
    for index, fold in enumerate(folds):
        x_train, y_train = model_arrays(table.iloc[fold.train], raw)
        x_test, y_test = model_arrays(table.iloc[fold.test], raw)
        majority[index] = np.bincount(y_test).max() / len(y_test)
        # Fresh pipelines per fold with the same random_state: fold i's score does not depend on
        # which folds came before it.
        smallest = int(np.bincount(y_train, minlength=len(classes)).min())
        pipelines = baseline_pipelines(normalisation_method, seed, hidden, smallest, len(y_train))
        for name, model in pipelines.items():
            model.fit(x_train, y_train)
            scores[name][index] = float((model.predict(x_test) == y_test).mean())
    return {name: (values, run_status(values, 0, majority)) for name, values in scores.items()}
