"""The result blocks of the README and docs/, regenerated from a run's outputs: no result is typed by hand.

A block sits between ``<!-- results:NAME -->`` and ``<!-- /results:NAME -->``, in README.md or
any page of docs/. ``write`` replaces every block's body with what the run's outputs say; ``check``
lists the blocks whose body differs, so that CI fails when a page no longer matches what a full
default run produces.

    python tests/result_blocks.py --check [--results results] [PAGE.md ...]
    python tests/result_blocks.py --write [--results results] [PAGE.md ...]
"""

from __future__ import annotations

import argparse
import csv
import json
import re
import sys
from collections.abc import Callable
from pathlib import Path

import yaml

BLOCK = re.compile(
    r"(<!-- results:(?P<name>[\w-]+) -->\n)(?P<body>.*?)(<!-- /results:(?P=name) -->)", re.DOTALL
)


def _rows(path: Path) -> list[dict]:
    with open(path, newline="") as handle:
        return list(csv.DictReader(handle))


def _cell(text: str) -> str:
    # A pipe would end a Markdown table cell.
    return text.replace("|", "\\|")


def _table(header: list[str], rows: list[list[str]]) -> str:
    lines = ["| " + " | ".join(header) + " |", "|" + "---|" * len(header)]
    lines += ["| " + " | ".join(_cell(value) for value in row) + " |" for row in rows]
    return "\n".join(lines) + "\n"


def verdicts_block(results: Path) -> str:
    """The verdicts at a glance of ``results/verdicts.csv``: claim, what the row covers, verdict."""
    rows = _rows(results / "verdicts.csv")
    body = [[row["claim"], row["under"], f"**{row['verdict']}**"] for row in rows]
    return _table(["claim", "under", "verdict"], body)


def claims_block(results: Path) -> str:
    """The claims table of ``results/claims.csv``."""
    rows = _rows(results / "claims.csv")
    body = [[row["claim"], f"**{row['verdict']}**", row["evidence"], row["conditions"]] for row in rows]
    return _table(["claim", "verdict", "evidence", "conditions"], body)


def accuracy_block(results: Path) -> str:
    """Validation accuracy on the report's split and cross-validated accuracy per model and normalisation."""
    metrics = json.loads((results / "metrics.json").read_text())
    seeds = {row["model"]: row for row in _rows(results / "beyond" / "seed_accuracy.csv")}
    count = next(iter(seeds.values()))["seeds"] if seeds else "?"
    body = []
    for model, entry in metrics.items():
        seed = seeds.get(model)
        spread = (
            f"{float(seed['mean']):.3f} ({float(seed['pi_low']):.3f} to {float(seed['pi_high']):.3f})"
            if seed
            else "n/a"
        )
        body.append([model, entry["penalty"], f"{entry['accuracy']:.3f}", spread])
    rows = _rows(results / "beyond" / "cv_accuracy.csv")
    folds = rows[0]["folds"] if rows else "?"
    cross_validation = [
        [
            row["model"],
            row["normalisation"],
            f"{float(row['mean']):.3f}",
            f"{float(row['ci_low']):.3f} to {float(row['ci_high']):.3f}",
        ]
        for row in rows
    ]
    parts = [
        "Validation accuracy on the report's split: this run's model, and over seeds the mean and "
        "the range where 95 % of seeds land.",
        _table(["model", "penalty", "validation accuracy", f"over {count} seeds"], body),
        f"Held-out accuracy over {folds} cross-validation folds: the mean and its Nadeau-Bengio "
        "corrected 95 % interval.",
        _table(["model", "normalisation", "mean", "95 % interval"], cross_validation),
    ]
    return "\n\n".join(part.rstrip("\n") for part in parts) + "\n"


def importance_block(results: Path) -> str:
    """Each normalisation's conclusion of the importance study, for the normalisations of this run.

    The run's own settings (``config.yaml`` in its folder) name them: a folder may still hold the
    study of a normalisation an earlier setting ran, which is no result of this run.
    """
    settings = yaml.safe_load((results / "config.yaml").read_text())
    parts = []
    for normalisation in sorted(settings["normalisation"]["methods"]):
        conclusion = results / "importance" / normalisation / "conclusion.rst"
        parts.append(f"- **{normalisation}**: {conclusion.read_text().strip()}")
    return "\n".join(parts) + "\n"


BLOCKS: dict[str, Callable[[Path], str]] = {
    "verdicts": verdicts_block,
    "claims": claims_block,
    "accuracy": accuracy_block,
    "importance": importance_block,
}


def render(text: str, results: Path) -> str:
    """``text`` with every known block's body regenerated from ``results``."""

    def replace(match: re.Match) -> str:
        name = match.group("name")
        if name not in BLOCKS:
            raise KeyError(f"README block {name!r} is not one of {sorted(BLOCKS)}")
        return match.group(1) + BLOCKS[name](results) + match.group(4)

    return BLOCK.sub(replace, text)


def stale_blocks(text: str, results: Path) -> list[str]:
    """Names of the blocks whose body differs from what ``results`` says."""
    return [
        match.group("name")
        for match in BLOCK.finditer(text)
        if match.group("body") != BLOCKS[match.group("name")](results)
    ]


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    action = parser.add_mutually_exclusive_group(required=True)
    action.add_argument("--check", action="store_true", help="exit 1 when a block differs from the results")
    action.add_argument("--write", action="store_true", help="rewrite the blocks from the results")
    parser.add_argument(
        "--results",
        type=Path,
        default=Path("results"),
        help="the folder of the run to compare with (its setting `results`; default: results)",
    )
    parser.add_argument(
        "pages", type=Path, nargs="*", help="Markdown pages (default: README.md and docs/*.md)"
    )
    args = parser.parse_args(argv)
    pages = args.pages or [Path("README.md"), *sorted(Path("docs").glob("*.md"))]
    failed = False
    for page in pages:
        text = page.read_text()
        if args.write:
            page.write_text(render(text, args.results))
            continue
        stale = stale_blocks(text, args.results)
        if stale:
            failed = True
            print(
                f"{page}: result blocks {', '.join(stale)} differ from {args.results}/; "
                f"run `python tests/result_blocks.py --write --results {args.results}` after a full default "
                "run and commit",
                file=sys.stderr,
            )
    if not args.write and not failed:
        print(f"{', '.join(map(str, pages))}: every result block matches {args.results}/")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
