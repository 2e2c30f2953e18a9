"""Benchmark: what an edit to each module of the package reruns, in a complete run of the tiny config.

Usage: python bench/reruns.py [--keep DIR] [--write | --check] [--smoke]
In a fresh copy of the workflow it runs the tiny test config to the end, then for every module of
src/winenet appends a comment, asks Snakemake for a dry run and undoes the edit: the jobs planned,
how many of them train, and which rules. --write puts the table into docs/reruns.md, --check fails
when docs/reruns.md shows another; --smoke edits two modules only, to show it works. A benchmark:
it prints what it finds and asserts nothing (tests/test_reruns.py holds the rows that matter).
"""

import argparse
import shutil
import sys
import tempfile
from pathlib import Path

from common import ROOT, TINY, doc_block, make_project, snakemake
from sandbox import jobs_after_edit

from winenet.workflow.resources import SUBMITTED

DOCS = ROOT / "docs" / "reruns.md"
SMOKE_MODULES = ["jobs/errors.py", "cli.py"]


def table(rows: list[tuple[str, set[str]]]) -> str:
    """The Markdown table: module, jobs, trainings among them, the rules."""
    lines = ["| module | jobs | trainings | rules |", "|---|---|---|---|"]
    for module, jobs in rows:
        rules = sorted({job.partition("[")[0] for job in jobs})
        training = sum(job.partition("[")[0] in SUBMITTED for job in jobs)
        shown = ", ".join(f"`{rule}`" for rule in rules) if len(rules) <= 6 else f"{len(rules)} rules"
        lines.append(f"| `{module}` | {len(jobs)} | {training} | {shown or 'none'} |")
    return "\n".join(lines) + "\n"


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--keep", type=Path, help="run in this folder and keep it (default: a temporary one)")
    parser.add_argument("--smoke", action="store_true", help=f"only {', '.join(SMOKE_MODULES)}")
    action = parser.add_mutually_exclusive_group()
    action.add_argument("--write", action="store_true", help="write the table into docs/reruns.md")
    action.add_argument("--check", action="store_true", help="fail if docs/reruns.md shows another table")
    args = parser.parse_args()
    base = args.keep or Path(tempfile.mkdtemp(prefix="winenet-reruns-"))
    project = make_project(base / "project", TINY)
    snakemake(project, "--cores", "2")
    package = project / "src" / "winenet"
    modules = (
        SMOKE_MODULES
        if args.smoke
        else sorted(p.relative_to(package).as_posix() for p in package.rglob("*.py"))
    )
    rows = [(module, jobs_after_edit(project, module)) for module in modules]
    text = table(rows)
    print(f"an edit to one module of src/winenet, in a complete run of the tiny config ({project}):\n")
    print(text)
    if args.keep is None:
        shutil.rmtree(base)
    if args.write or args.check:
        if args.smoke:
            parser.error("--write and --check need every module")
        if not doc_block(DOCS, "modules", text, args.write):
            print(
                f"{DOCS.relative_to(ROOT)}: its table of modules is not what an edit reruns now",
                file=sys.stderr,
            )
            return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
