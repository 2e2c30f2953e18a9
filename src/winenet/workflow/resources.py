"""What a submitted job asks a cluster for: a measured base plus a measured slope per unit of its work.

``workflow/resources.yaml`` holds, per rule that trains, a line fitted to what its jobs took at two
or more sizes of the run (``bench/resources.py`` measures and fits): a base (the interpreter and the
libraries, start-up) and a slope per work unit, for peak memory in MiB and for wall time in seconds.
The units are what drives each rule (epochs, seeds x epochs, runs x epochs per shard, folds x
epochs for time; what a job holds at once for memory). A job asks for the line at its own units,
with a margin, doubled on every retry. The workflow reads this module when it starts, so it imports
nothing heavy.
"""

from __future__ import annotations

import math
from collections.abc import Mapping

# The rules whose jobs a cluster runs: those that train. Every other rule is one of the Snakefile's
# localrules (tests/test_docs.py holds the two lists apart and together whole).
SUBMITTED = (
    "train",
    "seed_study",
    "importance_shard",
    "importance_splits",
    "cross_validate_model",
    "cross_validate_baselines",
    "l1_methods",
    "regularisation_path_stack",
)
# Above what was measured: memory samples miss short peaks, and a cluster's cores may be slower.
MARGIN = {"mem_mb": 1.5, "runtime": 2.0}
# Below these no request goes: a job's interpreter and libraries, and a scheduler's granularity.
FLOOR = {"mem_mb": 500, "runtime": 5}


def work_units(rule: str, config: Mapping, study: Mapping | None = None) -> dict[str, float]:
    """The work one job of ``rule`` does under ``config``: ``time`` and ``memory`` units.

    Time grows with what the job trains; memory with what it holds at once (a recorded history, a
    stack of replicas). ``study`` is the importance study's settings under the job's normalisation
    (the workflow's ``study_settings``), for the shards.
    """
    epochs = config["training"]["epochs"]
    beyond = config["beyond"]
    folds = beyond["cross_validation"]["folds"] * beyond["cross_validation"]["repeats"]
    if rule in ("train", "l1_methods"):
        return {"time": epochs, "memory": epochs}
    if rule == "seed_study":
        seeds = beyond["seeds"]["count"]
        return {"time": seeds * epochs, "memory": seeds * epochs}
    if rule == "importance_shard":
        per_shard = math.ceil(study["runs"] / study["shards"])
        return {"time": per_shard * study["epochs"], "memory": min(study["stack_size"], per_shard)}
    if rule == "importance_splits":
        splits = study["splits"]
        return {
            "time": (splits["count"] - 1) * splits["runs"] * study["epochs"],
            "memory": min(study["stack_size"], splits["runs"]),
        }
    if rule == "cross_validate_model":
        # Every normalisation's folds in one stack.
        methods = len(config["normalisation"]["methods"])
        return {"time": folds * epochs * methods, "memory": folds * methods}
    if rule == "cross_validate_baselines":
        return {"time": folds, "memory": 1}
    if rule == "regularisation_path_stack":
        count = beyond["regularisation_path"]["coefficient_count"]
        return {"time": folds * epochs * count, "memory": folds * count}
    raise ValueError(f"rule {rule!r} is not submitted to a cluster: it has no measured work")


def need(fit: Mapping, resource: str, units: Mapping) -> float:
    """What a job doing ``units`` of work needs by the rule's fitted line: MiB, or seconds of wall time.

    ``fit`` is the rule's entry of ``workflow/resources.yaml``: ``memory`` and ``time``, each a
    ``base`` and a ``per_unit`` slope.
    """
    if resource == "mem_mb":
        line, work = fit["memory"], units["memory"]
    elif resource == "runtime":
        line, work = fit["time"], units["time"]
    else:
        raise ValueError(f"no request for resource {resource!r}")
    return line["base"] + line["per_unit"] * work


def request(fit: Mapping, resource: str, units: Mapping, attempt: int = 1) -> int:
    """``mem_mb`` or ``runtime`` (minutes) for a job doing ``units`` of work, on its ``attempt``-th try.

    The fitted need with its margin, at least ``FLOOR``, doubled on each retry: a job that ran out
    the first time asks for twice, then four times as much.
    """
    value = MARGIN[resource] * need(fit, resource, units)
    if resource == "runtime":
        value /= 60
    return math.ceil(max(value, FLOOR[resource])) * 2 ** (attempt - 1)
