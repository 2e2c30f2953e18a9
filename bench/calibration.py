"""Benchmark: how often each verdict rule is wrong, and how often it decides, on evidence with a known truth.

Usage: python bench/calibration.py [--runs N] [--smoke] [--rule NAME ...] [--write | --check]
Every rule of winenet.verdicts judges synthetic evidence drawn true with a margin, exactly at its
boundary and false, at the default design of config.yaml and at a design four times larger; the
fold rules also judge real learners' folds on new data sets drawn from a population fitted to the
input table (LDA against Gaussian naive Bayes, and against LDA with equal priors), at 5x2, 5x8 and
10x10 folds. The share of each verdict is printed. At the boundary a rule may say "holds", and "does
not hold", each at most as often as the error a verdict may carry (1 - claims.posterior_threshold):
the boundary rows add runs in stages of N until a sequential check settles (support.calibration.Check);
a true claim must hold at least as often at the larger design. Lines that break either are printed
after the tables, and the exit status is 1. --write puts the tables into docs/claims.md, --check
fails when docs/claims.md shows others; both need the full stage and every rule. --smoke runs a few
simulations of each, to show it works.
"""

import argparse
import os
import sys
import time
from concurrent.futures import ProcessPoolExecutor
from functools import partial

import numpy as np
import pandas as pd
from common import ROOT, doc_block, load_config

DOCS = ROOT / "docs" / "claims.md"
FULL_RUNS = 400
# The truth: training sets drawn per design, each learner scored on new rows (in chunks, one per task).
TRUTH_DRAWS, TRUTH_TEST_ROWS, TRUTH_CHUNKS = 4000, 5000, 16
LEARNERS_HEADING = (
    "Real learners' folds, on new data sets of the input table's size drawn from a Gaussian per class "
    "fitted to it; the truth per design:"
)


def claims_settings() -> tuple[dict, dict]:
    """config.yaml, and its `claims:` settings, as the default run judges with them."""
    config = load_config()
    return config, {key: value for key, value in config["claims"].items() if key != "statements"}


def input_population(config: dict):
    """The population the real learners' data sets are drawn from: fitted to config.yaml's input table."""
    from support.learner_evidence import Population

    from winenet.data.tables import load_table

    data = config["data"]
    table = load_table(ROOT / data["path"], data["label"], data["features"], data.get("exclude", []))
    return Population.fitted(table, data["label"], [c for c in table.columns if c != data["label"]])


def truths(population, designs: dict, draws: int, test_rows: int, chunks: int, map_chunks) -> dict:
    """Each design's truth: the learners trained on its folds' training rows, scored on new data."""
    from support.learner_evidence import Truth, accuracy_on_new_data

    found = {}
    for index, train_rows in enumerate(sorted({rows for rows in designs.values()})):
        parts = list(
            map_chunks(
                accuracy_on_new_data,
                [population] * chunks,
                [train_rows] * chunks,
                [draws // chunks] * chunks,
                [test_rows] * chunks,
                [[7, index, chunk] for chunk in range(chunks)],
            )
        )
        scores = {name: np.concatenate([part[name] for part in parts]) for name in parts[0]}
        found[train_rows] = Truth.from_scores(train_rows, scores)
    return {label: found[rows] for label, rows in designs.items()}


def main() -> int:
    from support.calibration import (
        failures,
        learner_characteristics,
        learner_designs,
        learner_table,
        markdown_table,
        operating_characteristics,
        rules,
        table_check,
    )
    from support.synthetic_evidence import default_design

    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument(
        "--runs", type=int, default=FULL_RUNS, help="simulated runs per row, and per stage at the boundary"
    )
    parser.add_argument("--smoke", action="store_true", help="a few runs each: does it work")
    parser.add_argument("--rule", action="append", help="only this rule (repeatable)")
    action = parser.add_mutually_exclusive_group()
    action.add_argument("--write", action="store_true", help="write the tables into docs/claims.md")
    action.add_argument("--check", action="store_true", help="fail if docs/claims.md shows other tables")
    args = parser.parse_args()
    runs = 4 if args.smoke else args.runs
    config, settings = claims_settings()
    design = default_design(config)
    designs = learner_designs(design)
    only = set(args.rule) if args.rule else None
    synthetic_rules = [rule for rule in rules(settings) if not only or rule.name in only]
    with_learners = not only or "comparison" in only
    check = table_check(settings, len(synthetic_rules), with_learners * len(designs), runs)
    start = time.perf_counter()
    with ProcessPoolExecutor(os.cpu_count()) as pool:
        table = operating_characteristics(
            settings, design, runs, only=only, map_cells=pool.map, check=None if args.smoke else check
        )
        text = markdown_table(table, design, 4)
        print(text)
        print(f"synthetic arm: {time.perf_counter() - start:.0f} s", file=sys.stderr)
        if with_learners:
            population = input_population(config)
            chunks = 2 if args.smoke else TRUTH_CHUNKS
            draws = 20 if args.smoke else TRUTH_DRAWS
            # A fold's training rows at k folds, on average: what the folds' accuracies estimate.
            train_rows = {label: round(population.rows * (k - 1) / k) for label, (k, _) in designs.items()}
            found = truths(population, train_rows, draws, TRUTH_TEST_ROWS, chunks, pool.map)
            learners = learner_characteristics(
                settings,
                population,
                designs,
                found,
                runs,
                map_runs=partial(pool.map, chunksize=8),
                check=None if args.smoke else check,
            )
            learner_text = learner_table(learners, found)
            print(learner_text)
            text += f"\n{LEARNERS_HEADING}\n\n{learner_text}"
            table = pd.concat([table, learners], ignore_index=True)
    print(f"{time.perf_counter() - start:.0f} s", file=sys.stderr)
    problems = [] if args.smoke else failures(table, check)
    for problem in problems:
        print(f"FAILS: {problem}")
    if args.write or args.check:
        if runs != FULL_RUNS or args.rule:
            parser.error(f"--write and --check need every rule at the full {FULL_RUNS} runs")
        if not doc_block(DOCS, "calibration", text, args.write):
            print(
                f"{DOCS.relative_to(ROOT)}: its calibration tables are not what the rules give now",
                file=sys.stderr,
            )
            return 1
    return 1 if problems else 0


if __name__ == "__main__":
    sys.exit(main())
