"""The importance study on further splits: its runs and splits, and a ranking claim tested over splits."""

import numpy as np
import pandas as pd
import pytest
from common import load_config
from support.synthetic_evidence import base_evidence, default_design, draw_top_features

from winenet.studies.splits import further_splits, split_ranks, split_runs, train_split_study
from winenet.verdicts.settle import judge_claims
from winenet.workflow.layout import run_jobs, split_study_settings, study_settings

CLAIM = {
    "text": "x0 and x1 on top",
    "kind": "top_features",
    "features": ["x0", "x1"],
    "measures": ["permutation"],
}


def test_further_splits_follow_the_reports_and_their_runs_follow_its_studys():
    assert further_splits({"random_state": 7}, 4) == [8, 9, 10]
    assert further_splits({"random_state": 7}, 1) == []
    # The report's study has runs 0..299: the split study's never share a seed with them.
    assert [split_runs(300, 5, position) for position in (1, 2)] == [range(300, 305), range(305, 310)]


def test_the_split_study_trains_on_other_splits_normalised_by_their_own_rows(wine_table):
    table, label = wine_table
    study = {
        "runs": 6,
        "epochs": 2,
        "penalty": "l1",
        "coefficient": 0.008,
        "seed": 1,
        "dtype": "float64",
        "stack_size": 20,
        "permutation_repeats": 1,
        "splits": {"count": 3, "runs": 2},
    }
    split = {"test_size": 0.25, "random_state": 0, "stratify": False}
    scores = train_split_study(
        table, label, "l2norm", split, study, hidden=[8], learning_rate=0.1, batch_size=10
    )
    assert sorted(scores["split"].unique()) == [1, 2]
    assert sorted(scores["run"].unique()) == [6, 7, 8, 9]
    ranks = split_ranks(scores)
    assert set(ranks.columns) == {"split", "run", "feature", "measure", "rank"}
    assert (ranks.groupby("run")["split"].nunique() == 1).all()


def test_a_ranking_claim_is_tested_over_splits_and_says_so():
    config = load_config()
    design = default_design(config)
    fields = draw_top_features("true with a margin", design, np.random.default_rng(3))
    settings = {key: value for key, value in config["claims"].items() if key != "statements"}
    row = judge_claims([CLAIM], base_evidence(settings, design, **fields)).iloc[0]
    assert (
        row["splits"] == design.splits and row["sample"] == design.splits and row["sample_unit"] == "splits"
    )
    assert "over 10 splits (each split's mean over its runs)" in row["evidence"]
    assert f"on {design.splits} splits of the table" in row["conditions"]
    # The report's split alone: the runs are the units, as before the split study.
    alone = {key: value for key, value in fields.items() if not key.startswith("split_")}
    row = judge_claims([CLAIM], base_evidence(settings, design, **alone)).iloc[0]
    assert row["splits"] == 1 and row["sample_unit"] == "runs" and row["sample"] == design.runs


def test_the_split_study_settings_are_its_own_and_count_one_runs_no_job():
    config = load_config()
    assert "splits" not in study_settings(config, "l2norm")
    assert split_study_settings(config, "standard")["splits"] == config["importance"]["splits"]
    jobs = run_jobs(config)
    assert {job for job in jobs if job.startswith("importance_splits")} == {
        "importance_splits[normalisation=l2norm]",
        "importance_splits[normalisation=standard]",
    }
    config["importance"]["splits"]["count"] = 1
    assert not any(job.startswith("importance_splits") for job in run_jobs(config))


@pytest.fixture
def wine_table():
    from sklearn.datasets import load_wine

    data = load_wine(as_frame=True)
    table = data.frame.rename(columns={"target": "Producer"})
    table["Producer"] = table["Producer"] + 1
    return pd.DataFrame(table), "Producer"
