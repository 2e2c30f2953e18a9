"""The baselines' scikit-learn pipelines: a normalisation, then a model tuned on the training fold alone.

Each baseline is a pipeline of the fold's normalisation and a model whose hyper-parameter is picked
on the training fold alone: logistic regression's C and the MLP's L2 strength (on the networks' own
hidden layers) by an inner cross-validation (scikit-learn's ``GridSearchCV``), the forest's features
per split by its out-of-bag accuracy (``OutOfBagSearch``). The normalisation sits inside the
pipeline, so every inner fold fits it on its own training rows, as the outer fold does. Only the
baselines' job imports this module (and with it scikit-learn).
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
from sklearn.base import BaseEstimator, ClassifierMixin, TransformerMixin, clone

from winenet.data.preprocessing import normalisation_parameters

# Each grid spans what practitioners usually try, and no more: every value costs a fit per inner fold
# (the choices measured: docs/performance.md#the-baselines-tuning).
LOGISTIC_CS = tuple(float(c) for c in np.logspace(-4, 4, 9))
# Not 1e-2: scikit-learn divides alpha by the rows, and on an inner fold of about 95 rows neither
# 1e-2 nor 1e-4 changes the fit much. In the default run's 20 searches (10 outer folds, 2
# normalisations) their inner scores tied 19 times (1e-4 ahead the other time) and 1.0 won 5 times:
# two values pick alike, for 7 MLP fits per outer fold instead of 10.
MLP_ALPHAS = (1e-4, 1.0)
# Not 1.0 (every feature at every split): in those 20 outer folds neither the inner cross-validation
# nor the out-of-bag accuracy scored it above the best of the other two.
FOREST_MAX_FEATURES = ("sqrt", 0.5)
INNER_FOLDS = 3
# scikit-learn's MLP trains on batches of up to this many rows (its batch_size "auto"): a training
# fold no larger is one batch, and shuffling it every epoch only reorders a sum.
MLP_BATCH = 200


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


class OutOfBagSearch(ClassifierMixin, BaseEstimator):
    """A pipeline ending in a bagged model, fitted once per value of ``grid`` (one parameter name to
    its values, as ``GridSearchCV`` takes them) on the training rows; the value whose fitted model
    has the best out-of-bag accuracy is kept, the first of equals.

    Each fit is the final model of its value: no inner folds and no refit. A tree's out-of-bag rows
    were among those the normalisation was fitted on, which tells a tree nothing: every method is an
    offset and a positive scale per feature, and a tree's splits do not depend on either (but for
    rounding).
    """

    def __init__(self, estimator, grid: dict):
        self.estimator = estimator
        self.grid = grid

    def fit(self, x, y):
        """Fit a model per value on ``x (n, features)``, ``y (n,)``; keep the best out-of-bag one."""
        ((name, values),) = self.grid.items()
        fitted = [clone(self.estimator).set_params(**{name: value}).fit(x, y) for value in values]
        self.oob_scores_ = [float(model[-1].oob_score_) for model in fitted]
        best = int(np.argmax(self.oob_scores_))  # the first of equals, as GridSearchCV ranks them
        self.best_estimator_, self.best_params_ = fitted[best], {name: values[best]}
        self.best_score_ = self.oob_scores_[best]
        self.classes_ = self.best_estimator_.classes_
        return self

    def predict(self, x):
        """The kept model's classes ``(n,)`` for ``x (n, features)``."""
        return self.best_estimator_.predict(x)


def baseline_pipelines(method: str, seed: int, hidden: Sequence[int], smallest_class: int, rows: int) -> dict:
    """Fresh, unfitted baselines by name, in ``BASELINES`` order: each a search over its pipeline.

    ``smallest_class`` is the row count of the training fold's smallest class: the inner folds are
    stratified, and no more of them than that class can fill. ``rows`` is the training fold's.
    """
    from sklearn.ensemble import RandomForestClassifier
    from sklearn.linear_model import LogisticRegression
    from sklearn.model_selection import GridSearchCV, StratifiedKFold
    from sklearn.neural_network import MLPClassifier
    from sklearn.pipeline import Pipeline

    inner = StratifiedKFold(max(2, min(INNER_FOLDS, smallest_class)), shuffle=True, random_state=seed)

    def pipeline(model):
        return Pipeline([("normalise", Normaliser(method)), ("model", model)])

    return {
        # Not LogisticRegressionCV's warm-started path: it would normalise once on the whole training
        # fold, the inner folds' held-out rows included, and saves about a second per normalisation.
        "logistic_regression": GridSearchCV(
            pipeline(LogisticRegression(max_iter=5000)), {"model__C": list(LOGISTIC_CS)}, cv=inner
        ),
        # Not shuffled when every fit is one batch: the same fits, a fifth less CPU (the default
        # run's outer folds gave every one the same accuracy).
        "mlp": GridSearchCV(
            pipeline(
                MLPClassifier(
                    hidden_layer_sizes=tuple(hidden),
                    max_iter=2000,
                    random_state=seed,
                    shuffle=rows > MLP_BATCH,
                )
            ),
            {"model__alpha": list(MLP_ALPHAS)},
            cv=inner,
        ),
        # The out-of-bag rows instead of inner folds: 2 forests per outer fold instead of 10 (3 values
        # x 3 inner folds and a refit), and the same held-out accuracy on every outer fold of the
        # default run. n_jobs=1: the pipeline runs jobs side by side, and one process per job is the
        # budget.
        "random_forest": OutOfBagSearch(
            pipeline(RandomForestClassifier(oob_score=True, random_state=seed, n_jobs=1)),
            {"model__max_features": list(FOREST_MAX_FEATURES)},
        ),
    }
