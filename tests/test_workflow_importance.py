"""The importance study through Snakemake: the same answer however it is split into shards."""

import pandas as pd
import pytest
from conftest import make_project, run_snakemake

pytestmark = pytest.mark.workflow

# float64, as every equality test: the default float32 study is deterministic too, but exactness is
# what this test is about.
SMALL_STUDY = {"importance": {"runs": 14, "epochs": 5, "dtype": "float64"}, "figures": {"dpi": 40}}
OUTPUTS = [
    "results/importance/l2norm/scores.parquet",
    "results/importance/l2norm/ranks.parquet",
    "results/importance/l2norm/rank_frequencies.parquet",
    "results/importance/l2norm/summary.csv",
    "results/importance/l2norm/conclusion.rst",
]


@pytest.fixture(scope="module")
def split_ways(tmp_path_factory):
    projects = {}
    for shards in (1, 7):
        overrides = SMALL_STUDY | {"importance": SMALL_STUDY["importance"] | {"shards": shards}}
        project = make_project(tmp_path_factory.mktemp(f"shards{shards}") / "project", overrides)
        run_snakemake(project, *OUTPUTS, "results/figures/importance/l2norm/features_by_importance.png")
        projects[shards] = project
    return projects


def test_one_shard_and_seven_shards_give_identical_bytes(split_ways):
    assert len(list((split_ways[7] / "results/importance/l2norm/shards").iterdir())) == 7
    for path in OUTPUTS:
        assert (split_ways[1] / path).read_bytes() == (split_ways[7] / path).read_bytes(), path


def test_study_tables(split_ways):
    project = split_ways[7]
    scores = pd.read_parquet(project / "results/importance/l2norm/scores.parquet")
    assert len(scores) == 14 * 13 and scores["run"].tolist() == sorted(scores["run"])
    assert (scores[["weight_score", "gradient_score"]] > 0).all().all()
    assert scores["accuracy"].between(0, 1).all()
    ranks = pd.read_parquet(project / "results/importance/l2norm/ranks.parquet")
    whole = ranks[ranks["measure"].isin(["weight", "gradient"])]
    assert (
        whole.groupby(["measure", "run"])["rank"].apply(sorted).map(lambda r: r == list(range(1, 14))).all()
    )
    # Tied permutation scores share the average of their ranks: the ranks still add up to 1 + ... + 13.
    permutation = ranks[ranks["measure"] == "permutation"]
    assert permutation.groupby("run")["rank"].sum().eq(91).all()
    summary = pd.read_csv(project / "results/importance/l2norm/summary.csv")
    assert len(summary) == 13 and summary["overall_mean_rank"].is_monotonic_increasing
    conclusion = (project / "results/importance/l2norm/conclusion.rst").read_text()
    assert summary["feature"][0] in conclusion and summary["feature"][1] in conclusion


def test_a_complete_run_judges_its_ranking_claim_over_the_further_splits(complete_run):
    from conftest import TINY

    splits = TINY["importance"]["splits"]
    ranks = pd.read_parquet(complete_run / "results/importance/l2norm/splits/ranks.parquet")
    scores = pd.read_parquet(complete_run / "results/importance/l2norm/splits/scores.parquet")
    # The splits after the report's (random state 0), each with its runs, numbered after the study's;
    # only runs that learned are ranked (the tiny config's two epochs leave some at chance).
    assert sorted(scores["split"].unique()) == list(range(1, splits["count"]))
    assert set(ranks["split"]) <= set(scores["split"])
    runs = TINY["importance"]["runs"]
    assert sorted(scores["run"].unique()) == list(range(runs, runs + (splits["count"] - 1) * splits["runs"]))
    claims = pd.read_parquet(complete_run / "results/claims.parquet")
    ranking = claims[claims["kind"] == "top_features"]
    assert (ranking["splits"] <= splits["count"]).all() and len(ranking) == 2
    assert ranking["conditions"].str.contains(f"on {splits['count']} splits of the table").all()
