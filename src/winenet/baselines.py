"""scikit-learn baselines on the same folds as the networks: what a practitioner would run.

Each baseline is a pipeline of the fold's normalisation and a model whose hyper-parameters an inner
cross-validation picks on the training fold alone (scikit-learn's ``GridSearchCV``): logistic
regression's C, the MLP's L2 strength (on the networks' own hidden layers) and the forest's features
per split. The normalisation sits inside the pipeline, so every inner fold fits it on its own
training rows, as the outer fold does.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
import pandas as pd
from sklearn.base import BaseEstimator, TransformerMixin

from winenet.claims import BASELINES
from winenet.folds import Fold, table_classes
from winenet.outcomes import run_status
from winenet.preprocessing import model_arrays, normalisation_parameters, resolve_features

# Each grid spans what practitioners usually try, and no more: every value costs a fit per inner fold.
MLP_ALPHAS = (1e-4, 1e-2, 1.0)
FOREST_MAX_FEATURES = ("sqrt", 0.5, 1.0)
LOGISTIC_CS = tuple(float(c) for c in np.logspace(-4, 4, 9))
INNER_FOLDS = 3


class Normaliser(TransformerMixin, BaseEstimator):
    """The pipeline's first step: a method of ``data.NORMALISATION_METHODS``, fitted on ``fit``'s rows."""

    def __init__(self, method: str = "standard"):
        self.method = method

    def fit(self, x, y=None):
        """Offset and scale ``(features,)`` from the rows ``(n, features)``."""
        self.offset_, scale = normalisation_parameters(np.asarray(x, dtype=np.float64), self.method)
        # A feature constant over these rows tells nothing: it becomes 0, as the networks' inputs do.
        self.constant_ = scale == 0
        self.scale_ = np.where(self.constant_, 1.0, scale)
        return self

    def transform(self, x):
        """``(x - offset) / scale`` ``(n, features)``, constant features 0."""
        values = (np.asarray(x, dtype=np.float64) - self.offset_) / self.scale_
        values[:, self.constant_] = 0.0
        return values


def baseline_pipelines(method: str, seed: int, hidden: Sequence[int], smallest_class: int) -> dict:
    """Fresh, unfitted baselines by name, in ``BASELINES`` order: each a grid search over its pipeline.

    ``smallest_class`` is the row count of the training fold's smallest class: the inner folds are
    stratified, and no more of them than that class can fill.
    """
    from sklearn.ensemble import RandomForestClassifier
    from sklearn.linear_model import LogisticRegression
    from sklearn.model_selection import GridSearchCV, StratifiedKFold
    from sklearn.neural_network import MLPClassifier
    from sklearn.pipeline import Pipeline

    inner = StratifiedKFold(max(2, min(INNER_FOLDS, smallest_class)), shuffle=True, random_state=seed)
    models = {
        "logistic_regression": (LogisticRegression(max_iter=5000), {"C": list(LOGISTIC_CS)}),
        "mlp": (
            MLPClassifier(hidden_layer_sizes=tuple(hidden), max_iter=2000, random_state=seed),
            {"alpha": list(MLP_ALPHAS)},
        ),
        # n_jobs=1: the pipeline runs jobs side by side, and one process per job is the budget.
        "random_forest": (
            RandomForestClassifier(random_state=seed, n_jobs=1),
            {"max_features": list(FOREST_MAX_FEATURES)},
        ),
    }
    return {
        name: GridSearchCV(
            Pipeline([("normalise", Normaliser(method)), ("model", model)]),
            {f"model__{key}": values for key, values in grid.items()},
            cv=inner,
        )
        for name, (model, grid) in models.items()
    }


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
        for name, model in baseline_pipelines(normalisation_method, seed, hidden, smallest).items():
            model.fit(x_train, y_train)
            scores[name][index] = float((model.predict(x_test) == y_test).mean())
    return {name: (values, run_status(values, 0, majority)) for name, values in scores.items()}
