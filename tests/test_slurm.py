"""The tiny config through the SLURM profile on a real (local) SLURM equals a local run.

The cluster's run writes into a folder of its own (setting `results`), which its submitted jobs
follow: the same files there as the local run's under results/.

Needs a running cluster: `tests/cluster/local_slurm.sh start` (as root; `.ci/run` does it) and
SLURM_CONF pointing at it. Skipped, with the reason, where there is none.
"""

import os
import re
import shutil
import subprocess
import sys

import pytest
import yaml
from conftest import TINY, make_project, run_snakemake
from sandbox import planned_jobs

from winenet.workflow.layout import run_jobs
from winenet.workflow.resources import SUBMITTED

pytestmark = [pytest.mark.slurm, pytest.mark.workflow]

# Without slurmdbd the plugin's default `sacct` status check never sees a job end; squeue does.
LOCAL_CLUSTER_FLAGS = [
    "--slurm-status-command",
    "squeue",
    "--slurm-init-seconds-before-status-checks",
    "2",
    "--seconds-between-status-checks",
    "2",
    "--latency-wait",
    "10",
]
# Inside each run's folder.
COMPARED = [
    "metrics.json",
    "models/summary.csv",
    "models/l1/history.parquet",
    "models/l2/predictions.parquet",
    "importance/l2norm/scores.parquet",
    "importance/standard/summary.csv",
    "beyond/paired_differences.csv",
    "claims.csv",
    "figures/models/plain/training_curves.png",
    "figures/importance/l2norm/rank_heatmap_gradient.png",
]


def cluster_problem() -> str | None:
    """Why no SLURM cluster can take jobs here, or None when one can."""
    if shutil.which("sinfo") is None:
        return "SLURM client tools not installed (tests/cluster/local_slurm.sh start installs them)"
    try:
        __import__("snakemake_executor_plugin_slurm")
    except ImportError:
        return "snakemake-executor-plugin-slurm not installed (pip install -e '.[slurm]')"
    try:
        probe = subprocess.run(["sinfo", "-h", "-o", "%T"], capture_output=True, text=True, timeout=20)
    except subprocess.TimeoutExpired:
        return "sinfo timed out"
    if probe.returncode != 0:
        return f"no SLURM controller answers: {probe.stderr.strip()}"
    if not any(state.startswith(("idle", "mix", "alloc")) for state in probe.stdout.split()):
        return f"no SLURM node is up (sinfo: {probe.stdout.strip()})"
    return None


def test_slurm_run_equals_local_run(tmp_path):
    problem = cluster_problem()
    if problem:
        pytest.skip(problem)
    local = make_project(tmp_path / "local", TINY)
    run_snakemake(local)

    cluster = make_project(tmp_path / "cluster", TINY)
    trainings = {job for job in planned_jobs(cluster) if job.partition("[")[0] in SUBMITTED}
    # What the config says a complete run trains (a dry run above, the layout here): not an empty plan.
    config = yaml.safe_load((cluster / "config.yaml").read_text())
    assert trainings == {job for job in run_jobs(config) if job.partition("[")[0] in SUBMITTED} != set()
    command = [
        sys.executable,
        "-m",
        "snakemake",
        "--workflow-profile",
        "profiles/slurm",
        *LOCAL_CLUSTER_FLAGS,
        "--config",
        "results=results-cluster",
    ]
    try:
        result = subprocess.run(
            command, cwd=cluster, capture_output=True, text=True, timeout=900, env=os.environ.copy()
        )
    except subprocess.TimeoutExpired as timeout:
        pytest.fail(f"the SLURM run hung for {timeout.timeout} s:\n{timeout.stdout}\n{timeout.stderr}")
    output = result.stdout + result.stderr
    assert result.returncode == 0, output
    # The plugin logs every job it hands to sbatch: exactly the trainings, the rest ran here.
    submitted = re.findall(r"Job \d+ has been submitted with SLURM jobid (\d+)", output)
    assert len(submitted) == len(trainings), (len(submitted), sorted(trainings))
    for path in COMPARED:
        cluster_file, local_file = cluster / "results-cluster" / path, local / "results" / path
        assert cluster_file.read_bytes() == local_file.read_bytes(), path
    assert (cluster / "results-cluster/report.html").exists() and not (cluster / "results").exists()
