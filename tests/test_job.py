"""What every job's script does first (start the job before NumPy loads: BLAS on one thread) and last."""

import ast
import os
import subprocess
import sys
import textwrap

import pytest
from conftest import REPO

SCRIPTS = sorted((REPO / "workflow" / "scripts").glob("*.py"))
# What a script may import before it starts its job: nothing that loads NumPy.
BEFORE_START = {"sys", "os", "time", "pathlib", "winenet.job"}


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


@pytest.mark.parametrize("script", SCRIPTS, ids=lambda path: path.stem)
def test_every_script_ends_with_finish_job(script):
    last = ast.parse(script.read_text()).body[-1]
    assert isinstance(last, ast.Expr) and isinstance(last.value, ast.Call)
    assert getattr(last.value.func, "id", None) == "finish_job"


def run_job(tmp_path, body: str, **environment) -> subprocess.CompletedProcess:
    """Run ``body`` as a job's script would (after start_job, with its log in tmp_path)."""
    program = "from types import SimpleNamespace\nfrom winenet.job import finish_job, start_job\n"
    program += f"start_job(SimpleNamespace(log=[{str(tmp_path / 'job.log')!r}]))\n" + textwrap.dedent(body)
    return subprocess.run(
        [sys.executable, "-c", program], capture_output=True, text=True, env={**os.environ, **environment}
    )


def test_finish_job_ends_the_job_with_its_outputs_and_cost_written(tmp_path):
    result = run_job(
        tmp_path,
        f"""
        import sys
        with open({str(tmp_path / "out.txt")!r}, "w") as handle:
            handle.write("done")
        print("to the log", file=sys.stderr)
        print("to stdout")
        finish_job()
        print("never", file=sys.stderr)
        """,
    )
    assert result.returncode == 0
    assert result.stdout == "to stdout\n"
    assert (tmp_path / "out.txt").read_text() == "done"
    log = (tmp_path / "job.log").read_text().splitlines()
    assert log[-2] == "to the log"
    assert log[-1].startswith("job cost: ")


def test_finish_job_returns_to_a_harness_that_asks_for_it(tmp_path):
    result = run_job(tmp_path, "finish_job()\nprint('after the job')\n", WINENET_JOB_RETURNS="1")
    assert result.returncode == 0
    assert result.stdout == "after the job\n"
    log = (tmp_path / "job.log").read_text().splitlines()
    assert sum(line.startswith("job cost: ") for line in log) == 1  # said once, not again at exit


def test_a_job_that_fails_before_finish_job_still_fails(tmp_path):
    result = run_job(tmp_path, "raise RuntimeError('broken')\nfinish_job()\n")
    assert result.returncode == 1
    log = (tmp_path / "job.log").read_text()
    assert "RuntimeError: broken" in log
    assert log.splitlines()[-1].startswith("job cost: ")


def test_a_job_runs_blas_on_one_thread_whatever_snakemake_asks(tmp_path):
    # Snakemake exports a job's `threads` as the BLAS thread count; here it asks for four.
    program = textwrap.dedent(
        f"""
        from types import SimpleNamespace
        from winenet.job import start_job
        start_job(SimpleNamespace(log=[{str(tmp_path / "job.log")!r}]))
        import numpy
        from threadpoolctl import threadpool_info
        print(sorted({{pool["num_threads"] for pool in threadpool_info() if pool["user_api"] == "blas"}}))
        """
    )
    environment = {**os.environ, "OPENBLAS_NUM_THREADS": "4", "OMP_NUM_THREADS": "4"}
    result = subprocess.run(
        [sys.executable, "-c", program], env=environment, capture_output=True, text=True, check=True
    )
    assert result.stdout.strip() == "[1]"
    assert (tmp_path / "job.log").read_text().splitlines()[-1].startswith("job cost: ")
