"""scikit-learn baselines on the same folds as the networks: what a standard model reaches."""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
import pandas as pd

from winenet.data import resolve_features
from winenet.folds import Fold, fold_arrays, table_classes

BASELINES = ("logistic_regression", "mlp", "random_forest")


def _baseline_models(seed: int) -> dict:
    """Fresh, unfitted scikit-learn baselines by name, in ``BASELINES`` order."""
    from sklearn.ensemble import RandomForestClassifier
    from sklearn.linear_model import LogisticRegression
    from sklearn.neural_network import MLPClassifier

    return {
        "logistic_regression": LogisticRegression(max_iter=5000),
        "mlp": MLPClassifier(hidden_layer_sizes=(128, 128), max_iter=2000, random_state=seed),
        # scikit-learn's default forest (100 trees); n_jobs=1: the pipeline runs jobs side by side,
        # and one process per job is the budget.
        "random_forest": RandomForestClassifier(random_state=seed, n_jobs=1),
    }


def cross_validate_baselines(
    table: pd.DataFrame,
    label: str,
    features: list[str] | str,
    folds: Sequence[Fold],
    *,
    normalisation_method: str,
    seed: int,
) -> dict[str, tuple[np.ndarray, np.ndarray]]:
    """Per scikit-learn baseline: held-out accuracy and status ``(n_folds,)`` on the same folds."""
    features = resolve_features(list(table.columns), label, features)
    classes = table_classes(table, label)
    scores = {name: np.empty(len(folds)) for name in BASELINES}
    majority = np.empty(len(folds))
    for index, fold in enumerate(folds):
        x_train, y_train, x_test, y_test = fold_arrays(
            table, label, features, classes, fold, normalisation_method
        )
        majority[index] = np.bincount(y_test).max() / len(y_test)
        # Fresh estimators per fold with the same random_state: fold i's score does not depend
        # on which folds came before it.
        for name, model in _baseline_models(seed).items():
            model.fit(x_train, y_train)
            scores[name][index] = float((model.predict(x_test) == y_test).mean())
    return {
        name: (values, np.where(values > majority + 1e-9, "ok", "chance")) for name, values in scores.items()
    }
