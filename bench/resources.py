"""Benchmark: what each rule submitted to a cluster uses at two sizes, fitted, and what its jobs ask for.

Usage: python bench/resources.py [--keep DIR] [--write] [--smoke]
In fresh copies of the workflow it runs the whole workflow at two sizes, the default config and a
smaller one (SMALLER), with `snakemake --cores 2` (one job per core), and reads
their benchmark files: per rule and size, the largest peak memory (max_rss) and the longest wall
time of its jobs, and the work they did (winenet.workflow.resources.work_units). Per rule it fits a
line through the sizes (numpy.polyfit): a base (interpreter, libraries, start-up) and a slope per
work unit, for memory and for time. It prints the fits and what a job asks for at the default
settings and at 100 times the epochs and runs (winenet.workflow.resources.request), beside what
the fit says such a job needs. --write puts the fits into workflow/resources.yaml, which the
workflow's resource functions read, and the table into docs/cluster.md and profiles/slurm/config.yaml.
--smoke runs the tiny test config at two sizes and writes nothing. regularisation_path_stack, an
opt-in target, is not run: a job of it is cross_validate_model's stack over the grid's
coefficients, so it takes that rule's fit in its own units.
"""

import argparse
import math
import re
import shutil
import sys
import tempfile
from pathlib import Path

import numpy as np
import yaml
from common import ROOT, TINY, doc_block, job_benchmarks, load_config, make_project, merge, snakemake

from winenet.workflow.resources import FLOOR, MARGIN, SUBMITTED, need, request, work_units

# The smaller size beside the default: less of every setting that drives a training rule's work,
# so that each rule's units differ between the sizes (the baselines hold one model at a time: their
# memory has no slope to fit).
SMALLER = {
    "training": {"epochs": 250},
    "importance": {"runs": 20, "runs_other_normalisations": 10, "epochs": 100},
    "beyond": {"seeds": {"count": 5}, "cross_validation": {"repeats": 1}},
}
SMALLER["importance"]["splits"] = {"count": 4, "runs": 3}
# The tiny config's second size, for --smoke.
TINY_LARGER = {"training": {"epochs": 12}, "importance": {"runs": 8, "epochs": 6, "splits": {"count": 4}}}
# Where docs/cluster.md shows the requests going: 100 times the epochs and the runs.
HUNDRED = 100

FILE = ROOT / "workflow" / "resources.yaml"
CLUSTER = ROOT / "docs" / "cluster.md"
PROFILE = ROOT / "profiles" / "slurm" / "config.yaml"
PROFILE_BLOCK = re.compile(r"(# --- requests ---\n)(.*?)(# --- /requests ---)", re.DOTALL)


def study(config: dict) -> dict:
    """The importance study of the first normalisation, as its shards and its split study run it."""
    settings = dict(config["importance"])
    settings["shards"] = min(settings["shards"], settings["runs"])
    return settings


def hundredfold(config: dict) -> dict:
    """``config`` with 100 times the epochs (training and study) and the study's runs."""
    importance = config["importance"]
    return merge(
        config,
        {
            "training": {"epochs": config["training"]["epochs"] * HUNDRED},
            "importance": {
                "epochs": importance["epochs"] * HUNDRED,
                "runs": importance["runs"] * HUNDRED,
                "runs_other_normalisations": importance["runs_other_normalisations"] * HUNDRED,
            },
        },
    )


def measure(config: dict, jobs: list[dict]) -> dict:
    """Per submitted rule run: the largest peak MiB and longest wall seconds of its jobs, and their work."""
    measured = {}
    for rule in SUBMITTED:
        rule_jobs = [job for job in jobs if job["rule"] == rule]
        if rule_jobs:
            measured[rule] = {
                "units": work_units(rule, config, study(config)),
                "peak_mb": math.ceil(max(job["rss"] or 0.0 for job in rule_jobs)),
                "seconds": round(max(job["wall"] or 0.0 for job in rule_jobs), 2),
            }
    return measured


def fit_line(points: list[tuple[float, float]]) -> dict:
    """Base and slope per unit through (units, measured) points, least squares, covering every point.

    A slope the sizes cannot show (they did the same units) or below zero (noise) is zero, the base
    the largest measurement; a base below zero (start-up too small to see) is zero, the slope the
    one through the origin that covers every point. Otherwise the base rises, if need be, until the
    line covers every point measured.
    """
    units, values = np.array(points, dtype=float).T
    if np.ptp(units) == 0:
        return {"base": round(float(values.max()), 3), "per_unit": 0.0}
    slope, base = np.polyfit(units, values, 1)
    if slope <= 0:
        return {"base": round(float(values.max()), 3), "per_unit": 0.0}
    if base < 0:
        return {"base": 0.0, "per_unit": float(np.max(values / units))}
    return {"base": round(float(np.max(values - slope * units)), 3), "per_unit": float(slope)}


def fit(sizes: list[dict]) -> dict:
    """Per rule: its memory and time lines over the sizes measured, and the measurements."""
    fitted = {}
    for rule in sizes[0]:
        points = [size[rule] for size in sizes if rule in size]
        fitted[rule] = {
            "memory": fit_line([(p["units"]["memory"], p["peak_mb"]) for p in points]),
            "time": fit_line([(p["units"]["time"], p["seconds"]) for p in points]),
            "measured": points,
        }
    if "cross_validate_model" in fitted:
        # A job of the grid's stack is cross_validate_model's stack over more networks: its line.
        model = fitted["cross_validate_model"]
        fitted["regularisation_path_stack"] = {
            "memory": model["memory"],
            "time": model["time"],
            "derived": "cross_validate_model's fit, in the grid's units",
        }
    return fitted


def line(entry: dict, unit: str) -> str:
    return f"{entry['base']:.4g} + {entry['per_unit']:.3g}/{unit}"


def table(config: dict, fitted: dict) -> str:
    """The fits, and each rule's need and request at the default settings and at 100x."""
    large = hundredfold(config)
    lines = [
        "| rule | memory MiB: base + per unit | time s: base + per unit | default: needs MiB, s | "
        "default: asks mem_mb, min | 100x: needs MiB, s | 100x: asks mem_mb, min |",
        "|---|---|---|---|---|---|---|",
    ]
    for rule, entry in fitted.items():
        cells = [f"`{rule}`" + (" (derived)" if "derived" in entry else "")]
        cells += [line(entry["memory"], "unit"), line(entry["time"], "unit")]
        for settings in (config, large):
            units = work_units(rule, settings, study(settings))
            cells.append(f"{need(entry, 'mem_mb', units):.0f}, {need(entry, 'runtime', units):.0f}")
            cells.append(f"{request(entry, 'mem_mb', units)}, {request(entry, 'runtime', units)}")
        lines.append("| " + " | ".join(cells) + " |")
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
    base_overrides = TINY if args.smoke else {}
    second = TINY_LARGER if args.smoke else SMALLER
    base = args.keep or Path(tempfile.mkdtemp(prefix="winenet-resources-"))
    sizes, config = [], None
    for name, overrides in (("default", base_overrides), ("second", merge(base_overrides, second))):
        settings = merge(load_config(), overrides)
        config = config or settings
        project = make_project(base / name, overrides)
        run = snakemake(project, "--cores", "2")
        sizes.append(measure(settings, job_benchmarks(project)))
        print(f"snakemake --cores 2, the {name} size: {run.wall:.0f} s")
    fitted = fit(sizes)
    text = table(config, fitted)
    print()
    print(text)
    print(
        f"requests: the fitted need times {MARGIN['mem_mb']} (memory) and {MARGIN['runtime']} (time), at "
        f"least {FLOOR['mem_mb']} MB and {FLOOR['runtime']} min; doubled on each retry"
    )
    if args.keep is None:
        shutil.rmtree(base)
    if args.write:
        header = (
            "# Written by `python bench/resources.py --write` from runs at two sizes at --cores 2: per rule\n"
            "# that trains, a line through its jobs' largest peak memory (MiB) and longest wall time (s)\n"
            "# at each size, over the work done (winenet.workflow.resources.work_units): a base and a\n"
            "# slope per unit. The workflow's resource functions ask for the line at a job's own units.\n"
        )
        FILE.write_text(header + yaml.safe_dump(fitted, sort_keys=False))
        doc_block(CLUSTER, "resources", text, write=True)
        commented = "".join(f"# {line}\n" for line in text.splitlines())
        PROFILE.write_text(PROFILE_BLOCK.sub(lambda m: m[1] + commented + m[3], PROFILE.read_text()))
    return 0


if __name__ == "__main__":
    sys.exit(main())
