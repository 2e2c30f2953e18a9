"""A script's code inputs are the winenet modules it runs, read from the import statements."""

import ast
import sys
from pathlib import Path

import pytest

from winenet.workflow.dependencies import MACHINERY, RelativeImport, imported_modules, module_closure

PACKAGE = Path(__file__).resolve().parents[1] / "src" / "winenet"


def test_imported_modules_finds_every_form_of_import_anywhere():
    source = """
import os
import winenet.network
from winenet.training import train_runs
from winenet import plots
from other.winenet import nothing

def later():
    from winenet.stats import within
"""
    # `from a import b`: b may be a module or a name inside a; module_closure tells them apart.
    assert imported_modules(source) == {
        "network",
        "training",
        "training.train_runs",
        "plots",
        "stats",
        "stats.within",
    }


def test_module_closure_follows_imports_of_imports(tmp_path):
    package = tmp_path / "winenet"
    package.mkdir()
    (package / "__init__.py").write_text("")
    (package / "a.py").write_text("from winenet.b import thing\n")
    (package / "b.py").write_text("import numpy\n\ndef f():\n    import winenet.c\n")
    (package / "c.py").write_text("from winenet.a import x\n")
    (package / "unused.py").write_text("")
    script = tmp_path / "script.py"
    script.write_text("from winenet.a import y  # noqa\n")
    closure = module_closure(script, package)
    assert [path.name for path in closure] == ["__init__.py", "a.py", "b.py", "c.py"]
    nothing = tmp_path / "bare.py"
    nothing.write_text("import sys\n")
    assert module_closure(nothing, package) == []


def test_module_closure_reaches_subpackages_and_their_init(tmp_path):
    package = tmp_path / "winenet"
    (package / "judges").mkdir(parents=True)
    (package / "__init__.py").write_text("")
    (package / "judges" / "__init__.py").write_text("from winenet.judges.one import judge\n")
    (package / "judges" / "one.py").write_text("from winenet.stats import t\n")
    (package / "judges" / "two.py").write_text("")
    (package / "stats.py").write_text("")
    script = tmp_path / "script.py"
    script.write_text("from winenet.judges import judge  # noqa\n")
    closure = [path.relative_to(package).as_posix() for path in module_closure(script, package)]
    assert closure == ["__init__.py", "judges/__init__.py", "judges/one.py", "stats.py"]


def test_the_job_machinery_is_no_code_input(tmp_path):
    package = tmp_path / "winenet"
    (package / "jobs").mkdir(parents=True)
    (package / "__init__.py").write_text("")
    (package / "jobs" / "__init__.py").write_text("")
    (package / "jobs" / "job.py").write_text("from winenet.jobs.errors import WinenetError\n")
    (package / "jobs" / "errors.py").write_text("")
    (package / "training.py").write_text("from winenet.jobs.errors import WinenetError\n")
    script = tmp_path / "script.py"
    script.write_text("from winenet.jobs.job import start_job\nfrom winenet.training import fit\n")
    closure = [path.relative_to(package).as_posix() for path in module_closure(script, package)]
    # job.py and errors.py are left out; the package they lie in runs its (empty) __init__.py.
    assert closure == ["__init__.py", "jobs/__init__.py", "training.py"]


def test_a_relative_import_is_refused_naming_its_file_and_line(tmp_path):
    package = tmp_path / "winenet"
    package.mkdir()
    (package / "__init__.py").write_text("")
    (package / "a.py").write_text("import os\nfrom . import b\n")
    script = tmp_path / "script.py"
    script.write_text("from winenet.a import x\n")
    with pytest.raises(RelativeImport, match=r"a\.py, line 2: a relative import"):
        module_closure(script, package)


# What the job machinery may touch: its own log (start_job opens it) and nothing a job writes. Every
# call that writes, moves or deletes a file or directory, by name.
WRITES = {
    "write_text",
    "write_bytes",
    "unlink",
    "rmtree",
    "remove",
    "rename",
    "replace",
    "mkdir",
    "touch",
    "to_parquet",
    "to_csv",
    "savez",
    "savez_compressed",
    "save",
    "savefig",
    "dump",
    "copy",
    "move",
}


@pytest.mark.parametrize("name", sorted(MACHINERY))
def test_no_machinery_module_can_change_what_a_job_writes(name):
    """Left out of the code inputs, a machinery module must not be able to change an output."""
    path = PACKAGE.joinpath(*name.split(".")).with_suffix(".py")
    tree = ast.parse(path.read_text())
    for node in ast.walk(tree):
        if isinstance(node, (ast.Import, ast.ImportFrom)):
            modules = [alias.name for alias in node.names] if isinstance(node, ast.Import) else [node.module]
            for module in modules:
                inside = module.removeprefix("winenet.") if module.startswith("winenet.") else None
                allowed = module == "__future__" or module.split(".")[0] in sys.stdlib_module_names
                assert allowed or inside in MACHINERY, f"{path.name} imports {module}"
        if isinstance(node, ast.Call):
            called = node.func.attr if isinstance(node.func, ast.Attribute) else getattr(node.func, "id", "")
            assert called not in WRITES, f"{path.name}, line {node.lineno}: {called}()"
            if called == "open":
                # The one file it opens: the job's log, which Snakemake names and no rule reads.
                assert ast.unparse(node.args[0]) == "snakemake.log[0]", f"{path.name}, line {node.lineno}"
