"""README result blocks are regenerated from a run's outputs, and a stale block is caught."""

import json

import pytest
from result_blocks import main, render, stale_blocks

README = """# title

<!-- results:claims -->
old text
<!-- /results:claims -->

prose in between

<!-- results:importance -->
<!-- /results:importance -->
"""


@pytest.fixture
def results(tmp_path):
    root = tmp_path / "results"
    (root / "importance" / "l2norm").mkdir(parents=True)
    (root / "verdicts.csv").write_text("claim,under,verdict\nA is better,l2norm,holds\n")
    (root / "claims.csv").write_text(
        "claim,verdict,evidence,conditions\n"
        'A is better,holds,"difference +0.05 (0.01 to 0.09), P 0.99",5 folds\n'
        "B has |w| spikes,undecided,ratio 1.0,none\n"
    )
    (root / "importance" / "l2norm" / "conclusion.rst").write_text("Most important: **X**.\n")
    (root / "config.yaml").write_text("normalisation:\n  methods: [l2norm]\n")
    (root / "metrics.json").write_text(json.dumps({"plain": {"penalty": "none", "accuracy": 0.9}}))
    return root


def test_render_fills_each_block_from_the_results_and_keeps_the_rest(results):
    text = render(README, results)
    assert "old text" not in text and "prose in between" in text
    assert "| A is better | **holds** | difference +0.05 (0.01 to 0.09), P 0.99 | 5 folds |" in text
    # A pipe inside a cell is escaped, or it would split the Markdown cell.
    assert r"B has \|w\| spikes" in text
    assert "- **l2norm**: Most important: **X**." in text
    assert render(text, results) == text
    # A study an earlier setting left in the folder is no result of this run.
    (results / "importance" / "none").mkdir()
    (results / "importance" / "none" / "conclusion.rst").write_text("No run learned anything.\n")
    assert render(text, results) == text
    glance = render("<!-- results:verdicts -->\n<!-- /results:verdicts -->\n", results)
    assert "| A is better | l2norm | **holds** |" in glance


def test_check_names_the_stale_blocks_and_the_command_exits_accordingly(results, tmp_path, capsys):
    assert stale_blocks(README, results) == ["claims", "importance"]
    readme = tmp_path / "README.md"
    readme.write_text(README)
    assert main(["--check", "--results", str(results), str(readme)]) == 1
    assert "claims, importance" in capsys.readouterr().err
    assert main(["--write", "--results", str(results), str(readme)]) == 0
    assert main(["--check", "--results", str(results), str(readme)]) == 0
    assert stale_blocks(readme.read_text(), results) == []


def test_an_unknown_block_is_refused(results):
    with pytest.raises(KeyError, match="nonsense"):
        render("<!-- results:nonsense -->\n<!-- /results:nonsense -->\n", results)
