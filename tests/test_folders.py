"""One run, one folder: setting `results` names where a run writes; a folder never mixes two runs."""

import json
import os
import shlex
import subprocess
import sys

import numpy as np
import pytest
import yaml
from conftest import REPO, TINY, make_project, merge, run_snakemake, write_config
from result_blocks import main as readme_main
from result_blocks import render
from sandbox import planned_jobs

from winenet.workflow.config import ConfigError
from winenet.workflow.folders import (
    check_folder,
    folder_problem,
    last_run_config,
    leftover_folders,
    leftover_jobs,
)
from winenet.workflow.layout import run_folders, run_jobs


def default_config() -> dict:
    return yaml.safe_load((REPO / "config.yaml").read_text())


def record(folder, config) -> None:
    """What a complete run under ``config`` leaves in ``folder``: its effective config."""
    folder.mkdir(parents=True, exist_ok=True)
    (folder / "config.yaml").write_text(yaml.safe_dump(config, sort_keys=False))


def started(folder, path="data/wine.csv", label="Producer") -> None:
    """What a run leaves in ``folder`` once `validate` ran: the table's summary, naming the data."""
    (folder / "data").mkdir(parents=True, exist_ok=True)
    (folder / "data" / "table.json").write_text(json.dumps({"path": path, "rows": 178, "label": label}))


# The jobs a dry run plans in a fresh copy are what `run_jobs` says, for configs that differ in
# everything that decides which jobs there are.
LAYOUTS = {
    "tiny": {},
    "default study sizes": {"importance": {"runs": 300, "runs_other_normalisations": 100, "shards": 4}},
    "raw features among the methods": {"normalisation": {"methods": ["minmax", "none", "standard"]}},
    "no claim needs the raw features": {"claims": {"statements": []}},
    "another L1 model and an extra model": {
        "models": {"sparse": {"penalty": "l1", "coefficient": 0.02}},
        "beyond": {"l1_methods": {"model": "sparse"}},
        # The report's claims name l1_proximal, the twin of l1.
        "claims": {"statements": []},
    },
}


@pytest.mark.workflow
def test_run_jobs_are_the_jobs_a_dry_run_plans(tmp_path):
    project = make_project(tmp_path / "project", TINY)
    for name, overrides in LAYOUTS.items():
        config = merge(TINY, overrides)
        write_config(project, config)
        effective = yaml.safe_load((project / "config.yaml").read_text())
        assert run_jobs(effective) == planned_jobs(project), name


def test_the_folder_of_the_last_complete_run_holds_its_config():
    assert last_run_config("results") == os.path.join("results", "config.yaml")
    assert last_run_config("results-mine") == os.path.join("results-mine", "config.yaml")


def test_an_empty_or_new_folder_and_the_same_run_again_pass(tmp_path):
    config = default_config()
    assert folder_problem(config, "results", tmp_path) is None
    (tmp_path / "results").mkdir()
    assert folder_problem(config, "results", tmp_path) is None
    record(tmp_path / "results", config)
    started(tmp_path / "results")
    assert folder_problem(config, "results", tmp_path) is None
    # Spelled another way, the same data file.
    assert folder_problem(merge(config, {"data": {"path": "./data//wine.csv"}}), "results", tmp_path) is None


def test_a_folder_with_a_complete_run_of_other_data_is_refused_in_one_line(tmp_path):
    wine = default_config()
    record(tmp_path / "results", wine)
    mine = merge(wine, {"data": {"path": "data/mine.csv", "label": "kind", "features": "all"}})
    problem = folder_problem(mine, "results", tmp_path)
    assert problem == (
        "results/ holds a run of other data (data/wine.csv, label Producer; this run reads data/mine.csv, "
        "label kind): set `results` to a folder of its own, e.g. --config results=results-mine "
        "(results-* folders stay out of git), or delete results/ to replace that run"
    )
    # The same file under another label is other data too.
    assert "label Producer" in folder_problem(merge(wine, {"data": {"label": "Ash"}}), "results", tmp_path)
    with pytest.raises(ConfigError, match="holds a run of other data"):
        check_folder(mine, tmp_path / "results")


def test_an_interrupted_run_of_other_data_is_caught_by_its_table_summary(tmp_path):
    # No complete run (no config.yaml), only what `validate` wrote.
    started(tmp_path / "results")
    mine = merge(default_config(), {"data": {"path": "data/mine.csv", "label": "kind"}})
    assert "holds a run of other data (data/wine.csv" in folder_problem(mine, "results", tmp_path)
    assert folder_problem(default_config(), "results", tmp_path) is None


def test_settings_that_drop_files_are_refused_and_settings_that_change_contents_are_not(tmp_path):
    before = merge(default_config(), {"normalisation": {"methods": ["l2norm", "standard", "minmax"]}})
    record(tmp_path / "results", before)
    fewer = default_config()
    assert leftover_jobs(fewer, before) == {
        "split_normalise[normalisation=minmax]",
        "importance_gather[normalisation=minmax]",
        "plot_importance[normalisation=minmax]",
        "cross_validate_baselines[normalisation=minmax]",
        "importance_shard[normalisation=minmax, shard=0]",
        "importance_splits[normalisation=minmax]",
    }
    problem = folder_problem(fewer, "results", tmp_path)
    assert problem.startswith(
        "results/ holds a run made with other normalisation.methods, whose jobs "
        "cross_validate_baselines[normalisation=minmax], "
        "importance_gather[normalisation=minmax], "
        "importance_shard[normalisation=minmax, shard=0] and 3 more this run does not have"
    )
    assert problem.endswith(
        "e.g. --config results=results-2 (results-* folders stay out of git), or delete "
        "results/ to replace that run"
    )
    assert "\n" not in problem
    # Contents only, or more jobs than before: the folder's files are all rewritten by this run.
    for same_files in (
        merge(before, {"training": {"epochs": 200}, "figures": {"dpi": 60}, "claims": {"margin": 0.05}}),
        merge(before, {"models": {"l2_strong": {"penalty": "l2", "coefficient": 0.15}}}),
        merge(before, {"normalisation": {"methods": ["l2norm", "standard", "minmax", "none"]}}),
    ):
        assert folder_problem(same_files, "results", tmp_path) is None


def test_fewer_shards_drop_files_and_claims_do_not(tmp_path):
    before = merge(default_config(), {"importance": {"shards": 4}})
    record(tmp_path / "results", before)
    fewer_shards = merge(before, {"importance": {"shards": 2}})
    # The other normalisations' studies follow the first's shards (runs per shard stay the same).
    assert leftover_jobs(fewer_shards, before) == {
        "importance_shard[normalisation=l2norm, shard=2]",
        "importance_shard[normalisation=l2norm, shard=3]",
        "importance_shard[normalisation=standard, shard=1]",
    }
    assert "made with other importance.shards" in folder_problem(fewer_shards, "results", tmp_path)
    # No claim adds a study of its own (none runs on raw features): the claims never change the files.
    no_claims = merge(before, {"claims": {"statements": []}})
    assert leftover_jobs(no_claims, before) == set()
    assert folder_problem(no_claims, "results", tmp_path) is None


def test_folders_an_earlier_version_left_are_refused_whatever_the_settings(tmp_path):
    # The same settings, but an earlier version of the workflow also ran a study on raw features:
    # its folders would stay beside this run's, and no job of this run's would ever replace them.
    config = default_config()
    record(tmp_path / "results", config)
    for leftover in ("importance/none", "data/none", "beyond/seeds/l1_old"):
        (tmp_path / "results" / leftover).mkdir(parents=True)
    (tmp_path / "results" / "data" / "l2norm").mkdir()
    assert leftover_folders(config, tmp_path / "results") == [
        "beyond/seeds/l1_old",
        "data/none",
        "importance/none",
    ]
    assert folder_problem(config, "results", tmp_path) == (
        "results/ holds outputs this run does not write (beyond/seeds/l1_old/, data/none/, importance/none/: "
        "left by other settings or an earlier version of the workflow): they would stay beside its own; set "
        "`results` to a folder of its own, e.g. --config results=results-2 (results-* folders stay out of "
        "git), or delete results/ to replace that run"
    )
    # Only folders count: a file of the user's among them is not the workflow's.
    for leftover in ("importance/none", "data/none", "beyond/seeds/l1_old"):
        (tmp_path / "results" / leftover).rmdir()
    (tmp_path / "results" / "data" / "notes.txt").write_text("mine\n")
    assert folder_problem(config, "results", tmp_path) is None


def test_a_record_this_version_cannot_read_compares_the_data_only(tmp_path):
    (tmp_path / "results").mkdir()
    (tmp_path / "results" / "config.yaml").write_text("data: {path: data/wine.csv, label: Producer}\n")
    assert folder_problem(default_config(), "results", tmp_path) is None
    (tmp_path / "results" / "config.yaml").write_text("data: [unbalanced\n")
    assert folder_problem(default_config(), "results", tmp_path) is None


def test_the_working_directory_and_a_folder_inside_another_runs_folder_are_refused(tmp_path):
    config = default_config()
    for folder in (".", "..", str(tmp_path)):
        assert "is the working directory or holds it" in folder_problem(config, folder, tmp_path)
    started(tmp_path / "results")
    problem = folder_problem(config, "results/mine", tmp_path)
    assert (
        problem.startswith("results: results/mine lies inside ")
        and "--config results=results-mine" in problem
    )
    assert folder_problem(config, "results-mine", tmp_path) is None


# ---- The workflow, in a folder of its own and beside another run ----


def own_data(project) -> dict:
    """A small table of other data in ``project`` (other label, other features), and a config file for it."""
    rng = np.random.default_rng(3)
    lines = ["kind,width,height,depth"]
    for k, kind in enumerate(["oak", "ash", "elm"]):
        lines += [f"{kind}," + ",".join(f"{v:.3f}" for v in rng.normal(5 + 2 * k, 1, 3)) for _ in range(20)]
    (project / "data" / "mine.csv").write_text("\n".join(lines) + "\n")
    mine = {
        "data": {"path": "data/mine.csv", "label": "kind", "features": "all"},
        "split": {"stratify": True},
    }
    (project / "mine.yaml").write_text(yaml.safe_dump(mine))
    return mine


def snapshot(folder) -> dict:
    """Every file under ``folder``: its bytes and modification time."""
    return {
        path.relative_to(folder).as_posix(): (path.read_bytes(), path.stat().st_mtime_ns)
        for path in sorted(folder.rglob("*"))
        if path.is_file()
    }


def refusal(result) -> str:
    """The one line a refused run printed, after checking that it stopped in words."""
    output = result.stdout + result.stderr
    assert result.returncode != 0, output
    assert "Traceback" not in output and "rule " not in result.stdout, output
    (line,) = [line for line in output.splitlines() if line.startswith("ConfigError")]
    return line


@pytest.fixture(scope="module")
def own_folder_run(tmp_path_factory):
    """A complete run of the tiny config with `results` set to a folder of its own."""
    project = make_project(tmp_path_factory.mktemp("own-folder") / "project", TINY)
    run_snakemake(project, "--config", "results=results-tiny")
    return project


@pytest.mark.workflow
def test_a_run_writes_everything_under_its_folder_and_nothing_under_results(own_folder_run, complete_run):
    folder = own_folder_run / "results-tiny"
    assert not (own_folder_run / "results").exists()
    for path in ("report.html", "config.yaml", "logs/validate.log", "benchmarks/train/l1.tsv", "claims.csv"):
        assert (folder / path).is_file(), path
    assert yaml.safe_load((folder / "config.yaml").read_text())["results"] == "results-tiny"
    # The same files as the same config writes into results/, and the same results byte for byte.
    # (Predictions, made on demand by the next test, aside.)
    own = {name: file for name, file in snapshot(folder).items() if not name.startswith("predictions/")}
    default = snapshot(complete_run / "results")
    assert own.keys() == default.keys()
    timed = ("logs/", "benchmarks/", "report.html", "config.yaml")
    for name in own:
        if not name.startswith(timed):
            assert own[name][0] == default[name][0], name
    # The folders named after the run's normalisations and models are exactly the ones it writes.
    config = yaml.safe_load((folder / "config.yaml").read_text())
    assert leftover_folders(config, folder) == []
    for parent, values in run_folders(config).items():
        assert {entry.name for entry in (folder / parent).iterdir() if entry.is_dir()} == values, parent


@pytest.mark.workflow
def test_predictions_and_the_readme_check_follow_the_folder(own_folder_run, tmp_path):
    project = own_folder_run
    samples = project / "data" / "new" / "x.csv"
    samples.parent.mkdir(parents=True, exist_ok=True)
    lines = (project / "data" / "wine.csv").read_text().splitlines()[:4]
    header = lines[0].split(",")
    keep = [i for i, name in enumerate(header) if name != "Producer"]
    samples.write_text("\n".join(",".join(line.split(",")[i] for i in keep) for line in lines) + "\n")
    target = "results-tiny/predictions/x.csv"
    run_snakemake(project, target, "--configfile", "results-tiny/config.yaml")
    assert (project / target).is_file() and not (project / "results").exists()
    # Under settings that would retrain, the prediction stops, naming this folder's record.
    line = refusal(
        run_snakemake(
            project, target, "--config", "results=results-tiny", 'training={"epochs": 4}', check=False
        )
    )
    assert "would first run train" in line and "--configfile results-tiny/config.yaml" in line
    # The README's result blocks are checked against the folder given.
    page = tmp_path / "page.md"
    page.write_text(
        render("<!-- results:verdicts -->\n<!-- /results:verdicts -->\n", project / "results-tiny")
    )
    assert readme_main(["--check", "--results", str(project / "results-tiny"), str(page)]) == 0
    script = str(REPO / "tests" / "result_blocks.py")
    command = [sys.executable, script, "--check", "--results", "results-tiny", str(page)]
    assert subprocess.run(command, cwd=project, capture_output=True).returncode == 0


@pytest.mark.workflow
def test_other_data_into_a_folder_with_a_run_stops_before_any_job_and_its_own_folder_works(project):
    own_data(project)
    before = snapshot(project / "results")
    line = refusal(run_snakemake(project, "--configfile", "mine.yaml", check=False))
    assert line == (
        "ConfigError: results/ holds a run of other data (data/wine.csv, label Producer; this run reads "
        "data/mine.csv, label kind): set `results` to a folder of its own, e.g. --config "
        "results=results-mine (results-* folders stay out of git), or delete results/ to replace that run"
    )
    # The same in a dry run, which writes nothing either.
    refusal(run_snakemake(project, "--configfile", "mine.yaml", "--dry-run", check=False))
    assert snapshot(project / "results") == before
    # The command the line suggests runs, and leaves the first folder as it was.
    run_snakemake(project, "--configfile", "mine.yaml", *shlex.split("--config results=results-mine"))
    assert (project / "results-mine" / "report.html").is_file()
    assert json.loads((project / "results-mine/data/table.json").read_text())["label"] == "kind"
    assert snapshot(project / "results") == before


@pytest.mark.workflow
def test_an_interrupted_run_of_other_data_stops_a_run(tiny_project):
    run_snakemake(tiny_project, "results/data/table.json")
    own_data(tiny_project)
    line = refusal(run_snakemake(tiny_project, "--configfile", "mine.yaml", "--dry-run", check=False))
    assert line.startswith("ConfigError: results/ holds a run of other data (data/wine.csv, label Producer;")


@pytest.mark.workflow
def test_dropping_a_normalisation_stops_and_other_epochs_rerun(project):
    before = snapshot(project / "results")
    line = refusal(run_snakemake(project, "--config", 'normalisation={"methods": ["l2norm"]}', check=False))
    assert line.startswith(
        "ConfigError: results/ holds a run made with other normalisation.methods, whose jobs "
    )
    assert "cross_validate_baselines[normalisation=standard]" in line and "--config results=results-2" in line
    assert snapshot(project / "results") == before
    # Only what the files hold: Snakemake reruns what it feeds, and says why in one line first.
    result = run_snakemake(project, "--config", 'training={"epochs": 4}', "--dry-run")
    assert "rule train:" in result.stdout
    assert "differs from the last complete run's (results/config.yaml) in training.epochs" in result.stderr
