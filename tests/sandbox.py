"""A copy of this workflow in a folder of its own, where the tests and the benchmarks run Snakemake.

For a clone of the repository: the workflow is the folder that holds this file's ``tests``.
"""

from __future__ import annotations

import copy
import shutil
from pathlib import Path

import yaml

# What a copy needs to run: the Snakefile, its config, rules, scripts, package and profiles. Of the
# data, only the table its config reads (``make_project``): never what else a user keeps in data/
# (new samples under data/new/, tables of their own), nor results/ or .snakemake/, so that what a
# test or benchmark finds in its copy is what it made there.
WORKFLOW_FILES = ("Snakefile", "config.yaml", "workflow", "src", "profiles")
# Files in those folders that no run reads: bytecode, and the metadata of an editable install.
NOT_COPIED = ("__pycache__", "*.egg-info")
REPOSITORY = Path(__file__).resolve().parents[1]

# The tiny configuration, a file as Snakemake workflows keep them: the report's settings shrunk so
# that the whole workflow runs in minutes (its comments say more).
TINY_CONFIG = REPOSITORY / ".test" / "config.yaml"
TINY = yaml.safe_load(TINY_CONFIG.read_text())


def merge(base: dict, overrides: dict) -> dict:
    """Deep-merge ``overrides`` into a copy of ``base``."""
    merged = copy.deepcopy(base)
    for key, value in overrides.items():
        if isinstance(value, dict) and isinstance(merged.get(key), dict):
            merged[key] = merge(merged[key], value)
        else:
            merged[key] = copy.deepcopy(value)
    return merged


def write_config(project: Path, overrides: dict, repository: Path = REPOSITORY) -> dict:
    """Rewrite ``project/config.yaml`` as the repository's defaults merged with ``overrides``; return it."""
    defaults = yaml.safe_load((Path(repository) / "config.yaml").read_text())
    config = merge(defaults, overrides)
    (project / "config.yaml").write_text(yaml.safe_dump(config, sort_keys=False))
    return config


def make_project(where: Path, overrides: dict | None = None, repository: Path = REPOSITORY) -> Path:
    """Copy the workflow of ``repository`` into ``where``; its config: the defaults merged with ``overrides``.

    The data table the config reads is copied when the repository has it (the report's data, by
    default); a test that configures a table of its own writes it into ``where/data`` afterwards.
    """
    where, repository = Path(where), Path(repository).resolve()
    where.mkdir(parents=True, exist_ok=True)
    for name in WORKFLOW_FILES:
        source = repository / name
        if source.is_dir():
            shutil.copytree(source, where / name, ignore=shutil.ignore_patterns(*NOT_COPIED))
        else:
            shutil.copy2(source, where / name)
    config = write_config(where, overrides or {}, repository)
    (where / "data").mkdir(exist_ok=True)
    table = Path(config["data"]["path"])
    source = (repository / table).resolve()
    if not table.is_absolute() and source.is_relative_to(repository) and source.is_file():
        (where / table).parent.mkdir(parents=True, exist_ok=True)
        shutil.copy2(source, where / table)
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


def rule_scripts() -> dict[str, str]:
    """Rule name -> the name of the script it runs, read from the rule files."""
    import re

    scripts = {}
    for path in sorted((REPOSITORY / "workflow" / "rules").glob("*.smk")):
        for block in re.split(r"\n(?=rule \w+:)", path.read_text()):
            rule = re.match(r"rule (\w+):", block)
            script = re.search(r'adapter\("(\w+)"\)', block)
            if rule and script:
                scripts[rule.group(1)] = script.group(1)
    return scripts
