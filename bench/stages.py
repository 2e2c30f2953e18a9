"""Benchmark: the whole default pipeline through Snakemake against the report's study, and job start-up.

Usage: python bench/stages.py [--cores 8] [--repeats 3] [--keep DIR] [--sequential-runs 60]
                              [--light evaluate,compare,...] [--skip-sequential] [--skip-startup]
In fresh copies of the workflow (Snakefile, config.yaml, workflow/, src/, data/, profiles/):
1. runs `snakemake --cores N` with the default config and profile from an empty results/,
   --repeats times: each run's wall time, the median, and for the median run, per rule, the jobs'
   summed wall and CPU seconds, the longest job and the largest peak memory, read from the
   benchmark file Snakemake writes for each job (every rule's `benchmark:`, results/benchmarks/,
   the same path as its log under results/logs/ with .tsv for .log); also the CPU of Snakemake
   itself (its own process, from /proc), the jobs' in all (Snakemake's children's CPU, getrusage,
   less Snakemake's own) against what their benchmark files hold, how long Snakemake takes to exit
   after its last line of output, and the run's packing floor (its CPU over the cores);
2. times the importance study as the student's report ran it: importance.runs runs of
   importance.epochs epochs, one run at a time, float64, one process with BLAS on one thread
   (--sequential-runs of them, scaled to all runs);
3. runs the study alone through Snakemake (its summary.csv as the target) and prints the report's
   sequential study time over the full run's and over the study's through Snakemake;
4. in a completed copy, forces single jobs to rerun: a bare job (a script that imports nothing of
   winenet), a job that only imports the table libraries (pandas, pyarrow), both with a
   `benchmark:` of their own, and each --light rule, and prints how much longer each takes to run
   than the bare one.
What a benchmark file holds (Snakemake's columns s, cpu_time, max_rss; read by read_benchmark):
- s, the job's wall seconds: from the start of the job's shell to its exit, Python's start-up and
  exit included; exact.
- cpu_time, its CPU seconds: user and system time of the job's process tree (its shell, the Python
  process, whatever that starts) as psutil samples it, every 0.5 s for the first 15 s of the job,
  then every 30 s. What the job spends after its last sample is missing: up to 0.5 s of its wall
  time for a job of at most 15 s, up to 30 s for a longer one, whose samples after 15 s come at 45,
  75, ... s (the tables mark jobs longer than 15 s: their CPU is a lower bound). A job shorter than
  a sample interval may have no sample but the one at its start: NA, or a few hundredths.
- max_rss, its peak memory in MiB: the largest sum of the tree's resident sizes over the same
  samples, so a peak between two samples is missed.
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
LOGS = Path("results/logs")
BENCHMARKS = Path("results/benchmarks")
# Snakemake's psutil samples of a job: every 0.5 s for its first 30 samples, then every 30 s.
FULLY_SAMPLED = 15.0
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
    benchmark:
        "bench_bare/{name}.tsv"
    script:
        "bench_{name}.py"
"""
# Without winenet: what any Python job pays to start, measured by Snakemake as every rule's job is.
REFERENCE_SCRIPT = """\
from pathlib import Path
{imports}
Path(snakemake.output[0]).write_text("done\\n")
Path(snakemake.log[0]).write_text("{name} job: {what}\\n")
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
    own_cpu: float | None  # seconds of its own process alone at its last line of output (Linux)


def process_cpu(pid: int) -> float | None:
    """The user and system seconds of process ``pid`` itself, all its threads, none of its children."""
    try:
        fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
        return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")
    except (OSError, ValueError, IndexError):
        return None


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
    lines, last_line, own_cpu = [], start, None
    for line in process.stdout:
        lines.append(line)
        last_line = time.perf_counter()
        # Read while the process lives: its own CPU is gone from /proc once it exits.
        own_cpu = process_cpu(process.pid) or own_cpu
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
    return SnakemakeRun(end - start, cpu, output, end - last_line, own_cpu)


def cpu_split(run: SnakemakeRun, jobs: list[dict]) -> str:
    """Snakemake's CPU and its jobs': their benchmark files' sum against what getrusage leaves them."""
    if run.own_cpu is None:
        return (
            f"Snakemake and all its children {run.cpu:.1f} s CPU, the jobs' benchmark files "
            f"{job_cpu(jobs):.1f} s of it; Snakemake itself at most the rest, {run.cpu - job_cpu(jobs):.1f} s"
        )
    jobs_cpu = run.cpu - run.own_cpu
    return (
        f"Snakemake and all its children {run.cpu:.1f} s CPU: Snakemake itself {run.own_cpu:.1f} s, "
        f"so the jobs about {jobs_cpu:.1f} s,\n    of which their benchmark files hold {job_cpu(jobs):.1f} s "
        f"({job_cpu(jobs) / jobs_cpu:.0%})"
    )


def read_benchmark(path: Path) -> dict | None:
    """A job's wall seconds (``s``), CPU seconds (``cpu_time``) and peak resident MiB (``max_rss``)
    from its Snakemake benchmark file; None for a value written as NA, None for a file without rows.

    The mean over the file's rows where a rule's ``benchmark: repeat(...)`` ran the job more than once.
    """
    lines = [line.split("\t") for line in path.read_text().splitlines() if line.strip()]
    if len(lines) < 2:
        return None
    header, rows = lines[0], lines[1:]

    def column(name: str) -> float | None:
        if name not in header:
            return None
        index = header.index(name)
        values = []
        for row in rows:
            try:
                values.append(float(row[index]))
            except (IndexError, ValueError):  # NA: Snakemake had no sample of the job
                pass
        return statistics.fmean(values) if values else None

    return {"wall": column("s"), "cpu": column("cpu_time"), "rss": column("max_rss")}


def log_of(benchmark: str) -> str:
    """The log of a job with this benchmark file: the workflow's rules give both the same path."""
    return (LOGS / Path(benchmark).relative_to(BENCHMARKS)).with_suffix(".log").as_posix()


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
    """Each log file's rule, as Snakemake's summary lists them (it lists no benchmark files)."""
    return {log: rule for _, rule, logs in summary(where) for log in logs}


def job_benchmarks(where: Path, rules: dict[str, str] | None = None) -> list[dict]:
    """Every job's benchmark file under results/benchmarks: its path, its log's, its rule, and its
    wall and CPU seconds and peak MiB (None where the file has none).

    The rule is the one ``rules`` (log_rules) gives the job's log, else the benchmark path's first
    component, which the workflow names after the rule (regularisation_path_stack's excepted).
    """
    jobs = []
    for benchmark in sorted((where / BENCHMARKS).rglob("*.tsv")):
        path = benchmark.relative_to(where).as_posix()
        log = log_of(path)
        rule = (rules or {}).get(log, benchmark.relative_to(where / BENCHMARKS).parts[0].removesuffix(".tsv"))
        measured = read_benchmark(benchmark) or {"wall": None, "cpu": None, "rss": None}
        jobs.append({"benchmark": path, "log": log, "rule": rule, **measured})
    return jobs


def job_cpu(jobs: list[dict]) -> float:
    return sum(job["cpu"] or 0.0 for job in jobs)


def beyond_sampling(jobs: list[dict]) -> list[dict]:
    """The jobs longer than Snakemake's dense sampling: their CPU is missing what came after ~15 s."""
    return [job for job in jobs if (job["wall"] or 0.0) > FULLY_SAMPLED]


def optional(value: float | None, width: int, decimals: int) -> str:
    return f"{value:>{width}.{decimals}f}" if value is not None else f"{'NA':>{width}}"


def print_rule_table(jobs: list[dict], indent: str = "  ") -> None:
    by_rule = defaultdict(list)
    for job in jobs:
        by_rule[job["rule"]].append(job)
    print(
        f"{indent}{'rule':<28} {'jobs':>4} {'sum wall s':>10} {'sum CPU s':>9} {'max wall s':>10} "
        f"{'max RSS MiB':>11}"
    )
    for rule, rule_jobs in sorted(by_rule.items(), key=lambda item: -job_cpu(item[1])):
        walls = [job["wall"] for job in rule_jobs if job["wall"] is not None]
        rss = max((job["rss"] for job in rule_jobs if job["rss"] is not None), default=None)
        notes = []
        if missing := sum(job["cpu"] is None for job in rule_jobs):
            notes.append(f"{missing} without a CPU sample")
        if long := len(beyond_sampling(rule_jobs)):
            notes.append(f"{long} over {FULLY_SAMPLED:.0f} s: CPU a lower bound")
        note = f"  ({'; '.join(notes)})" if notes else ""
        print(
            f"{indent}{rule:<28} {len(rule_jobs):>4} {sum(walls):>10.1f} {job_cpu(rule_jobs):>9.1f} "
            f"{max(walls, default=0.0):>10.2f} {optional(rss, 11, 0)}{note}"
        )
    rss = max((job["rss"] for job in jobs if job["rss"] is not None), default=None)
    print(
        f"{indent}{'total':<28} {len(jobs):>4} {sum(job['wall'] or 0.0 for job in jobs):>10.1f} "
        f"{job_cpu(jobs):>9.1f} {'':>10} {optional(rss, 11, 0)}"
    )


def print_measures(indent: str = "  ") -> None:
    print(
        f"{indent}from each job's Snakemake benchmark file: wall = its `s`, from the job's shell start to "
        "its exit (Python's start-up and\n"
        f"{indent}exit included); CPU = its `cpu_time`, user and system time of the job's process tree "
        "as psutil samples it\n"
        f"{indent}(every 0.5 s for its first {FULLY_SAMPLED:.0f} s, then every 30 s: what comes after the "
        "last sample is missing); max RSS =\n"
        f"{indent}the largest of its `max_rss`, the tree's summed resident MiB at the same samples; "
        "sum wall adds up jobs that ran side by side"
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
        jobs = job_benchmarks(where)
        runs.append({"where": where, "wall": run.wall, "cpu": run.cpu, "jobs": jobs})
        print(
            f"  run {repeat}: {run.wall:.1f} s wall; {len(jobs)} jobs; {cpu_split(run, jobs)};\n"
            f"    Snakemake exited {run.exit_wait:.2f} s after its last line of output"
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
        "  Snakemake and all its children: getrusage RUSAGE_CHILDREN, every process Snakemake waited "
        "for; Snakemake itself: its own\n  process (/proc/<pid>/stat, all its threads, none of its "
        "children) at its last line of output, its exit left out;\n  the jobs: the difference, their "
        "process trees and the shells that start them. Their benchmark files hold less: psutil\n  "
        f"samples each job, and what it spends after its last sample (after about {FULLY_SAMPLED:.0f} s "
        "in a longer job) is missing"
    )
    median["jobs"] = job_benchmarks(median["where"], log_rules(median["where"]))
    print(
        f"\n  per rule, run {runs.index(median) + 1} (the median run), from each job's benchmark file "
        "(results/benchmarks/)"
    )
    print_rule_table(median["jobs"])
    print_measures()
    report_missing(median["jobs"])
    return runs, median


def report_missing(jobs: list[dict]) -> None:
    missing = [job["benchmark"] for job in jobs if job["cpu"] is None]
    if missing:
        print(f"  benchmarks without a CPU sample (NA, counted as 0 s): {', '.join(missing)}")
    if long := len(beyond_sampling(jobs)):
        print(
            f"  {long} of {len(jobs)} jobs ran over {FULLY_SAMPLED:.0f} s: their CPU lacks what they spent "
            f"after their last sample (about {FULLY_SAMPLED:.0f} s in), so the sums above are lower bounds"
        )


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
    jobs = job_benchmarks(where, log_rules(where))
    print(
        f"\n3. the study through Snakemake: snakemake --cores {cores} {target}, from an empty results/:\n"
        f"  {run.wall:.1f} s wall; {len(jobs)} jobs; {cpu_split(run, jobs)};\n"
        f"    it exited {run.exit_wait:.2f} s after its last line of output"
    )
    print_rule_table(jobs)
    report_missing(jobs)
    return run.wall


def forced_job(where: Path, rule: str, *arguments: str) -> tuple[float, list[str]]:
    """Force ``rule``'s jobs among the targets to rerun: Snakemake's wall seconds and the rules of the jobs
    that ran."""
    run = snakemake(where, "--cores", "1", "--forcerun", rule, *arguments)
    return run.wall, JOB_HEADER.findall(run.output)


def forced_timings(where: Path, rule: str, benchmark: str, repeats: int, *arguments: str) -> dict | None:
    """Force ``rule``'s job to rerun ``repeats`` times: the medians of its job wall and CPU seconds and
    peak MiB (from its ``benchmark`` file) and of the whole command's wall seconds, or None when no run
    counted."""
    walls, cpus, rss, commands, odd = [], [], [], [], []
    path = where / benchmark
    for _ in range(repeats):
        before = path.stat().st_mtime_ns if path.exists() else None
        command_wall, ran = forced_job(where, rule, *arguments)
        written = path.exists() and path.stat().st_mtime_ns != before
        measured = read_benchmark(path) if written else None
        if ran != [rule] or measured is None or measured["wall"] is None:
            odd.append(f"ran {ran}, benchmark {'rewritten' if written else 'not rewritten'}: {measured}")
            continue
        walls.append(measured["wall"])
        if measured["cpu"] is not None:
            cpus.append(measured["cpu"])
        if measured["rss"] is not None:
            rss.append(measured["rss"])
        commands.append(command_wall)
    if odd:
        print(f"  {rule}: {len(odd)} of {repeats} not counted: {'; '.join(odd)}")
    if not walls:
        return None
    return {
        "wall": statistics.median(walls),
        "cpu": statistics.median(cpus) if cpus else None,
        "rss": statistics.median(rss) if rss else None,
        "command": statistics.median(commands),
    }


def print_timing(label: str, timing: dict, bare: float | None) -> None:
    over = "" if bare is None else f"{timing['wall'] - bare:+.2f}"
    print(
        f"  {label:<46} {timing['wall']:>10.2f} {optional(timing['cpu'], 6, 2)} "
        f"{optional(timing['rss'], 7, 0)} {over:>11} {timing['command']:>16.2f}"
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
            f"bench_bare/{name}.tsv",
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
    print(
        f"  {'job':<46} {'job wall s':>10} {'CPU s':>6} {'RSS MiB':>7} {'over bare s':>11} "
        f"{'snakemake wall s':>16}"
    )
    for name, timing in references.items():
        if timing is not None:
            print_timing(f"{name} ({REFERENCE_JOBS[name][0]})", timing, None if name == "bare" else bare)
    outputs = summary(where)
    for rule in light:
        rule_jobs = [job for job in median_jobs if job["rule"] == rule]
        if not rule_jobs:
            print(f"  {rule}: no job of this rule in the run")
            continue
        job = rule_jobs[0]
        targets = [output for output, of_rule, logs in outputs if of_rule == rule and job["log"] in logs]
        if not targets:
            print(f"  {rule}: no output file found for {job['log']}")
            continue
        timing = forced_timings(
            where, rule, job["benchmark"], repeats_light, "--allowed-rules", rule, "--", targets[0]
        )
        if timing is not None:
            name = f"{rule} ({Path(job['benchmark']).relative_to(BENCHMARKS).with_suffix('').as_posix()})"
            print_timing(name, timing, bare)
    print(
        f"  medians: bare of {repeats_bare} runs, each light job of {repeats_light}; from each job's "
        "benchmark file: job wall = `s`,\n  from the job's shell start to its exit; CPU s and RSS MiB = "
        "`cpu_time` and `max_rss` at psutil's samples, every 0.5 s from\n  the job's start: for a job "
        "under a second that is one or two samples (the first at its start), so they are\n  rough (NA: "
        "no sample); snakemake wall: the whole `snakemake` command (DAG, scheduling, the job);\n  "
        "target: a light job within 0.3 s of the bare job"
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
