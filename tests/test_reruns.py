"""Only what changed reruns: each case edits a complete run and asks Snakemake what it would do."""

import os
import re
import shutil

import pytest
import yaml
from conftest import TINY, make_project, merge, run_snakemake, write_config

pytestmark = pytest.mark.workflow

MODELS = ("plain", "l2", "l1")
NORMALISATIONS = ("l2norm", "standard")
# Every normalisation's study has as many shards (the tiny config has more runs than shards).
SHARDS = range(TINY["importance"]["shards"])


def per_model(*rules, models=MODELS):
    return {f"{rule}[model={model}]" for rule in rules for model in models}


def per_normalisation(*rules, normalisations=NORMALISATIONS):
    return {f"{rule}[normalisation={n}]" for rule in rules for n in normalisations}


def cross_validation(models=MODELS, normalisations=NORMALISATIONS):
    return {f"cross_validate_model[normalisation={n}, model={m}]" for n in normalisations for m in models}


def study(normalisations=NORMALISATIONS):
    shards = {f"importance_shard[normalisation={n}, shard={s}]" for n in normalisations for s in SHARDS}
    rules = ("importance_gather", "plot_rank_heatmaps", "plot_features_by_importance")
    return shards | per_normalisation(*rules, normalisations=normalisations)


DATA = {"validate", "plot_feature_distributions"} | per_normalisation("split_normalise")
MODEL_JOBS = per_model("train", "evaluate", "plot_training_curves", "plot_evaluation")
COMPARISON = {"compare", "plot_model_comparison"}
L1_METHODS = {"l1_methods", "plot_l1_methods"}
UNCERTAINTY = (
    per_model("seed_study")
    | cross_validation()
    | {"cross_validate_baselines", "cv_summary", "plot_cv_summary"}
)
STUDY = study()
SENSITIVITY = {"importance_sensitivity"}
CLAIMS = {"claims"}
FIGURES = {
    "plot_feature_distributions",
    "plot_model_comparison",
    "plot_l1_methods",
} | per_model("plot_training_curves", "plot_evaluation")
FIGURES |= per_normalisation("plot_rank_heatmaps", "plot_features_by_importance")
# It also computes (cheaply) the rank correlations beside its figure, so a figure setting reruns it.
FIGURES |= {"plot_cv_summary", "importance_sensitivity"}


@pytest.fixture(scope="module")
def complete_run(tmp_path_factory):
    project = make_project(tmp_path_factory.mktemp("complete") / "project", TINY)
    run_snakemake(project)
    return project


@pytest.fixture
def project(complete_run, tmp_path):
    """A copy of the complete run (outputs, timestamps and Snakemake's records) to edit."""
    copy = tmp_path / "project"
    shutil.copytree(complete_run, copy, symlinks=True)
    return copy


def planned_jobs(project) -> set[str]:
    """The jobs a dry run plans, as `rule` or `rule[wildcard=value]`, without the `all` target."""
    output = run_snakemake(project, "--dry-run").stdout
    jobs = set()
    for block in re.split(r"\n(?=(?:local)?rule \w+:)", output):
        match = re.match(r"(?:local)?rule (\w+):", block)
        if not match or match.group(1) == "all":
            continue
        wildcards = re.search(r"^\s+wildcards: (.+)$", block, re.MULTILINE)
        jobs.add(f"{match.group(1)}[{wildcards.group(1)}]" if wildcards else match.group(1))
    return jobs


def edit_config(project, overrides):
    current = yaml.safe_load((project / "config.yaml").read_text())
    write_config(project, merge(merge(TINY, current), overrides))


def test_nothing_changed_nothing_to_do(project):
    assert planned_jobs(project) == set()


def test_touched_without_content_change_nothing_to_do(project):
    for path in ("data/wine.csv", "src/winenet/network.py", "config.yaml"):
        os.utime(project / path)
    assert planned_jobs(project) == set()


def test_l1_coefficient_reruns_the_l1_model_and_what_compares_it(project):
    edit_config(project, {"models": {"l1": {"coefficient": 0.01}}})
    expected = per_model("train", "evaluate", "plot_training_curves", "plot_evaluation", models=["l1"])
    l1_beyond = (
        per_model("seed_study", models=["l1"])
        | cross_validation(models=["l1"])
        | {"cv_summary", "plot_cv_summary"}
    )
    assert planned_jobs(project) == expected | COMPARISON | L1_METHODS | l1_beyond | CLAIMS


def test_figure_dpi_reruns_figures_only(project):
    edit_config(project, {"figures": {"dpi": 41}})
    assert planned_jobs(project) == FIGURES


def test_importance_runs_rerun_the_first_normalisations_study_only(project):
    edit_config(project, {"importance": {"runs": 5}})
    assert planned_jobs(project) == study(["l2norm"]) | SENSITIVITY | CLAIMS


def test_importance_epochs_rerun_the_study_only(project):
    edit_config(project, {"importance": {"epochs": 3}})
    assert planned_jobs(project) == STUDY | SENSITIVITY | CLAIMS


def test_network_code_edit_reruns_training_evaluation_and_the_study(project):
    network = project / "src/winenet/network.py"
    network.write_text(network.read_text() + "\n# an edit\n")
    beyond = L1_METHODS | UNCERTAINTY - {"cross_validate_baselines"} | SENSITIVITY | CLAIMS
    assert planned_jobs(project) == MODEL_JOBS | COMPARISON | STUDY | beyond


def test_data_edit_reruns_everything(project):
    data = project / "data/wine.csv"
    lines = data.read_text().splitlines()
    lines[1] = lines[1].replace("14.23", "14.24")
    data.write_text("\n".join(lines) + "\n")
    beyond = L1_METHODS | UNCERTAINTY | SENSITIVITY | CLAIMS
    assert planned_jobs(project) == DATA | MODEL_JOBS | COMPARISON | STUDY | beyond


def test_new_model_runs_its_own_jobs_and_the_comparison(project):
    edit_config(project, {"models": {"l2_strong": {"penalty": "l2", "coefficient": 0.15}}})
    new = per_model("train", "evaluate", "plot_training_curves", "plot_evaluation", models=["l2_strong"])
    new |= (
        per_model("seed_study", models=["l2_strong"])
        | cross_validation(models=["l2_strong"])
        | {"cv_summary", "plot_cv_summary"}
    )
    assert planned_jobs(project) == new | COMPARISON | CLAIMS


def test_new_normalisation_runs_only_its_own_jobs_and_the_comparisons(project):
    edit_config(project, {"normalisation": {"methods": ["l2norm", "standard", "minmax"]}})
    new = per_normalisation("split_normalise", normalisations=["minmax"]) | cross_validation(
        normalisations=["minmax"]
    )
    new |= study(["minmax"]) | {"cv_summary", "plot_cv_summary"} | SENSITIVITY | CLAIMS
    assert planned_jobs(project) == new
