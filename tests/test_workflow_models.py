"""The whole DAG on a tiny config: every output exists, has the right shape, and is reproducible."""

import html
import json

import matplotlib.image
import numpy as np
import pandas as pd
import pytest
import yaml
from conftest import TINY, assert_printed_numbers_are_fields, make_project, run_snakemake

from winenet.verdicts.columns import COLUMNS, NAMES
from winenet.verdicts.evidence import VERDICTS

pytestmark = pytest.mark.workflow

MODELS = ["plain", "l2", "l1"]
NORMALISATIONS = ["l2norm", "standard"]
BEYOND_TABLES = ["seed_accuracy", "cv_accuracy", "paired_differences", "ranking_agreement"]
BEYOND_FIGURES = ["l1_methods", "seed_accuracy", "cv_accuracy", "paired_differences", "importance_rankings"]
IMPORTANCE_FIGURES = [
    f"{normalisation}/{name}"
    for normalisation in NORMALISATIONS
    for name in ("rank_heatmap_weight", "rank_heatmap_gradient", "features_by_importance")
]
EPOCHS = TINY["training"]["epochs"]


@pytest.fixture(scope="module")
def finished_runs(complete_run, tmp_path_factory):
    """Two independent complete runs of the same tiny config."""
    second = make_project(tmp_path_factory.mktemp("second") / "project", TINY)
    run_snakemake(second)
    return [complete_run, second]


def model_files(model):
    return [
        f"results/models/{model}/weights.npz",
        f"results/models/{model}/history.parquet",
        f"results/models/{model}/predictions.parquet",
        f"results/models/{model}/metrics.json",
        f"results/models/{model}/classification_report.txt",
        f"results/figures/models/{model}/training_curves.png",
        f"results/figures/models/{model}/roc_curves.png",
        f"results/figures/models/{model}/confusion_matrix.png",
    ]


def test_history_has_epochs_times_batches_rows_per_phase(finished_runs):
    for model in MODELS:
        history = pd.read_parquet(finished_runs[0] / f"results/models/{model}/history.parquet")
        counts = history.groupby("phase").size()
        assert counts["train"] == EPOCHS * 14 and counts["validation"] == EPOCHS * 5


def test_weights_load_without_pickle(finished_runs):
    with np.load(finished_runs[0] / "results/models/l1/weights.npz", allow_pickle=False) as weights:
        assert weights["W0"].shape == (13, 128) and weights["W2"].shape == (128, 3)


def test_predictions_and_metrics(finished_runs):
    project = finished_runs[0]
    summary = json.loads((project / "results/metrics.json").read_text())
    assert list(summary) == MODELS
    for model in MODELS:
        predictions = pd.read_parquet(project / f"results/models/{model}/predictions.parquet")
        assert len(predictions) == 45
        assert list(predictions.columns) == ["row", "true", "predicted", "p_1", "p_2", "p_3"]
        metrics = summary[model]
        assert 0 <= metrics["accuracy"] <= 1
        assert set(metrics["classes"]) == {"1", "2", "3"}
        assert [metrics["classes"][c]["support"] for c in ("1", "2", "3")] == [16, 21, 8]
        for scores in metrics["classes"].values():
            assert all(0 <= scores[key] <= 1 for key in ("precision", "recall", "f1", "roc_auc"))
        assert set(metrics) >= {"accuracy", "classes", "macro_avg", "weighted_avg", "penalty"}
    table = pd.read_csv(project / "results/models/summary.csv")
    assert table["model"].tolist() == MODELS


def test_every_figure_is_a_readable_non_blank_png(finished_runs):
    project = finished_runs[0]
    figures = [
        "results/figures/data/feature_distributions.png",
        "results/figures/models/accuracy.png",
        *[f"results/figures/importance/{name}.png" for name in IMPORTANCE_FIGURES],
        *[f"results/figures/beyond/{name}.png" for name in BEYOND_FIGURES],
        *[path for model in MODELS for path in model_files(model) if path.endswith(".png")],
    ]
    for path in figures:
        image = matplotlib.image.imread(project / path)
        assert image.ndim == 3 and image.shape[0] > 50 and image[..., :3].std() > 0.01, path


def test_l1_methods_compare_subgradient_and_proximal(finished_runs):
    table = pd.read_csv(finished_runs[0] / "results/beyond/l1_methods.csv")
    assert table["method"].tolist() == ["l1 subgradient", "l1 proximal"]
    subgradient, proximal = table["first_layer_zero_share"]
    assert subgradient == 0 and 0 < proximal <= 1
    assert table["validation_accuracy"].between(0, 1).all()


def test_seed_and_cross_validation_tables(finished_runs):
    project = finished_runs[0]
    seeds = pd.read_csv(project / "results/beyond/seed_accuracy.csv")
    # The models and the L1 model's proximal twin, whose seeds the spike claim compares.
    assert seeds["model"].tolist() == [*MODELS, "l1_proximal"] and (seeds["seeds"] == 3).all()
    assert (seeds["pi_low"] <= seeds["mean"]).all() and (seeds["mean"] <= seeds["pi_high"]).all()
    history = pd.read_parquet(project / "results/beyond/seeds/l1/history.parquet")
    assert history.groupby(["run", "phase"]).size().to_dict() == {
        (run, phase): EPOCHS * batches
        for run in range(3)
        for phase, batches in (("train", 14), ("validation", 5))
    }
    paths = [
        *(project / "results/beyond/cv").rglob("*.parquet"),
        *(project / "results/beyond/cv_baselines").glob("*"),
    ]
    per_fold = pd.concat([pd.read_parquet(path) for path in sorted(paths)])
    assert list(per_fold.columns) == [
        "model",
        "normalisation",
        "repeat",
        "fold",
        "accuracy",
        "n_train",
        "n_test",
        "status",
    ]
    assert (per_fold["n_train"] + per_fold["n_test"] == 178).all()
    cv = pd.read_csv(project / "results/beyond/cv_accuracy.csv")
    networks = [(m, n) for n in NORMALISATIONS for m in MODELS]
    # The baselines under every normalisation too, so that no comparison mixes preprocessing.
    baselines = [(b, n) for n in NORMALISATIONS for b in ("logistic_regression", "mlp", "random_forest")]
    assert list(zip(cv["model"], cv["normalisation"], strict=True)) == networks + baselines
    assert (cv["folds"] == 4).all() and cv["mean"].between(0, 1).all()
    assert (cv["ci_low"] <= cv["mean"]).all() and (cv["mean"] <= cv["ci_high"]).all()
    differences = pd.read_csv(project / "results/beyond/paired_differences.csv")
    # Per normalisation: 3 network pairs and 3 x 3 network-baseline pairs.
    assert len(differences) == 2 * (3 + 9)
    assert {"p_value", "p_holm", "p_a_better", "p_equivalent", "p_b_better"} <= set(differences.columns)
    assert (differences["ci_low"] <= differences["ci_high"]).all()
    posterior = differences[["p_a_better", "p_equivalent", "p_b_better"]].sum(axis=1)
    # Each of the three is written with four decimals.
    assert ((posterior - 1).abs() <= 2e-4).all()
    agreement = pd.read_csv(project / "results/beyond/ranking_agreement.csv")
    assert agreement["spearman"].between(-1, 1).all() and len(agreement) == 6 * 5 // 2


def test_importance_study_under_every_normalisation(finished_runs):
    project = finished_runs[0]
    for normalisation, runs in (("l2norm", 6), ("standard", 4)):
        scores = pd.read_parquet(project / f"results/importance/{normalisation}/scores.parquet")
        assert scores["run"].nunique() == runs
        assert {"weight_score", "gradient_score", "permutation_score", "status"} <= set(scores.columns)
        summary = pd.read_csv(project / f"results/importance/{normalisation}/summary.csv")
        assert len(summary) == 13
        assert {"weight_mean_rank_ci_low", "permutation_mean_rank", "runs_ranked"} <= set(summary.columns)


def test_claims_table_judges_every_declared_claim(finished_runs):
    project = finished_runs[0]
    claims = pd.read_parquet(project / "results/claims.parquet")
    # The verdicts as data: typed columns, numbers as numbers, the CSV the same columns.
    assert list(claims.columns) == list(NAMES)
    assert {column.name: str(claims[column.name].dtype) for column in COLUMNS} == {
        column.name: column.dtype for column in COLUMNS
    }
    assert list(pd.read_csv(project / "results/claims.csv").columns) == list(NAMES)
    assert (
        not claims.select_dtypes("number")
        .apply(lambda c: c.astype("float64").isin([np.inf, -np.inf]))
        .any()
        .any()
    )
    assert claims["verdict"].isin(VERDICTS).all()
    for row in claims.to_dict("records"):
        assert_printed_numbers_are_fields(row)
    declared = [
        s["text"] for s in yaml.safe_load((project / "config.yaml").read_text())["claims"]["statements"]
    ]
    # Every declared claim has a row (those judged per normalisation or network, several), in order.
    assert list(dict.fromkeys(claims["claim"])) == declared
    assert claims["evidence"].str.len().gt(20).all() and claims["rule"].str.len().gt(20).all()
    for column in ("evidence", "conditions", "rule"):
        assert not claims[column].str.contains(r"\bnan\b|\binf\b", case=False).any()
    # The conditions state the settings used, the tiny ones here, not "the report's settings".
    assert claims["conditions"].str.contains(f"{EPOCHS} epochs").any()


def test_report_is_written_after_the_run(finished_runs):
    html = (finished_runs[0] / "results/report.html").read_text()
    assert "training_curves.png" in html and "confusion_matrix.png" in html
    assert "rank_heatmap_gradient.png" in html and "Most important" in html
    for shown in ("claims.csv", "claims.html", "verdicts.html", "claims.png"):
        assert shown in html, shown


def test_the_claims_are_shown_as_evidence_a_glance_and_a_figure(finished_runs):
    project = finished_runs[0]
    claims = pd.read_parquet(project / "results/claims.parquet")
    page = (project / "results/claims.html").read_text()
    glance = (project / "results/verdicts.html").read_text()
    for row in claims.itertuples():
        assert html.escape(row.evidence) in page
    for claim in claims["claim"].unique():
        assert html.escape(claim) in glance
    # A verdict reads as its symbol and word, not its colour alone.
    assert "✓ holds" in glance and "✗ does not hold" in glance and "? undecided" in glance
    assert (project / "results/figures/claims.png").read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"


def test_same_config_gives_identical_bytes(finished_runs):
    first, second = finished_runs
    paths = ["results/metrics.json", "results/models/summary.csv"]
    paths += [path for model in MODELS for path in model_files(model)]
    paths += ["results/figures/data/feature_distributions.png", "results/figures/models/accuracy.png"]
    paths += [
        f"results/importance/{n}/{name}" for n in NORMALISATIONS for name in ("scores.parquet", "summary.csv")
    ]
    paths += ["results/claims.parquet", "results/claims.csv", "results/claims.html", "results/verdicts.html"]
    paths += ["results/figures/claims.png"]
    paths += ["results/beyond/l1_methods.csv", "results/figures/beyond/l1_methods.png"]
    paths += [f"results/beyond/{name}.csv" for name in BEYOND_TABLES]
    paths += [f"results/figures/beyond/{name}.png" for name in BEYOND_FIGURES]
    paths += [f"results/figures/importance/{name}.png" for name in IMPORTANCE_FIGURES]
    for path in paths:
        assert (first / path).read_bytes() == (second / path).read_bytes(), path


def test_second_run_has_nothing_to_do(finished_runs):
    result = run_snakemake(finished_runs[0], "-n")
    assert "Nothing to be done" in result.stdout + result.stderr
