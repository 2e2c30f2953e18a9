"""Benchmark: what each rule submitted to a cluster uses, measured, and what its jobs therefore ask for.

Usage: python bench/resources.py [--keep DIR] [--write] [--smoke]
In a fresh copy of the workflow it runs the default config with `snakemake --cores 2` (two jobs at a
time on two cores, so that no job waits for a core) and reads the benchmark files of the rules that
train: per rule, the largest peak memory (max_rss) and the longest wall time (s) of its jobs, and
the work they did (winenet.workflow.resources.work_units). It prints, per rule, what was measured and what a
job of the default config requests (winenet.workflow.resources.request: the measurement with its margin,
scaled by the settings). --write puts the measurements into workflow/resources.yaml, which the
workflow's resource functions read, and the table into docs/cluster.md and profiles/slurm/config.yaml.
--smoke runs the tiny test config and writes nothing. regularisation_path_stack, an opt-in target,
is not run: it asks for cross_validate_model's measurement scaled by its grid.
"""

import argparse
import math
import re
import shutil
import sys
import tempfile
from pathlib import Path

import yaml
from common import ROOT, TINY, doc_block, job_benchmarks, load_config, make_project, merge, snakemake

from winenet.workflow.resources import FLOOR, MARGIN, SUBMITTED, request, work_units

SCALES_WITH = {
    "train": ("epochs", "epochs (history)"),
    "seed_study": ("seeds x epochs", "seeds x epochs (history)"),
    "importance_shard": ("runs per shard x epochs", "runs in a stack"),
    "cross_validate_model": ("folds x repeats x epochs", "folds x repeats (one stack)"),
    "cross_validate_baselines": ("folds x repeats", "nothing"),
    "l1_methods": ("epochs", "epochs (history)"),
    "regularisation_path_stack": ("folds x repeats x epochs x grid", "folds x repeats x grid"),
}
FILE = ROOT / "workflow" / "resources.yaml"
CLUSTER = ROOT / "docs" / "cluster.md"
PROFILE = ROOT / "profiles" / "slurm" / "config.yaml"
PROFILE_BLOCK = re.compile(r"(# --- requests ---\n)(.*?)(# --- /requests ---)", re.DOTALL)


def study(config: dict) -> dict:
    """The importance study of the first normalisation, as its shards run it (the workflow's clamp)."""
    settings = dict(config["importance"])
    settings["shards"] = min(settings["shards"], settings["runs"])
    return settings


def measure(config: dict, jobs: list[dict]) -> dict:
    """Per submitted rule: the largest peak MiB and longest wall seconds of its jobs, and their work."""
    measured = {}
    for rule in SUBMITTED:
        # regularisation_path_stack, not in a default run, is not here (see below).
        rule_jobs = [job for job in jobs if job["rule"] == rule]
        if not rule_jobs:
            continue
        units = work_units(rule, config, study(config))
        measured[rule] = {
            "peak_mb": math.ceil(max(job["rss"] or 0.0 for job in rule_jobs)),
            "seconds": round(max(job["wall"] or 0.0 for job in rule_jobs), 1),
            "units": units,
        }
    if "cross_validate_model" in measured:
        model = measured["cross_validate_model"]
        count = config["beyond"]["regularisation_path"]["coefficient_count"]
        # Not run by default: cross_validate_model's job is one point of its grid, so its work in the
        # grid's units is the same number, and a job of the whole grid asks for `count` times it.
        measured["regularisation_path_stack"] = {
            **model,
            "units": dict(model["units"]),
            "derived": f"cross_validate_model's job, one of the grid's {count} coefficients",
        }
    return measured


def table(config: dict, measured: dict) -> str:
    lines = [
        "| rule | measured peak MiB | measured s | requests mem_mb / runtime min | memory scales with | "
        "time scales with |",
        "|---|---|---|---|---|---|",
    ]
    for rule, entry in measured.items():
        units = work_units(rule, config, study(config))
        asked = f"{request(entry, 'mem_mb', units)} / {request(entry, 'runtime', units)}"
        time_scale, memory_scale = SCALES_WITH[rule]
        note = " (derived)" if "derived" in entry else ""
        cells = [f"`{rule}`{note}", entry["peak_mb"], entry["seconds"], asked, memory_scale, time_scale]
        lines.append("| " + " | ".join(str(cell) for cell in cells) + " |")
    return "\n".join(lines) + "\n"


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--keep", type=Path, help="run in this folder and keep it (default: a temporary one)")
    parser.add_argument(
        "--write", action="store_true", help="write resources.yaml, cluster.md and the profile"
    )
    parser.add_argument("--smoke", action="store_true", help="the tiny config; writes nothing")
    args = parser.parse_args()
    if args.smoke and args.write:
        parser.error("--write needs the default config's measurement")
    overrides = TINY if args.smoke else {}
    config = merge(load_config(), overrides)
    base = args.keep or Path(tempfile.mkdtemp(prefix="winenet-resources-"))
    project = make_project(base / "project", overrides)
    run = snakemake(project, "--cores", "2")
    measured = measure(config, job_benchmarks(project))
    text = table(config, measured)
    print(f"snakemake --cores 2, {'the tiny' if args.smoke else 'the default'} config: {run.wall:.0f} s\n")
    print(text)
    print(
        f"requests: the measurement times {MARGIN['mem_mb']} (memory, never below what was measured) and "
        f"{MARGIN['runtime']} (time, scaled by the work), at least {FLOOR['mem_mb']} MB and "
        f"{FLOOR['runtime']} min; twice that on a retry"
    )
    if args.keep is None:
        shutil.rmtree(base)
    if args.write:
        header = (
            "# Written by `python bench/resources.py --write` from a default run at --cores 2: per rule\n"
            "# that trains, its jobs' largest peak memory (MiB) and longest wall time (s), the work done\n"
            "# then (winenet.workflow.resources.work_units). The workflow's resource functions scale these.\n"
        )
        FILE.write_text(header + yaml.safe_dump(measured, sort_keys=False))
        doc_block(CLUSTER, "resources", text, write=True)
        commented = "".join(f"# {line}\n" for line in text.splitlines())
        PROFILE.write_text(PROFILE_BLOCK.sub(lambda m: m[1] + commented + m[3], PROFILE.read_text()))
    return 0


if __name__ == "__main__":
    sys.exit(main())
