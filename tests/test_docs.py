"""The project documents itself, and installs what it was run with."""

import re
import tomllib

import pytest
from conftest import REPO

DOCUMENTS = [
    "README.md",
    "config.yaml",
    *[p.relative_to(REPO).as_posix() for p in (REPO / "docs").rglob("*.md")],
]


def test_documentation_points_at_nothing_outside_the_repository():
    for name in DOCUMENTS:
        text = (REPO / name).read_text()
        assert "../" not in text, f"{name} points outside the repository"
        assert "shared/" not in text, name
        for target in re.findall(r"\]\(([^)]+)\)", text):
            assert not target.startswith(("http", "/")), f"{name} links to {target}"
            # A relative link is relative to the page that holds it, as a Markdown viewer reads it.
            linked = (REPO / name).parent / target.split("#")[0]
            assert linked.exists(), f"{name} links to a missing {target}"


def test_the_readme_is_read_in_five_minutes_and_its_pages_exist():
    readme = (REPO / "README.md").read_text()
    assert len(readme.splitlines()) < 200
    for section in ("Quick start", "What it concludes", "Your own data", "New samples", "Where results land"):
        assert f"## {section}" in readme
    for page in ("claims", "results", "configuration", "own-data", "reruns", "cluster", "performance"):
        assert f"(docs/{page}.md)" in readme


def test_the_architecture_is_documented_in_the_repository():
    text = (REPO / "docs" / "architecture.md").read_text()
    for topic in ("Data flow", "replica axis", "What reruns when"):
        assert topic in text


def test_the_fast_path_is_documented():
    assert 'pytest -m "not workflow"' in (REPO / "README.md").read_text()


def pinned() -> dict[str, str]:
    lines = (REPO / "constraints.txt").read_text().splitlines()
    pins = [line.split("==") for line in lines if line and not line.startswith((" ", "#"))]
    return {name.lower(): version for name, version in pins}


def test_every_dependency_is_pinned_to_one_version():
    project = tomllib.loads((REPO / "pyproject.toml").read_text())["project"]
    wanted = project["dependencies"] + [
        d for group in project["optional-dependencies"].values() for d in group
    ]
    pins = pinned()
    for requirement in wanted:
        name = re.match(r"[A-Za-z0-9_.-]+", requirement).group(0).lower().replace("_", "-")
        assert name in pins, f"{name} is not pinned in constraints.txt"
    assert all(re.fullmatch(r"[0-9][0-9A-Za-z.+!-]*", version) for version in pins.values())


def test_both_readme_commands_and_ci_install_through_the_pins():
    readme = (REPO / "README.md").read_text()
    commands = [line for line in readme.splitlines() if line.startswith("python3 -m venv .venv")]
    assert len(commands) == 2 and all("pip install -c constraints.txt -e " in c for c in commands)
    assert "pip install -c constraints.txt -e '.[test]'" in (REPO / ".ci" / "run").read_text()
    assert "uv pip compile" in readme


def _code_names() -> set[str]:
    """Every module (dotted and as a file, inside winenet), and every class, function and constant."""
    import ast

    root = REPO / "src" / "winenet"
    names = {"__init__.py"}
    # The development modules outside the package, which the page names beside it.
    development = [REPO / "tests" / "sandbox.py", REPO / "tests" / "result_blocks.py"]
    for path in [*root.rglob("*.py"), *development, *(REPO / "bench" / "support").glob("*.py")]:
        if root not in path.parents:
            tree = ast.parse(path.read_text())
            names |= {node.name for node in tree.body if isinstance(node, ast.FunctionDef | ast.ClassDef)}
            continue
        parts = path.relative_to(root).with_suffix("").parts
        if parts[-1] == "__init__":
            parts = parts[:-1]
        if parts:
            names |= {".".join(parts), parts[-1]}
            if path.name != "__init__.py":
                names |= {path.name, path.relative_to(root).as_posix()}
        tree = ast.parse(path.read_text())
        for node in ast.walk(tree):
            if isinstance(node, ast.FunctionDef | ast.ClassDef):
                names.add(node.name)
                if isinstance(node, ast.ClassDef):
                    names |= {
                        f"{node.name}.{item.name}" for item in node.body if isinstance(item, ast.FunctionDef)
                    }
            elif isinstance(node, ast.Assign) and node in tree.body:
                names |= {target.id for target in node.targets if isinstance(target, ast.Name)}
            elif isinstance(node, ast.AnnAssign) and node in tree.body and isinstance(node.target, ast.Name):
                names.add(node.target.id)
    return names


def _rule_names() -> set[str]:
    text = "".join(path.read_text() for path in (REPO / "workflow" / "rules").glob("*.smk"))
    return set(re.findall(r"^rule (\w+):", text, re.MULTILINE)) | set(
        re.findall(r"^def (\w+)\(", text, re.MULTILINE)
    )


def _config_keys() -> set[str]:
    import yaml

    def walk(value, prefix=""):
        if isinstance(value, dict):
            for key, item in value.items():
                yield f"{prefix}{key}"
                yield from walk(item, f"{prefix}{key}.")

    return set(walk(yaml.safe_load((REPO / "config.yaml").read_text())))


def names_in_fenced_blocks(text: str) -> list[str]:
    """What the fenced blocks name that does not exist: a path a line starts with, a rule after ``->``."""
    missing = []
    rules = _rule_names()
    for block in re.findall(r"```\w*\n(.*?)```", text, flags=re.DOTALL):
        for line in block.splitlines():
            words = line.split()
            if not words:
                continue
            if words[0] == "->" and len(words) > 1:
                if words[1] not in rules:
                    missing.append(words[1])
            elif re.fullmatch(r"[\w.-]+(/[\w.*-]*)*/?", words[0]) and ("/" in words[0] or "." in words[0]):
                if not words[0].startswith("results/") and not list(REPO.glob(words[0].rstrip("/"))):
                    missing.append(words[0])
    return missing


def names_that_do_not_exist(text: str) -> list[str]:
    """What ``text`` names in code type (module, class, function, rule, setting, file) that does not exist."""
    missing = names_in_fenced_blocks(text)
    text = re.sub(r"```.*?```", "", text, flags=re.DOTALL)
    code, rules, keys = _code_names(), _rule_names(), _config_keys()
    # Libraries' and Snakemake's own names the page quotes, which no code of ours defines.
    theirs = {
        "Figure",
        "DataFrame.corr",
        "train_test_split",
        "RepeatedStratifiedKFold",
        "sklearn.metrics",
        "GridSearchCV",
        "binomtest",
        "stats.bootstrap",
        "workflow.basedir",
        "rules.<rule>.output",
        "benchmark:",
        "threads: 1",
        "code",
        "PYTHONPATH",
        "WINENET_SRC",
        "none",
        "OSError",
    }
    missing = []
    for token in re.findall(r"`([^`\n]+)`", text):
        name = token.removesuffix("()")
        if name in theirs or not re.fullmatch(r"[A-Za-z_][\w.:/*<>-]*", name):
            continue  # an expression, a shape or a formula, not a name
        if name.startswith(("results/", "--")):
            continue  # an output of a run, an option
        if "/" in name:
            if not (REPO / name).exists() and not (REPO / "src" / "winenet" / name).is_file():
                missing.append(name)
            continue
        if name.rstrip(":") in code | rules | keys or (REPO / name).is_file():
            continue
        missing.append(name)
    return missing


def test_every_name_the_architecture_page_gives_exists():
    missing = names_that_do_not_exist((REPO / "docs" / "architecture.md").read_text())
    assert not missing, f"docs/architecture.md names what the code does not have: {missing}"
    # The page once named layers that were never written; such a name is caught.
    stale = "`Linear`, `SoftmaxCrossEntropy`, a `backward` and `step` pair, `verdicts.py`, `data.py`"
    assert names_that_do_not_exist(stale) == [
        "SoftmaxCrossEntropy",
        "backward",
        "step",
        "verdicts.py",
        "data.py",
    ]


def test_every_module_of_the_package_is_on_the_architecture_page():
    page = (REPO / "docs" / "architecture.md").read_text()
    listed = set(re.findall(r"`([\w.]+)`", page))
    root = REPO / "src" / "winenet"
    modules = {
        ".".join(p.relative_to(root).with_suffix("").parts)
        for p in root.rglob("*.py")
        if p.name != "__init__.py"
    }
    assert modules - listed == set(), "docs/architecture.md does not list these modules"
    # A block that names what is gone is caught too: the file tree and the data flow.
    assert names_in_fenced_blocks("```\nsrc/gone/   x\n  -> no_such_rule   y\nSnakefile  z\n```\n") == [
        "src/gone/",
        "no_such_rule",
    ]


def test_every_benchmark_has_a_smoke_mode_that_ci_runs():
    ci = (REPO / ".ci" / "run").read_text()
    assert "for script in bench/*.py; do" in ci and '"$script" --smoke' in ci
    for script in sorted((REPO / "bench").glob("*.py")):
        if script.name != "common.py":
            text = script.read_text()
            assert '"--smoke"' in text and "--smoke" in text.split('"""')[1], f"{script.name} has no --smoke"


def test_a_rule_is_either_submitted_with_measured_resources_or_local():
    snakefile = (REPO / "Snakefile").read_text()
    local = set(re.findall(r"^    (\w+),$", snakefile.split("localrules:")[1].split("\n\n")[0], re.MULTILINE))
    text = "".join(path.read_text() for path in (REPO / "workflow" / "rules").glob("*.smk"))
    blocks = {
        match[0]: match[1] for match in re.findall(r"^rule (\w+):\n(.*?)(?=^rule |\Z)", text, re.M | re.S)
    }
    import yaml

    measured = set(yaml.safe_load((REPO / "workflow" / "resources.yaml").read_text()))
    for rule, block in blocks.items():
        submitted = f'requested("{rule}", "mem_mb")' in block and f'requested("{rule}", "runtime")' in block
        assert submitted != (rule in local), f"rule {rule}: submitted and local, or neither"
        # Benchmark files only where their figures are used: the submitted rules' requests.
        assert ("benchmark:" in block) == submitted, rule
        assert (rule in measured) == submitted, rule
    assert local - set(blocks) == {"all"}
    from winenet.workflow.resources import SUBMITTED

    assert set(SUBMITTED) == set(blocks) - local


def test_every_column_of_the_claims_table_is_documented_as_it_is():
    from winenet.verdicts.columns import COLUMNS

    text = (REPO / "docs" / "claims.md").read_text()
    block = re.search(r"<!-- claims-columns -->\n(.*?)<!-- /claims-columns -->", text, re.DOTALL).group(1)
    kinds = {"string": "text", "Int64": "integer", "Float64": "number"}
    documented = [
        tuple(cell.strip() for cell in line.strip("|").split("|")) for line in block.splitlines()[2:]
    ]
    assert documented == [(f"`{c.name}`", kinds[c.dtype], c.meaning) for c in COLUMNS]


def github_anchor(heading: str) -> str:
    """The anchor GitHub gives a heading: lowercase, punctuation dropped, spaces to hyphens."""
    return re.sub(r"[^\w\- ]", "", heading.strip().lower()).replace(" ", "-")


def anchors(path) -> set[str]:
    """The anchors of a Markdown file's headings, outside code blocks (a repeated one: -1, -2, ...)."""
    text = re.sub(r"^```.*?^```", "", path.read_text(), flags=re.MULTILINE | re.DOTALL)
    found: dict[str, int] = {}
    for heading in re.findall(r"^#{1,6} +(.+?) *#* *$", text, re.MULTILINE):
        anchor = github_anchor(heading)
        found[anchor] = found.get(anchor, -1) + 1
        if found[anchor]:
            found[f"{anchor}-{found[anchor]}"] = 0
    return set(found)


def pointers_that_go_nowhere(name: str, text: str) -> list[str]:
    """Every pointer in document ``name`` whose section, page or heading does not exist.

    Pointers: (README, "Section") and (README, section) in prose or comments, a repository path
    written out (docs/page.md, docs/page.md#anchor, bench/script.py, tests/test_x.py), and
    Markdown links with an anchor (page.md#anchor, #anchor), relative to the page that holds them.
    """
    if name.endswith((".yaml", ".yml")):
        # A comment wrapped onto the next line is one sentence.
        text = re.sub(r"\n\s*#\s*", " ", text)
    readme = anchors(REPO / "README.md")
    missing = [
        f'(README, "{section}")'
        for section in re.findall(r'\(README, "?([^")]+?)"?\)', text)
        if github_anchor(section) not in readme
    ]
    targets = [
        (REPO, path)
        for path in re.findall(r"(?<![\w/.])((?:docs|bench|workflow|src|tests)/[\w./#-]*\w)", text)
    ]
    targets += [((REPO / name).parent, link) for link in re.findall(r"\]\(([^)\s]+)\)", text) if "#" in link]
    for base, target in targets:
        page, _, anchor = target.partition("#")
        path = base / page if page else REPO / name
        if base == REPO and page.startswith("workflow/") and page.endswith(".py"):
            # workflow/x.py is the package's workflow stage (workflow/ beside the Snakefile has no
            # modules at its top).
            path = REPO / "src" / "winenet" / page
        if not path.exists() or (anchor and anchor not in anchors(path)):
            missing.append(target)
    return missing


def test_every_pointer_to_a_section_or_page_resolves():
    for name in [*DOCUMENTS, "data/README.md"]:
        missing = pointers_that_go_nowhere(name, (REPO / name).read_text())
        assert not missing, f"{name} points at what does not exist: {missing}"
    # What the check catches: the pointers config.yaml once held, a lost page, a misspelt anchor.
    stale = """# cores you can get (README, "On a cluster"). Declare your own the same way (README, "Your own
    # claims"); see (README, What it concludes), docs/cluster.md#shards-and-threads and docs/nowhere.md"""
    assert pointers_that_go_nowhere("config.yaml", stale) == [
        '(README, "On a cluster")',
        '(README, "Your own claims")',
        "docs/nowhere.md",
    ]
    links = "[kept](configuration.md#keeping-a-runs-settings), [margins](claims.md#margins-belong-to-claims)"
    assert pointers_that_go_nowhere("docs/results.md", links) == ["claims.md#margins-belong-to-claims"]
    assert pointers_that_go_nowhere("docs/claims.md", "[below](#operating-characteristics)") == [
        "#operating-characteristics"
    ]


def test_github_anchors_of_headings_as_the_docs_link_them():
    assert github_anchor("Keeping a run's settings") == "keeping-a-runs-settings"
    assert github_anchor("Operating characteristics, measured") == "operating-characteristics-measured"
    assert (
        github_anchor("top_features: a ranking, by the measures") == "top_features-a-ranking-by-the-measures"
    )


def documented_verdicts(text: str) -> set[str]:
    """The verdicts a text names: plain bold words in a paragraph or table that bolds **holds**."""
    text = re.sub(r"```.*?```", "", text, flags=re.DOTALL)
    named = set()
    for block in re.split(r"\n\s*\n", text):
        if "**holds**" in block:
            bold = (" ".join(phrase.split()) for phrase in re.findall(r"\*\*(.+?)\*\*", block, re.DOTALL))
            named |= {phrase for phrase in bold if re.fullmatch(r"[a-z][a-z ]*", phrase)}
    return named


def test_the_docs_name_the_verdicts_there_are_and_no_other():
    from winenet.verdicts.evidence import VERDICTS

    for name in DOCUMENTS:
        named = documented_verdicts((REPO / name).read_text())
        assert named <= set(VERDICTS), f"{name} documents verdicts that do not exist: {named - set(VERDICTS)}"
    claims = (REPO / "docs/claims.md").read_text().split("## Verdicts")[1].split("\n## ")[0]
    assert documented_verdicts(claims) == set(VERDICTS)
    # The legend docs/results.md once had: the removed verdict is caught; a sentence on its
    # removal (docs/claims.md) is not a verdict.
    legend = (
        "**holds**: the evidence supports it; **undecided**: neither; **undecidable\n"
        "with this design**: no outcome these folds could produce would let the claim hold."
    )
    assert documented_verdicts(legend) - set(VERDICTS) == {"undecidable with this design"}
    removal = 'The earlier verdict "undecidable with this design" is gone. It assumed that **holds** ...'
    assert documented_verdicts(removal) == {"holds"}


def test_the_cost_benchmark_puts_every_rule_in_one_analysis():
    import importlib
    import sys

    sys.path.insert(0, str(REPO / "bench"))
    try:
        costs = importlib.import_module("costs")
    finally:
        sys.path.remove(str(REPO / "bench"))
    text = "".join(path.read_text() for path in (REPO / "workflow" / "rules").glob("*.smk"))
    rules = set(re.findall(r"^rule (\w+):", text, re.MULTILINE)) - {"all"}
    listed = [rule for members in costs.ANALYSES.values() for rule in members]
    assert sorted(listed) == sorted(rules), "bench/costs.py ANALYSES must name every rule once"


def test_a_page_without_its_block_is_not_up_to_date(tmp_path):
    from common import doc_block

    page = tmp_path / "page.md"
    page.write_text("<!-- costs -->\nold\n<!-- /costs -->\n")
    assert doc_block(page, "costs", "old\n", write=False)
    assert not doc_block(page, "costs", "new\n", write=False)
    page.write_text("no block here\n")
    with pytest.raises(SystemExit, match="no <!-- costs --> "):
        doc_block(page, "costs", "new\n", write=False)
