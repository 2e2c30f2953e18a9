"""config.yaml and its schema: the defaults are the report's; bad values stop Snakemake early."""

from pathlib import Path

import pytest
import yaml
from conftest import REPO, make_project, merge, run_snakemake
from snakemake.utils import validate

SCHEMA = str(REPO / "workflow" / "schemas" / "config.schema.yaml")


def default_config():
    return yaml.safe_load((REPO / "config.yaml").read_text())


def test_defaults_are_the_reports_settings():
    config = default_config()
    validate(config, SCHEMA)
    assert config["data"]["label"] == "Producer"
    assert len(config["data"]["features"]) == 13
    assert config["data"]["features"][6] == "Flavanoids"
    assert config["data"]["features"][12] == "Proline"
    assert config["split"] == {"test_size": 0.25, "random_state": 0, "stratify": False}
    # The report's normalisation first: the models train with it; the others are compared.
    assert config["normalisation"]["methods"] == ["l2norm", "standard"]
    assert config["network"]["hidden"] == [128, 128]
    training = config["training"]
    assert (training["learning_rate"], training["batch_size"], training["epochs"]) == (0.01, 10, 1000)
    assert config["models"] == {
        "plain": {"penalty": "none", "coefficient": 0.0},
        "l2": {"penalty": "l2", "coefficient": 0.08},
        "l1": {"penalty": "l1", "coefficient": 0.008},
    }
    importance = config["importance"]
    assert (importance["runs"], importance["epochs"]) == (300, 250)
    assert (importance["penalty"], importance["coefficient"]) == ("l1", 0.008)


def test_schema_fills_defaults_for_omitted_knobs():
    config = default_config()
    del config["training"]["batch_size"]
    del config["figures"]["dpi"]
    validate(config, SCHEMA)
    assert config["training"]["batch_size"] == 10
    assert config["figures"]["dpi"] == 120


def test_features_may_be_all():
    validate(merge(default_config(), {"data": {"features": "all"}}), SCHEMA)


BAD_VALUES = {
    "negative learning rate": ({"training": {"learning_rate": -0.01}}, "learning_rate"),
    "zero epochs": ({"training": {"epochs": 0}}, "epochs"),
    "unknown penalty": ({"models": {"l1": {"penalty": "l3"}}}, "penalty"),
    "typo'd key": ({"training": {"epocs": 10}}, "epocs"),
    "test size of one": ({"split": {"test_size": 1.0}}, "test_size"),
    "unknown normalisation": ({"normalisation": {"methods": ["zscore"]}}, "zscore"),
    "no normalisation": ({"normalisation": {"methods": []}}, "methods"),
    "margin above one": ({"claims": {"margin": 2}}, "margin"),
    "range factor of one": ({"claims": {"range_factor": 1}}, "range_factor"),
    "posterior threshold of one half": ({"claims": {"posterior_threshold": 0.5}}, "posterior_threshold"),
    "zero shards": ({"importance": {"shards": 0}}, "shards"),
    "features neither list nor all": ({"data": {"features": "some"}}, "features"),
}


@pytest.mark.parametrize(("overrides", "key"), BAD_VALUES.values(), ids=BAD_VALUES.keys())
def test_schema_rejects_bad_values_naming_the_key(overrides, key):
    from winenet.workflow.config import schema_problems

    with pytest.raises(Exception, match=key):
        validate(merge(default_config(), overrides), SCHEMA)
    # The workflow's own check: each problem one line that starts with where it is.
    problems = schema_problems(merge(default_config(), overrides), schema())
    assert problems and any(key in problem for problem in problems)
    assert all("\n" not in problem for problem in problems)


def test_a_setting_that_moved_says_where_to():
    from winenet.workflow.config import schema_problems

    config = merge(default_config(), {"beyond": {"cross_validation": {"rope": None}}})
    problems = schema_problems(config, schema())
    assert problems == [
        "beyond.cross_validation.rope: no longer a setting; use claims.margin, an accuracy difference "
        "the claim fixes (the folds no longer set it)"
    ]


def test_bad_config_stops_snakemake_before_any_job(tmp_path):
    project = make_project(tmp_path, {"training": {"learning_rate": -1.0}})
    result = run_snakemake(project, check=False)
    output = result.stdout + result.stderr
    assert result.returncode != 0
    assert "training.learning_rate: -1.0 is less than or equal to the minimum of 0" in output
    # Words, not a traceback of the Snakefile.
    assert "Traceback" not in output and 'File "' not in output
    assert not (project / "results").exists()


def schema():
    return yaml.safe_load(Path(SCHEMA).read_text())


def test_strings_from_the_command_line_are_typed_where_the_schema_wants_numbers():
    from winenet.workflow.config import coerce_to_schema

    given = {
        "training": {"epochs": "200", "learning_rate": "0.05", "seed": "3"},
        "models": {"l1": {"penalty": "l1", "coefficient": "0.02"}},
        "network": {"hidden": ["64", "32"]},
        "data": {"label": "1", "features": ["10", "Proline"]},
        "normalisation": {"methods": ["standard"]},
        "split": {"test_size": "many"},
    }
    typed = coerce_to_schema(given, schema())
    assert typed["training"] == {"epochs": 200, "learning_rate": 0.05, "seed": 3}
    assert typed["models"]["l1"] == {"penalty": "l1", "coefficient": 0.02}
    assert typed["network"]["hidden"] == [64, 32]
    # Strings where the schema wants strings stay strings, whatever they look like.
    assert typed["data"] == {"label": "1", "features": ["10", "Proline"]}
    # What does not read as a number is left for the schema to name.
    assert typed["split"]["test_size"] == "many"
    assert isinstance(typed["training"]["epochs"], int) and isinstance(
        typed["training"]["learning_rate"], float
    )


@pytest.mark.parametrize("models", [{}, [], {"l1": 3}, "plain"])
def test_overrides_that_the_merge_would_ignore_are_named(models):
    from winenet.workflow.config import override_problems

    problems = override_problems({"models": models})
    assert problems and all(problem.startswith("models") for problem in problems)
    assert override_problems({"models": {"l1": {"coefficient": 0.02}}, "training": {"epochs": 3}}) == []
