"""The baselines' scikit-learn pipelines: a normalisation, then a model tuned by an inner cross-validation.

Each baseline is a pipeline of the fold's normalisation and a model whose hyper-parameters an inner
cross-validation picks on the training fold alone (scikit-learn's ``GridSearchCV``): logistic
regression's C, the MLP's L2 strength (on the networks' own hidden layers) and the forest's features
per split. The normalisation sits inside the pipeline, so every inner fold fits it on its own
training rows, as the outer fold does. Only the baselines' job imports this module (and with it
scikit-learn).
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
from sklearn.base import BaseEstimator, TransformerMixin

from winenet.preprocessing import normalisation_parameters

# Each grid spans what practitioners usually try, and no more: every value costs a fit per inner fold.
LOGISTIC_CS = tuple(float(c) for c in np.logspace(-4, 4, 9))
# Not 1e-2: scikit-learn divides alpha by the rows, and on an inner fold of about 95 rows neither
# 1e-2 nor 1e-4 changes the fit much. In the default run's 20 searches (10 outer folds, 2
# normalisations) their inner scores tied 19 times (1e-4 ahead the other time) and 1.0 won 5 times:
# two values pick alike, for 7 MLP fits per outer fold instead of 10.
MLP_ALPHAS = (1e-4, 1.0)
FOREST_MAX_FEATURES = ("sqrt", 0.5, 1.0)
INNER_FOLDS = 3


class Normaliser(TransformerMixin, BaseEstimator):
    """The first step: a method of ``preprocessing.NORMALISATION_METHODS``, fitted on ``fit``'s rows."""

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
