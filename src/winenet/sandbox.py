"""A copy of this workflow in a folder of its own, where the tests and the benchmarks run Snakemake.

For a clone of the repository: the workflow is the folder that holds this package's ``src``.
"""

from __future__ import annotations

import copy
import shutil
from pathlib import Path

import yaml

# What a copy needs to run: the Snakefile, its config, rules, scripts, package, data and profiles.
WORKFLOW_FILES = ("Snakefile", "config.yaml", "workflow", "src", "data", "profiles")
REPOSITORY = Path(__file__).resolve().parents[2]

# The report's settings, shrunk so that the whole DAG runs in seconds. Equality tests (reruns,
# shards, cluster against local) hold the study to float64.
TINY = {
    "training": {"epochs": 3},
    "importance": {
        "runs": 6,
        "runs_other_normalisations": 4,
        "epochs": 2,
        "shards": 2,
        "dtype": "float64",
        "permutation_repeats": 2,
    },
    "figures": {"dpi": 40},
    "beyond": {
        "seeds": {"count": 3},
        "cross_validation": {"folds": 2, "repeats": 2},
    },
}


def merge(base: dict, overrides: dict) -> dict:
    """Deep-merge ``overrides`` into a copy of ``base``."""
    merged = copy.deepcopy(base)
    for key, value in overrides.items():
        if isinstance(value, dict) and isinstance(merged.get(key), dict):
            merged[key] = merge(merged[key], value)
        else:
            merged[key] = copy.deepcopy(value)
    return merged


def write_config(project: Path, overrides: dict) -> None:
    """Rewrite ``project/config.yaml`` as the repository's defaults merged with ``overrides``."""
    defaults = yaml.safe_load((REPOSITORY / "config.yaml").read_text())
    (project / "config.yaml").write_text(yaml.safe_dump(merge(defaults, overrides), sort_keys=False))


def make_project(where: Path, overrides: dict | None = None) -> Path:
    """Copy the workflow into ``where`` with ``config.yaml`` = defaults merged with ``overrides``."""
    where = Path(where)
    where.mkdir(parents=True, exist_ok=True)
    for name in WORKFLOW_FILES:
        source = REPOSITORY / name
        if source.is_dir():
            shutil.copytree(source, where / name, ignore=shutil.ignore_patterns("__pycache__"))
        else:
            shutil.copy2(source, where / name)
    write_config(where, overrides or {})
    return where


def planned_jobs(project: Path, *arguments: str) -> set[str]:
    """The jobs a dry run in ``project`` plans, as ``rule`` or ``rule[wildcard=value, ...]``, but ``all``."""
    import re
    import subprocess
    import sys

    command = [sys.executable, "-m", "snakemake", "--cores", "2", "--dry-run", *arguments]
    result = subprocess.run(command, cwd=project, capture_output=True, text=True, timeout=900)
    if result.returncode != 0:
        raise RuntimeError(f"{' '.join(command)} failed in {project}:\n{result.stdout}\n{result.stderr}")
    jobs = set()
    for block in re.split(r"\n(?=(?:local)?rule \w+:)", result.stdout):
        match = re.match(r"(?:local)?rule (\w+):", block)
        if not match or match.group(1) == "all":
            continue
        wildcards = re.search(r"^\s+wildcards: (.+)$", block, re.MULTILINE)
        jobs.add(f"{match.group(1)}[{wildcards.group(1)}]" if wildcards else match.group(1))
    return jobs


def jobs_after_edit(project: Path, module: str) -> set[str]:
    """The jobs an edit to ``src/winenet/{module}`` reruns in a complete ``project``; the edit is undone."""
    path = Path(project) / "src" / "winenet" / module
    original = path.read_text()
    try:
        path.write_text(original + "\n# an edit\n")
        return planned_jobs(project)
    finally:
        path.write_text(original)
