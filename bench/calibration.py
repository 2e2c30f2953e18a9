"""Benchmark: how often each verdict rule is wrong, and how often it decides, on evidence with a known truth.

Usage: python bench/calibration.py [--runs N] [--smoke] [--rule NAME ...] [--write | --check]
Every rule of winenet.verdicts judges synthetic evidence drawn true with a margin, exactly at its
boundary and false, at the default design of config.yaml and at a design four times larger, and
the share of each verdict is printed. At the boundary a rule may say "holds" at most as often as
the error a verdict may carry (1 - claims.posterior_threshold); a true claim must hold at least as
often at the larger design. Lines that break either are printed after the table, and the exit
status is 1. --write puts the table into docs/claims.md, --check fails when docs/claims.md shows
another; both need the full run count. --smoke runs a few simulations of each, to show it works.
"""

import argparse
import os
import sys
import time
from concurrent.futures import ProcessPoolExecutor

from common import ROOT, doc_block, load_config

DOCS = ROOT / "docs" / "claims.md"
FULL_RUNS = 400


def claims_settings() -> tuple[dict, dict]:
    """config.yaml, and its `claims:` settings, as the default run judges with them."""
    config = load_config()
    return config, {key: value for key, value in config["claims"].items() if key != "statements"}


def main() -> int:
    from support.calibration import failures, markdown_table, operating_characteristics
    from support.synthetic_evidence import default_design

    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument(
        "--runs", type=int, default=FULL_RUNS, help="simulated runs per rule, truth and design"
    )
    parser.add_argument("--smoke", action="store_true", help="a few runs each: does it work")
    parser.add_argument("--rule", action="append", help="only this rule (repeatable)")
    action = parser.add_mutually_exclusive_group()
    action.add_argument("--write", action="store_true", help="write the table into docs/claims.md")
    action.add_argument("--check", action="store_true", help="fail if docs/claims.md shows another table")
    args = parser.parse_args()
    runs = 4 if args.smoke else args.runs
    config, settings = claims_settings()
    design = default_design(config)
    start = time.perf_counter()
    with ProcessPoolExecutor(os.cpu_count()) as pool:
        table = operating_characteristics(
            settings, design, runs, only=set(args.rule) if args.rule else None, map_cells=pool.map
        )
    text = markdown_table(table, design, 4)
    print(text)
    print(f"{time.perf_counter() - start:.0f} s", file=sys.stderr)
    problems = [] if args.smoke else failures(table, 1 - float(settings["posterior_threshold"]))
    for problem in problems:
        print(f"FAILS: {problem}")
    if args.write or args.check:
        if runs != FULL_RUNS or args.rule:
            parser.error(f"--write and --check need every rule at the full {FULL_RUNS} runs")
        if not doc_block(DOCS, "calibration", text, args.write):
            print(
                f"{DOCS.relative_to(ROOT)}: its calibration table is not what the rules give now",
                file=sys.stderr,
            )
            return 1
    return 1 if problems else 0


if __name__ == "__main__":
    sys.exit(main())
