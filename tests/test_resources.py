"""A submitted job asks for what its rule measured, scaled by the settings, and more on a retry."""

import pytest
import yaml
from conftest import REPO

from winenet.workflow.resources import FLOOR, MARGIN, request, work_units

CONFIG = yaml.safe_load((REPO / "config.yaml").read_text())
MEASURED = {"peak_mb": 400, "seconds": 600.0, "units": {"time": 20000, "memory": 20000}}


def test_requests_scale_with_the_work_and_double_on_a_retry():
    default = {"time": 20000, "memory": 20000}
    assert request(MEASURED, "mem_mb", default) == 600  # 1.5 x 400
    assert request(MEASURED, "runtime", default) == 20  # 2 x 600 s = 20 min
    assert request(MEASURED, "runtime", default, attempt=2) == 40
    assert request(MEASURED, "mem_mb", default, attempt=2) == 1200
    four_times = {"time": 80000, "memory": 80000}
    assert request(MEASURED, "runtime", four_times) == 80 and request(MEASURED, "mem_mb", four_times) == 2400


def test_small_work_asks_for_at_least_the_floor_and_never_less_memory_than_measured():
    tiny = {"time": 10, "memory": 10}
    assert request(MEASURED, "runtime", tiny) == FLOOR["runtime"]
    assert request(MEASURED, "mem_mb", tiny) == MARGIN["mem_mb"] * 400
    assert request({**MEASURED, "peak_mb": 100}, "mem_mb", tiny) == FLOOR["mem_mb"]


def test_work_units_follow_the_settings_that_drive_each_rule():
    study = {**CONFIG["importance"], "shards": 4}
    assert work_units("seed_study", CONFIG) == {"time": 20 * 1000, "memory": 20 * 1000}
    assert work_units("importance_shard", CONFIG, study) == {"time": 75 * 250, "memory": 20}
    # One job per model: every normalisation's folds in its stack.
    assert work_units("cross_validate_model", CONFIG) == {"time": 2 * 10 * 1000, "memory": 2 * 10}
    with pytest.raises(ValueError, match="not submitted"):
        work_units("plot_importance", CONFIG)


def test_every_submitted_rule_was_measured():
    measured = yaml.safe_load((REPO / "workflow" / "resources.yaml").read_text())
    for rule, entry in measured.items():
        assert entry["peak_mb"] > 0 and entry["seconds"] > 0 and set(entry["units"]) == {"time", "memory"}, (
            rule
        )
