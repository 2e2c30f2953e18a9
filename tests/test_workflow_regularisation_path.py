"""The opt-in regularisation path: not in the default run; a tiny grid through Snakemake."""

import matplotlib.image
import pandas as pd
import pytest
from conftest import TINY, make_project, merge, run_snakemake

pytestmark = pytest.mark.workflow

GRID = {
    "beyond": {
        "regularisation_path": {"coefficient_low": 0.001, "coefficient_high": 0.1, "coefficient_count": 2}
    }
}


@pytest.fixture(scope="module")
def path_run(tmp_path_factory):
    project = make_project(tmp_path_factory.mktemp("path") / "project", merge(TINY, GRID))
    run_snakemake(project, "regularisation_path")
    return project


def test_the_default_run_does_not_include_the_path(tmp_path):
    project = make_project(tmp_path / "project", TINY)
    planned = run_snakemake(project, "--dry-run").stdout
    assert "rule claims:" in planned and "regularisation_path" not in planned


def test_every_penalty_normalisation_and_coefficient_is_cross_validated(path_run):
    per_fold = pd.concat(
        pd.read_parquet(path)
        for path in sorted((path_run / "results/beyond/regularisation_path").rglob("*.parquet"))
    )
    # 2 normalisations x 3 penalties x 2 coefficients x 4 folds.
    assert len(per_fold) == 2 * 3 * 2 * 4
    assert per_fold["accuracy"].between(0, 1).all() and per_fold["zero_share"].between(0, 1).all()
    summary = pd.read_csv(path_run / "results/beyond/regularisation_path.csv")
    assert len(summary) == 2 * 3 * 2 and (summary["folds"] == 4).all()
    assert sorted(summary["coefficient"].unique()) == pytest.approx([0.001, 0.1])
    assert ((summary["ci_low"] <= summary["mean"]) & (summary["mean"] <= summary["ci_high"])).all()
    # Only the proximal step leaves weights at exactly zero.
    assert (summary.loc[summary["penalty"] != "l1_proximal", "zero_share"] == 0).all()
    image = matplotlib.image.imread(path_run / "results/figures/beyond/regularisation_path.png")
    assert image.ndim == 3 and image[..., :3].std() > 0.01


def test_the_path_is_the_same_bytes_when_run_again(path_run, tmp_path):
    again = make_project(tmp_path / "again", merge(TINY, GRID))
    run_snakemake(again, "regularisation_path")
    path = "results/beyond/regularisation_path.csv"
    assert (again / path).read_bytes() == (path_run / path).read_bytes()
