"""The verdict rules' error rates, measured small: every rule runs on simulated evidence, two are held to it.

bench/calibration.py measures every rule at 400 simulated runs per case and writes docs/claims.md;
here a few runs of each show the machinery works, and the two cheapest rules are held to their
promise at 200 runs: "holds" at the boundary no more often than the error a verdict may carry, and
a true claim deciding at least as often at four times the design.
"""

import numpy as np
import pytest
import yaml
from conftest import REPO
from support.calibration import failures, markdown_table, operating_characteristics, rules
from support.synthetic_evidence import CASES, InfluenceTruth, default_design, log_evenness

from winenet.verdicts.evidence import VERDICTS

CONFIG = yaml.safe_load((REPO / "config.yaml").read_text())
SETTINGS = {key: value for key, value in CONFIG["claims"].items() if key != "statements"}
DESIGN = default_design(CONFIG)


def test_every_rule_runs_in_every_case_at_both_designs():
    table = operating_characteristics(SETTINGS, DESIGN, runs=2)
    assert len(table) == len(rules(SETTINGS)) * len(CASES) * 2
    np.testing.assert_allclose(table[list(VERDICTS)].sum(axis=1), 1.0)
    assert markdown_table(table, DESIGN, 4).count("\n| ") == len(table) + 1


@pytest.mark.parametrize("rule", ["accuracy", "comparison"])
def test_a_rule_is_wrong_at_its_boundary_at_most_at_the_stated_error_and_gains_power_with_data(rule):
    table = operating_characteristics(SETTINGS, DESIGN, runs=200, only={rule})
    assert failures(table, 1 - SETTINGS["posterior_threshold"]) == []
    boundary = table[table["truth"] == "at the boundary"]
    assert (boundary["holds"] <= 0.08).all(), boundary
    true = table[table["truth"] == "true with a margin"]["holds"].tolist()
    assert true[1] >= true[0] - 0.05, true


def test_the_checks_catch_a_rule_that_is_wrong_too_often():
    table = operating_characteristics(SETTINGS, DESIGN, runs=20, only={"accuracy"})
    broken = table.copy()
    broken.loc[broken["truth"] == "at the boundary", "holds"] = 0.5
    assert any("at the boundary it says holds" in line for line in failures(broken, 0.05))
    broken = table.copy()
    broken.loc[(broken["truth"] == "true with a margin") & (broken["design"] == "4x"), "holds"] = 0.0
    assert any("holds less often at the larger design" in line for line in failures(broken, 0.05))


def test_the_simulated_evenness_is_what_the_boundary_is_set_to():
    truth = InfluenceTruth(0.1)
    boundary = log_evenness(truth.share("at the boundary"), seed=1)
    assert boundary == pytest.approx(-np.log(1.1), abs=0.005)
    assert (
        log_evenness(truth.share("false"), seed=1)
        < boundary
        < log_evenness(truth.share("true with a margin"))
    )
