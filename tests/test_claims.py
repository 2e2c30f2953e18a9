"""Claims are data: the schema checks their shape, the workflow names what they refer to, before any job."""

import jsonschema
import pytest
import yaml
from conftest import REPO

from winenet.verdicts.claims import KIND_DEFAULTS, statement_problems, with_defaults
from winenet.verdicts.settle import JUDGES
from winenet.workflow.config import schema_problems

SCHEMA = yaml.safe_load((REPO / "workflow/schemas/config.schema.yaml").read_text())
CONFIG = yaml.safe_load((REPO / "config.yaml").read_text())
NAMES = {
    "models": ["plain", "l2", "l1"],
    "seed_models": ["plain", "l2", "l1", "l1_proximal"],
    "baselines": ["logistic_regression", "mlp", "random_forest"],
    "normalisations": ["l2norm", "standard"],
    "features": ["Alcohol", "Proline", "Flavanoids"],
}


def schema_errors(statement) -> list[str]:
    config = {**CONFIG, "claims": {**CONFIG["claims"], "statements": [statement]}}
    validator = jsonschema.Draft202012Validator(SCHEMA)
    return [error.message for error in validator.iter_errors(config)]


def test_every_kind_the_schema_allows_has_a_rule_and_defaults():
    kinds = set(SCHEMA["$defs"]["statement"]["properties"]["kind"]["enum"])
    assert kinds == set(JUDGES) == set(KIND_DEFAULTS)


def test_the_reports_claims_are_declared_in_config_yaml_and_valid():
    statements = CONFIG["claims"]["statements"]
    assert {s["kind"] for s in statements} == set(JUDGES)
    assert schema_errors(statements[0]) == []
    assert statement_problems(statements, **NAMES) == []


@pytest.mark.parametrize(
    "statement, message",
    [
        ({"text": "x", "kind": "hunch"}, "'hunch' is not one of"),
        ({"text": "x", "kind": "accuracy", "model": "plain"}, "'value' is a required property"),
        ({"text": "x", "kind": "comparison", "model_a": "a", "model_b": "b", "relation": "lower"}, "'lower'"),
        ({"text": "x", "kind": "overfitting", "model": "plain", "value": 0.5}, "'value'"),
        ({"kind": "normalisation"}, "'text' is a required property"),
    ],
)
def test_the_schema_refuses_a_malformed_claim(statement, message):
    assert any(message in error for error in schema_errors(statement)), schema_errors(statement)


def test_unknown_names_are_one_line_each_naming_the_claim():
    statements = [
        {"text": "mine", "kind": "comparison", "model_a": "big", "model_b": "plain", "relation": "better"},
        {"text": "top", "kind": "top_features", "features": ["Proline", "Tannin"]},
        {
            "text": "spikes",
            "kind": "volatility",
            "model_a": "l1",
            "model_b": "l1",
            "measure": "spikes",
            "relation": "higher",
        },
        {"text": "z", "kind": "normalisation", "normalisation": "minmax"},
        {"text": "acc", "kind": "accuracy", "model": "mlp", "value": 0.9},
    ]
    problems = statement_problems(statements, **NAMES)
    assert problems[0].startswith("claims.statements[0] ('mine'): model_a 'big' is not one of the models")
    assert "feature 'Tannin' is not a feature of the data" in problems[1]
    assert "model_a and model_b are both 'l1'" in problems[2]
    assert "normalisation 'minmax' is not among normalisation.methods" in problems[3]
    assert "model 'mlp'" in problems[4]
    assert len(problems) == 5 and all("\n" not in problem for problem in problems)


def test_a_ranking_claim_needs_places_for_its_features_and_features_below_them():
    top = {"text": "top", "kind": "top_features", "features": ["Proline", "Flavanoids"]}
    features = len(NAMES["features"])
    assert statement_problems([{**top, "among": 2}, {**top, "ordered": True}], **NAMES) == []
    problems = statement_problems(
        [
            {**top, "among": 1},
            {**top, "features": ["Proline"], "ordered": True},
            {**top, "among": features},
        ],
        **NAMES,
    )
    assert problems == [
        "claims.statements[0] ('top'): 2 features cannot all be among the top 1",
        "claims.statements[1] ('top'): ordered needs at least two features to order",
        f"claims.statements[2] ('top'): a top {features} of {features} features; a ranking claim needs "
        "features left below them",
    ]


def test_comparisons_may_name_a_baseline_and_features_are_skipped_when_unknown():
    statement = {
        "text": "mlp",
        "kind": "comparison",
        "model_a": "mlp",
        "model_b": "plain",
        "relation": "better",
    }
    top = {"text": "top", "kind": "top_features", "features": ["Tannin"]}
    assert statement_problems([statement, top], **{**NAMES, "features": None}) == []


def test_defaults_fill_what_a_kind_leaves_out():
    filled = with_defaults({"text": "x", "kind": "baselines"})
    assert filled == {
        "text": "x",
        "kind": "baselines",
        "reference_only": False,
        "networks": None,
        "relation": "not_worse",
        "normalisation": None,
        "margin": None,
    }


def test_shape_problems_are_one_line_each_naming_the_claim():
    statements = [
        {"text": "odd", "kind": "hunch"},
        {"text": "acc", "kind": "accuracy", "model": "plain", "valu": 0.9},
        {"text": "fine", "kind": "normalisation"},
    ]
    problems = schema_problems({**CONFIG, "claims": {**CONFIG["claims"], "statements": statements}}, SCHEMA)
    assert problems[0].startswith("claims.statements[0] ('odd').kind: 'hunch' is not one of")
    assert "claims.statements[1] ('acc'): 'value' is a required property" in problems
    assert any("'valu' is not one of" in problem for problem in problems)
    assert not any("[2]" in problem for problem in problems)
    assert all("\n" not in problem for problem in problems)


@pytest.mark.parametrize(
    "statement, names, message",
    [
        (
            {"text": "r", "kind": "normalisation", "effect": "common_range", "normalisation": "standard"},
            {},
            "standard: its definition sets every training feature's standard deviation to 1, so a common "
            "range is no finding to judge",
        ),
        (
            {"text": "r", "kind": "normalisation", "effect": "common_range"},
            {"normalisations": ["standard"]},
            "no normalisation of normalisation.methods (standard) leaves the features' spread to be judged",
        ),
        (
            {"text": "i", "kind": "normalisation", "normalisation": "none"},
            {"normalisations": ["l2norm", "none"]},
            "normalisation 'none' is the raw features: no normalisation to judge",
        ),
        (
            {"text": "i", "kind": "normalisation"},
            {"normalisations": ["none"]},
            "normalisation.methods lists no normalisation, only the raw features",
        ),
    ],
)
def test_a_normalisation_claim_that_is_no_finding_is_refused(statement, names, message):
    problems = statement_problems([statement], **{**NAMES, **names})
    assert len(problems) == 1 and message in problems[0], problems


def test_margins_and_factors_are_the_claims_own_numbers():
    assert (
        schema_errors(
            {
                "text": "m",
                "kind": "comparison",
                "model_a": "l1",
                "model_b": "plain",
                "relation": "not_worse",
                "margin": 0.05,
            }
        )
        == []
    )
    assert any(
        "0 is less than or equal to the minimum" in error
        for error in schema_errors({"text": "m", "kind": "baselines", "margin": 0})
    )
    assert any(
        "'margin'" in error
        for error in schema_errors(
            {"text": "m", "kind": "accuracy", "model": "plain", "value": 0.9, "margin": 0.05}
        )
    )
    assert schema_errors({"text": "r", "kind": "normalisation", "effect": "common_range", "factor": 3}) == []
