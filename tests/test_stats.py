"""Corrected cross-validation statistics, checked against hand arithmetic and scikit-learn's example."""

import math

import numpy as np
import pytest

from winenet.studies.stats import (
    corrected_interval,
    corrected_paired_test,
    correlated_t_posterior,
    holm_adjust,
    independent_interval,
)

# The worked example used throughout:
#   differences d = [0.02, 0.04, -0.01, 0.03, 0.00], n = 5, n_train = 8, n_test = 2
#   mean          = 0.08 / 5 = 0.016
#   deviations    = 0.004, 0.024, -0.026, 0.014, -0.016
#   squares       = 16e-6, 576e-6, 676e-6, 196e-6, 256e-6, summing to 1720e-6
#   s^2           = 1720e-6 / (5 - 1) = 430e-6,   s = sqrt(430e-6) = 0.0207364
#   correction    = 1/n + n_test/n_train = 1/5 + 2/8 = 0.2 + 0.25 = 0.45
#   corrected var = 0.45 * 430e-6 = 193.5e-6,     se = sqrt(193.5e-6) = 0.0139104
#   naive var     = 430e-6 / 5 = 86e-6,           naive se = sqrt(86e-6) = 0.0092736
#   se / naive se = sqrt(0.45 / 0.2) = sqrt(2.25) = 1.5 = sqrt(1 + n * n_test / n_train) = sqrt(1 + 1.25)
DIFFERENCES = [0.02, 0.04, -0.01, 0.03, 0.00]
N_TRAIN, N_TEST = 8, 2
MEAN = 0.016
VARIANCE = 430e-6
SE = math.sqrt(0.45 * VARIANCE)  # 0.0139104
NAIVE_SE = math.sqrt(VARIANCE / 5)  # 0.0092736

# Student t table values with 4 degrees of freedom (computed once with scipy.stats.t, kept as literals).
T_0975_4 = 2.776445  # t_{0.975,4}: 95% two-sided quantile
T_095_4 = 2.131847  # t_{0.95,4}: 90% two-sided quantile
SF_4_AT_1_150216 = 0.157071  # P(T_4 > 1.150216), the upper tail at the example's t statistic
CDF_4_AT_MINUS_0_431331 = 0.344229  # P(T_4 <= -0.431331)
CDF_4_AT_MINUS_1_869101 = 0.067486  # P(T_4 <= -1.869101)

HAND = {"rel": 1e-5}  # the literals above carry 6 to 7 significant digits


def test_interval_matches_hand_arithmetic():
    result = corrected_interval(DIFFERENCES, N_TRAIN, N_TEST)
    assert result["n"] == 5
    assert result["df"] == 4
    assert result["mean"] == pytest.approx(MEAN)
    assert result["std"] == pytest.approx(0.0207364, **HAND)
    assert result["se"] == pytest.approx(0.0139104, **HAND)
    assert result["naive_se"] == pytest.approx(0.0092736, **HAND)
    # half width = t_{0.975,4} * se = 2.776445 * 0.0139104 = 0.0386215
    # interval   = 0.016 -/+ 0.0386215 = [-0.0226215, 0.0546215]
    assert result["ci_low"] == pytest.approx(-0.0226215, **HAND)
    assert result["ci_high"] == pytest.approx(0.0546215, **HAND)


def test_interval_confidence_level_sets_the_quantile():
    # 90%: half width = t_{0.95,4} * se = 2.131847 * 0.0139104 = 0.0296548
    result = corrected_interval(DIFFERENCES, N_TRAIN, N_TEST, confidence=0.90)
    assert result["ci_high"] - result["mean"] == pytest.approx(T_095_4 * SE, **HAND)
    assert result["mean"] - result["ci_low"] == pytest.approx(0.0296548, **HAND)


def test_corrected_interval_is_wider_than_naive_by_the_exact_factor():
    result = corrected_interval(DIFFERENCES, N_TRAIN, N_TEST)
    # Both intervals use t_{0.975,4}; the corrected one is 1.5 times as wide (see the worked example).
    naive_width = 2 * T_0975_4 * NAIVE_SE
    assert (result["ci_high"] - result["ci_low"]) / naive_width == pytest.approx(1.5, **HAND)

    rng = np.random.default_rng(1)
    for n, n_train, n_test in [(10, 160.2, 17.8), (50, 142.4, 35.6), (3, 100, 50)]:
        result = corrected_interval(rng.normal(0.9, 0.03, n), n_train, n_test)
        factor = math.sqrt(1 + n * n_test / n_train)
        assert result["se"] / result["naive_se"] == pytest.approx(factor, rel=1e-12)


def test_paired_test_matches_hand_arithmetic():
    result = corrected_paired_test(DIFFERENCES, N_TRAIN, N_TEST)
    # t = mean / se = 0.016 / 0.0139104 = 1.150216
    assert result["t"] == pytest.approx(1.150216, **HAND)
    # two-sided p = 2 * P(T_4 > 1.150216) = 2 * 0.157071 = 0.314142
    assert result["p_value"] == pytest.approx(2 * SF_4_AT_1_150216, **HAND)
    # it carries the interval as well
    assert result["ci_low"] == pytest.approx(-0.0226215, **HAND)
    assert result["se"] == pytest.approx(SE)


def test_paired_test_is_symmetric_in_the_sign_of_the_differences():
    forward = corrected_paired_test(DIFFERENCES, N_TRAIN, N_TEST)
    backward = corrected_paired_test([-d for d in DIFFERENCES], N_TRAIN, N_TEST)
    assert backward["t"] == pytest.approx(-forward["t"])
    assert backward["p_value"] == pytest.approx(forward["p_value"])


def test_posterior_matches_hand_arithmetic():
    result = correlated_t_posterior(DIFFERENCES, N_TRAIN, N_TEST, rope=0.01)
    # The posterior of the mean difference is mean + se * T_4.
    # P(B better) = P(diff < -0.01) = P(T_4 < (-0.01 - 0.016) / 0.0139104) = P(T_4 < -1.869101) = 0.067486
    # P(A better) = P(diff > 0.01)  = P(T_4 > (0.01 - 0.016) / 0.0139104)  = P(T_4 > -0.431331)
    #             = 1 - 0.344229 = 0.655771
    # P(equivalent) = 1 - 0.655771 - 0.067486 = 0.276743
    assert result["p_b_better"] == pytest.approx(CDF_4_AT_MINUS_1_869101, **HAND)
    assert result["p_a_better"] == pytest.approx(1 - CDF_4_AT_MINUS_0_431331, **HAND)
    assert result["p_equivalent"] == pytest.approx(0.276743, **HAND)


def test_posterior_without_rope_splits_at_zero_like_the_one_sided_test():
    result = correlated_t_posterior(DIFFERENCES, N_TRAIN, N_TEST, rope=0.0)
    assert result["p_equivalent"] == 0.0
    # P(diff < 0) = P(T_4 < -t) = P(T_4 > 1.150216) = 0.157071, half the two-sided p-value
    assert result["p_b_better"] == pytest.approx(SF_4_AT_1_150216, **HAND)
    assert result["p_a_better"] == pytest.approx(1 - SF_4_AT_1_150216, **HAND)


def test_posterior_sums_to_one_and_moves_the_right_way_with_rope():
    ropes = [0.0, 0.001, 0.005, 0.01, 0.02, 0.05, 0.2]
    results = [correlated_t_posterior(DIFFERENCES, N_TRAIN, N_TEST, rope) for rope in ropes]
    for result in results:
        assert sum(result.values()) == pytest.approx(1.0, abs=1e-12)
        assert all(0.0 <= p <= 1.0 for p in result.values())
    for narrow, wide in zip(results, results[1:], strict=False):
        assert wide["p_equivalent"] > narrow["p_equivalent"]
        assert wide["p_a_better"] < narrow["p_a_better"]
        assert wide["p_b_better"] < narrow["p_b_better"]
    # A rope ten standard errors wide leaves almost nothing outside it.
    assert results[-1]["p_equivalent"] > 0.99


def test_agrees_with_scikit_learn_example_on_random_data():
    from scipy.stats import t as student_t

    rng = np.random.default_rng(0)
    for k, r, n_train, n_test in [(10, 10, 160.2, 17.8), (5, 3, 142.4, 35.6), (3, 1, 118.7, 59.3)]:
        diff = rng.normal(0.01, 0.04, k * r)
        kr = len(diff)
        # The formulas of scikit-learn's "Statistical comparison of models using grid search" example.
        corrected_std = np.sqrt((1 / kr + n_test / n_train) * np.var(diff, ddof=1))
        t_stat = np.mean(diff) / corrected_std
        one_sided_p = student_t.sf(np.abs(t_stat), kr - 1)  # the example's "right-tailed" p-value
        t_post = student_t(kr - 1, loc=np.mean(diff), scale=corrected_std)
        rope = 0.01

        interval = corrected_interval(diff, n_train, n_test)
        assert interval["se"] == pytest.approx(corrected_std, rel=1e-12)
        half_width = student_t.ppf(0.975, kr - 1) * corrected_std
        assert interval["ci_low"] == pytest.approx(np.mean(diff) - half_width, rel=1e-12)
        assert interval["ci_high"] == pytest.approx(np.mean(diff) + half_width, rel=1e-12)

        test = corrected_paired_test(diff, n_train, n_test)
        assert test["t"] == pytest.approx(t_stat, rel=1e-12)
        assert test["p_value"] == pytest.approx(2 * one_sided_p, rel=1e-12)

        posterior = correlated_t_posterior(diff, n_train, n_test, rope)
        assert posterior["p_b_better"] == pytest.approx(t_post.cdf(-rope), rel=1e-12)
        assert posterior["p_a_better"] == pytest.approx(1 - t_post.cdf(rope), rel=1e-9)
        assert posterior["p_equivalent"] == pytest.approx(t_post.cdf(rope) - t_post.cdf(-rope), rel=1e-12)


def test_zero_variance_interval_is_a_point():
    # Ten copies of 0.1 average to 0.09999999999999999 in floating point; the point must still be 0.1.
    result = corrected_interval([0.1] * 10, N_TRAIN, N_TEST)
    assert result["std"] == 0.0
    assert result["se"] == 0.0
    assert result["naive_se"] == 0.0
    assert result["ci_low"] == result["mean"] == result["ci_high"] == 0.1


@pytest.mark.parametrize(
    ("value", "expected_t", "expected_p"),
    [(0.02, math.inf, 0.0), (-0.02, -math.inf, 0.0)],
)
def test_zero_variance_paired_test_with_nonzero_mean(value, expected_t, expected_p):
    result = corrected_paired_test([value] * 4, N_TRAIN, N_TEST)
    assert result["t"] == expected_t
    assert result["p_value"] == expected_p


def test_zero_variance_paired_test_with_zero_mean():
    result = corrected_paired_test([0.0] * 4, N_TRAIN, N_TEST)
    assert math.isnan(result["t"])
    assert result["p_value"] == 1.0


@pytest.mark.parametrize(
    ("value", "rope", "expected"),
    [
        (0.02, 0.01, (1.0, 0.0, 0.0)),
        (0.02, 0.02, (0.0, 1.0, 0.0)),  # exactly on the rope edge counts as equivalent
        (0.02, 0.03, (0.0, 1.0, 0.0)),
        (-0.02, 0.01, (0.0, 0.0, 1.0)),
        (-0.02, 0.02, (0.0, 1.0, 0.0)),
        (0.0, 0.0, (0.0, 1.0, 0.0)),
        (0.001, 0.0, (1.0, 0.0, 0.0)),
    ],
)
def test_zero_variance_posterior_is_a_point_mass(value, rope, expected):
    result = correlated_t_posterior([value] * 6, N_TRAIN, N_TEST, rope)
    assert (result["p_a_better"], result["p_equivalent"], result["p_b_better"]) == expected


def test_holm_textbook_example():
    # sorted: 0.005, 0.01, 0.03, 0.04 -> scaled by 4, 3, 2, 1: 0.02, 0.03, 0.06, 0.04
    # running maximum: 0.02, 0.03, 0.06, 0.06; back in input order:
    adjusted = holm_adjust([0.01, 0.04, 0.03, 0.005])
    np.testing.assert_allclose(adjusted, [0.03, 0.06, 0.06, 0.02], rtol=1e-12)


def test_holm_caps_at_one_and_handles_ties_and_edges():
    # sorted 0.2, 0.3, 0.3 -> 0.6, 0.6, 0.3 -> running max 0.6, 0.6, 0.6
    np.testing.assert_allclose(holm_adjust([0.3, 0.2, 0.3]), [0.6, 0.6, 0.6])
    # 0.4 * 3 = 1.2 is capped at 1
    np.testing.assert_allclose(holm_adjust([0.4, 0.5, 0.9]), [1.0, 1.0, 1.0])
    np.testing.assert_allclose(holm_adjust([0.04]), [0.04])
    empty = holm_adjust([])
    assert isinstance(empty, np.ndarray)
    assert empty.shape == (0,)


def test_holm_follows_its_definition_on_random_input():
    rng = np.random.default_rng(2)
    p = rng.uniform(0, 0.2, 12)
    order = np.argsort(p)
    m = len(p)
    expected_sorted = [max(min(1.0, (m - j) * p[order[j]]) for j in range(i + 1)) for i in range(m)]
    adjusted = holm_adjust(p)
    np.testing.assert_allclose(adjusted[order], expected_sorted, rtol=1e-12)
    assert np.all(adjusted >= p)
    assert np.all(np.diff(adjusted[order]) >= 0)


@pytest.mark.parametrize(
    ("call", "message"),
    [
        (lambda: corrected_interval([0.5], 8, 2), "at least 2"),
        (lambda: corrected_interval([], 8, 2), "at least 2"),
        (lambda: corrected_interval([[0.5, 0.6], [0.7, 0.8]], 8, 2), "one-dimensional"),
        (lambda: corrected_interval([0.5, np.nan, 0.6], 8, 2), "NaN"),
        (lambda: corrected_interval([0.5, np.inf, 0.6], 8, 2), "infinite"),
        (lambda: corrected_interval([0.5, 0.6], 0, 2), "n_train"),
        (lambda: corrected_interval([0.5, 0.6], -8, 2), "n_train"),
        (lambda: corrected_interval([0.5, 0.6], 8, 0), "n_test"),
        (lambda: corrected_interval([0.5, 0.6], 8, np.nan), "n_test"),
        (lambda: corrected_interval([0.5, 0.6], 8, 2, confidence=1.0), "confidence"),
        (lambda: corrected_interval([0.5, 0.6], 8, 2, confidence=0.0), "confidence"),
        (lambda: corrected_paired_test([0.01], 8, 2), "at least 2"),
        (lambda: corrected_paired_test([0.01, np.nan], 8, 2), "NaN"),
        (lambda: correlated_t_posterior([0.01, 0.02], 8, 2, rope=-0.01), "rope"),
        (lambda: correlated_t_posterior([0.01, 0.02], 8, 2, rope=np.nan), "rope"),
        (lambda: correlated_t_posterior([0.01], 8, 2, rope=0.01), "at least 2"),
        (lambda: correlated_t_posterior([0.01, 0.02], 8, -2, rope=0.01), "n_test"),
        (lambda: holm_adjust([0.01, np.nan]), "NaN"),
        (lambda: holm_adjust([0.01, 1.5]), r"\[0, 1\]"),
        (lambda: holm_adjust([[0.01, 0.02]]), "one-dimensional"),
    ],
)
def test_invalid_inputs_raise(call, message):
    with pytest.raises(ValueError, match=message):
        call()


def test_independent_interval_by_hand():
    # values 0.90, 0.94, 0.96, 0.92: mean 0.93, deviations -0.03 0.01 0.03 -0.01, sum of squares
    # 0.002, s^2 = 0.002 / 3, s = 0.0258199; t_{0.975,3} = 3.182446.
    result = independent_interval([0.90, 0.94, 0.96, 0.92])
    s = math.sqrt(0.002 / 3)
    assert result["mean"] == pytest.approx(0.93)
    assert result["std"] == pytest.approx(s)
    assert result["ci_high"] - result["mean"] == pytest.approx(3.182446 * s / 2, rel=1e-6)
    assert result["pi_high"] - result["mean"] == pytest.approx(3.182446 * s * math.sqrt(1.25), rel=1e-6)
    assert (result["min"], result["max"]) == (0.90, 0.96)


def test_independent_interval_of_equal_values_has_no_width():
    result = independent_interval([0.5, 0.5, 0.5])
    assert result["ci_low"] == result["ci_high"] == result["pi_low"] == result["pi_high"] == 0.5


def test_bootstrap_interval_is_scipys_bca_and_a_point_without_spread():
    from scipy import stats

    from winenet.studies.stats import bootstrap_interval

    values = np.random.default_rng(5).gamma(2.0, size=30)
    interval = bootstrap_interval([values], np.mean, seed=3)
    expected = stats.bootstrap((values,), np.mean, n_resamples=9999, rng=np.random.default_rng(3))
    assert (interval.low, interval.high) == pytest.approx(tuple(expected.confidence_interval))
    assert interval.method == "BCa" and interval.estimate == pytest.approx(values.mean())
    assert bootstrap_interval([np.full(8, 0.9)], np.mean).method == "point"


def test_one_sided_p_is_scipys_t_test_and_certain_without_spread():
    from scipy import stats

    from winenet.studies.stats import one_sided_p

    values = np.random.default_rng(6).normal(0.3, 1.0, size=(40, 2))
    values[:, 1] = 2.0
    p = one_sided_p(values, "greater")
    assert p[0] == pytest.approx(stats.ttest_1samp(values[:, 0], 0.0, alternative="greater").pvalue)
    assert p[1] == 0.0 and one_sided_p(values, "less")[1] == 1.0


def test_the_row_floor_is_a_difference_at_the_margin_over_the_rows_and_never_zero():
    from winenet.studies.stats import row_floor

    # At the margin: a difference of 0.03 is nonzero on at least 3 % of the rows; one row is the least.
    assert row_floor(0.03, 178) == pytest.approx(math.sqrt(0.03 * 0.97 / 178))
    assert row_floor(0.0, 178) == pytest.approx(math.sqrt((1 / 178) * (177 / 178) / 178))
    with pytest.raises(ValueError, match="rows"):
        row_floor(0.03, 0)


@pytest.mark.parametrize("value", [0.0, 1 / 36, -1 / 36])
def test_folds_without_spread_are_no_certainty_under_a_floor(value):
    from winenet.studies.stats import row_floor

    # Bug: ten folds with the same difference gave a point mass, so any claim was certain either way.
    floor = row_floor(0.0, 178)
    posterior = correlated_t_posterior([value] * 10, N_TRAIN, N_TEST, 0.0, floor_se=floor)
    assert 0.0 < posterior["p_a_better"] < 1.0 and 0.0 < posterior["p_b_better"] < 1.0
    test = corrected_paired_test([value] * 10, N_TRAIN, N_TEST, floor_se=floor)
    assert test["se"] == pytest.approx(floor) and test["ci_low"] < value < test["ci_high"]
    assert 0.0 < test["p_value"] <= 1.0


def test_a_floor_below_the_folds_own_error_changes_nothing():
    plain = correlated_t_posterior(DIFFERENCES, N_TRAIN, N_TEST, 0.01)
    floored = correlated_t_posterior(DIFFERENCES, N_TRAIN, N_TEST, 0.01, floor_se=1e-6)
    assert floored == plain
