"""Benchmark: the importance study through Snakemake, its wall time against its runs and its shards.

Usage: python bench/study_scaling.py [--cores 2] [--runs 75,150,300,600] [--shards 1,2,4,16,64]
                                     [--repeats 1] [--keep DIR] [--smoke]
In a fresh copy of the workflow the data stages run once; then, for each setting, results/importance
is removed and
    snakemake --cores N results/importance/<first normalisation>/summary.csv
              --config importance='{"runs": R, "shards": S}'
is timed: the study's shard jobs and its gather, with everything else of the default config. First
the run count varies at the default shard count, then the shard count at the default run count.
Per setting it prints the wall seconds; the shard jobs' summed CPU seconds and largest peak memory,
from their benchmark files (psutil's samples of each job's process tree, every 0.5 s for its first
15 s, then every 30 s, so a longer job's CPU is a lower bound); the CPU of the whole `snakemake`
command and every process it waited for (getrusage, exact); the wall time per run and epoch times
the cores, and the wall time against the default setting's. --smoke runs the tiny test config at
two shard counts. A benchmark: it prints figures and asserts nothing.
"""

import argparse
import json
import math
import shutil
import statistics
import tempfile
from pathlib import Path

from common import (
    BENCHMARKS,
    FULLY_SAMPLED,
    RESULTS,
    TINY,
    job_benchmarks,
    load_config,
    make_project,
    merge,
    snakemake,
)

# The rules that train the study: the only ones with benchmark files (the gather is seconds).
STUDY_RULES = ("importance_shard",)


def numbers(text: str) -> list[int]:
    return [int(item) for item in text.split(",") if item]


def time_study(where: Path, cores: int, target: str, runs: int, shards: int, repeats: int) -> dict:
    """Medians over ``repeats`` of the study's wall seconds for ``runs`` and ``shards``, its jobs' CPU
    seconds (their benchmark files) and the whole command's (getrusage); the jobs' largest peak MiB."""
    walls, cpus, all_cpus, peaks, jobs, long = [], [], [], [], 0, 0
    override = json.dumps({"runs": runs, "shards": shards})
    for _ in range(repeats):
        shutil.rmtree(where / RESULTS / "importance", ignore_errors=True)
        # An earlier setting's shards would otherwise count with this one's.
        for rule in STUDY_RULES:
            shutil.rmtree(where / BENCHMARKS / rule, ignore_errors=True)
        run = snakemake(where, "--cores", str(cores), target, "--config", f"importance={override}")
        study_jobs = [job for job in job_benchmarks(where) if job["rule"] in STUDY_RULES]
        walls.append(run.wall)
        cpus.append(sum(job["cpu"] or 0.0 for job in study_jobs))
        all_cpus.append(run.cpu)
        peaks.append(max((job["rss"] for job in study_jobs if job["rss"] is not None), default=math.nan))
        jobs = len(study_jobs)
        long = max(long, sum((job["wall"] or 0.0) > FULLY_SAMPLED for job in study_jobs))
    return {
        "wall": statistics.median(walls),
        "cpu": statistics.median(cpus),
        "all_cpu": statistics.median(all_cpus),
        "rss": statistics.median(peaks),
        "jobs": jobs,
        "long": long,
    }


def linear_fit(rows: list[dict], epochs: int, key: str = "cpu", label: str = "job CPU") -> str:
    """The least-squares line of a CPU column against runs: what is fixed, what each run-epoch costs."""
    runs = [row["runs"] for row in rows]
    cpus = [row[key] for row in rows]
    mean_runs, mean_cpu = statistics.fmean(runs), statistics.fmean(cpus)
    slope = sum((r - mean_runs) * (c - mean_cpu) for r, c in zip(runs, cpus, strict=True)) / sum(
        (r - mean_runs) ** 2 for r in runs
    )
    fixed = mean_cpu - slope * mean_runs
    worst = max(abs(c - fixed - slope * r) for r, c in zip(runs, cpus, strict=True))
    # Linear when no setting strays from the line by more than 5 % of the largest cost.
    verdict = "linear in the runs" if worst <= 0.05 * max(cpus) else "not linear in the runs"
    return (
        f"  {label} = {fixed:.1f} s + {slope / epochs * 1e6:.0f} µs per run-epoch "
        f"(least squares; the largest residual {worst:.1f} s): {verdict}"
    )


def print_table(title: str, rows: list[dict], reference: dict, epochs: int, cores: int) -> None:
    print(f"\n{title}")
    print(
        f"  {'runs':>5} {'shards':>6} {'jobs':>4} {'wall s':>7} {'job CPU s':>9} {'all CPU s':>9} "
        f"{'max RSS MiB':>11} {'µs per run-epoch x cores':>24} {'wall / default':>14}"
    )
    for row in rows:
        per_run_epoch = row["wall"] * cores / (row["runs"] * epochs) * 1e6
        note = (
            f"  ({row['long']} jobs over {FULLY_SAMPLED:.0f} s: job CPU a lower bound)" if row["long"] else ""
        )
        print(
            f"  {row['runs']:>5} {row['shards']:>6} {row['jobs']:>4} {row['wall']:>7.1f} {row['cpu']:>9.1f} "
            f"{row['all_cpu']:>9.1f} {row['rss']:>11.0f} {per_run_epoch:>24.0f} "
            f"{row['wall'] / reference['wall']:>14.2f}{note}"
        )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--cores", type=int, default=2, help="snakemake --cores (default 2, the machine's)")
    parser.add_argument("--runs", type=numbers, default=numbers("75,150,300,600"))
    parser.add_argument("--shards", type=numbers, default=numbers("1,2,4,16,64"))
    parser.add_argument("--repeats", type=int, default=1, help="timings per setting; the median counts")
    parser.add_argument("--keep", type=Path, help="run in this folder and keep it (default: a temporary one)")
    parser.add_argument("--smoke", action="store_true", help="the tiny config, two settings: does it work")
    arguments = parser.parse_args()
    overrides = TINY if arguments.smoke else {}
    if arguments.smoke:
        arguments.runs, arguments.shards = [TINY["importance"]["runs"]], [1, TINY["importance"]["shards"]]

    config = merge(load_config(), overrides)
    importance = config["importance"]
    normalisation = config["normalisation"]["methods"][0]
    target = f"{RESULTS}/importance/{normalisation}/summary.csv"
    base = arguments.keep or Path(tempfile.mkdtemp(prefix="winenet-scaling-"))
    where = make_project(base / "study", overrides)
    print(
        f"the importance study ({importance['epochs']} epochs, {importance['dtype']}, stacks of "
        f"{importance['stack_size']}) through snakemake --cores {arguments.cores} {target};\n"
        f"copy in {where}, Snakemake's output in {where / 'bench.log'}"
    )
    snakemake(where, "--cores", str(arguments.cores), "--until", "split_normalise")

    default = {"runs": importance["runs"], "shards": importance["shards"]}
    measured: dict[tuple[int, int], dict] = {}

    def row(runs: int, shards: int) -> dict:
        if (runs, shards) not in measured:
            timing = time_study(where, arguments.cores, target, runs, shards, arguments.repeats)
            measured[runs, shards] = {"runs": runs, "shards": shards, **timing}
        return measured[runs, shards]

    reference = row(default["runs"], default["shards"])
    by_runs = [row(runs, default["shards"]) for runs in arguments.runs]
    by_shards = [row(default["runs"], shards) for shards in arguments.shards]
    epochs = importance["epochs"]
    print_table(f"against runs ({default['shards']} shards)", by_runs, reference, epochs, arguments.cores)
    if len(by_runs) > 1:
        print(linear_fit(by_runs, epochs))
        print(linear_fit(by_runs, epochs, "all_cpu", "all CPU"))
    print_table(f"against shards ({default['runs']} runs)", by_shards, reference, epochs, arguments.cores)
    print(
        "\n  job CPU s, max RSS MiB: the study jobs' `cpu_time` summed and `max_rss` at its largest, from\n"
        "  their benchmark files (psutil's samples of each job's process tree); all CPU s: the command's\n"
        "  and every process it waited for (getrusage), so the jobs' exact CPU plus the data check's and\n"
        "  Snakemake's own."
    )
    print(
        "  µs per run-epoch x cores: the study's wall time per run and epoch, times the cores; constant\n"
        "  when the cost is linear in runs x epochs and every core is busy. Includes the data check and\n"
        "  Snakemake's own start-up (about a second), which weighs most on the smallest settings."
    )
    if not arguments.keep:
        shutil.rmtree(base)


if __name__ == "__main__":
    main()
