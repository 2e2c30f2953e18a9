"""Shared fixtures: a copy of the workflow in a temporary folder, run on a tiny config."""

import copy
import shutil
import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest
import yaml

REPO = Path(__file__).resolve().parents[1]
WORKFLOW_FILES = ["Snakefile", "config.yaml", "workflow", "src", "data", "profiles"]

# The report's settings, shrunk so that the whole DAG runs in seconds.
TINY = {
    "training": {"epochs": 3},
    # Equality tests (reruns, shards, cluster against local) hold the study to float64.
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


def make_project(where: Path, overrides: dict | None = None) -> Path:
    """Copy the workflow into ``where`` with ``config.yaml`` = defaults merged with ``overrides``."""
    where.mkdir(parents=True, exist_ok=True)
    for name in WORKFLOW_FILES:
        source = REPO / name
        if source.is_dir():
            shutil.copytree(source, where / name, ignore=shutil.ignore_patterns("__pycache__"))
        else:
            shutil.copy2(source, where / name)
    write_config(where, overrides or {})
    return where


def write_config(project: Path, overrides: dict) -> None:
    """Rewrite ``project/config.yaml`` as the repository's defaults merged with ``overrides``."""
    defaults = yaml.safe_load((REPO / "config.yaml").read_text())
    (project / "config.yaml").write_text(yaml.safe_dump(merge(defaults, overrides), sort_keys=False))


def run_snakemake(project: Path, *args: str, check: bool = True) -> subprocess.CompletedProcess:
    """Run Snakemake (this interpreter's) in ``project``; fail loudly with its output."""
    command = [sys.executable, "-m", "snakemake", "--cores", "2", *args]
    result = subprocess.run(command, cwd=project, capture_output=True, text=True, timeout=900)
    if check and result.returncode != 0:
        pytest.fail(f"{' '.join(command)} failed:\n{result.stdout}\n{result.stderr}")
    return result


@pytest.fixture(scope="session")
def wine_split():
    """The report's split of scikit-learn's Wine data, l2norm-normalised: x_train, y_train, x_test, y_test."""
    from sklearn.datasets import load_wine
    from sklearn.model_selection import train_test_split

    wine = load_wine()
    x_train, x_test, y_train, y_test = train_test_split(
        wine.data, wine.target, test_size=0.25, random_state=0
    )
    norms = np.linalg.norm(x_train, axis=0)
    return x_train / norms, y_train, x_test / norms, y_test


@pytest.fixture
def tiny_project(tmp_path) -> Path:
    """A fresh copy of the workflow with the tiny config, not yet run."""
    return make_project(tmp_path / "project", TINY)


@pytest.fixture(scope="session")
def complete_run(tmp_path_factory) -> Path:
    """One complete run of the tiny config, shared by every test that only reads it or copies it."""
    project = make_project(tmp_path_factory.mktemp("complete") / "project", TINY)
    run_snakemake(project)
    return project


@pytest.fixture
def project(complete_run, tmp_path) -> Path:
    """A copy of the complete run (outputs, timestamps and Snakemake's records) to change."""
    copy = tmp_path / "project"
    shutil.copytree(complete_run, copy, symlinks=True)
    return copy
