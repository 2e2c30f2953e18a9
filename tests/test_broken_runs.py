"""A broken run: a damaged intermediate, a diverging model, runs at chance; one line, never a traceback."""

import json

import pandas as pd
import pytest
from conftest import run_snakemake

pytestmark = pytest.mark.workflow


def truncate(path, keep=20):
    data = path.read_bytes()
    path.write_bytes(data[:keep])


# (the file that breaks, a target whose jobs read it again)
BROKEN = [
    ("results/data/l2norm/train.parquet", "results/models/plain/weights.npz"),
    ("results/importance/l2norm/shards/1.parquet", "results/importance/l2norm/summary.csv"),
    ("results/data/l2norm/normalisation.json", "results/models/l1/metrics.json"),
    ("results/models/l2/weights.npz", "results/models/l2/metrics.json"),
]


@pytest.mark.parametrize(("broken", "target"), BROKEN, ids=[b[0].split("/")[-1] for b in BROKEN])
def test_a_broken_intermediate_is_one_line_then_rebuilt(project, broken, target):
    good = (project / target).read_bytes()
    truncate(project / broken)
    failed = run_snakemake(project, target, check=False)
    assert failed.returncode != 0
    # The log of the job that found it has one line naming the file and what to do, no traceback.
    logs = [path for path in (project / "results/logs").rglob("*.log") if "is damaged" in path.read_text()]
    assert logs
    for log in logs:
        text = log.read_text()
        assert "Traceback" not in text
        (line,) = [line for line in text.splitlines() if "is damaged" in line]
        assert broken in line and f"--forcerun {broken}" in line
        assert line in failed.stdout + failed.stderr
    # Nobody deleted the file the job read; the remedy the line gives rebuilds it and what follows.
    assert (project / broken).exists()
    run_snakemake(project, target, "--forcerun", broken)
    assert (project / target).read_bytes() == good


def test_a_diverging_model_stops_its_job_with_one_line(tiny_project):
    result = run_snakemake(
        tiny_project,
        "results/models/l2/weights.npz",
        "--config",
        'training={"learning_rate": 50}',
        check=False,
    )
    assert result.returncode != 0
    text = (tiny_project / "results/logs/train/l2.log").read_text()
    assert "Traceback" not in text
    (line,) = [line for line in text.splitlines() if "diverged" in line]
    assert "model 'l2'" in line and "epoch 2 of 3" in line and "learning rate 50" in line


def test_a_model_at_chance_is_flagged_in_its_metrics_summary_and_captions(tiny_project):
    run_snakemake(tiny_project, "results/models/summary.csv", "--config", 'training={"learning_rate": 0.5}')
    metrics = json.loads((tiny_project / "results/models/l1/metrics.json").read_text())
    assert metrics["status"] == "chance" and metrics["accuracy"] <= metrics["majority_share"]
    summary = pd.read_csv(tiny_project / "results/models/summary.csv")
    assert (summary["status"] == "chance").all()
    note = (tiny_project / "results/models/l1/notes.rst").read_text()
    assert "learned nothing" in note and f"{metrics['accuracy']:.3f}" in note


def test_diverged_and_chance_study_runs_are_counted_and_nothing_is_called_important(tiny_project):
    run_snakemake(
        tiny_project,
        "results/importance/l2norm/summary.csv",
        "--config",
        'training={"learning_rate": 5}',
        'importance={"runs": 12, "epochs": 5, "shards": 2}',
    )
    scores = pd.read_parquet(tiny_project / "results/importance/l2norm/scores.parquet")
    statuses = scores.drop_duplicates("run").set_index("run")["status"]
    assert (statuses == "diverged").any() and (statuses == "chance").any()
    diverged = sorted(statuses.index[statuses == "diverged"])
    conclusion = (tiny_project / "results/importance/l2norm/conclusion.rst").read_text()
    assert "0 of 12 runs ranked" in conclusion and "no feature is called important" in conclusion
    assert f"{len(diverged)} diverged (runs {', '.join(map(str, diverged))})" in conclusion
    summary = pd.read_csv(tiny_project / "results/importance/l2norm/summary.csv")
    assert (summary["runs_ranked"] == 0).all()
