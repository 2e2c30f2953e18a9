"""A submitted job asks for a measured base plus a slope per unit of its work, doubled on each retry."""

import pytest
import yaml
from conftest import REPO

from winenet.workflow.resources import FLOOR, MARGIN, SUBMITTED, need, request, work_units

CONFIG = yaml.safe_load((REPO / "config.yaml").read_text())
# A rule's fitted line: 400 MiB and 2 s at no work, and 0.01 MiB and 0.03 s per unit.
FIT = {"memory": {"base": 400.0, "per_unit": 0.01}, "time": {"base": 2.0, "per_unit": 0.03}}


def test_requests_are_the_base_plus_the_slope_at_the_jobs_units_with_the_margin():
    units = {"time": 20000, "memory": 20000}
    assert need(FIT, "mem_mb", units) == 400 + 200 and need(FIT, "runtime", units) == 2 + 600
    assert request(FIT, "mem_mb", units) == 900  # 1.5 x 600 MiB
    assert request(FIT, "runtime", units) == 21  # 2 x 602 s, in minutes, rounded up
    # A hundred times the work asks for the base once and the slope a hundred times, not 100 x peak.
    hundred = {"time": 2_000_000, "memory": 2_000_000}
    assert request(FIT, "mem_mb", hundred) == 30600  # 1.5 x (400 + 20000)
    assert request(FIT, "runtime", hundred) == 2001  # 2 x (2 + 60000) s


def test_a_retry_doubles_the_request_each_time():
    units = {"time": 20000, "memory": 20000}
    first = {resource: request(FIT, resource, units) for resource in ("mem_mb", "runtime")}
    for attempt in (2, 3, 4):
        for resource in ("mem_mb", "runtime"):
            assert request(FIT, resource, units, attempt) == first[resource] * 2 ** (attempt - 1)


def test_small_work_asks_for_at_least_the_floor():
    tiny = {"time": 10, "memory": 10}
    assert request(FIT, "runtime", tiny) == FLOOR["runtime"]
    small_base = {**FIT, "memory": {"base": 120.0, "per_unit": 0.01}}
    assert request(small_base, "mem_mb", tiny) == FLOOR["mem_mb"]
    big_base = {**FIT, "memory": {"base": 400.0, "per_unit": 0.0}}
    assert request(big_base, "mem_mb", tiny) == MARGIN["mem_mb"] * 400


def test_work_units_follow_the_settings_that_drive_each_rule():
    study = {**CONFIG["importance"], "shards": 4}
    assert work_units("seed_study", CONFIG) == {"time": 20 * 1000, "memory": 20 * 1000}
    assert work_units("importance_shard", CONFIG, study) == {"time": 75 * 250, "memory": 20}
    # One job per model: every normalisation's folds in its stack.
    assert work_units("cross_validate_model", CONFIG) == {"time": 2 * 10 * 1000, "memory": 2 * 10}
    with pytest.raises(ValueError, match="not submitted"):
        work_units("plot_importance", CONFIG)


def test_every_submitted_rule_was_fitted_from_two_sizes_and_its_line_covers_them():
    fitted = yaml.safe_load((REPO / "workflow" / "resources.yaml").read_text())
    assert set(fitted) == set(SUBMITTED)
    for rule, entry in fitted.items():
        for resource in ("memory", "time"):
            assert entry[resource]["base"] >= 0 and entry[resource]["per_unit"] >= 0, rule
        if "derived" in entry:
            continue
        points = entry["measured"]
        assert len({p["units"]["time"] for p in points}) >= 2, f"{rule}: fewer than two sizes"
        for point in points:
            # Rounded to 3 decimals in the file: a hair below a point is the rounding.
            assert need(entry, "mem_mb", point["units"]) >= point["peak_mb"] - 1e-3, rule
            assert need(entry, "runtime", point["units"]) >= point["seconds"] - 1e-3, rule
