"""Corrected intervals and tests for accuracies from repeated k-fold cross-validation.

Any two folds share most of their training rows, so per-fold accuracies are positively correlated and
s^2 / n understates the variance of their mean; the Nadeau-Bengio correction (1/n + n_test/n_train) * s^2
widens it, with a Student t on n - 1 degrees of freedom, as in scikit-learn's grid-search-stats example.
The correlated t posterior (Corani & Benavoli 2015) reads the same t as a belief about the true mean
difference, so it gives the probability that A is better, B is better, or they are practically equal.
"""

from __future__ import annotations

import math

import numpy as np

__all__ = [
    "corrected_interval",
    "independent_interval",
    "corrected_paired_test",
    "correlated_t_posterior",
    "holm_adjust",
    "block_bootstrap_interval",
    "block_bootstrap_ratio",
    "wilson_interval",
    "within",
    "verdict",
]

# The t distribution is written out below and the normal one comes from the standard library:
# scipy.stats (the same numbers) costs about a second per process to import, and
# light pipeline jobs that only import winenet must not pay for it.


def _incomplete_beta(a: float, b: float, x: float) -> float:
    """The regularised incomplete beta function I_x(a, b), by its continued fraction (Lentz)."""
    if x <= 0:
        return 0.0
    if x >= 1:
        return 1.0
    if x > (a + 1) / (a + b + 2):
        # The fraction converges fast only below the mean: use the symmetry I_x(a,b) = 1 - I_1-x(b,a).
        return 1.0 - _incomplete_beta(b, a, 1.0 - x)
    front = (
        math.exp(a * math.log(x) + b * math.log1p(-x) - math.lgamma(a) - math.lgamma(b) + math.lgamma(a + b))
        / a
    )
    tiny = 1e-300
    c, d = 1.0, 1.0 - (a + b) * x / (a + 1)
    d = 1.0 / (d if abs(d) > tiny else tiny)
    result = d
    for m in range(1, 500):
        for numerator in (
            m * (b - m) * x / ((a + 2 * m - 1) * (a + 2 * m)),
            -(a + m) * (a + b + m) * x / ((a + 2 * m) * (a + 2 * m + 1)),
        ):
            d = 1.0 + numerator * d
            d = 1.0 / (d if abs(d) > tiny else tiny)
            c = 1.0 + numerator / c
            c = c if abs(c) > tiny else tiny
            result *= c * d
        if abs(c * d - 1.0) < 1e-16:
            break
    return front * result


def _t_tail(x: float, df: float) -> float:
    """P(T > |x|) for Student's t with ``df`` degrees of freedom, without cancellation."""
    if math.isinf(x):
        return 0.0
    return 0.5 * _incomplete_beta(df / 2, 0.5, df / (df + x * x))


def _t_cdf(x: float, df: float) -> float:
    """P(T <= x) for Student's t with ``df`` degrees of freedom."""
    # Written out rather than taken from scipy: importing scipy costs a light job most of a second.
    tail = _t_tail(x, df)
    return 1.0 - tail if x > 0 else tail


def _t_quantile(probability: float, df: float) -> float:
    """The ``probability`` quantile of Student's t with ``df`` degrees of freedom."""
    if probability == 0.5:
        return 0.0
    if probability < 0.5:
        return -_t_quantile(1.0 - probability, df)
    # The upper tail is searched, not the cdf: 1 - cdf near 1 would lose the digits that matter.
    target = 1.0 - probability
    low, high = 0.0, 1.0
    while _t_tail(high, df) > target:
        low, high = high, 2 * high
    # Bisection to the last bit: a few dozen evaluations, for the few quantiles a job needs.
    for _ in range(200):
        middle = (low + high) / 2
        if middle in (low, high):
            break
        if _t_tail(middle, df) > target:
            low = middle
        else:
            high = middle
    return (low + high) / 2


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


def _summary(values, n_train: float, n_test: float, name: str) -> dict:
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
    se = math.sqrt(1.0 / n + n_test / n_train) * std
    return {"n": n, "mean": mean, "std": std, "se": se, "naive_se": std / math.sqrt(n), "df": n - 1}


def corrected_interval(values, n_train: float, n_test: float, confidence: float = 0.95) -> dict:
    """Nadeau-Bengio corrected t interval for the mean of per-fold values `(n,)`; returns a dict of floats."""
    if not 0 < confidence < 1:
        raise ValueError(f"confidence must lie strictly between 0 and 1, got {confidence}")
    summary = _summary(values, n_train, n_test, "values")
    if summary["se"] == 0:
        half_width = 0.0
    else:
        half_width = _t_quantile((1 + confidence) / 2, summary["df"]) * summary["se"]
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
        quantile = _t_quantile((1 + confidence) / 2, n - 1)
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


def corrected_paired_test(differences, n_train: float, n_test: float, confidence: float = 0.95) -> dict:
    """Two-sided corrected paired t-test on per-fold differences A - B `(n,)`; adds t and p_value."""
    result = corrected_interval(differences, n_train, n_test, confidence)
    mean, se = result["mean"], result["se"]
    if se == 0:
        # Every fold gave the same difference: no spread to weigh it against, so any nonzero mean is certain.
        result["t"] = math.copysign(math.inf, mean) if mean != 0 else math.nan
        result["p_value"] = 0.0 if mean != 0 else 1.0
    else:
        t = mean / se
        result["t"] = t
        result["p_value"] = float(min(1.0, 2 * _t_cdf(-abs(t), result["df"])))
    return result


def correlated_t_posterior(differences, n_train: float, n_test: float, rope: float) -> dict:
    """Bayesian correlated t-test on per-fold differences A - B `(n,)`: P(A better, equivalent, B better)."""
    rope = float(rope)
    if not (math.isfinite(rope) and rope >= 0):
        raise ValueError(f"rope must be a non-negative finite number, got {rope}")
    summary = _summary(differences, n_train, n_test, "differences")
    mean, se = summary["mean"], summary["se"]
    if se == 0:
        # The posterior collapses to a point mass at the mean; a mean exactly on the rope edge is inside it.
        a_better, b_better = float(mean > rope), float(mean < -rope)
        return {"p_a_better": a_better, "p_equivalent": 1.0 - a_better - b_better, "p_b_better": b_better}
    df = summary["df"]

    def cdf(x: float) -> float:
        return _t_cdf((x - mean) / se, df)

    # The upper tail as the cdf of the mirrored point keeps precision when P(A better) is tiny,
    # where 1 - cdf would round to 0.
    return {
        "p_a_better": _t_cdf((mean - rope) / se, df),
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


def verdict(p_a_better: float, p_equivalent: float, p_b_better: float, threshold: float = 0.95) -> str:
    """The outcome with probability >= threshold: "a better", "b better", "equivalent" or "undecided"."""
    # Above one half at most one of three probabilities summing to 1 can pass, so the answer is unambiguous.
    if not 0.5 < threshold <= 1:
        raise ValueError(f"threshold must lie in (0.5, 1], got {threshold}")
    if p_a_better >= threshold:
        return "a better"
    if p_b_better >= threshold:
        return "b better"
    if p_equivalent >= threshold:
        return "equivalent"
    return "undecided"


def _block_positions(n: int, block: int, resamples: int, seed: int) -> np.ndarray:
    """Moving-block resamples of positions 0..n-1, ``(resamples, n)``, drawn with ``seed``."""
    if not 1 <= block <= n:
        raise ValueError(f"block must be between 1 and the number of values ({n}), got {block}")
    rng = np.random.default_rng(seed)
    starts = rng.integers(0, n - block + 1, size=(resamples, -(-n // block)))
    return (starts[:, :, None] + np.arange(block)).reshape(resamples, -1)[:, :n]


def _percentiles(values: np.ndarray, confidence: float) -> tuple[float, float]:
    if not 0 < confidence < 1:
        raise ValueError(f"confidence must lie strictly between 0 and 1, got {confidence}")
    tail = (1 - confidence) / 2
    low, high = np.quantile(values, [tail, 1 - tail])
    return float(low), float(high)


def block_bootstrap_interval(
    values, block: int, resamples: int = 2000, seed: int = 0, confidence: float = 0.95
) -> tuple[float, float]:
    """Percentile interval of the mean of a series `(n,)` whose neighbours are correlated.

    Moving-block bootstrap: each resample strings together random runs of ``block`` consecutive
    values, so the correlation between neighbouring epochs survives and the interval is not
    too narrow. The resamples come from one Generator seeded with ``seed``: the same every run.
    """
    array = _check_values(values, "values")
    positions = _block_positions(array.size, block, resamples, seed)
    return _percentiles(array[positions].mean(axis=1), confidence)


def block_bootstrap_ratio(
    numerator, denominator, block: int, resamples: int = 2000, seed: int = 0, confidence: float = 0.95
) -> tuple[float, float, float]:
    """Ratio of the means of two paired series `(n,)` and its moving-block percentile interval.

    Both series are resampled at the same positions (e.g. the same epochs of two trainings that
    saw the same batches), so their pairing survives. Returns (ratio, low, high).
    """
    top = _check_values(numerator, "numerator")
    bottom = _check_values(denominator, "denominator")
    if top.shape != bottom.shape:
        raise ValueError(f"paired series differ in length: {top.size} and {bottom.size}")
    if not np.all(bottom > 0):
        raise ValueError("denominator must be positive")
    positions = _block_positions(top.size, block, resamples, seed)
    ratios = top[positions].mean(axis=1) / bottom[positions].mean(axis=1)
    return (float(top.mean() / bottom.mean()), *_percentiles(ratios, confidence))


def wilson_interval(successes: int, trials: int, confidence: float = 0.95) -> tuple[float, float]:
    """Wilson score interval of a proportion, e.g. an accuracy: ``successes`` right of ``trials`` rows."""
    from statistics import NormalDist

    if trials <= 0 or not 0 <= successes <= trials:
        raise ValueError(f"need 0 <= successes <= trials and trials > 0, got {successes} of {trials}")
    z = NormalDist().inv_cdf((1 + confidence) / 2)
    share = successes / trials
    centre = (share + z * z / (2 * trials)) / (1 + z * z / trials)
    half = z / (1 + z * z / trials) * math.sqrt(share * (1 - share) / trials + z * z / (4 * trials * trials))
    return max(0.0, centre - half), min(1.0, centre + half)


def within(values: dict, keys, low: float, high: float) -> dict:
    """``values`` with the entries ``keys`` cut to ``[low, high]``: the range the quantity can take.

    A t interval of a bounded quantity (an accuracy, a rank) can reach past its bounds; what lies
    past them is impossible, so it is cut rather than printed.
    """
    return {key: (min(max(value, low), high) if key in keys else value) for key, value in values.items()}
