"""The copy of the workflow that tests and benchmarks run in: what a run needs, no file of the user's."""

import shutil

from conftest import REPO, TINY, make_project
from sandbox import WORKFLOW_FILES


def repository_in_use(where):
    """A copy of this repository's workflow with what a user adds to a clone: new samples, tables, a run."""
    where.mkdir()
    for name in WORKFLOW_FILES:
        source = REPO / name
        if source.is_dir():
            shutil.copytree(source, where / name, ignore=shutil.ignore_patterns("__pycache__"))
        else:
            shutil.copy2(source, where / name)
    (where / "data/new").mkdir(parents=True)
    shutil.copy2(REPO / "data/wine.csv", where / "data/wine.csv")
    (where / "data/new/x.csv").write_text("Alcohol\n13.2\n")
    (where / "data/other.csv").write_text("kind,a\nx,1\n")
    for made in ("results/models/l1", ".snakemake/metadata"):
        (where / made).mkdir(parents=True)
    (where / "results/claims.csv").write_text("claim,verdict\n")
    return where


def test_a_project_copies_the_workflow_and_only_the_table_its_config_reads(tmp_path):
    repository = repository_in_use(tmp_path / "clone")
    project = make_project(tmp_path / "project", TINY, repository=repository)
    copied = {path.relative_to(project).as_posix() for path in project.rglob("*") if path.is_file()}
    assert {"Snakefile", "config.yaml", "data/wine.csv"} <= copied
    assert not {path for path in copied if path.startswith(("results/", ".snakemake/"))}
    assert [path for path in copied if path.startswith("data/")] == ["data/wine.csv"]
    assert not (project / "data/new").exists()
    assert (project / "data/wine.csv").read_bytes() == (repository / "data/wine.csv").read_bytes()
    # A config that reads another table of the clone gets that one, and only that one.
    other = make_project(tmp_path / "other", {"data": {"path": "data/other.csv"}}, repository=repository)
    assert sorted(path.name for path in (other / "data").iterdir()) == ["other.csv"]
    # A table the test writes itself after the copy is not in the clone: data/ is there for it.
    own = make_project(tmp_path / "own", {"data": {"path": "data/mine.csv"}}, repository=repository)
    assert list((own / "data").iterdir()) == []
