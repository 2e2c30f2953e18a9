"""A user's own claims: declared in a file of theirs, judged like the report's, refused early when wrong."""

import pandas as pd
import pytest
import yaml
from conftest import run_snakemake

from winenet.verdicts.evidence import VERDICTS

pytestmark = pytest.mark.workflow

MINE = {
    "claims": {
        "statements": [
            {
                "text": "L1 is better than L2 on z-scored features",
                "kind": "comparison",
                "model_a": "l1",
                "model_b": "l2",
                "relation": "better",
                "normalisation": "standard",
            },
            {"text": "Plain reaches 80 %", "kind": "accuracy", "model": "plain", "value": 0.8},
        ]
    }
}


def test_a_users_own_claims_are_judged_by_the_same_rules(project):
    (project / "mine.yaml").write_text(yaml.safe_dump(MINE))
    # No claim adds or drops a job (none needs a study of its own), so another list is judged in the
    # same folder as the complete run.
    run_snakemake(project, "results/claims.csv", "--configfile", "mine.yaml")
    claims = pd.read_csv(project / "results/claims.csv")
    assert claims["claim"].tolist() == [s["text"] for s in MINE["claims"]["statements"]]
    assert claims["verdict"].isin(VERDICTS).all()
    comparison, accuracy = claims.to_dict("records")
    assert "standard normalisation for both sides" in comparison["conditions"]
    assert comparison["rule"].startswith("correlated Bayesian t-test")
    # An accuracy claim that does not say reproduces is judged as reaching the value (its text says so).
    assert accuracy["rule"].startswith("reaches: the typical seed")


@pytest.mark.parametrize(
    "statement, named",
    [
        (
            {"text": "mine", "kind": "comparison", "model_a": "big", "model_b": "l1", "relation": "better"},
            "'big'",
        ),
        ({"text": "top", "kind": "top_features", "features": ["Tannin", "Proline"]}, "'Tannin'"),
        ({"text": "odd", "kind": "hunch"}, "'hunch' is not one of"),
    ],
)
def test_a_claim_naming_what_the_run_lacks_stops_before_any_job(tiny_project, statement, named):
    (tiny_project / "mine.yaml").write_text(yaml.safe_dump({"claims": {"statements": [statement]}}))
    result = run_snakemake(tiny_project, "--configfile", "mine.yaml", check=False)
    output = result.stdout + result.stderr
    assert result.returncode != 0 and named in output
    assert not (tiny_project / "results").exists()
