"""A script's code inputs are the winenet modules it runs, read from the import statements."""

from winenet.workflow.dependencies import imported_modules, module_closure


def test_imported_modules_finds_every_form_of_import_anywhere():
    source = """
import os
import winenet.model.network
from winenet.model.training import train_runs
from winenet.report import plots
from other.winenet import nothing

def later():
    from winenet.studies.stats import within
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
    (package / "judges" / "one.py").write_text("from winenet.studies.stats import t\n")
    (package / "judges" / "two.py").write_text("")
    (package / "stats.py").write_text("")
    script = tmp_path / "script.py"
    script.write_text("from winenet.judges import judge  # noqa\n")
    closure = [path.relative_to(package).as_posix() for path in module_closure(script, package)]
    assert closure == ["__init__.py", "judges/__init__.py", "judges/one.py", "stats.py"]


def test_the_job_machinery_is_no_code_input(tmp_path):
    package = tmp_path / "winenet"
    package.mkdir()
    (package / "__init__.py").write_text("")
    (package / "job.py").write_text("from winenet.jobs.errors import WinenetError\n")
    (package / "errors.py").write_text("")
    (package / "training.py").write_text("from winenet.jobs.errors import WinenetError\n")
    script = tmp_path / "script.py"
    script.write_text("from winenet.jobs.job import start_job\nfrom winenet.model.training import fit\n")
    assert [path.name for path in module_closure(script, package)] == ["__init__.py", "training.py"]
