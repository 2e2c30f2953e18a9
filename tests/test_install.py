"""A plain `pip install .` (not editable) gives a working winenet and ships no development module."""

import os
import shutil
import subprocess
import sys

from conftest import REPO

# What lives beside the package for development only, by the names it once had inside it.
DEVELOPMENT = {"sandbox.py", "readme.py", "result_blocks.py", "calibration.py", "synthetic_evidence.py"}


def test_a_plain_install_works_and_holds_exactly_the_package(tmp_path):
    source = tmp_path / "source"
    source.mkdir()
    for name in ("pyproject.toml", "README.md"):
        shutil.copy(REPO / name, source / name)
    shutil.copytree(REPO / "src", source / "src", ignore=shutil.ignore_patterns("__pycache__", "*.egg-info"))
    target = tmp_path / "installed"
    # uv, a test dependency, builds and installs it: the lowest-versions environment of CI has no pip.
    install = ["uv", "pip", "install", "--quiet", "--no-deps", "--python", sys.executable]
    subprocess.run(
        [sys.executable, "-m", *install, "--target", str(target), str(source)],
        check=True,
        capture_output=True,
    )
    installed = {p.relative_to(target / "winenet").as_posix() for p in (target / "winenet").rglob("*.py")}
    package = {
        p.relative_to(REPO / "src" / "winenet").as_posix() for p in (REPO / "src/winenet").rglob("*.py")
    }
    assert installed == package
    assert not {path.rsplit("/", 1)[-1] for path in installed} & DEVELOPMENT
    # The installed copy runs from anywhere, and its command lists what it can do.
    environment = {**os.environ, "PYTHONPATH": str(target)}
    environment.pop("WINENET_SRC", None)
    program = (
        "import winenet, winenet.model.training, winenet.predict, winenet.verdicts.settle;"
        "print(winenet.__file__)"
    )
    where = subprocess.run(
        [sys.executable, "-c", program],
        cwd=tmp_path,
        env=environment,
        capture_output=True,
        text=True,
        check=True,
    ).stdout.strip()
    assert where == str(target / "winenet" / "__init__.py")
    command = subprocess.run(
        [str(target / "bin" / "winenet"), "--help"],
        cwd=tmp_path,
        env=environment,
        capture_output=True,
        text=True,
    )
    assert command.returncode == 0 and "predict" in command.stdout
