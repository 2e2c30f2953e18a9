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
# The job machinery: how a job starts, logs and words its failure, never what it writes. Every job
# runs these modules, so counting them as code inputs would rerun every job for the wording of an
# error message; they are left out of every rule's code inputs on purpose.
MACHINERY = frozenset({"jobs.errors", "jobs.job"})


class RelativeImport(ValueError):
    """A relative import, which the code-input finder does not follow: every import names ``winenet``."""


def imported_modules(source: str, where: str = "<source>") -> set[str]:
    """Names inside winenet a source imports anywhere: ``winenet.model.network`` gives ``model.network``.

    ``from winenet.a import b`` gives ``a`` and ``a.b``: b may be a submodule or only a name in a;
    ``module_closure`` keeps the names that are files of the package. A relative import
    (``from . import x``) raises ``RelativeImport``: the module it reaches would be no code input.
    """
    found = set()
    for node in ast.walk(ast.parse(source)):
        if isinstance(node, ast.ImportFrom) and node.level:
            raise RelativeImport(
                f"{where}, line {node.lineno}: a relative import; write it from winenet, so that the "
                "workflow counts the module it reaches among its jobs' code inputs"
            )
        if isinstance(node, ast.Import):
            names = [alias.name for alias in node.names]
        elif isinstance(node, ast.ImportFrom) and node.module:
            # `from winenet.model import network` names a module too, `from winenet.x import y` names x.
            names = [node.module] + [f"{node.module}.{alias.name}" for alias in node.names]
        else:
            continue
        for name in names:
            parts = name.split(".")
            if parts[0] == PACKAGE and len(parts) > 1:
                found.add(".".join(parts[1:]))
    return found


@cache
def _imports_of_file(path: Path) -> frozenset[str]:
    # Every rule's closure walks the same modules: each file is read and parsed once per process.
    return frozenset(imported_modules(path.read_text(), str(path)))


def _module_file(package_dir: Path, name: str) -> Path | None:
    """The file of module ``name`` (dotted, in the package): a ``.py`` or a subpackage's ``__init__.py``."""
    base = package_dir.joinpath(*name.split("."))
    for path in (base.with_suffix(".py"), base / "__init__.py"):
        if path.is_file():
            return path
    return None


def module_closure(script: Path, package_dir: Path) -> list[Path]:
    """The package's ``.py`` files ``script`` runs: its winenet imports and theirs, sorted.

    ``package_dir`` is the ``src/winenet`` folder; ``__init__.py`` always runs on import, and so
    does the ``__init__.py`` of every subpackage a module lies in. The ``MACHINERY`` modules are
    left out: they cannot change what a job writes.
    """
    package_dir = Path(package_dir)
    pending = set(imported_modules(Path(script).read_text(), str(script)))
    seen: dict[str, Path] = {}
    while pending:
        name = pending.pop()
        if name in seen:
            continue
        parents = {".".join(name.split(".")[:depth]) for depth in range(1, name.count(".") + 1)}
        if name in MACHINERY:
            # Left out itself, but the package it lies in runs its __init__.py all the same.
            pending |= parents - seen.keys()
            continue
        path = _module_file(package_dir, name)
        if path is None:
            # `from winenet.model.network import Network` also yields "network.Network", an attribute,
            # not a module; only files in the package count.
            continue
        seen[name] = path
        pending |= (_imports_of_file(path) | parents) - seen.keys()
    if not seen:
        return []
    return [package_dir / "__init__.py", *sorted(seen.values())]
