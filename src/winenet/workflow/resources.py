"""What a submitted job asks a cluster for: what its rule measured, scaled by the settings that drive it.

``workflow/resources.yaml`` holds, per rule that trains, the largest peak memory and the longest
wall time its jobs took in a default run (``bench/resources.py`` measures and writes them), and the
work they did then in the units that drive each (epochs, seeds x epochs, runs x epochs per shard,
folds x epochs). A job asks for that, scaled by its own units, with a margin, and twice as much on a
retry. The workflow reads this module when it starts, so it imports nothing heavy.
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


def request(measured: Mapping, resource: str, units: Mapping, attempt: int = 1) -> int:
    """``mem_mb`` or ``runtime`` (minutes) for a job doing ``units`` of work, on its ``attempt``-th try.

    ``measured`` is the rule's entry of ``workflow/resources.yaml``: ``peak_mb`` and ``seconds`` of
    its largest job, and ``units`` it did then. Memory never goes below what was measured (the
    libraries alone take most of it); time scales down with the work, to ``FLOOR``.
    """
    if resource == "mem_mb":
        scale = max(1.0, units["memory"] / measured["units"]["memory"])
        value = MARGIN["mem_mb"] * measured["peak_mb"] * scale
    elif resource == "runtime":
        scale = units["time"] / measured["units"]["time"]
        value = MARGIN["runtime"] * measured["seconds"] * scale / 60
    else:
        raise ValueError(f"no request for resource {resource!r}")
    return math.ceil(max(value, FLOOR[resource]) * attempt)
