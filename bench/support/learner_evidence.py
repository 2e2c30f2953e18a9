"""Real learners' fold accuracies on data sets drawn from a population fitted to the input table.

The synthetic arm (``synthetic_evidence``) draws fold differences from the very model the fold rules
assume, so it cannot show where that model is wrong. Here the folds are real: scikit-learn learners
trained and scored on the folds of ``RepeatedStratifiedKFold`` (as ``studies.folds.cv_folds`` makes
them), on new data sets of the table's size drawn from a population fitted to it, whose truth (each
learner's expected accuracy on new data) is known to within a stated error.

The population is a Gaussian per class, with the class means and covariances of the table and its
class counts. Resampling the table's rows with replacement was the other choice, and was not taken:
a row drawn twice lands in a training and a test fold at once, so cross-validation on such data
sets scores learners partly on rows they trained on, and the truth (accuracy on new rows) is not
what the folds estimate.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

import numpy as np
import pandas as pd

# The learners compared, as factories of unfitted scikit-learn estimators: cheap enough to fit 100
# folds of thousands of data sets. Imported lazily so that the module loads without scikit-learn's
# start-up cost in processes that do not draw.
LEARNERS = ("lda", "gnb", "lda_even")
# The pairs judged: LDA against Gaussian naive Bayes (the statistician's pair, a true difference of
# about half a point), and LDA against LDA with equal class priors (a difference near zero: the
# two disagree only on rows near a boundary the priors move).
PAIRS = (("lda", "gnb"), ("lda", "lda_even"))


def make_learner(name: str, classes: int):
    """An unfitted scikit-learn estimator for ``name`` (one of ``LEARNERS``), for ``classes`` classes."""
    from sklearn.discriminant_analysis import LinearDiscriminantAnalysis
    from sklearn.naive_bayes import GaussianNB

    if name == "lda":
        return LinearDiscriminantAnalysis()
    if name == "gnb":
        return GaussianNB()
    if name == "lda_even":
        return LinearDiscriminantAnalysis(priors=np.full(classes, 1 / classes))
    raise ValueError(f"unknown learner {name!r}; known: {', '.join(LEARNERS)}")


@dataclass(frozen=True)
class Population:
    """A Gaussian per class: the class labels, their counts in the table, means and Cholesky factors."""

    classes: np.ndarray  # (classes,)
    counts: np.ndarray  # (classes,) rows per class in the table
    means: np.ndarray  # (classes, features)
    factors: np.ndarray  # (classes, features, features), lower triangular

    @classmethod
    def fitted(cls, table: pd.DataFrame, label: str, features: list[str]) -> Population:
        """The population fitted to ``table``: each class's mean and covariance over its rows."""
        x = table[features].to_numpy(dtype=np.float64)
        y = table[label].to_numpy()
        classes = np.unique(y)
        rows = [x[y == c] for c in classes]
        return cls(
            classes=classes,
            counts=np.array([len(r) for r in rows]),
            means=np.stack([r.mean(axis=0) for r in rows]),
            factors=np.stack([np.linalg.cholesky(np.cov(r.T)) for r in rows]),
        )

    @property
    def rows(self) -> int:
        return int(self.counts.sum())

    def counts_for(self, rows: int) -> np.ndarray:
        """Rows per class in a data set of ``rows`` rows, in the table's proportions (largest remainders)."""
        exact = self.counts * rows / self.rows
        counts = np.floor(exact).astype(int)
        counts[np.argsort(-(exact - counts), kind="stable")[: rows - counts.sum()]] += 1
        return counts

    def draw(self, rows: int, rng: np.random.Generator) -> tuple[np.ndarray, np.ndarray]:
        """A new data set of ``rows`` rows: x ``(rows, features)`` and labels ``(rows,)``."""
        counts = self.counts_for(rows)
        x = np.vstack(
            [
                mean + rng.standard_normal((n, len(mean))) @ factor.T
                for mean, factor, n in zip(self.means, self.factors, counts, strict=True)
            ]
        )
        return x, np.repeat(self.classes, counts)


def fold_accuracies(
    population: Population, folds: int, repeats: int, learners, rng: np.random.Generator
) -> pd.DataFrame:
    """Each learner's accuracy on each fold of one new data set: a ``per_fold`` table as the claims read it.

    The folds are ``RepeatedStratifiedKFold(folds, repeats)``'s, the splitter of ``studies.folds``.
    """
    from sklearn.model_selection import RepeatedStratifiedKFold

    x, y = population.draw(population.rows, rng)
    splitter = RepeatedStratifiedKFold(
        n_splits=folds, n_repeats=repeats, random_state=int(rng.integers(2**31))
    )
    records = []
    for index, (train, test) in enumerate(splitter.split(x, y)):
        for name in learners:
            model = make_learner(name, len(population.classes)).fit(x[train], y[train])
            records.append(
                (
                    name,
                    index // folds,
                    index % folds,
                    float(np.mean(model.predict(x[test]) == y[test])),
                    len(train),
                    len(test),
                )
            )
    table = pd.DataFrame(records, columns=["model", "repeat", "fold", "accuracy", "n_train", "n_test"])
    return table.assign(normalisation="standard", status="ok")


@dataclass(frozen=True)
class Truth:
    """Each learner's expected accuracy on new data, trained on a fold's rows, and a - b per pair."""

    train_rows: int
    accuracy: Mapping[str, float]
    difference: Mapping[tuple[str, str], float]
    error: Mapping[tuple[str, str], float]  # the standard error of each difference's estimate
    draws: int

    @classmethod
    def from_scores(cls, train_rows: int, scores: Mapping[str, np.ndarray], pairs=PAIRS) -> Truth:
        """The truth from each learner's accuracy ``(draws,)`` on new data, one per training set."""
        differences = {pair: scores[pair[0]] - scores[pair[1]] for pair in pairs}
        draws = len(next(iter(scores.values())))
        return cls(
            train_rows=train_rows,
            accuracy={name: float(values.mean()) for name, values in scores.items()},
            difference={pair: float(values.mean()) for pair, values in differences.items()},
            error={pair: float(values.std(ddof=1) / np.sqrt(draws)) for pair, values in differences.items()},
            draws=draws,
        )


def accuracy_on_new_data(
    population: Population, train_rows: int, draws: int, test_rows: int, seed, learners=LEARNERS
) -> dict[str, np.ndarray]:
    """Each learner's accuracy ``(draws,)`` on ``test_rows`` new rows, trained on ``draws`` new data sets.

    Each training set of ``train_rows`` rows is drawn anew, every learner trained on it and scored on
    the same new rows, so that differences pair up; their mean over the draws is the truth, and
    their spread over the draws (which includes the test rows' own) its standard error.
    """
    rng = np.random.default_rng(seed)
    scores = {name: np.empty(draws) for name in learners}
    for draw in range(draws):
        x, y = population.draw(train_rows, rng)
        x_test, y_test = population.draw(test_rows, rng)
        for name in learners:
            scores[name][draw] = np.mean(
                make_learner(name, len(population.classes)).fit(x, y).predict(x_test) == y_test
            )
    return scores


def margins(truth: float, margin: float) -> dict[str, float]:
    """The claim's margin in each case, for a claim about a true difference ``truth`` of a minus b.

    ``not_better`` and ``equivalent`` hold when |a - b| stays within the margin (for ``not_better``
    on the upper side): true with a margin when the margin is ``margin`` beyond the truth, at the
    boundary when it is the truth itself, false when it is half of it (the truth outside by half).
    """
    size = abs(truth)
    return {"true with a margin": size + margin, "at the boundary": size, "false": size / 2}
