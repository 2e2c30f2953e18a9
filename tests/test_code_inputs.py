"""Every rule declares the winenet modules its script runs as inputs; jobs run this clone's code."""

import modulefinder
import os
import re
import shutil
import subprocess
import sys

import pytest
from conftest import REPO, TINY, make_project, run_snakemake
from sandbox import rule_scripts

from winenet.workflow.dependencies import MACHINERY

# Third-party packages are not followed: only which winenet modules a script reaches matters.
THIRD_PARTY = ["numpy", "pandas", "matplotlib", "sklearn", "scipy", "seaborn", "pyarrow", "snakemake", "yaml"]


def modules_found_by_python(script: str) -> set[str]:
    """The src/winenet files Python's own module finder reaches from a script, but the job machinery."""
    finder = modulefinder.ModuleFinder(path=[str(REPO / "src"), *sys.path], excludes=THIRD_PARTY)
    finder.run_script(str(REPO / "workflow" / "scripts" / f"{script}.py"))
    found = set()
    for name, module in finder.modules.items():
        if (name == "winenet" or name.startswith("winenet.")) and module.__file__:
            if name.removeprefix("winenet.") not in MACHINERY:
                found.add(os.path.relpath(module.__file__, REPO))
    return found


@pytest.fixture(scope="module")
def declared_code_inputs(complete_run, tmp_path_factory) -> dict[str, set[str]]:
    """Rule name -> its declared src/winenet inputs, from a dry run that plans every rule."""
    # A copy of a complete run: a prediction is planned only where the models are up to date (a
    # forced dry run plans the rest again without asking the prediction's guard).
    project = tmp_path_factory.mktemp("code") / "project"
    shutil.copytree(complete_run, project, symlinks=True)
    # The on-demand rules too: the regularisation path, and predictions for a file of new samples.
    (project / "data/new").mkdir()
    (project / "data/new/samples.csv").write_text("Alcohol\n13.2\n")
    targets = ["all", "regularisation_path", "results/predictions/samples.csv"]
    output = run_snakemake(project, "--dry-run", "--forceall", *targets).stdout
    declared = {}
    for block in re.split(r"\n(?=(?:local)?rule \w+:)", output):
        rule = re.match(r"(?:local)?rule (\w+):", block)
        inputs = re.search(r"^\s+input: (.+)$", block, re.MULTILINE)
        if rule and inputs:
            files = {f for f in inputs.group(1).split(", ") if f.startswith("src/winenet/")}
            declared.setdefault(rule.group(1), set()).update(files)
    return declared


@pytest.mark.workflow
def test_every_rule_declares_the_modules_its_script_runs(declared_code_inputs):
    scripts = rule_scripts()
    assert len(scripts) >= 20
    for rule, script in scripts.items():
        assert rule in declared_code_inputs, f"rule {rule} was not planned"
        assert declared_code_inputs[rule] == modules_found_by_python(script), rule


def test_winenet_refuses_to_load_from_anywhere_but_the_workflows_src(tmp_path):
    other = tmp_path / "elsewhere"
    command = [sys.executable, "-c", "import winenet"]
    environment = {**os.environ, "WINENET_SRC": str(other), "PYTHONPATH": str(REPO / "src")}
    result = subprocess.run(command, capture_output=True, text=True, env=environment)
    assert result.returncode != 0
    assert "would run winenet from" in result.stderr and str(other / "winenet") in result.stderr
    environment["WINENET_SRC"] = str(REPO / "src")
    assert subprocess.run(command, env=environment).returncode == 0


@pytest.mark.workflow
def test_a_job_runs_the_src_beside_its_snakefile_not_the_installed_one(tmp_path):
    # This interpreter's winenet is the repository's (installed in editable mode); the copy's jobs
    # must run the copy's own package, as a second clone sharing this environment would.
    project = make_project(tmp_path / "clone", TINY)
    run_snakemake(project, "results/data/table.json")
    first_line = (project / "results/logs/validate.log").read_text().splitlines()[0]
    assert first_line == f"winenet from {project / 'src' / 'winenet'}"


# What each rule's script may load when it starts: scikit-learn only where a job fits or scores
# with it, seaborn only where a job draws a seaborn figure (violins, heatmaps, the seeds' swarm).
# The rest (the summaries, the other figures, the claims) pays for neither.
HEAVY = ("sklearn", "seaborn")
LOADS = {
    "evaluate": {"sklearn", "seaborn"},
    "plot_feature_distributions": {"seaborn"},
    "plot_importance": {"seaborn"},
    "cv_summary": {"seaborn"},
}


def test_a_job_imports_only_the_libraries_it_uses():
    import ast
    import json
    import subprocess
    import sys

    for script in sorted((REPO / "workflow" / "scripts").glob("*.py")):
        tree = ast.parse(script.read_text())
        imports = "\n".join(
            ast.unparse(node) for node in tree.body if isinstance(node, ast.Import | ast.ImportFrom)
        )
        program = (
            f"import sys, json\n{imports}\nprint(json.dumps([m for m in {HEAVY!r} if m in sys.modules]))"
        )
        done = subprocess.run(
            [sys.executable, "-c", program],
            capture_output=True,
            text=True,
            check=True,
            env={"PYTHONPATH": str(REPO / "src"), "PATH": "/usr/bin:/bin"},
        )
        loaded = set(json.loads(done.stdout.strip().splitlines()[-1]))
        assert loaded == LOADS.get(script.stem, set()), f"{script.name} loads {sorted(loaded)}"


# The package's stages in the order the data flows through them, the job machinery first and what
# only the Snakefile and the command line use last. A module may import from its own stage or an
# earlier one, never from a later one.
STAGES = ["jobs", "data", "model", "studies", "verdicts", "report", "workflow", "predict", "cli"]


def package_imports() -> dict[str, set[str]]:
    """Every module of the package (dotted, inside winenet) -> the package's modules it imports."""
    from winenet.workflow.dependencies import imported_modules

    root = REPO / "src" / "winenet"
    modules = {
        ".".join(path.relative_to(root).with_suffix("").parts): path
        for path in root.rglob("*.py")
        if path.name != "__init__.py"
    }
    return {
        name: {m for m in imported_modules(path.read_text()) if m in modules}
        for name, path in modules.items()
    }


def test_every_module_lies_in_a_stage_and_imports_no_later_stage():
    imports = package_imports()
    for module, targets in imports.items():
        stage = module.split(".")[0]
        assert stage in STAGES, f"{module} lies in no stage of {STAGES}"
        for target in targets:
            later = STAGES.index(target.split(".")[0]) > STAGES.index(stage)
            assert not later, f"{module} imports {target}, from a later stage"


def test_no_import_runs_in_a_circle():
    imports = package_imports()
    done: set[str] = set()

    def visit(module, path):
        assert module not in path, "an import circle: " + " -> ".join([*path, module])
        if module not in done:
            for target in imports[module]:
                visit(target, [*path, module])
            done.add(module)

    for module in imports:
        visit(module, [])


def test_every_stage_packages_init_runs_nothing():
    """Importing one module of a stage runs no other: its ``__init__.py`` holds a docstring at most."""
    import ast

    for init in (REPO / "src" / "winenet").rglob("__init__.py"):
        if init.parent.name != "winenet":
            body = ast.parse(init.read_text()).body
            docstring = body[:1] and isinstance(body[0], ast.Expr) and isinstance(body[0].value, ast.Constant)
            assert body[1 if docstring else 0 :] == [], f"{init} runs code"
