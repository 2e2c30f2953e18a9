"""Benchmark: the importance study through Snakemake, its wall time against its runs and its shards.

Usage: python bench/study_scaling.py [--cores 2] [--runs 75,150,300,600] [--shards 1,2,4,16,64]
                                     [--keep DIR]
In a fresh copy of the workflow (as bench/stages.py makes it) the data stages run once; then, for
each setting, results/importance is removed and

    snakemake --cores N results/importance/<first normalisation>/summary.csv
              --config importance='{"runs": R, "shards": S}'

is timed: the study's shard jobs and its gather, with everything else of the default config.
First the run count varies at the default shard count, then the shard count at the default run
count. Per setting it prints the wall seconds, the jobs' summed CPU seconds (from their `job cost:`
lines), the wall time per run and epoch times the cores (the cost of one run-epoch when every core
works), and the wall time against the default setting's. A benchmark: it prints figures and
asserts nothing.
"""

import argparse
import json
import shutil
import statistics
import tempfile
from pathlib import Path

from common import load_config
from stages import copy_workflow, job_costs, job_cpu, snakemake


def numbers(text: str) -> list[int]:
    return [int(item) for item in text.split(",") if item]


def time_study(where: Path, cores: int, target: str, runs: int, shards: int, repeats: int) -> dict:
    """Median wall seconds of the study for ``runs`` and ``shards`` over ``repeats``, and its job CPU."""
    walls, cpus, jobs = [], [], 0
    override = json.dumps({"runs": runs, "shards": shards})
    for _ in range(repeats):
        shutil.rmtree(where / "results" / "importance", ignore_errors=True)
        shutil.rmtree(where / "results" / "logs" / "importance_shard", ignore_errors=True)
        shutil.rmtree(where / "results" / "logs" / "importance_gather", ignore_errors=True)
        wall = snakemake(where, "--cores", str(cores), target, "--config", f"importance={override}").wall
        study_jobs = [job for job in job_costs(where) if job["rule"].startswith("importance_")]
        walls.append(wall)
        cpus.append(job_cpu(study_jobs))
        jobs = len(study_jobs)
    return {"wall": statistics.median(walls), "cpu": statistics.median(cpus), "jobs": jobs}


def linear_fit(rows: list[dict], epochs: int) -> str:
    """The least-squares line of the jobs' CPU against runs: what is fixed, what each run-epoch costs."""
    runs = [row["runs"] for row in rows]
    cpus = [row["cpu"] for row in rows]
    mean_runs, mean_cpu = statistics.fmean(runs), statistics.fmean(cpus)
    slope = sum((r - mean_runs) * (c - mean_cpu) for r, c in zip(runs, cpus, strict=True)) / sum(
        (r - mean_runs) ** 2 for r in runs
    )
    fixed = mean_cpu - slope * mean_runs
    worst = max(abs(c - fixed - slope * r) for r, c in zip(runs, cpus, strict=True))
    # Linear when no setting strays from the line by more than 5 % of the largest cost.
    verdict = "linear in the runs" if worst <= 0.05 * max(cpus) else "not linear in the runs"
    return (
        f"  job CPU = {fixed:.1f} s + {slope / epochs * 1e6:.0f} µs per run-epoch "
        f"(least squares; the largest residual {worst:.1f} s): {verdict}"
    )


def print_table(title: str, rows: list[dict], reference: dict, epochs: int, cores: int) -> None:
    print(f"\n{title}")
    print(
        f"  {'runs':>5} {'shards':>6} {'jobs':>4} {'wall s':>7} {'job CPU s':>9} "
        f"{'µs per run-epoch x cores':>24} {'wall / default':>14}"
    )
    for row in rows:
        per_run_epoch = row["wall"] * cores / (row["runs"] * epochs) * 1e6
        print(
            f"  {row['runs']:>5} {row['shards']:>6} {row['jobs']:>4} {row['wall']:>7.1f} {row['cpu']:>9.1f} "
            f"{per_run_epoch:>24.0f} {row['wall'] / reference['wall']:>14.2f}"
        )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--cores", type=int, default=2, help="snakemake --cores (default 2, the machine's)")
    parser.add_argument("--runs", type=numbers, default=numbers("75,150,300,600"))
    parser.add_argument("--shards", type=numbers, default=numbers("1,2,4,16,64"))
    parser.add_argument("--repeats", type=int, default=1, help="timings per setting; the median counts")
    parser.add_argument("--keep", type=Path, help="run in this folder and keep it (default: a temporary one)")
    arguments = parser.parse_args()

    config = load_config()
    importance = config["importance"]
    normalisation = config["normalisation"]["methods"][0]
    target = f"results/importance/{normalisation}/summary.csv"
    base = arguments.keep or Path(tempfile.mkdtemp(prefix="winenet-scaling-"))
    where = copy_workflow(base / "study")
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
    print_table(f"against shards ({default['runs']} runs)", by_shards, reference, epochs, arguments.cores)
    print(
        "\n  µs per run-epoch x cores: the study's wall time per run and epoch, times the cores; constant\n"
        "  when the cost is linear in runs x epochs and every core is busy. Includes the data check and\n"
        "  Snakemake's own start-up (about a second), which weighs most on the smallest settings."
    )
    if not arguments.keep:
        shutil.rmtree(base)


if __name__ == "__main__":
    main()
