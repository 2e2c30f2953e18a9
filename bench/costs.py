"""Benchmark: what each analysis of the default run costs, in CPU seconds and per-job start-up.

Usage: python bench/costs.py [--cores 8] [--keep DIR] [--write] [--smoke]

In a fresh copy of the workflow, runs `snakemake --cores N` from an empty results folder, then
reads the last line of every job's log, the CPU the operating system counted for the job when it
exited (winenet.jobs.job.JOB_COST: user and system, imports and the processes it waited for included).
Jobs are added up by the analysis they belong to (ANALYSES, by rule and, for the importance study,
by normalisation); Snakemake's own process is a row of its own. Beside each analysis: its share of
the run, and its start-up, the jobs times what importing its script's modules costs in a fresh
interpreter (the least of three, with Snakemake's script preamble), which every job pays before it
computes, and per rule that start-up with the libraries it loads. "The rest" is what the jobs'
own count misses: their interpreters' start and exit, outside the moment a job counts its CPU.
--write puts both tables into docs/performance.md (<!-- costs --> and <!-- start-up --> markers).
--smoke runs the tiny test config: it shows the benchmark works, in a minute. A benchmark: it
prints figures and asserts nothing.
"""

import argparse
import ast
import json
import re
import subprocess
import sys
import tempfile
from pathlib import Path

from common import RESULTS, ROOT, TINY, doc_block, make_project, snakemake

from winenet.jobs.job import JOB_COST

# Every rule of the workflow, by the analysis it serves (the importance study: per normalisation).
ANALYSES = {
    "validation and data": ("validate", "split_normalise", "cv_folds"),
    "the three models": ("train", "evaluate", "compare"),
    "seed study": ("seed_study",),
    "cross-validation of the networks": ("cross_validate_model", "cv_summary"),
    "baselines (scikit-learn)": ("cross_validate_baselines",),
    "importance study": ("importance_shard", "importance_gather"),
    "importance over further splits": ("importance_splits",),
    "L1 methods": ("l1_methods",),
    "claims": ("claims", "report_claims"),
    "figures and report": (
        "plot_feature_distributions",
        "plot_importance",
        "plot_l1_methods",
        "importance_sensitivity",
        "report",
    ),
    # Not part of the default run: on demand.
    "on demand": ("predict", "regularisation_path_stack", "regularisation_path"),
}
RULE_ANALYSIS = {rule: analysis for analysis, rules in ANALYSES.items() for rule in rules}
# The job's CPU in its log's last line: what JOB_COST says before the number.
COST = re.compile(re.escape(JOB_COST.split("{")[0]) + r"(?P<cpu>[0-9.]+)")
SCRIPTS = ROOT / "workflow" / "scripts"


def job_costs(where: Path) -> list[dict]:
    """Every job's rule, wildcards (the rest of its log's path) and CPU seconds, from its log."""
    jobs = []
    logs = where / RESULTS / "logs"
    for path in sorted(logs.rglob("*.log")):
        relative = path.relative_to(logs).with_suffix("")
        found = COST.search(path.read_text())
        if found is None:
            sys.exit(f"{path} has no '{JOB_COST.split(':')[0]}' line: did the job run to its end?")
        jobs.append({"rule": relative.parts[0], "wildcards": relative.parts[1:], "cpu": float(found["cpu"])})
    return jobs


def analysis_of(job: dict) -> str:
    """The analysis a job serves; the importance study's jobs by their normalisation."""
    analysis = RULE_ANALYSIS[job["rule"]]
    return f"{analysis}, {job['wildcards'][0]}" if analysis == "importance study" else analysis


def script_imports(rule: str) -> str:
    """The import statements of a rule's script (its job machinery aside), as one program."""
    tree = ast.parse((SCRIPTS / f"{rule}.py").read_text())
    return "\n".join(
        ast.unparse(node)
        for node in tree.body
        if isinstance(node, ast.Import | ast.ImportFrom)
        and not (isinstance(node, ast.ImportFrom) and node.module == "winenet.jobs.job")
    )


# The libraries whose import a job's start-up is named by, when it loads them.
LIBRARIES = ("pandas", "scipy.stats", "matplotlib", "seaborn", "sklearn")


def start_up(rule: str, repeats: int = 3) -> tuple[float, list[str]]:
    """CPU seconds a fresh interpreter takes to import what a rule's script imports (least of ``repeats``),
    with Snakemake's script preamble, and which of ``LIBRARIES`` that loads."""
    program = (
        "import resource, json, sys\nimport snakemake.script\n"
        + script_imports(rule)
        + "\nu = resource.getrusage(resource.RUSAGE_SELF)\n"
        + f"print(json.dumps([u.ru_utime + u.ru_stime, [m for m in {LIBRARIES!r} if m in sys.modules]]))"
    )
    environment = {"PYTHONPATH": str(ROOT / "src"), "PATH": "/usr/bin:/bin"}
    seconds = []
    for _ in range(repeats):
        done = subprocess.run(
            [sys.executable, "-c", program], capture_output=True, text=True, env=environment, check=True
        )
        cpu, libraries = json.loads(done.stdout.strip().splitlines()[-1])
        seconds.append(cpu)
    return min(seconds), libraries


def start_up_table(jobs: list[dict], startups: dict) -> str:
    """Per rule: its jobs, what starting one costs, and the libraries it loads."""
    counts: dict[str, int] = {}
    for job in jobs:
        counts[job["rule"]] = counts.get(job["rule"], 0) + 1
    lines = ["| rule | jobs | start-up s per job | loads |", "|---|---|---|---|"]
    for rule, (seconds, libraries) in sorted(startups.items(), key=lambda item: -item[1][0]):
        lines.append(f"| `{rule}` | {counts[rule]} | {seconds:.2f} | {', '.join(libraries)} |")
    return "\n".join(lines) + "\n"


def cost_table(jobs: list[dict], startups: dict, itself: float, total: float) -> str:
    """The run's CPU by analysis, with each one's share and the start-up its jobs paid."""
    rows: dict[str, dict] = {}
    for job in jobs:
        row = rows.setdefault(analysis_of(job), {"jobs": 0, "cpu": 0.0, "start": 0.0})
        row["jobs"] += 1
        row["cpu"] += job["cpu"]
        row["start"] += startups[job["rule"]][0]
    counted = sum(row["cpu"] for row in rows.values())
    lines = [
        "| analysis | jobs | CPU s | share of the run | start-up s (imports) | start-up share |",
        "|---|---|---|---|---|---|",
    ]
    for name, row in sorted(rows.items(), key=lambda item: -item[1]["cpu"]):
        lines.append(
            f"| {name} | {row['jobs']} | {row['cpu']:.1f} | {100 * row['cpu'] / total:.1f} % | "
            f"{row['start']:.1f} | {100 * row['start'] / row['cpu']:.0f} % |"
        )
    lines.append(f"| Snakemake itself | 1 | {itself:.1f} | {100 * itself / total:.1f} % | | |")
    rest = total - counted - itself
    lines.append(
        f"| the rest (launching and ending the jobs) | | {rest:.1f} | {100 * rest / total:.1f} % | | |"
    )
    jobs_start = sum(row["start"] for row in rows.values())
    lines.append(
        f"| **the run** | {len(jobs)} | **{total:.1f}** | 100 % | {jobs_start:.1f} | "
        f"{100 * jobs_start / total:.0f} % |"
    )
    return "\n".join(lines) + "\n"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--cores", type=int, default=8)
    parser.add_argument("--keep", type=Path, help="run in this folder and keep it")
    parser.add_argument("--write", action="store_true", help="write the table into docs/performance.md")
    parser.add_argument("--smoke", action="store_true", help="the tiny test config: shows it works")
    args = parser.parse_args()
    base = args.keep or Path(tempfile.mkdtemp(prefix="winenet-costs-"))
    where = make_project(base / "project", TINY if args.smoke else {})
    run = snakemake(where, "--cores", str(args.cores))
    jobs = job_costs(where)
    unknown = sorted({job["rule"] for job in jobs} - RULE_ANALYSIS.keys())
    if unknown:
        sys.exit(f"rules {unknown} belong to no analysis: add them to ANALYSES in bench/costs.py")
    print(
        f"snakemake --cores {args.cores}{' (tiny config)' if args.smoke else ''} from an empty {RESULTS}/: "
        f"{run.wall:.1f} s wall, {run.cpu:.1f} s CPU, {len(jobs)} jobs"
    )
    startups = {rule: start_up(rule) for rule in sorted({job["rule"] for job in jobs})}
    table = cost_table(jobs, startups, run.own_cpu or 0.0, run.cpu)
    rules = start_up_table(jobs, startups)
    print(table)
    print(rules)
    if args.write and not args.smoke:
        page = ROOT / "docs" / "performance.md"
        doc_block(page, "costs", table, write=True)
        doc_block(page, "start-up", rules, write=True)
        print("written to docs/performance.md")


if __name__ == "__main__":
    main()
