"""What every job's script does first (its log, before anything that can fail), and how a job ends."""

import ast
import subprocess
import sys
import textwrap

import pytest
from conftest import REPO

SCRIPTS = sorted((REPO / "workflow" / "scripts").glob("*.py"))
# What a script may import before it starts its job: nothing that can fail before the log is open.
BEFORE_START = {"sys", "os", "time", "pathlib", "winenet.jobs.job"}


def imported_before_start(path) -> list[str]:
    imported = []
    for node in ast.parse(path.read_text()).body:
        call = node.value if isinstance(node, ast.Expr) else None
        if isinstance(call, ast.Call) and getattr(call.func, "id", None) == "start_job":
            return imported
        if isinstance(node, ast.Import):
            imported += [alias.name for alias in node.names]
        elif isinstance(node, ast.ImportFrom):
            imported.append(node.module)
    pytest.fail(f"{path.name} never calls start_job(snakemake)")


@pytest.mark.parametrize("script", SCRIPTS, ids=lambda path: path.stem)
def test_every_script_starts_its_job_before_it_imports_anything_heavy(script):
    assert set(imported_before_start(script)) <= BEFORE_START


def run_job(tmp_path, body: str) -> subprocess.CompletedProcess:
    """Run ``body`` as a job's script would (after start_job, with its log in tmp_path)."""
    program = "from types import SimpleNamespace\nfrom winenet.jobs.job import start_job\n"
    # What start_job reads of a job: its log, and the run's folder (where a job may clean up).
    job = f"SimpleNamespace(log=[{str(tmp_path / 'job.log')!r}], config={{'results': {str(tmp_path)!r}}})"
    program += f"start_job({job})\n" + textwrap.dedent(body)
    return subprocess.run([sys.executable, "-c", program], capture_output=True, text=True)


def test_a_job_ends_the_normal_way_with_its_messages_in_the_log(tmp_path):
    result = run_job(
        tmp_path,
        """
        import atexit, sys
        atexit.register(lambda: print("exit handlers ran", file=sys.stderr))
        print("to the log", file=sys.stderr)
        print("to stdout")
        """,
    )
    assert result.returncode == 0 and result.stdout == "to stdout\n"
    log = (tmp_path / "job.log").read_text().splitlines()
    assert log[0].startswith("winenet from ") and log[1:-1] == ["to the log", "exit handlers ran"]
    # The job's cost is its last word, after every other exit handler (bench/costs.py reads it).
    assert log[-1].startswith("job cost: ")


def test_an_error_the_user_can_fix_is_one_line_and_a_bug_keeps_its_traceback(tmp_path):
    failing = "from winenet.jobs.errors import WinenetError\nraise WinenetError('fix this')\n"
    result = run_job(tmp_path, failing)
    assert result.returncode == 1
    log = (tmp_path / "job.log").read_text().splitlines()
    assert log[1:-1] == ["WinenetError: fix this"] and log[-1].startswith("job cost: ")
    result = run_job(tmp_path, "raise RuntimeError('broken')\n")
    assert result.returncode == 1
    log = (tmp_path / "job.log").read_text()
    assert "Traceback" in log and "RuntimeError: broken" in log


def test_no_job_leaves_without_the_interpreters_exit():
    for path in [*SCRIPTS, *(REPO / "src" / "winenet").glob("*.py")]:
        assert "os._exit" not in path.read_text(), path
