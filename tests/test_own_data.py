"""Data that is not the report's: other feature and class counts, other labels, and the whole pipeline."""

import numpy as np
import pandas as pd
import pytest
from conftest import TINY, make_project, merge, run_snakemake

from winenet.data.arrays import model_arrays
from winenet.data.preprocessing import split_normalise
from winenet.data.tables import load_table
from winenet.jobs.errors import DataValidationError
from winenet.model.evaluation import classification_metrics, classification_report_text, roc_points
from winenet.model.model_files import predict_table
from winenet.model.training import fit_model
from winenet.report import plots, stat_plots
from winenet.studies.importance import excluded_runs, rank_features, train_importance_runs
from winenet.studies.ranking import conclusion, importance_summary
from winenet.verdicts.evidence import VERDICTS, Evidence
from winenet.verdicts.settle import judge_claims


def synthetic_csv(path, n_features: int, classes: list, rows_per_class: int = 30, seed: int = 0):
    """A CSV whose classes differ in every feature's mean; labels written as given (quoted if text)."""
    rng = np.random.default_rng(seed)
    features = [f"m{j}" for j in range(n_features)]
    lines = ["class," + ",".join(features)]
    for k, cls in enumerate(classes):
        for _ in range(rows_per_class):
            values = rng.normal(10 + 3 * k, 1.0 + 0.2 * np.arange(n_features))
            lines.append(f"{cls}," + ",".join(f"{v:.4f}" for v in values))
    path.write_text("\n".join(lines) + "\n")
    return features


CASES = {
    "one feature": (1, [1, 2, 3]),
    "two classes": (5, [0, 1]),
    "six text classes": (5, ["a", "b", "c", "d", "e", "f"]),
    "quoted integers": (3, ['"1"', '"2"', '"3"']),
}


@pytest.mark.parametrize("case", list(CASES))
def test_every_stage_runs_on_other_data(tmp_path, case):
    n_features, classes = CASES[case]
    path = tmp_path / "data.csv"
    features = synthetic_csv(path, n_features, classes)
    table = load_table(path, "class", "all")
    # Integers and quoted integers are read as numbers, anything else as text.
    expected = [int(str(c).strip('"')) if str(c).strip('"').isdigit() else c for c in classes]
    assert sorted(table["class"].unique().tolist()) == sorted(expected)
    train, test, normalisation = split_normalise(table, "class", "all", 0.25, 0, "standard")
    training = {"learning_rate": 0.01, "batch_size": 10, "epochs": 3, "seed": 0}
    network, history = fit_model(
        train, test, normalisation, hidden=[8], training=training, penalty="l1", coefficient=0.01
    )
    x, _ = model_arrays(test, normalisation)
    predictions = predict_table(
        network, x, test["row"].to_numpy(), test["class"].to_numpy(), normalisation["classes"]
    )
    metrics = classification_metrics(predictions, normalisation["classes"])
    assert 0 <= metrics["accuracy"] <= 1 and len(metrics["classes"]) == len(classes)
    assert classification_report_text(predictions, normalisation["classes"])
    points = roc_points(predictions, normalisation["classes"])
    x_train, y_train = model_arrays(train, normalisation)
    scores = train_importance_runs(
        x_train,
        y_train,
        x,
        model_arrays(test, normalisation)[1],
        range(3),
        features,
        hidden=[8],
        n_classes=len(classes),
        learning_rate=0.01,
        batch_size=10,
        epochs=2,
        penalty="l1",
        coefficient=0.01,
        seed=0,
    )
    ranks = rank_features(scores)
    summary = importance_summary(ranks, features)
    text = conclusion(summary, excluded_runs(scores), runs=3)
    if n_features == 1:
        assert "nothing to rank" in text or "no feature is called important" in text
    evidence = Evidence(
        table={"sha256": "0" * 64, "features": features},
        metrics={},
        seeds={},
        curves={},
        per_fold=pd.DataFrame(),
        networks=[],
        ranks={"standard": ranks},
        scores={"standard": scores},
        features={"standard": train},
        settings={"posterior_threshold": 0.95, "ratio_margin": 0.1, "min_concordance": 0.3},
        design={
            "normalisations": ["standard"],
            "study_runs": {"standard": 3},
            "importance": {"epochs": 2, "penalty": "l1", "coefficient": 0.01},
        },
        reference_sha256="f" * 64,
    )
    statements = [
        {"text": "x and y on top", "kind": "top_features", "features": ["x", "y"], "reference_only": True},
        {"text": "equal influence", "kind": "normalisation", "effect": "equal_influence"},
    ]
    # Not the report's data: no claim about the report's features; the method claims still judge.
    claims = judge_claims(statements, evidence)
    assert claims["claim"].tolist() == ["equal influence"]
    figures = [
        stat_plots.feature_distributions(table, "class", features),
        stat_plots.confusion_matrix_figure(
            metrics["confusion_matrix"], normalisation["classes"], "c", "class"
        ),
        plots.roc_curves(
            points, {c: s["roc_auc"] for c, s in metrics["classes"].items()}, normalisation["classes"], "r"
        ),
        plots.importance_rankings({"standard": summary}, ("weight", "gradient", "permutation"), "i"),
    ]
    assert all(figure.axes for figure in figures)
    assert not history.empty


def test_a_reserved_column_name_is_caught_with_file_line_and_column(tmp_path):
    path = tmp_path / "data.csv"
    path.write_text("class,a,row\nx,1,2\ny,2,3\nx,3,4\ny,4,5\n")
    with pytest.raises(DataValidationError) as caught:
        load_table(path, "class", "all")
    (problem,) = caught.value.problems
    assert f"{path}, line 1, column 3: column name 'row' is reserved" in problem


def test_labels_read_as_text_where_the_classes_are_numbers_get_a_clear_error():
    table = pd.DataFrame({"class": ["1", "2"], "a": [1.0, 2.0]})
    with pytest.raises(DataValidationError, match="are text but the classes"):
        model_arrays(table, {"label": "class", "classes": [1, 2], "features": ["a"]})


@pytest.mark.workflow
def test_the_whole_pipeline_on_four_text_classes_and_five_features(tmp_path):
    project = make_project(
        tmp_path / "project",
        merge(TINY, {"data": {"path": "data/own.csv", "label": "class", "features": "all"}}),
    )
    features = synthetic_csv(project / "data/own.csv", 5, ["north", "south", "east", "west"])
    run_snakemake(project)
    metrics = pd.read_csv(project / "results/models/summary.csv")
    assert metrics["accuracy"].between(0, 1).all()
    assert {"recall_east", "recall_north", "recall_south", "recall_west"} <= set(metrics.columns)
    claims = pd.read_csv(project / "results/claims.csv")
    # Not the report's data: nothing compares it with the report's accuracies or features.
    assert not claims["claim"].str.contains("reaches|Proline").any()
    assert len(claims) > 0 and claims["verdict"].isin(VERDICTS).all()
    summary = pd.read_csv(project / "results/importance/l2norm/summary.csv")
    assert sorted(summary["feature"]) == features
    conclusion_text = (project / "results/importance/l2norm/conclusion.rst").read_text()
    assert "report" not in conclusion_text
    html = (project / "results/report.html").read_text()
    assert "Producer" not in html.split("rulegraph")[0] and "own.csv" in html


@pytest.mark.workflow
def test_one_feature_gives_a_study_with_nothing_to_rank(tmp_path):
    project = make_project(
        tmp_path / "project",
        merge(TINY, {"data": {"path": "data/one.csv", "label": "class", "features": "all"}}),
    )
    synthetic_csv(project / "data/one.csv", 1, [1, 2, 3])
    targets = [f"results/importance/{n}/conclusion.rst" for n in ("l2norm", "standard")]
    run_snakemake(
        project,
        *targets,
        "results/beyond/ranking_agreement.csv",
        "results/figures/beyond/importance_rankings.png",
    )
    for target in targets:
        text = (project / target).read_text()
        assert "nothing to rank" in text or "no feature is called important" in text
