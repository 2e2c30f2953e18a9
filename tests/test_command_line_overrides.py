"""Command-line overrides: each the README shows works as written; those a merge would ignore are refused."""

import json
import re
import shlex

import pytest
from conftest import REPO, run_snakemake

pytestmark = pytest.mark.workflow


def readme_overrides() -> list[str]:
    """The snakemake command lines of the README and docs/ that override the configuration, as written."""
    pages = [REPO / "README.md", *sorted((REPO / "docs").glob("*.md"))]
    blocks = [
        block for page in pages for block in re.findall(r"```bash\n(.*?)```", page.read_text(), re.DOTALL)
    ]
    lines = [line.strip() for block in blocks for line in block.splitlines()]
    return [line for line in lines if "snakemake" in line and ("--config" in line or "--configfile" in line)]


def test_the_readme_shows_overrides():
    commands = readme_overrides()
    assert any("training=" in c for c in commands) and any("--configfile" in c for c in commands)


@pytest.mark.parametrize("command", readme_overrides())
def test_each_readme_override_runs_as_written(project, command):
    words = shlex.split(command)
    assert words[0].endswith("snakemake")
    for word in words:
        if word.startswith("data="):
            # The README's example of your own data: here the Wine data, under the example's name and label.
            data = json.loads(word.removeprefix("data="))
            lines = (project / "data/wine.csv").read_text().splitlines()
            lines[0] = lines[0].replace("Producer", data["label"])
            (project / data["path"]).write_text("\n".join(lines) + "\n")
    if "--configfile" in words:
        # The README asks for a copy of config.yaml, edited: here, unedited.
        (project / words[words.index("--configfile") + 1]).write_text((project / "config.yaml").read_text())
    result = run_snakemake(project, *words[1:], "--dry-run", check=False)
    assert result.returncode == 0, result.stdout + result.stderr
    if "--config" in words:
        # The change reaches the jobs it concerns: they are planned again.
        assert "rule " in result.stdout


def test_numbers_on_the_command_line_arrive_as_numbers(project):
    # Snakemake reads "4" here as a string; the schema, which wants an integer, accepts it only typed.
    result = run_snakemake(project, "--config", 'training={"epochs": 4}', "--dry-run", check=False)
    assert result.returncode == 0, result.stdout + result.stderr
    assert "rule train:" in result.stdout and "Params have changed" in result.stdout


@pytest.mark.parametrize("value", ["{}", "[]", '{"l1": 3}'])
def test_an_empty_or_invalid_models_is_refused_before_any_job(tiny_project, value):
    result = run_snakemake(tiny_project, "--config", f"models={value}", check=False)
    assert result.returncode != 0
    assert "models" in result.stdout + result.stderr
    assert not (tiny_project / "results").exists()
