"""Shared fixtures: a copy of the workflow in a temporary folder, run on a tiny config."""

import re
import shutil
import subprocess
import sys
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

# The benchmarks' support (the verdict rules on synthetic and resampled evidence) lives with them.
sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "bench"))

from sandbox import REPOSITORY, TINY, make_project, merge, write_config  # noqa: F401

REPO = REPOSITORY


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


def assert_printed_numbers_are_fields(row: dict) -> None:
    """Every number the evidence prints is the value of one of the row's numeric fields, as rounded.

    Text fields the evidence quotes whole (names, notes) are taken out first: their numbers are
    part of those fields. A number followed by " %" is a share printed in percent; "< 0.001" a
    probability below what three decimals show.
    """
    text = row["evidence"]
    quoted = [value for key, value in row.items() if isinstance(value, str) and value and key != "evidence"]
    for value in sorted(quoted, key=len, reverse=True):
        if len(value) > 3 and value in text:
            text = text.replace(value, " ")
    numbers = [value for value in row.values() if isinstance(value, int | float) and not pd.isna(value)]
    for match in re.finditer(r"(<\s*)?(?<![\w.])([+-]?\d+(?:\.(\d+))?)(\s*%)?(?![\w.])", text):
        below, printed, decimals, percent = (
            match.group(1),
            float(match.group(2)),
            match.group(3),
            match.group(4),
        )
        digits = len(decimals or "")
        scale = 100 if percent else 1
        if below:
            assert any(0 <= value * scale < printed for value in numbers), (match.group(0), row)
            continue
        assert any(
            round(value * scale, digits) == printed or f"{value * scale:.3g}" == match.group(2).lstrip("+")
            for value in numbers
        ), (match.group(0), row["evidence"])
