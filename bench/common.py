"""What the benchmarks share: the config, one BLAS thread, the report's split, and running the workflow.

Benchmarks drive the real workflow: a fresh copy of it (``tests/sandbox.py``), run by Snakemake, its
jobs measured by the ``benchmark:`` files the rules declare. Those that time library code in one
process hold BLAS to one thread, as Snakemake does for a job with ``threads: 1``.
"""

import os
import re
import resource
import statistics
import subprocess
import sys
import time
from pathlib import Path
from typing import NamedTuple

import yaml

# The test sandbox (a copy of the workflow in a folder of its own) lives with the tests.
sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "tests"))
from sandbox import REPOSITORY as ROOT  # noqa: E402
from sandbox import TINY, make_project, merge  # noqa: E402, F401

# A run's folder in the benchmarks' copies of the workflow: the default config's (setting `results`).
RESULTS = Path(yaml.safe_load((ROOT / "config.yaml").read_text())["results"])
BENCHMARKS = RESULTS / "benchmarks"
# Snakemake's psutil samples of a job: every 0.5 s for its first 15 s, then every 30 s, so a longer
# job's CPU and peak memory are what the samples saw.
FULLY_SAMPLED = 15.0


def doc_block(page: Path, name: str, text: str, write: bool) -> bool:
    """Whether the ``<!-- name -->`` block of ``page`` holds ``text``; with ``write``, make it so first."""
    block = re.compile(rf"(<!-- {name} -->\n)(.*?)(<!-- /{name} -->)", re.DOTALL)
    current = page.read_text()
    if not block.search(current):
        # A page without the block is not up to date, and --write would have nowhere to write.
        raise SystemExit(f"{page}: no <!-- {name} --> ... <!-- /{name} --> block to hold the table")
    written = block.sub(lambda match: match[1] + text + match[3], current)
    if write:
        page.write_text(written)
    return written == current or write


def load_config() -> dict:
    return yaml.safe_load((ROOT / "config.yaml").read_text())


def one_thread():
    """Hold every BLAS and OpenMP pool of this process to one thread (threadpoolctl), as one job runs."""
    from threadpoolctl import threadpool_limits

    return threadpool_limits(limits=1)


def report_split(config: dict, method: str | None = None):
    """Train and test tables and the normalisation of the report's split, under ``method``.

    ``method`` defaults to the normalisation the models train with (the first configured).
    """
    from winenet.data.preprocessing import split_normalise
    from winenet.data.tables import load_table

    data = config["data"]
    table = load_table(ROOT / data["path"], data["label"], data["features"])
    method = method or config["normalisation"]["methods"][0]
    return split_normalise(table, data["label"], data["features"], **config["split"], method=method)


def report_arrays(config: dict, method: str | None = None):
    """The report's split under ``method``: ``(x_train, y_train, x_test, y_test)`` and its normalisation."""
    from winenet.data.arrays import model_arrays

    train, test, normalisation = report_split(config, method)
    return (*model_arrays(train, normalisation), *model_arrays(test, normalisation)), normalisation


def study_settings(config: dict, normalisation: dict) -> dict:
    """The configured importance study as keyword arguments of ``train_importance_runs``."""
    training, importance = config["training"], config["importance"]
    return {
        "hidden": config["network"]["hidden"],
        "n_classes": len(normalisation["classes"]),
        "learning_rate": training["learning_rate"],
        "batch_size": training["batch_size"],
        "epochs": importance["epochs"],
        "penalty": importance["penalty"],
        "coefficient": importance["coefficient"],
        "seed": importance["seed"],
        "dtype": importance["dtype"],
        "stack_size": importance["stack_size"],
        "permutation_repeats": importance["permutation_repeats"],
    }


class SnakemakeRun(NamedTuple):
    wall: float  # seconds from start to exit
    cpu: float  # seconds of Snakemake and every process it waited for (getrusage)
    output: str  # its standard output and error, as one stream
    own_cpu: float | None  # seconds of Snakemake's own process, none of its jobs (Linux /proc)


def own_cpu(pid: int) -> float | None:
    """User and system seconds of process ``pid`` itself (all its threads, none of its children)."""
    try:
        fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
        return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")
    except (OSError, ValueError, IndexError):
        return None


def snakemake(where: Path, *arguments: str) -> SnakemakeRun:
    """Run Snakemake in ``where``; its output is also appended to ``where/bench.log``."""
    usage = resource.getrusage(resource.RUSAGE_CHILDREN)
    before = usage.ru_utime + usage.ru_stime
    start = time.perf_counter()
    process = subprocess.Popen(
        [sys.executable, "-m", "snakemake", *arguments],
        cwd=where,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
    )
    lines, own = [], None
    for line in process.stdout:
        lines.append(line)
        # Read while the process lives: its own CPU leaves /proc with it.
        own = own_cpu(process.pid) or own
    process.wait()
    wall = time.perf_counter() - start
    usage = resource.getrusage(resource.RUSAGE_CHILDREN)
    output = "".join(lines)
    result = subprocess.CompletedProcess(process.args, process.returncode)
    with open(where / "bench.log", "a") as log:
        log.write(f"$ snakemake {' '.join(arguments)}\n{output}\n")
    if result.returncode != 0:
        sys.exit(
            f"snakemake {' '.join(arguments)} failed in {where}; see {where / 'bench.log'}:\n{output[-3000:]}"
        )
    return SnakemakeRun(wall, usage.ru_utime + usage.ru_stime - before, output, own)


def read_benchmark(path: Path) -> dict:
    """A job's wall seconds (``s``), CPU seconds (``cpu_time``) and peak resident MiB (``max_rss``)
    from its Snakemake benchmark file; None where Snakemake wrote NA (it had no sample)."""
    header, *rows = [line.split("\t") for line in path.read_text().splitlines() if line.strip()]

    def column(name: str) -> float | None:
        values = []
        for row in rows:
            try:
                values.append(float(row[header.index(name)]))
            except (IndexError, ValueError):
                pass
        return statistics.fmean(values) if values else None

    return {"wall": column("s"), "cpu": column("cpu_time"), "rss": column("max_rss")}


def job_benchmarks(where: Path) -> list[dict]:
    """Every job's benchmark file: its rule (the first name under results/benchmarks) and its figures."""
    jobs = []
    for path in sorted((where / BENCHMARKS).rglob("*.tsv")):
        relative = path.relative_to(where / BENCHMARKS)
        job = relative.with_suffix("").as_posix()
        jobs.append({"rule": relative.parts[0].removesuffix(".tsv"), "job": job, **read_benchmark(path)})
    return jobs


def rule_table(jobs: list[dict]) -> str:
    """Per rule: jobs, summed wall and CPU seconds, the longest job and the largest peak MiB."""
    by_rule: dict[str, list[dict]] = {}
    for job in jobs:
        by_rule.setdefault(job["rule"], []).append(job)
    lines = [
        f"  {'rule':<28} {'jobs':>4} {'sum wall s':>10} {'sum CPU s':>9} {'max wall s':>10} "
        f"{'max RSS MiB':>11}"
    ]
    for rule, group in sorted(by_rule.items(), key=lambda item: -sum(j["cpu"] or 0 for j in item[1])):
        walls = [j["wall"] or 0.0 for j in group]
        rss = max((j["rss"] for j in group if j["rss"] is not None), default=0.0)
        long = sum(wall > FULLY_SAMPLED for wall in walls)
        note = f"  ({long} over {FULLY_SAMPLED:.0f} s: CPU a lower bound)" if long else ""
        lines.append(
            f"  {rule:<28} {len(group):>4} {sum(walls):>10.1f} {sum(j['cpu'] or 0 for j in group):>9.1f} "
            f"{max(walls):>10.1f} {rss:>11.0f}{note}"
        )
    return "\n".join(lines)
