"""Benchmark: the whole default pipeline through Snakemake, timed per stage (a benchmark, not a test).

Usage: python bench/stages.py [--cores 8] [--keep DIR]
Copies the workflow into a temporary folder, runs `snakemake --cores N` with the default config and
profile, and prints the wall time of the run and, per rule, the number of jobs and their summed
and longest wall time, read from Snakemake's own log (1 s resolution).
"""

import argparse
import re
import shutil
import subprocess
import sys
import tempfile
import time
from collections import defaultdict
from datetime import datetime
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
WORKFLOW_FILES = ["Snakefile", "config.yaml", "workflow", "src", "data", "profiles"]
STAMP = re.compile(r"^\[(\w{3} \w{3} +\d+ \d\d:\d\d:\d\d \d{4})\]$")


def job_durations(log: str) -> dict[str, list[float]]:
    """Per rule, the wall seconds of each job: from its start stamp to its 'Finished jobid' stamp."""
    started, rules, durations = {}, {}, defaultdict(list)
    stamp = None
    lines = log.splitlines()
    for i, line in enumerate(lines):
        match = STAMP.match(line.strip())
        if match:
            stamp = datetime.strptime(match.group(1), "%a %b %d %H:%M:%S %Y")
            continue
        rule = re.match(r"^(?:local)?rule (\w+):$", line.strip())
        if rule and stamp is not None:
            for following in lines[i + 1 : i + 12]:
                jobid = re.match(r"^\s+jobid: (\d+)$", following)
                if jobid:
                    started[jobid.group(1)] = stamp
                    rules[jobid.group(1)] = rule.group(1)
                    break
        finished = re.match(r"^Finished jobid: (\d+)", line.strip())
        if finished and finished.group(1) in started and stamp is not None:
            jobid = finished.group(1)
            durations[rules[jobid]].append((stamp - started[jobid]).total_seconds())
    return durations


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--cores", default="8")
    parser.add_argument("--keep", type=Path, help="run in this folder and keep it (default: a temporary one)")
    args = parser.parse_args()
    where = args.keep or Path(tempfile.mkdtemp(prefix="winenet-bench-"))
    where.mkdir(parents=True, exist_ok=True)
    for name in WORKFLOW_FILES:
        source = ROOT / name
        copy = shutil.copytree if source.is_dir() else shutil.copy2
        copy(source, where / name)
    command = [sys.executable, "-m", "snakemake", "--cores", args.cores]
    start = time.perf_counter()
    result = subprocess.run(command, cwd=where, capture_output=True, text=True)
    wall = time.perf_counter() - start
    if result.returncode != 0:
        sys.exit(f"snakemake failed:\n{result.stderr[-3000:]}")
    durations = job_durations(result.stdout + result.stderr)
    print(f"snakemake --cores {args.cores}, default config, in {where}: {wall:.1f} s wall (report included)")
    print(f"{'rule':<28} {'jobs':>4} {'sum s':>7} {'max s':>6}")
    for rule, seconds in sorted(durations.items(), key=lambda item: -sum(item[1])):
        print(f"{rule:<28} {len(seconds):>4} {sum(seconds):>7.0f} {max(seconds):>6.0f}")
    print("sum s adds up jobs that ran side by side; jobs share the machine's cores.")
    if args.keep is None:
        shutil.rmtree(where)


if __name__ == "__main__":
    main()
