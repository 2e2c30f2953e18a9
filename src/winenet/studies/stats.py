"""Corrected intervals and tests for accuracies from repeated k-fold cross-validation.

Any two folds share most of their training rows, so per-fold accuracies are positively correlated and
s^2 / n understates the variance of their mean; the Nadeau-Bengio correction (1/n + n_test/n_train) * s^2
widens it, with a Student t on n - 1 degrees of freedom, as in scikit-learn's grid-search-stats example.
Distributions, the bootstrap and Friedman's test are scipy's; only the corrections are written here.
The correlated t posterior (Corani & Benavoli 2015) reads the same t as a belief about the true mean
difference, so it gives the probability that A is better, B is better, or they are practically equal.
A standard error can be given a floor (``row_floor``): folds that all show the same difference have
no spread, which is no certainty about data the table did not hold.
"""

from __future__ import annotations

import math
import warnings
from collections.abc import Callable, Sequence
from dataclasses import dataclass

import numpy as np
from scipy import stats as scipy_stats

__all__ = [
    "Interval",
    "bootstrap_interval",
    "concordance",
    "one_sided_p",
    "corrected_interval",
    "independent_interval",
    "corrected_paired_test",
    "correlated_t_posterior",
    "holm_adjust",
    "row_floor",
    "within",
]


def _check_values(values, name: str) -> np.ndarray:
    array = np.asarray(values, dtype=float)
    if array.ndim != 1:
        raise ValueError(f"{name} must be one-dimensional, got shape {array.shape}")
    if array.size < 2:
        raise ValueError(f"{name} needs at least 2 values for a sample variance, got {array.size}")
    if not np.all(np.isfinite(array)):
        # A diverged run shows up as NaN; dropping it is a decision the caller must make and record.
        raise ValueError(f"{name} contains NaN or infinite values; drop diverged runs explicitly first")
    return array


def _check_positive(value: float, name: str) -> float:
    value = float(value)
    if not (math.isfinite(value) and value > 0):
        raise ValueError(f"{name} must be a positive finite number, got {value}")
    return value


def row_floor(margin: float, rows: float) -> float:
    """The least standard error of a mean accuracy difference over ``rows`` distinct rows, at ``margin``.

    Two classifiers' difference on one row is -1, 0 or 1; with true mean d it is nonzero on at least
    |d| of the rows, so its variance is at least |d|(1 - |d|), and a mean over the ``rows`` rows that
    every repeat of cross-validation covers anew varies from data set to data set by at least that
    over ``rows``. The folds' own spread cannot show this: data sets on which the two happen to agree
    give folds with no spread at all, while the truth may lie at the claim's margin. |d| is taken at
    the margin, where a verdict's error is defined, and at least one row; a mean further out is
    evidence, and widening the error with it would only cost power.
    """
    rows = _check_positive(rows, "rows")
    share = min(0.5, max(abs(float(margin)), 1.0 / rows))
    return math.sqrt(share * (1.0 - share) / rows)


def _summary(values, n_train: float, n_test: float, name: str, floor_se: float = 0.0) -> dict:
    array = _check_values(values, name)
    n_train = _check_positive(n_train, "n_train")
    n_test = _check_positive(n_test, "n_test")
    n = array.size
    if np.all(array == array[0]):
        # Identical values can still give a mean and variance a rounding error away from exact;
        # the degenerate branches downstream rely on std being exactly zero.
        mean, std = float(array[0]), 0.0
    else:
        mean, std = float(array.mean()), float(array.std(ddof=1))
    se = max(math.sqrt(1.0 / n + n_test / n_train) * std, float(floor_se))
    return {"n": n, "mean": mean, "std": std, "se": se, "naive_se": std / math.sqrt(n), "df": n - 1}


def corrected_interval(
    values, n_train: float, n_test: float, confidence: float = 0.95, *, floor_se: float = 0.0
) -> dict:
    """Nadeau-Bengio corrected t interval for the mean of per-fold values `(n,)`; returns a dict of floats.

    ``floor_se``: the least standard error the mean may have (``row_floor``); 0 trusts the folds.
    """
    if not 0 < confidence < 1:
        raise ValueError(f"confidence must lie strictly between 0 and 1, got {confidence}")
    summary = _summary(values, n_train, n_test, "values", floor_se)
    if summary["se"] == 0:
        half_width = 0.0
    else:
        half_width = float(scipy_stats.t.ppf((1 + confidence) / 2, summary["df"])) * summary["se"]
    return {
        "n": summary["n"],
        "mean": summary["mean"],
        "std": summary["std"],
        "se": summary["se"],
        "ci_low": summary["mean"] - half_width,
        "ci_high": summary["mean"] + half_width,
        "naive_se": summary["naive_se"],
        "df": summary["df"],
    }


def independent_interval(values, confidence: float = 0.95) -> dict:
    """t interval for the mean of independent values `(n,)` (runs with their own seeds), and their spread.

    Keys: n, mean, std, se, ci_low, ci_high (the mean's interval), pi_low, pi_high (where one more
    run would land: the prediction interval mean ± t * std * sqrt(1 + 1/n)), min, max.
    """
    if not 0 < confidence < 1:
        raise ValueError(f"confidence must lie strictly between 0 and 1, got {confidence}")
    array = _check_values(values, "values")
    n = array.size
    constant = bool(np.all(array == array[0]))
    mean = float(array[0]) if constant else float(array.mean())
    std = 0.0 if constant else float(array.std(ddof=1))
    quantile = 0.0
    if std > 0:
        quantile = float(scipy_stats.t.ppf((1 + confidence) / 2, n - 1))
    half_mean, half_next = quantile * std / math.sqrt(n), quantile * std * math.sqrt(1 + 1 / n)
    return {
        "n": n,
        "mean": mean,
        "std": std,
        "se": std / math.sqrt(n),
        "ci_low": mean - half_mean,
        "ci_high": mean + half_mean,
        "pi_low": mean - half_next,
        "pi_high": mean + half_next,
        "min": float(array.min()),
        "max": float(array.max()),
    }


def corrected_paired_test(
    differences, n_train: float, n_test: float, confidence: float = 0.95, *, floor_se: float = 0.0
) -> dict:
    """Two-sided corrected paired t-test on per-fold differences A - B `(n,)`; adds t and p_value."""
    result = corrected_interval(differences, n_train, n_test, confidence, floor_se=floor_se)
    mean, se = result["mean"], result["se"]
    if se == 0:
        # Every fold gave the same difference: no spread to weigh it against, so any nonzero mean is certain.
        result["t"] = math.copysign(math.inf, mean) if mean != 0 else math.nan
        result["p_value"] = 0.0 if mean != 0 else 1.0
    else:
        t = mean / se
        result["t"] = t
        result["p_value"] = float(min(1.0, 2 * scipy_stats.t.cdf(-abs(t), result["df"])))
    return result


def correlated_t_posterior(
    differences, n_train: float, n_test: float, rope: float, *, floor_se: float = 0.0
) -> dict:
    """Bayesian correlated t-test on per-fold differences A - B `(n,)`: P(A better, equivalent, B better).

    ``floor_se``: the least standard error of the mean difference (``row_floor``); 0 trusts the folds.
    """
    rope = float(rope)
    if not (math.isfinite(rope) and rope >= 0):
        raise ValueError(f"rope must be a non-negative finite number, got {rope}")
    summary = _summary(differences, n_train, n_test, "differences", floor_se)
    mean, se = summary["mean"], summary["se"]
    if se == 0:
        # The posterior collapses to a point mass at the mean; a mean exactly on the rope edge is inside it.
        a_better, b_better = float(mean > rope), float(mean < -rope)
        return {"p_a_better": a_better, "p_equivalent": 1.0 - a_better - b_better, "p_b_better": b_better}
    df = summary["df"]

    def cdf(x: float) -> float:
        return float(scipy_stats.t.cdf((x - mean) / se, df))

    # The upper tail as the cdf of the mirrored point keeps precision when P(A better) is tiny,
    # where 1 - cdf would round to 0.
    return {
        "p_a_better": float(scipy_stats.t.cdf((mean - rope) / se, df)),
        "p_equivalent": cdf(rope) - cdf(-rope),
        "p_b_better": cdf(-rope),
    }


def holm_adjust(p_values) -> np.ndarray:
    """Holm step-down adjusted p-values `(m,)` for p-values `(m,)`, in the input order."""
    p = np.asarray(p_values, dtype=float)
    if p.ndim != 1:
        raise ValueError(f"p_values must be one-dimensional, got shape {p.shape}")
    if np.any(np.isnan(p)):
        raise ValueError("p_values contains NaN; a missing test must be dropped explicitly, not adjusted")
    if np.any((p < 0) | (p > 1)):
        raise ValueError("p_values must lie in [0, 1]")
    m = p.size
    # A stable sort gives tied p-values the same adjusted value through the running maximum.
    order = np.argsort(p, kind="stable")
    scaled = (m - np.arange(m)) * p[order]
    adjusted = np.empty(m)
    # The running maximum keeps the step-down order: a hypothesis is rejected only if all smaller ones are.
    adjusted[order] = np.minimum(1.0, np.maximum.accumulate(scaled))
    return adjusted


def within(values: dict, keys, low: float, high: float) -> dict:
    """``values`` with the entries ``keys`` cut to ``[low, high]``: the range the quantity can take.

    A t interval of a bounded quantity (an accuracy, a rank) can reach past its bounds; what lies
    past them is impossible, so it is cut rather than printed.
    """
    return {key: (min(max(value, low), high) if key in keys else value) for key, value in values.items()}


# The bootstrap's resamples: enough that the interval's ends move by less than the printed digits
# from one seed of the resampling to another, processed in batches so that a study of 300 runs by
# 13 features never holds every resample at once.
BOOTSTRAP_RESAMPLES = 9999
_BOOTSTRAP_BATCH = 500


@dataclass(frozen=True)
class Interval:
    """A statistic and its interval; ``method`` says how the interval was found.

    "BCa" (bias-corrected and accelerated bootstrap), "percentile" (when BCa's acceleration
    cannot be computed) or "point" (every value equal: no spread, so the interval is the value).
    """

    estimate: float
    low: float
    high: float
    method: str
    confidence: float = 0.95


def bootstrap_interval(
    samples: Sequence,
    statistic: Callable,
    *,
    paired: bool = False,
    confidence: float = 0.95,
    seed: int = 0,
) -> Interval | None:
    """``statistic(*samples)`` with its bootstrap interval (scipy's BCa), or None where none exists.

    ``samples`` are 1-D arrays ``(n,)``; with ``paired`` they are resampled at the same positions
    (e.g. the same seeds of two models, or the features of the same runs). ``statistic`` takes the
    samples and an ``axis`` keyword. Samples that are all constant give a point, not scipy's NaN;
    when BCa cannot be computed (a jackknife with no spread) the percentile interval is used; when
    even that is not finite (a statistic that divides by zero in some resamples) there is no
    interval, and the caller says why.
    """
    arrays = [np.asarray(sample, dtype=np.float64) for sample in samples]
    estimate = float(statistic(*arrays, axis=-1))
    if all(np.ptp(array) == 0 for array in arrays):
        return (
            Interval(estimate, estimate, estimate, "point", confidence) if math.isfinite(estimate) else None
        )
    for method in ("BCa", "percentile"):
        with warnings.catch_warnings():
            # scipy warns and returns NaN where BCa's jackknife has no spread; that is handled here.
            warnings.simplefilter("ignore", (RuntimeWarning, scipy_stats.DegenerateDataWarning))
            result = scipy_stats.bootstrap(
                arrays,
                statistic,
                paired=paired,
                vectorized=True,
                n_resamples=BOOTSTRAP_RESAMPLES,
                batch=_BOOTSTRAP_BATCH,
                confidence_level=confidence,
                method=method,
                rng=np.random.default_rng(seed),
            )
        low, high = (float(value) for value in result.confidence_interval)
        if math.isfinite(low) and math.isfinite(high) and math.isfinite(estimate):
            return Interval(estimate, low, high, method, confidence)
    return None


def concordance(matrix) -> tuple[float, float]:
    """Kendall's W and Friedman's p-value for ``matrix`` ``(judges, items)``: do the judges rank alike?

    Each row (e.g. a run of the importance study) scores or ranks every item (a feature); W is 0
    when the rows order the items at random and 1 when every row orders them the same. Needs at
    least three items and two rows; ties count as in scipy's ``friedmanchisquare``.
    """
    values = np.asarray(matrix, dtype=np.float64)
    if values.ndim != 2 or values.shape[0] < 2 or values.shape[1] < 3:
        raise ValueError(f"need at least 2 rows and 3 items, got shape {values.shape}")
    if np.all(values == values[0]):
        # Every row the same, where Friedman's statistic has no variance to divide by: perfect
        # agreement when the items differ, none when every item is tied with every other.
        return (0.0, 1.0) if np.all(values == values.flat[0]) else (1.0, 0.0)
    result = scipy_stats.friedmanchisquare(*values.T)
    judges, items = values.shape
    return float(result.statistic / (judges * (items - 1))), float(result.pvalue)


def one_sided_p(differences, alternative: str) -> np.ndarray:
    """One-sample t-test p-values of mean > 0 (``"greater"``) or < 0 (``"less"``), per column.

    ``differences`` ``(n,)`` or ``(n, m)`` are independent paired differences (e.g. rank differences
    over the runs of a study). A column without spread is certain: p 0 when its value lies on the
    alternative's side, 1 otherwise.
    """
    values = np.asarray(differences, dtype=np.float64)
    if alternative not in ("greater", "less"):
        raise ValueError(f"alternative must be 'greater' or 'less', got {alternative!r}")
    constant = np.all(values == values[:1], axis=0)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", RuntimeWarning)
        p = np.asarray(scipy_stats.ttest_1samp(values, 0.0, axis=0, alternative=alternative).pvalue)
    side = values[0] > 0 if alternative == "greater" else values[0] < 0
    return np.where(constant, np.where(side, 0.0, 1.0), p)
