"""The data stages run through Snakemake: clean data flows on, bad data stops everything."""

import json

import pandas as pd
import pytest
import yaml
from conftest import make_project, run_snakemake

pytestmark = pytest.mark.workflow

DATA_TARGETS = ["results/data/l2norm/train.parquet", "results/data/l2norm/test.parquet"]


def test_data_stages_build_the_reports_split(tiny_project):
    run_snakemake(tiny_project, *DATA_TARGETS)
    validated = pd.read_parquet(tiny_project / "results/data/validated.parquet")
    test = pd.read_parquet(tiny_project / "results/data/l2norm/test.parquet")
    train = pd.read_parquet(tiny_project / "results/data/l2norm/train.parquet")
    assert validated.shape == (178, 14)
    assert (len(train), len(test)) == (133, 45)
    assert test["Producer"].value_counts().sort_index().tolist() == [16, 21, 8]
    normalisation = json.loads((tiny_project / "results/data/l2norm/normalisation.json").read_text())
    assert normalisation["method"] == "l2norm" and normalisation["classes"] == [1, 2, 3]
    summary = json.loads((tiny_project / "results/data/table.json").read_text())
    assert summary["rows"] == 178 and summary["class_counts"] == [59, 71, 48]
    # The report's data, recognised by its content whatever the file's formatting.
    assert (
        summary["sha256"]
        == yaml.safe_load((tiny_project / "config.yaml").read_text())["reference"]["table_sha256"]
    )


def test_bad_data_stops_the_pipeline_naming_file_line_column_value(tmp_path):
    project = make_project(tmp_path)
    lines = (project / "data/wine.csv").read_text().splitlines()
    lines[5] = lines[5].replace("1.", "x.", 1)  # the first number with a decimal point in line 6
    bad_value = lines[5].split(",")[[i for i, v in enumerate(lines[5].split(",")) if "x" in v][0]]
    (project / "data/wine.csv").write_text("\n".join(lines) + "\n")

    result = run_snakemake(project, *DATA_TARGETS, check=False)

    assert result.returncode != 0
    output = result.stdout + result.stderr
    assert "wine.csv, line 6" in output and repr(bad_value) in output
    assert not (project / "results/data/validated.parquet").exists()
    assert not (project / "results/data/l2norm/train.parquet").exists()
    assert repr(bad_value) in (project / "results/logs/validate.log").read_text()
