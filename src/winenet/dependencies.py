"""Which modules of the winenet package a job's script runs: the code inputs of its rule.

A rule declares the package modules its script imports, directly and through other winenet
modules, as inputs, so that Snakemake reruns the job when that code changes and not otherwise.
The imports are read from the source (every ``import`` statement, also those inside functions), so
the list cannot drift from the code.
"""

from __future__ import annotations

import ast
from functools import cache
from pathlib import Path

PACKAGE = "winenet"


def imported_modules(source: str) -> set[str]:
    """Names of the winenet modules a Python source imports anywhere (``winenet.network`` -> ``network``)."""
    found = set()
    for node in ast.walk(ast.parse(source)):
        if isinstance(node, ast.Import):
            names = [alias.name for alias in node.names]
        elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
            # `from winenet import network` names a module too, `from winenet.x import y` names x.
            names = [node.module] + [f"{node.module}.{alias.name}" for alias in node.names]
        else:
            continue
        for name in names:
            parts = name.split(".")
            if parts[0] == PACKAGE and len(parts) > 1:
                found.add(parts[1])
    return found


@cache
def _imports_of_file(path: Path) -> frozenset[str]:
    # Every rule's closure walks the same modules: each file is read and parsed once per process.
    return frozenset(imported_modules(path.read_text()))


def module_closure(script: Path, package_dir: Path) -> list[Path]:
    """The package's ``.py`` files ``script`` runs: its winenet imports and theirs, sorted.

    ``package_dir`` is the ``src/winenet`` folder; ``__init__.py`` always runs on import.
    """
    package_dir = Path(package_dir)
    pending = set(imported_modules(Path(script).read_text()))
    seen: set[str] = set()
    while pending:
        name = pending.pop()
        if name in seen:
            continue
        path = package_dir / f"{name}.py"
        if not path.exists():
            # `from winenet.network import Linear` also yields "network.Linear"-style names that
            # are attributes, not modules; only files in the package count.
            continue
        seen.add(name)
        pending |= _imports_of_file(path) - seen
    modules = [package_dir / f"{name}.py" for name in sorted(seen)]
    if seen:
        modules.insert(0, package_dir / "__init__.py")
    return modules
