"""The project documents itself, and installs what it was run with."""

import re
import tomllib

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
