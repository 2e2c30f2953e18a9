"""Mistakes in a user's own data and settings: every slip is one line saying what to do."""

import numpy as np
import pandas as pd
import pytest
import yaml
from conftest import REPO, TINY, make_project, merge, run_snakemake

from winenet.data.preprocessing import apply_normalisation, fit_normalisation, split_normalise, split_notes
from winenet.data.tables import configured_features, load_table
from winenet.jobs.errors import DataValidationError
from winenet.model.model_files import ModelNotFound, load_model
from winenet.predict import read_samples
from winenet.verdicts.claims import statement_problems
from winenet.workflow.config import changed_training_keys, rerun_note

WINE_FEATURES = yaml.safe_load((REPO / "config.yaml").read_text())["data"]["features"]


def write_csv(path, columns: dict) -> None:
    pd.DataFrame(columns).to_csv(path, index=False)


def own_table(rows_per_class=10, seed=0) -> dict:
    rng = np.random.default_rng(seed)
    labels = np.repeat(["north", "south", "east"], rows_per_class)
    shift = np.repeat([0.0, 3.0, 6.0], rows_per_class)
    return {
        "kind": labels,
        "a": rng.normal(size=len(labels)) + shift,
        "b": rng.normal(size=len(labels)) - shift,
        "batch_id": np.arange(len(labels)) % 4,
    }


def test_none_of_the_configured_features_in_the_file_is_one_problem_naming_its_columns(tmp_path):
    path = tmp_path / "mine.csv"
    write_csv(path, own_table())
    with pytest.raises(DataValidationError) as caught:
        load_table(path, "kind", WINE_FEATURES)
    last = caught.value.problems[-1]
    assert "none of the configured features is a column of this file" in last
    assert "its columns are a, b, batch_id" in last and "data.features to all" in last
    # Each configured feature that is missing is named too, as before.
    assert any("'Proline' not found" in problem for problem in caught.value.problems)


def test_exclude_leaves_columns_out_of_all_and_names_an_unknown_one(tmp_path):
    path = tmp_path / "mine.csv"
    write_csv(path, own_table())
    table = load_table(path, "kind", "all", exclude=["batch_id"])
    assert list(table.columns) == ["kind", "a", "b"]
    with pytest.raises(DataValidationError, match="data.exclude: column 'batchid' not found"):
        load_table(path, "kind", "all", exclude=["batchid"])


def tumour_table(rows_per_class=6, seed=0) -> dict:
    """A made-up table shaped like a breast-cancer export: an id column, a text label, measurements."""
    rng = np.random.default_rng(seed)
    diagnosis = np.repeat(["malignant", "benign"], rows_per_class)
    shift = np.repeat([2.0, 0.0], rows_per_class)
    return {
        "sample_id": [f"S{i:03d}" for i in range(len(diagnosis))],
        "diagnosis": diagnosis,
        "mean radius": rng.normal(12.0, 1.0, len(diagnosis)) + shift,
        "mean texture": rng.normal(20.0, 2.0, len(diagnosis)) - shift,
        "mean smoothness": rng.normal(0.1, 0.01, len(diagnosis)),
    }


TUMOUR_COLUMNS = "its columns are sample_id, diagnosis, mean radius, mean texture, mean smoothness"


def test_a_misspelt_label_is_one_problem_naming_the_columns(tmp_path):
    path = tmp_path / "tumours.csv"
    write_csv(path, tumour_table())
    with pytest.raises(DataValidationError) as caught:
        load_table(path, "diagnosys", "all", exclude=["sample_id"])
    (problem,) = caught.value.problems
    assert "label column 'diagnosys' not found" in problem and TUMOUR_COLUMNS in problem
    assert "data.label" in problem
    assert str(caught.value).splitlines()[0] == f"{path}: 1 problem found:"


def test_a_misspelt_exclude_entry_is_one_problem_naming_the_columns(tmp_path):
    path = tmp_path / "tumours.csv"
    write_csv(path, tumour_table())
    with pytest.raises(DataValidationError) as caught:
        load_table(path, "diagnosis", "all", exclude=["sampleid"])
    (problem,) = caught.value.problems
    assert "data.exclude: column 'sampleid' not found" in problem and TUMOUR_COLUMNS in problem
    with pytest.raises(DataValidationError) as caught:
        load_table(path, "diagnosis", "all", exclude=["sampleid", "batch"])
    (problem,) = caught.value.problems
    assert "data.exclude: columns 'sampleid', 'batch' not found" in problem


def test_what_else_is_wrong_with_the_table_is_still_listed_beside_a_misspelt_name(tmp_path):
    path = tmp_path / "tumours.csv"
    write_csv(path, tumour_table())
    header, *rows = path.read_text().splitlines()
    rows[2] += ",1.0"  # line 4: a field too many
    rows[4] = rows[4].replace(rows[4].split(",")[3], "abc")  # line 6: 'mean texture' is not a number
    repeated = header.replace("mean texture", "mean radius")
    path.write_text("\n".join([repeated, *rows]) + "\n")
    with pytest.raises(DataValidationError) as caught:
        load_table(path, "diagnosys", "all", exclude=["sampleid"])
    problems = caught.value.problems
    # The header's and the rows' own problems stay; the cells wait for the names to be right.
    assert len(problems) == 4, problems
    assert "column name 'mean radius' is repeated (columns 3 and 4)" in problems[0]
    assert "label column 'diagnosys' not found" in problems[1]
    assert "data.exclude: column 'sampleid' not found" in problems[2]
    assert "line 4: too many fields (6, the header has 5)" in problems[3]
    # Listed features do not depend on the label: their cells are read, and a bad one is named.
    path.write_text("\n".join([header, *rows]) + "\n")
    with pytest.raises(DataValidationError) as caught:
        load_table(path, "diagnosys", ["mean radius", "mean texture", "mean smoothness"])
    problems = caught.value.problems
    assert len(problems) == 3, problems
    assert "label column 'diagnosys' not found" in problems[0]
    assert "line 4: too many fields" in problems[1]
    assert "line 6, column 'mean texture': 'abc' is not a number" in problems[2]


RADIUS_ON_TOP = {"text": "The mean radius matters most", "kind": "top_features", "features": ["mean radius"]}


def claim_problems(data: dict) -> list[str]:
    """What the claim check at workflow start says about RADIUS_ON_TOP with the features of ``data``."""
    return statement_problems(
        [RADIUS_ON_TOP],
        models=["plain"],
        seed_models=["plain"],
        baselines=[],
        normalisations=["standard"],
        features=configured_features(data),
    )


@pytest.mark.parametrize("delimiter", [";", "\t"])
def test_a_semicolon_or_tab_export_is_named_before_any_claim_is_checked_against_its_header(
    tmp_path, delimiter
):
    path = tmp_path / "tumours.csv"
    pd.DataFrame(tumour_table()).to_csv(path, index=False, sep=delimiter)
    data = {"path": str(path), "label": "diagnosis", "features": "all", "exclude": ["sample_id"]}
    # The header is one column of joined names: no feature list to refuse the claim against.
    assert configured_features(data) is None and claim_problems(data) == []
    with pytest.raises(DataValidationError) as caught:
        load_table(path, "diagnosis", "all", exclude=["sample_id"])
    (problem,) = caught.value.problems
    assert "delimited (expected commas)" in problem


def test_the_claim_check_waits_for_a_misspelt_label_or_exclude_and_refuses_a_real_misfit(tmp_path):
    path = tmp_path / "tumours.csv"
    write_csv(path, tumour_table())
    data = {"path": str(path), "label": "diagnosis", "features": "all", "exclude": ["sample_id"]}
    features = ["mean radius", "mean texture", "mean smoothness"]
    assert configured_features(data) == features and claim_problems(data) == []
    for slip in ({"label": "diagnosys"}, {"exclude": ["sampleid"]}):
        assert configured_features(data | slip) is None and claim_problems(data | slip) == []
    (problem,) = claim_problems(data | {"exclude": ["sample_id", "mean radius"]})
    assert "feature 'mean radius' is not a feature of the data (mean texture, mean smoothness)" in problem


def test_constant_and_all_zero_columns_are_found_by_validate_all_at_once(tmp_path):
    path = tmp_path / "pixels.csv"
    columns = own_table()
    columns |= {"pixel_0": np.zeros(30), "pixel_1": np.full(30, 16.0), "pixel_2": np.arange(30.0)}
    write_csv(path, columns)
    with pytest.raises(DataValidationError) as caught:
        load_table(path, "kind", "all")
    problems = caught.value.problems
    assert len(problems) == 2
    assert "column 'pixel_0': every row holds 0" in problems[0] and "data.exclude" in problems[0]
    assert "column 'pixel_1': every row holds 16" in problems[1]
    assert list(load_table(path, "kind", "all", exclude=["pixel_0", "pixel_1"]).columns)[-1] == "pixel_2"


def test_a_feature_constant_over_the_training_rows_becomes_zero_everywhere():
    train = pd.DataFrame({"y": [0, 1, 0, 1], "a": [1.0, 2.0, 3.0, 4.0], "b": [5.0, 5.0, 5.0, 5.0]})
    test = pd.DataFrame({"y": [0, 1], "a": [2.0, 3.0], "b": [7.0, 5.0]})
    for method in ("l2norm", "standard", "minmax"):
        fitted = fit_normalisation(train, ["a", "b"], method)
        normalisation = {"label": "y", "classes": [0, 1], **fitted}
        assert normalisation["constant"] == [] if method == "l2norm" else ["b"]
        if normalisation["constant"]:
            assert (apply_normalisation(test, normalisation)["b"] == 0).all()
            assert "**Constant over the training rows:** b" in " ".join(split_notes(train, normalisation))
        assert np.isfinite(apply_normalisation(test, normalisation)[["a", "b"]].to_numpy()).all()


def test_a_class_missing_from_the_training_rows_is_named_and_stratify_keeps_it():
    table = pd.DataFrame({"y": ["a"] * 12 + ["rare"] * 2, "x": np.arange(14.0)})
    for seed in range(50):
        train, _, normalisation = split_normalise(table, "y", ["x"], 0.25, seed, "standard")
        if "rare" not in set(train["y"]):
            break
    else:
        pytest.skip("no seed left the rare class out")
    (note,) = split_notes(train, normalisation)
    assert "'rare' have no row among the" in note and "split.stratify: true" in note
    train, test, _ = split_normalise(table, "y", ["x"], 0.25, seed, "standard", stratify=True)
    assert set(train["y"]) == set(test["y"]) == {"a", "rare"}


def test_a_stratified_split_a_class_is_too_small_for_is_one_line():
    table = pd.DataFrame({"y": ["a"] * 12 + ["rare"], "x": np.arange(13.0)})
    with pytest.raises(DataValidationError, match="split.stratify: .*set split.stratify to false"):
        split_normalise(table, "y", ["x"], 0.25, 0, "standard", stratify=True)


def test_a_model_folder_that_is_not_there_names_the_models_that_are(tmp_path):
    models = tmp_path / "results" / "models"
    (models / "l1").mkdir(parents=True)
    (models / "l1" / "model.json").write_text("{}")
    with pytest.raises(ModelNotFound) as caught:
        load_model(models / "l3")
    message = str(caught.value)
    assert "no such folder" in message and "are l1" in message and "snakemake" not in message.lower()
    with pytest.raises(ModelNotFound, match="not a model folder"):
        load_model(tmp_path)


def test_samples_that_share_no_column_with_the_model_are_one_line(tmp_path):
    path = tmp_path / "new.csv"
    write_csv(path, {"colour": [1.0], "weight": [2.0]})
    with pytest.raises(DataValidationError) as caught:
        read_samples(path, ["a", "b"])
    problem = caught.value.problems[-1]
    assert "none of the model's features is a column of this file (its columns: colour, weight)" in problem
    assert "feature column 'a' not found" in caught.value.problems[0]


def test_a_config_that_retrains_is_named_in_one_line(tmp_path):
    previous = {
        "training": {"epochs": 1000, "seed": 0},
        "figures": {"dpi": 120},
        "models": {"l1": {"coefficient": 0.008}},
    }
    path = tmp_path / "config.yaml"
    path.write_text(yaml.safe_dump(previous))
    assert rerun_note(previous, path) == ""
    assert rerun_note(merge(previous, {"figures": {"dpi": 60}}), path) == ""
    changed = merge(previous, {"training": {"epochs": 200}, "models": {"l1": {"coefficient": 0.02}}})
    assert changed_training_keys(changed, previous) == ["models.l1.coefficient", "training.epochs"]
    note = rerun_note(changed, path)
    assert "\n" not in note and "models.l1.coefficient, training.epochs" in note
    assert f"--configfile {path}" in note
    assert rerun_note(changed, tmp_path / "none.yaml") == ""


def tiny_own_project(tmp_path, columns: dict, **overrides):
    data = {"path": "data/mine.csv", "label": "kind", "features": "all"}
    project = make_project(tmp_path / "project", merge(TINY, {"data": data, **overrides}))
    write_csv(project / "data/mine.csv", columns)
    return project


@pytest.mark.workflow
def test_features_left_at_the_wine_names_stop_validate_in_words(tmp_path):
    project = tiny_own_project(tmp_path, own_table())
    config = yaml.safe_load((project / "config.yaml").read_text())
    config["data"]["features"] = WINE_FEATURES
    (project / "config.yaml").write_text(yaml.safe_dump(config))
    result = run_snakemake(project, check=False)
    output = result.stdout + result.stderr
    assert result.returncode != 0
    assert "none of the configured features is a column of this file" in output
    assert "Traceback" not in output and "reshape" not in output


SLIPS = {
    "misspelt label": ({"label": "diagnosys"}, ",", "label column 'diagnosys' not found"),
    "misspelt exclude": ({"exclude": ["sampleid"]}, ",", "data.exclude: column 'sampleid' not found"),
    "semicolon export": ({}, ";", "the file looks semicolon-delimited"),
}


@pytest.mark.workflow
@pytest.mark.parametrize("slip", list(SLIPS))
def test_one_slip_in_the_data_settings_is_one_line_at_the_end_of_the_output(tmp_path, slip):
    settings, delimiter, problem = SLIPS[slip]
    data = {"path": "data/tumours.csv", "label": "diagnosis", "features": "all", "exclude": ["sample_id"]}
    claims = {"statements": [RADIUS_ON_TOP]}
    project = make_project(tmp_path / "project", merge(TINY, {"data": data | settings, "claims": claims}))
    pd.DataFrame(tumour_table()).to_csv(project / "data/tumours.csv", index=False, sep=delimiter)
    result = run_snakemake(project, check=False)
    output = result.stdout + result.stderr
    assert result.returncode != 0
    assert "tumours.csv: 1 problem found:" in output or "tumours.csv: wrong format:" in output
    assert output.count(problem) >= 1 and "is not a number" not in output
    assert "is not a feature of the data" not in output and "Traceback" not in output


@pytest.mark.workflow
def test_a_twelve_row_table_gives_a_report(tmp_path):
    project = tiny_own_project(tmp_path, own_table(rows_per_class=4))
    run_snakemake(project)
    assert (project / "results/report.html").exists()
    claims = pd.read_csv(project / "results/claims.csv")
    assert len(claims) > 0
    for column in ("evidence", "conditions", "rule"):
        assert not claims[column].str.contains(r"\bnan\b|\binf\b", case=False).any()


@pytest.mark.workflow
def test_a_complete_run_keeps_its_config_and_a_follow_up_that_retrains_says_so(complete_run, project):
    kept = yaml.safe_load((project / "results/config.yaml").read_text())
    assert kept["training"]["epochs"] == TINY["training"]["epochs"]
    result = run_snakemake(project, "--dry-run", "--config", 'training={"epochs": 4}')
    assert "training.epochs" in result.stderr and "--configfile results/config.yaml" in result.stderr
    same = run_snakemake(project, "--dry-run", "--configfile", "results/config.yaml")
    assert "winenet: this config differs" not in same.stderr
    assert "Nothing to be done" in same.stdout + same.stderr
