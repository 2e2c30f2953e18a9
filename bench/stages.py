"""Benchmark: the whole default pipeline through Snakemake against the report's study, and job start-up.

Usage: python bench/stages.py [--cores 8] [--repeats 3] [--keep DIR] [--sequential-runs 60]
                              [--light evaluate,compare,...] [--skip-sequential] [--skip-startup]
In fresh copies of the workflow (Snakefile, config.yaml, workflow/, src/, data/, profiles/):
1. runs `snakemake --cores N` with the default config and profile from an empty results/,
   --repeats times: each run's wall time, the median, and for the median run, per rule, the jobs'
   summed wall and CPU seconds and the longest job, read from the `job cost:` line that ends each
   job's log; also the CPU of Snakemake itself (the children's CPU less the jobs'), how long
   Snakemake takes to exit after its last line of output, and the run's packing floor (its CPU
   over the cores);
2. times the importance study as the student's report ran it: importance.runs runs of
   importance.epochs epochs, one run at a time, float64, one process with BLAS on one thread
   (--sequential-runs of them, scaled to all runs);
3. runs the study alone through Snakemake (its summary.csv as the target) and prints the report's
   sequential study time over the full run's and over the study's through Snakemake;
4. in a completed copy, forces single jobs to rerun: a bare job (a script that imports nothing of
   winenet), a job that only imports the table libraries (pandas, pyarrow) and each --light rule,
   and prints how much longer each takes to run than the bare one.
Snakemake's own output goes to bench.log in each copy. A benchmark: it prints figures and asserts
nothing.
"""

import argparse
import json
import os
import re
import resource
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from collections import defaultdict
from pathlib import Path
from typing import NamedTuple

from common import ROOT, load_config, report_arrays, study_settings

WORKFLOW_FILES = ["Snakefile", "config.yaml", "workflow", "src", "data", "profiles"]
COST = re.compile(r"^job cost: (?:([\d.]+) s wall, )?([\d.]+) s CPU")
# A job's header in Snakemake's output: one per job that ran.
JOB_HEADER = re.compile(r"^(?:local)?rule (\w+):$", re.MULTILINE)
DEFAULT_LIGHT = "evaluate,compare,plot_model,cv_summary,claims"
# Two reference jobs: a bare one, and one that also imports the libraries every table job reads its
# inputs with (winenet.artifacts: pandas over pyarrow), which a light job cannot do without.
REFERENCE_JOBS = {
    "bare": ("imports nothing of winenet", ""),
    "tables": ("imports only pandas, pyarrow", "import pandas\nimport pyarrow.parquet\n"),
}
REFERENCE_RULE = """\
rule {name}:
    output:
        "bench_bare/{name}.txt",
    log:
        "bench_bare/{name}.log",
    script:
        "bench_{name}.py"
"""
# The same clock as winenet.job, without importing winenet: what any Python job pays to start.
REFERENCE_SCRIPT = """\
import os
from pathlib import Path
{imports}
Path(snakemake.output[0]).write_text("done\\n")
stat = Path("/proc/self/stat").read_text().rsplit(")", 1)[1].split()
wall = float(Path("/proc/uptime").read_text().split()[0]) - int(stat[19]) / os.sysconf("SC_CLK_TCK")
cpu = sum(os.times()[:2])
with open(snakemake.log[0], "w") as log:
    print("{name} job: {what}", file=log)
    print(f"job cost: {{wall:.2f}} s wall, {{cpu:.2f}} s CPU (start-up included)", file=log)
"""


def copy_workflow(where: Path) -> Path:
    if where.exists():
        sys.exit(f"{where} exists: give --keep a new or empty folder")
    where.mkdir(parents=True)
    for name in WORKFLOW_FILES:
        source = ROOT / name
        copy = shutil.copytree if source.is_dir() else shutil.copy2
        copy(source, where / name)
    return where


def children_cpu() -> float:
    usage = resource.getrusage(resource.RUSAGE_CHILDREN)
    return usage.ru_utime + usage.ru_stime


class SnakemakeRun(NamedTuple):
    wall: float  # seconds from start to exit
    cpu: float  # seconds of it and every process it waited for
    output: str  # its standard output and error, as one stream
    exit_wait: float  # seconds from its last line of output to its exit


def snakemake(where: Path, *arguments: str) -> SnakemakeRun:
    """Run Snakemake in ``where``; its output is also appended to ``where/bench.log``."""
    command = [sys.executable, "-m", "snakemake", *arguments]
    cpu = children_cpu()
    start = time.perf_counter()
    # Read as it comes, so that the time of the last line is known: Snakemake prints its last line
    # once the workflow is done, and whatever it does after that still counts in the wall time.
    process = subprocess.Popen(
        command, cwd=where, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True
    )
    lines, last_line = [], start
    for line in process.stdout:
        lines.append(line)
        last_line = time.perf_counter()
    returncode = process.wait()
    end = time.perf_counter()
    cpu = children_cpu() - cpu
    output = "".join(lines)
    with open(where / "bench.log", "a") as log:
        log.write(f"$ snakemake {' '.join(arguments)}\n{output}\n")
    if returncode != 0:
        sys.exit(
            f"snakemake {' '.join(arguments)} failed in {where}; see {where / 'bench.log'}:\n{output[-3000:]}"
        )
    return SnakemakeRun(end - start, cpu, output, end - last_line)


def read_cost(log: Path) -> tuple[float | None, float] | None:
    """The wall and CPU seconds of a job's `job cost:` line, or None when its log has none."""
    # The last such line, not the last line: a job may let another process write to its log too.
    costs = [COST.match(line) for line in log.read_text(errors="replace").splitlines()]
    costs = [match for match in costs if match]
    if not costs:
        return None
    wall, cpu = costs[-1].groups()
    return (float(wall) if wall is not None else None), float(cpu)


def summary(where: Path) -> list[tuple[str, str, list[str]]]:
    """Each output file of the default run with its rule and log files, from `snakemake --summary`."""
    output = snakemake(where, "--summary", "--cores", "1").output
    rows = [line.split("\t") for line in output.splitlines()]
    header = next((row for row in rows if row[:1] == ["output_file"]), None)
    if header is None:
        return []
    rule, logs = header.index("rule"), header.index("log-file(s)")
    return [
        (row[0], row[rule], [log.strip() for log in row[logs].split(",") if log.strip() not in ("", "-")])
        for row in rows
        if len(row) == len(header) and row is not header
    ]


def log_rules(where: Path) -> dict[str, str]:
    """Each log file's rule, as Snakemake's summary lists them."""
    return {log: rule for _, rule, logs in summary(where) for log in logs}


def job_costs(where: Path, rules: dict[str, str] | None = None) -> list[dict]:
    """Every job log under results/logs with its rule and cost (None and None without a cost line)."""
    jobs = []
    for log in sorted((where / "results" / "logs").rglob("*.log")):
        path = log.relative_to(where).as_posix()
        # The logs' own layout (results/logs/<rule>.log or <rule>/<wildcards>.log) where the summary
        # does not name the rule.
        parts = log.relative_to(where / "results" / "logs").with_suffix("").parts
        rule = (rules or {}).get(path, parts[0])
        cost = read_cost(log)
        wall, cpu = cost if cost is not None else (None, None)
        jobs.append({"log": path, "rule": rule, "wall": wall, "cpu": cpu})
    return jobs


def job_cpu(jobs: list[dict]) -> float:
    return sum(job["cpu"] or 0.0 for job in jobs)


def print_rule_table(jobs: list[dict], indent: str = "  ") -> None:
    by_rule = defaultdict(list)
    for job in jobs:
        by_rule[job["rule"]].append(job)
    print(f"{indent}{'rule':<28} {'jobs':>4} {'sum wall s':>10} {'sum CPU s':>9} {'max wall s':>10}")
    for rule, rule_jobs in sorted(by_rule.items(), key=lambda item: -job_cpu(item[1])):
        walls = [job["wall"] for job in rule_jobs if job["wall"] is not None]
        missing = sum(job["cpu"] is None for job in rule_jobs)
        note = f"  ({missing} without a cost line)" if missing else ""
        print(
            f"{indent}{rule:<28} {len(rule_jobs):>4} {sum(walls):>10.1f} {job_cpu(rule_jobs):>9.1f} "
            f"{max(walls, default=0.0):>10.2f}{note}"
        )
    print(
        f"{indent}{'total':<28} {len(jobs):>4} {sum(job['wall'] or 0.0 for job in jobs):>10.1f} "
        f"{job_cpu(jobs):>9.1f}"
    )


def full_runs(base: Path, cores: int, repeats: int) -> tuple[list[dict], dict]:
    """Section 1: the default run from an empty results/, ``repeats`` times; the runs and the median one."""
    print(
        f"1. the whole default pipeline: snakemake --cores {cores}, default config and profile, "
        "from an empty results/"
    )
    runs = []
    for repeat in range(1, repeats + 1):
        where = copy_workflow(base / f"full-{repeat}")
        run = snakemake(where, "--cores", str(cores))
        jobs = job_costs(where)
        runs.append({"where": where, "wall": run.wall, "cpu": run.cpu, "jobs": jobs})
        print(
            f"  run {repeat}: {run.wall:6.1f} s wall; {len(jobs)} jobs, {job_cpu(jobs):6.1f} s job CPU; "
            f"Snakemake and all its children {run.cpu:6.1f} s CPU, of which Snakemake itself about "
            f"{run.cpu - job_cpu(jobs):5.1f} s;\n         Snakemake exited {run.exit_wait:.2f} s after its "
            "last line of output"
        )
    walls = [run["wall"] for run in runs]
    median = sorted(runs, key=lambda run: run["wall"])[(len(runs) - 1) // 2]
    print(
        f"  median of {len(runs)}: {statistics.median(walls):.1f} s wall "
        f"(min {min(walls):.1f}, max {max(walls):.1f})"
    )
    cores_here = len(os.sched_getaffinity(0))
    floor = median["cpu"] / min(cores, cores_here)
    print(
        f"  packing: the median run's CPU (jobs and Snakemake) over the {min(cores, cores_here)} cores it "
        f"could use is {floor:.1f} s;\n  its wall is {median['wall'] - floor:.1f} s above that floor "
        "(start-up, the DAG's serial stretches, the report at the end):\n  better scheduling can take "
        "no more than that, a shorter run needs less CPU"
    )
    print(
        "  Snakemake itself = CPU of every process Snakemake waited for (getrusage RUSAGE_CHILDREN) "
        "less the jobs' own CPU\n  (each job's includes the processes it starts): approximate, it also "
        "holds the shells that start jobs\n  and each job's exit after its `job cost:` line"
    )
    median["jobs"] = job_costs(median["where"], log_rules(median["where"]))
    print(
        f"\n  per rule, run {runs.index(median) + 1} (the median run), from each job log's `job cost:` line"
    )
    print_rule_table(median["jobs"])
    print("  wall and CPU count from each job's Python start-up; sum wall adds up jobs that ran side by side")
    report_missing(median["jobs"])
    return runs, median


def report_missing(jobs: list[dict]) -> None:
    missing = [job["log"] for job in jobs if job["cpu"] is None]
    if missing:
        print(f"  logs without a `job cost:` line (counted as 0 s): {', '.join(missing)}")


def sequential_child(timed_runs: int) -> None:
    """Time the report's study in this process, BLAS pinned by the parent; print the result as JSON."""
    import numpy as np

    from winenet.importance import train_importance_runs

    config = load_config()
    importance = config["importance"]
    arrays, normalisation = report_arrays(config)
    study = study_settings(config, normalisation) | {"dtype": "float64", "stack_size": 1}
    features = normalisation["features"]
    # The first calls load BLAS kernels and fill caches: a cost the scaling to all runs must not multiply.
    train_importance_runs(*arrays, range(1), features, **{**study, "epochs": 1})
    start = time.perf_counter()
    train_importance_runs(*arrays, range(timed_runs), features, **study)
    seconds = time.perf_counter() - start
    print(
        json.dumps(
            {
                "seconds": seconds,
                "timed_runs": timed_runs,
                "runs": importance["runs"],
                "epochs": importance["epochs"],
                "normalisation": config["normalisation"]["methods"][0],
                "numpy": np.__version__,
            }
        )
    )


def sequential_study(timed_runs: int) -> float:
    """Section 2: the report's study, one run at a time in float64, in a process with one BLAS thread."""
    importance = load_config()["importance"]
    timed_runs = min(timed_runs, importance["runs"])
    environment = dict(os.environ)
    # BLAS reads these once, when NumPy loads: they must be set before the process starts.
    for variable in ("OPENBLAS_NUM_THREADS", "OMP_NUM_THREADS", "MKL_NUM_THREADS"):
        environment[variable] = "1"
    src = str(ROOT / "src")
    environment["PYTHONPATH"] = os.pathsep.join(filter(None, [src, environment.get("PYTHONPATH")]))
    environment["WINENET_SRC"] = src
    result = subprocess.run(
        [sys.executable, __file__, "--sequential-child", str(timed_runs)],
        env=environment,
        capture_output=True,
        text=True,
    )
    if result.returncode != 0:
        sys.exit(f"the sequential study failed:\n{result.stderr[-3000:]}")
    timed = json.loads(result.stdout.strip().splitlines()[-1])
    total = timed["seconds"] / timed["timed_runs"] * timed["runs"]
    print(
        f"\n2. the report's way: the importance study, {timed['runs']} runs x {timed['epochs']} epochs, "
        f"one run at a time (stack_size 1), float64,\n   one process, BLAS on one thread, "
        f"{timed['normalisation']} normalisation (train_importance_runs; training only)"
    )
    if timed["timed_runs"] < timed["runs"]:
        print(
            f"  {timed['timed_runs']} of {timed['runs']} runs timed, scaled to {timed['runs']}: "
            f"{timed['seconds']:.1f} s -> {total:.1f} s "
            f"({timed['seconds'] / timed['timed_runs']:.3f} s per run)"
        )
    else:
        print(f"  all {timed['runs']} runs timed: {total:.1f} s ({total / timed['runs']:.3f} s per run)")
    return total


def study_through_snakemake(base: Path, cores: int) -> float:
    """Section 3's second run: the study's summary alone from an empty results/."""
    config = load_config()
    target = f"results/importance/{config['normalisation']['methods'][0]}/summary.csv"
    where = copy_workflow(base / "study")
    run = snakemake(where, "--cores", str(cores), target)
    jobs = job_costs(where, log_rules(where))
    print(
        f"\n3. the study through Snakemake: snakemake --cores {cores} {target}, from an empty results/:\n"
        f"  {run.wall:.1f} s wall; {len(jobs)} jobs, {job_cpu(jobs):.1f} s job CPU; Snakemake itself about "
        f"{run.cpu - job_cpu(jobs):.1f} s CPU; it exited {run.exit_wait:.2f} s after its last line of output"
    )
    print_rule_table(jobs)
    report_missing(jobs)
    return run.wall


def forced_job(where: Path, rule: str, *arguments: str) -> tuple[float, list[str]]:
    """Force ``rule``'s jobs among the targets to rerun: Snakemake's wall seconds and the rules of the jobs
    that ran."""
    run = snakemake(where, "--cores", "1", "--forcerun", rule, *arguments)
    return run.wall, JOB_HEADER.findall(run.output)


def forced_timings(where: Path, rule: str, log: str, repeats: int, *arguments: str) -> dict | None:
    """Force ``rule``'s job to rerun ``repeats`` times: the medians of its job wall and CPU seconds (from
    ``log``'s cost line) and of the whole command's wall seconds, or None when no run counted."""
    walls, cpus, commands, odd = [], [], [], []
    for _ in range(repeats):
        command_wall, ran = forced_job(where, rule, *arguments)
        cost = read_cost(where / log)
        if ran != [rule] or cost is None or cost[0] is None:
            odd.append(f"ran {ran}, cost {cost}")
            continue
        walls.append(cost[0])
        cpus.append(cost[1])
        commands.append(command_wall)
    if odd:
        print(f"  {rule}: {len(odd)} of {repeats} not counted: {'; '.join(odd)}")
    if not walls:
        return None
    return {
        "wall": statistics.median(walls),
        "cpu": statistics.median(cpus),
        "command": statistics.median(commands),
    }


def print_timing(label: str, timing: dict, bare: float | None) -> None:
    over = "" if bare is None else f"{timing['wall'] - bare:+.2f}"
    print(
        f"  {label:<46} {timing['wall']:>10.2f} {timing['cpu']:>6.2f} {over:>11} {timing['command']:>16.2f}"
    )


def startup(where: Path, median_jobs: list[dict], light: list[str], repeats_bare: int, repeats_light: int):
    """Section 4: a bare job's start-up against the light jobs', each forced to rerun alone."""
    print(f"\n4. job start-up, in {where.name}: each job forced to rerun alone with --cores 1")
    rules = [REFERENCE_RULE.format(name=name) for name in REFERENCE_JOBS]
    (where / "bench_bare.smk").write_text("\n".join(rules))
    for name, (what, imports) in REFERENCE_JOBS.items():
        script = REFERENCE_SCRIPT.format(name=name, what=what, imports=imports)
        (where / f"bench_{name}.py").write_text(script)
    # Without the workflow's profile: each reference job is a workflow of its own.
    references = {
        name: forced_timings(
            where,
            name,
            f"bench_bare/{name}.log",
            repeats_bare,
            "-s",
            "bench_bare.smk",
            "--workflow-profile",
            "none",
            "--",
            f"bench_bare/{name}.txt",
        )
        for name in REFERENCE_JOBS
    }
    if references["bare"] is None:
        print("  no bare job measured")
        return
    bare = references["bare"]["wall"]
    print(f"  {'job':<46} {'job wall s':>10} {'CPU s':>6} {'over bare s':>11} {'snakemake wall s':>16}")
    for name, timing in references.items():
        if timing is not None:
            print_timing(f"{name} ({REFERENCE_JOBS[name][0]})", timing, None if name == "bare" else bare)
    outputs = summary(where)
    for rule in light:
        rule_logs = [job["log"] for job in median_jobs if job["rule"] == rule]
        if not rule_logs:
            print(f"  {rule}: no job of this rule in the run")
            continue
        log = rule_logs[0]
        targets = [output for output, output_rule, logs in outputs if output_rule == rule and log in logs]
        if not targets:
            print(f"  {rule}: no output file found for {log}")
            continue
        timing = forced_timings(where, rule, log, repeats_light, "--allowed-rules", rule, "--", targets[0])
        if timing is not None:
            name = f"{rule} ({Path(log).relative_to('results/logs').with_suffix('').as_posix()})"
            print_timing(name, timing, bare)
    print(
        f"  medians: bare of {repeats_bare} runs, each light job of {repeats_light}; job wall from the job "
        "process's start to its exit;\n  snakemake wall: the whole `snakemake` command (DAG, scheduling, "
        "the job);\n  target: a light job within 0.3 s of the bare job"
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--cores", type=int, default=8, help="snakemake --cores of the runs (default 8)")
    parser.add_argument("--repeats", type=int, default=3, help="full runs, each in a fresh copy (default 3)")
    parser.add_argument("--keep", type=Path, help="run in this folder and keep it (default: a temporary one)")
    parser.add_argument(
        "--sequential-runs",
        type=int,
        default=60,
        help="runs of the report's study timed, scaled to importance.runs (default 60)",
    )
    parser.add_argument(
        "--light", default=DEFAULT_LIGHT, help=f"rules whose start-up is measured (default {DEFAULT_LIGHT})"
    )
    parser.add_argument("--skip-sequential", action="store_true", help="skip sections 2 and 3")
    parser.add_argument("--skip-startup", action="store_true", help="skip section 4")
    parser.add_argument("--sequential-child", type=int, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.sequential_child is not None:
        sequential_child(args.sequential_child)
        return
    base = args.keep or Path(tempfile.mkdtemp(prefix="winenet-bench-"))
    base.mkdir(parents=True, exist_ok=True)
    print(f"copies in {base}; Snakemake's output in bench.log of each\n")
    runs, median = full_runs(base, args.cores, max(1, args.repeats))
    median_wall = statistics.median(run["wall"] for run in runs)
    if not args.skip_sequential:
        sequential = sequential_study(args.sequential_runs)
        study_wall = study_through_snakemake(base, args.cores)
        print(
            f"  (a) the report's sequential study / the median full run: {sequential:.1f} s / "
            f"{median_wall:.1f} s = {sequential / median_wall:.2f}x\n"
            "      (the whole reproduction, many more analyses, against the report's study alone)"
        )
        print(
            f"  (b) the report's sequential study / the study through Snakemake: {sequential:.1f} s / "
            f"{study_wall:.1f} s = {sequential / study_wall:.2f}x (target: the study within 20 s wall)"
        )
    if not args.skip_startup:
        light = [rule.strip() for rule in args.light.split(",") if rule.strip()]
        startup(median["where"], median["jobs"], light, repeats_bare=5, repeats_light=3)
    if args.keep is None:
        shutil.rmtree(base)


if __name__ == "__main__":
    main()
