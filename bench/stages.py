"""Benchmark: the whole default pipeline through Snakemake, per rule from its benchmark files.

Usage: python bench/stages.py [--cores 8] [--repeats 3] [--keep DIR] [--against-report]
                              [--pairs N [--write]] [--sequential-runs N] [--smoke]

In fresh copies of the workflow, runs `snakemake --cores N` from an empty results/ --repeats times
and prints each run's wall time and CPU (Snakemake and every process it waited for, getrusage), the
median, the median run's packing floor (its CPU over the cores it could use) and, per rule, what the
jobs' `benchmark:` files hold (wall seconds exactly; CPU and peak memory as Snakemake samples them:
every 0.5 s for a job's first 15 s, then every 30 s, so a longer job's CPU is a lower bound).
--against-report also times the importance study as the report ran it: by the report's own code
(bench/report_code.py: its layer classes, one run at a time, float64, training and validating every
epoch, one process on one BLAS thread; --sequential-runs of them, scaled to all), the yardstick of
the whole run's speed, and by this package's step one run at a time, against the study through
Snakemake. --pairs N then times the whole run and the report's study by its code alternately, N
times, and prints each pair's ratio and their median: the figure to quote, since the machine drifts
within a session (--repeats 0 skips the runs before); --write puts them into docs/performance.md.
--smoke runs the tiny test config once, on the training targets only: it shows the benchmark
works, in seconds. A benchmark: it prints figures and asserts nothing.
"""

import argparse
import os
import shutil
import statistics
import tempfile
import time
from pathlib import Path

from common import (
    RESULTS,
    ROOT,
    TINY,
    doc_block,
    job_benchmarks,
    load_config,
    make_project,
    one_thread,
    report_arrays,
    rule_table,
    snakemake,
    study_settings,
)

SMOKE_TARGETS = [f"{RESULTS}/models/plain/history.parquet", f"{RESULTS}/importance/l2norm/shards/0.parquet"]


def full_runs(base: Path, cores: int, repeats: int, overrides: dict, targets: list[str]) -> dict:
    """The default run from an empty results/, ``repeats`` times: each run's figures, and the median run."""
    print(
        f"snakemake --cores {cores} {' '.join(targets)}, from an empty results/, in fresh copies under {base}"
    )
    runs = []
    for repeat in range(1, repeats + 1):
        where = make_project(base / f"run-{repeat}", overrides)
        run = snakemake(where, "--cores", str(cores), *targets)
        jobs = job_benchmarks(where)
        runs.append({"wall": run.wall, "cpu": run.cpu, "jobs": jobs})
        itself = f", Snakemake itself {run.own_cpu:.1f} s" if run.own_cpu is not None else ""
        print(f"  run {repeat}: {run.wall:.1f} s wall, {run.cpu:.1f} s CPU (Snakemake and its jobs{itself})")
    walls = [run["wall"] for run in runs]
    median = sorted(runs, key=lambda run: run["wall"])[(len(runs) - 1) // 2]
    usable = min(cores, len(os.sched_getaffinity(0)))
    print(
        f"  median of {len(runs)}: {statistics.median(walls):.1f} s wall (min {min(walls):.1f}, max "
        f"{max(walls):.1f}); the median run's CPU over its {usable} cores is {median['cpu'] / usable:.1f} s, "
        f"and its wall {median['wall'] - median['cpu'] / usable:.1f} s above that floor"
    )
    print("\n  per rule, the median run's benchmark files (results/benchmarks/):")
    print(rule_table(median["jobs"]))
    return median


def report_way(runs: int) -> float:
    """The report's study, one run at a time in float64 on one BLAS thread: seconds, scaled to every run."""
    from winenet.studies.importance import train_importance_runs

    config = load_config()
    arrays, normalisation = report_arrays(config)
    study = study_settings(config, normalisation) | {"dtype": "float64", "stack_size": 1}
    timed = min(runs, config["importance"]["runs"])
    with one_thread():
        # The first call loads BLAS kernels and fills caches: a cost that scaling must not multiply.
        train_importance_runs(*arrays, range(1), normalisation["features"], **{**study, "epochs": 1})
        start = time.perf_counter()
        train_importance_runs(*arrays, range(timed), normalisation["features"], **study)
    return (time.perf_counter() - start) / timed * config["importance"]["runs"]


def against_report(base: Path, cores: int, pairs: int, runs: int) -> str:
    """The whole run and the report's study by the report's code, alternately: each pair's ratio.

    The machine drifts by a sixth within a session: a ratio of two timings taken one after the
    other holds where two timings an hour apart do not; the median of the pairs' ratios is the figure.
    """
    from report_code import report_study

    print(
        f"\nalternately, {pairs} times: the report's study by the report's code ({runs} runs timed, scaled "
        f"to the study's; float64, one run at a time, one BLAS thread), then snakemake --cores {cores} from "
        "an empty results/"
    )
    ratios = []
    rows = ["| pair | the report's study | the whole run (CPU) | the whole run is |", "|---|---|---|---|"]
    for pair in range(1, pairs + 1):
        report = report_study(runs)
        run = snakemake(make_project(base / f"pair-{pair}"), "--cores", str(cores))
        ratios.append(report / run.wall)
        print(
            f"  pair {pair}: the report's study {report:.1f} s, the whole run {run.wall:.1f} s "
            f"({run.cpu:.1f} s CPU): {ratios[-1]:.2f}x as fast"
        )
        rows.append(
            f"| {pair} | {report:.1f} s | {run.wall:.1f} s ({run.cpu:.1f} s) | {ratios[-1]:.2f}x as fast |"
        )
    summary = (
        f"The whole run took {statistics.median(ratios):.2f}x less time than the report's study alone "
        f"(median; {min(ratios):.2f}x to {max(ratios):.2f}x)."
    )
    print(f"  {summary}")
    return "\n".join(rows) + f"\n\n{summary}\n"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--cores", type=int, default=8, help="snakemake --cores (default 8, the README's)")
    parser.add_argument("--repeats", type=int, default=3, help="full runs, each in a fresh copy (default 3)")
    parser.add_argument("--keep", type=Path, help="run in this folder and keep it (default: a temporary one)")
    parser.add_argument(
        "--against-report", action="store_true", help="time the report's own way of the study"
    )
    parser.add_argument("--sequential-runs", type=int, default=60, help="report's runs timed, then scaled")
    parser.add_argument(
        "--pairs",
        type=int,
        default=0,
        help="then time the whole run and the report's study by its code alternately, this many times",
    )
    parser.add_argument(
        "--write", action="store_true", help="with --pairs: write them into docs/performance.md"
    )
    parser.add_argument("--smoke", action="store_true", help="the tiny config, once, on the training targets")
    args = parser.parse_args()
    base = args.keep or Path(tempfile.mkdtemp(prefix="winenet-stages-"))
    if args.smoke:
        full_runs(base, 2, 1, TINY, SMOKE_TARGETS)
    else:
        median = full_runs(base, args.cores, args.repeats, {}, []) if args.repeats else None
        if args.against_report and median is not None:
            from report_code import report_study

            report_code = report_study(args.sequential_runs)
            report = report_way(args.sequential_runs)
            target = f"{RESULTS}/importance/{load_config()['normalisation']['methods'][0]}/summary.csv"
            study = snakemake(make_project(base / "study"), "--cores", str(args.cores), target)
            print(
                f"\nthe report's study by the report's code (float64, one run at a time, one BLAS thread): "
                f"{report_code:.1f} s;\n  the whole reproduction: {median['wall']:.1f} s, "
                f"{report_code / median['wall']:.2f}x as fast as the report's study alone"
                f"\nthe study one run at a time by this package's step (float64): {report:.1f} s;"
                f"\n  the study through Snakemake ({target}): {study.wall:.1f} s, {report / study.wall:.1f}x "
                "faster"
            )
    if args.pairs and not args.smoke:
        block = against_report(base, args.cores, args.pairs, args.sequential_runs)
        if args.write:
            doc_block(ROOT / "docs" / "performance.md", "goal", block, write=True)
            print("written to docs/performance.md")
    if args.keep is None:
        shutil.rmtree(base)


if __name__ == "__main__":
    main()
