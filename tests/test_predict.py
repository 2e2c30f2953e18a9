"""New samples: the predict stage and the winenet command give the pipeline's own predictions."""

import io
import subprocess
import sys
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from conftest import run_snakemake

from winenet.jobs.errors import DataValidationError
from winenet.predict import read_samples

pytestmark = pytest.mark.workflow
MODELS = ["plain", "l2", "l1"]


def validation_samples(project) -> pd.DataFrame:
    """The validation rows' raw measurements, without their labels, columns shuffled, with an id."""
    validated = pd.read_parquet(project / "results/data/validated.parquet")
    rows = pd.read_parquet(project / "results/models/l1/predictions.parquet")["row"]
    samples = validated.iloc[rows].drop(columns="Producer").reset_index(drop=True)
    samples = samples[list(reversed(samples.columns))]
    samples.insert(3, "sample", [f"wine-{row}" for row in rows])
    return samples


def assert_same_as_the_pipeline(project, predictions: pd.DataFrame):
    assert predictions["model"].tolist() == [m for m in MODELS for _ in range(45)]
    for model in MODELS:
        mine = predictions[predictions["model"] == model].reset_index(drop=True)
        pipeline = pd.read_parquet(project / f"results/models/{model}/predictions.parquet")
        assert mine["row"].tolist() == list(range(45))
        assert mine["sample"].tolist() == [f"wine-{row}" for row in pipeline["row"]]
        assert mine["predicted"].tolist() == pipeline["predicted"].tolist()
        for column in ("p_1", "p_2", "p_3"):
            np.testing.assert_array_equal(mine[column].to_numpy(), pipeline[column].to_numpy())


def test_the_predict_stage_reproduces_the_validation_predictions(project):
    (project / "data/new").mkdir()
    validation_samples(project).to_csv(project / "data/new/validation.csv", index=False)
    run_snakemake(
        project, "results/predictions/validation.csv", "--config", 'predict={"id_column": "sample"}'
    )
    predictions = pd.read_csv(project / "results/predictions/validation.csv")
    assert list(predictions.columns) == ["row", "sample", "model", "predicted", "p_1", "p_2", "p_3"]
    assert_same_as_the_pipeline(project, predictions)


def refusal(result) -> list[str]:
    return [line for line in result.stderr.splitlines() if line.startswith("ConfigError")]


def test_a_prediction_stops_before_retraining_whatever_outdated_the_models(project):
    (project / "data/new").mkdir()
    validation_samples(project).drop(columns="sample").to_csv(project / "data/new/x.csv", index=False)
    weights = (project / "results/models/l1/weights.npz").read_bytes()
    network = project / "src/winenet/model/network.py"
    code = network.read_text()
    (project / "mine.yaml").write_text("training:\n  epochs: 4\n")
    for change, undo, options in [
        (lambda: None, lambda: None, ["--configfile", "mine.yaml"]),
        (lambda: network.write_text(code + "\n# an edit\n"), lambda: network.write_text(code), []),
    ]:
        change()
        result = run_snakemake(project, "results/predictions/x.csv", *options, check=False)
        assert result.returncode != 0 and "Traceback" not in result.stderr
        (line,) = refusal(result)
        assert line.startswith(
            "ConfigError: predictions use the models of the last complete run, and making them now "
            "would first run train (their code, data or settings changed since)"
        )
        assert not (project / "results/predictions").exists()
        assert (project / "results/models/l1/weights.npz").read_bytes() == weights
        undo()
    # A setting that never feeds training does not stop a prediction, and the models stay as they are.
    (project / "other.yaml").write_text("importance:\n  runs: 7\n")
    run_snakemake(project, "results/predictions/x.csv", "--configfile", "other.yaml")
    assert (project / "results/predictions/x.csv").exists()
    assert (project / "results/models/l1/weights.npz").read_bytes() == weights


def test_the_winenet_command_predicts_the_same(project, tmp_path):
    samples = tmp_path / "new.csv"
    validation_samples(project).to_csv(samples, index=False)
    command = [sys.executable, "-m", "winenet.cli", "predict", str(samples), "--id-column", "sample"]
    for model in MODELS:
        command += ["--model", str(project / "results/models" / model)]
    printed = subprocess.run(command, capture_output=True, text=True, check=True).stdout
    assert_same_as_the_pipeline(project, pd.read_csv(io.StringIO(printed)))
    written = tmp_path / "out.csv"
    subprocess.run([*command, "-o", str(written)], check=True)
    assert written.read_text() == printed


def test_bad_samples_are_named_like_bad_training_data(tmp_path, complete_run):
    path = tmp_path / "bad.csv"
    features = ["a", "b"]
    path.write_text("b,a,colour\n1,2,red\n3,x,blue\n4\n")
    with pytest.raises(DataValidationError) as caught:
        read_samples(path, features)
    problems = caught.value.problems
    assert any("line 1, column 3: 'colour' is neither a feature" in p for p in problems)
    assert any("line 3, column 'a': 'x' is not a number" in p for p in problems)
    assert any("line 4: too few fields" in p for p in problems)
    # Through the command: one message and exit code 2, no traceback.
    command = [
        sys.executable,
        "-m",
        "winenet.cli",
        "predict",
        str(path),
        "--model",
        str(complete_run / "results/models/l1"),
    ]
    result = subprocess.run(command, capture_output=True, text=True)
    assert result.returncode == 2 and "Traceback" not in result.stderr and "not found" in result.stderr


def test_pip_installs_the_winenet_command_and_it_lists_what_it_can_do():
    # `pip install -e .` puts the command beside this interpreter.
    command = Path(sys.executable).parent / "winenet"
    result = subprocess.run([str(command), "--help"], capture_output=True, text=True)
    assert result.returncode == 0 and "predict" in result.stdout
