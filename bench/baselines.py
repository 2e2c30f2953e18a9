"""Benchmark: the baselines' tuning, its CPU seconds per baseline and normalisation, and what it picks.

Usage: python bench/baselines.py [--against REV] [--rounds N] [--smoke]
Reads config.yaml and data/wine.csv and makes the default run's outer folds
(``beyond.cross_validation``); then, in one process on one BLAS thread (common.one_thread), fits
every baseline of ``winenet.studies.pipelines`` on every outer fold under each configured normalisation, as
the rule ``cross_validate_baselines`` does, and prints per baseline and normalisation the CPU
seconds (``time.process_time``: the machine is shared, wall time is not the cost), the fits per
outer fold, the grid values its searches picked and its mean held-out accuracy.
--against REV also times REV's ``src/winenet/pipelines.py`` (read with ``git show``), alternately
with this tree's, ``--rounds`` times each (default 2), and says whether the two give every outer
fold the same accuracy. --smoke: two outer folds, one round.
"""

import argparse
import collections
import importlib.util
import inspect
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import numpy as np
from common import ROOT, load_config, one_thread

import winenet.studies.pipelines
from winenet.data.arrays import model_arrays
from winenet.data.preprocessing import resolve_features
from winenet.data.tables import load_table
from winenet.studies.baselines import BASELINES
from winenet.studies.folds import cv_folds, table_classes


def pipelines_at(revision: str):
    """The module ``src/winenet/pipelines.py`` as it was at git ``revision``."""
    source = subprocess.run(
        ["git", "show", f"{revision}:src/winenet/pipelines.py"], cwd=ROOT, capture_output=True, text=True
    )
    if source.returncode != 0:
        sys.exit(f"git show {revision}:src/winenet/pipelines.py failed: {source.stderr.strip()}")
    path = Path(tempfile.mkdtemp()) / f"pipelines_{revision.replace('/', '_')}.py"
    path.write_text(source.stdout)
    spec = importlib.util.spec_from_file_location(path.stem, path)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def outer_folds(config: dict, smoke: bool) -> list[tuple]:
    """Per outer fold of the default run: ``(x_train, y_train, x_test, y_test, smallest_class)``."""
    data, folds = config["data"], config["beyond"]["cross_validation"]
    table = load_table(ROOT / data["path"], data["label"], data["features"], data.get("exclude", []))
    classes = table_classes(table, data["label"])
    features = resolve_features(list(table.columns), data["label"], "all")
    raw = {"label": data["label"], "classes": classes, "features": features}
    splits = cv_folds(table[data["label"]], folds["folds"], folds["repeats"], folds["random_state"])
    arrays = []
    for fold in splits[:2] if smoke else splits:
        x_train, y_train = model_arrays(table.iloc[fold.train], raw)
        x_test, y_test = model_arrays(table.iloc[fold.test], raw)
        smallest = int(np.bincount(y_train, minlength=len(classes)).min())
        arrays.append((x_train, y_train, x_test, y_test, smallest))
    return arrays


def fits(search) -> int:
    """How many models a fitted search trained: every candidate on every inner fold and the refit,
    or one per candidate (out-of-bag)."""
    if hasattr(search, "cv_results_"):
        return len(search.cv_results_["params"]) * search.n_splits_ + 1
    return len(search.oob_scores_)


def time_baselines(module, method: str, arrays: list[tuple], seed: int, hidden: list[int]) -> dict:
    """Per baseline: CPU seconds, fits per outer fold, picks and held-out accuracies ``(folds,)``."""
    results = collections.defaultdict(lambda: {"cpu": 0.0, "fits": [], "picks": [], "accuracy": []})
    with one_thread():
        for x_train, y_train, x_test, y_test, smallest in arrays:
            # Revisions before the MLP's batch rule took no row count.
            takes_rows = "rows" in inspect.signature(module.baseline_pipelines).parameters
            extra = {"rows": len(y_train)} if takes_rows else {}
            for name, search in module.baseline_pipelines(method, seed, hidden, smallest, **extra).items():
                start = time.process_time()
                search.fit(x_train, y_train)
                predicted = search.predict(x_test)
                results[name]["cpu"] += time.process_time() - start
                results[name]["fits"].append(fits(search))
                results[name]["picks"].extend(search.best_params_.values())
                results[name]["accuracy"].append(float((predicted == y_test).mean()))
    return dict(results)


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--against", metavar="REV", help="also time this git revision's pipelines.py")
    parser.add_argument("--rounds", type=int, default=2, help="measurements of each tree (default 2)")
    parser.add_argument("--smoke", action="store_true", help="two outer folds, one round")
    args = parser.parse_args()
    config = load_config()
    arrays = outer_folds(config, args.smoke)
    seed = config["beyond"]["cross_validation"]["seed"]
    hidden = config["network"]["hidden"]
    trees = [("this tree", winenet.studies.pipelines)]
    if args.against:
        trees.append((args.against, pipelines_at(args.against)))
    rounds = 1 if args.smoke else args.rounds
    accuracies = {}
    print(f"{len(arrays)} outer folds, hidden layers {hidden}, one BLAS thread; CPU seconds per baseline")
    for round_ in range(rounds):
        # Alternately: the tree measured first changes every round, so a drift of the machine
        # falls on both.
        for method in config["normalisation"]["methods"]:
            for label, module in trees if round_ % 2 == 0 else trees[::-1]:
                results = time_baselines(module, method, arrays, seed, hidden)
                total = sum(result["cpu"] for result in results.values())
                print(f"round {round_ + 1}, {method}, {label}: {total:.1f} s")
                for name, result in results.items():
                    picks = collections.Counter(str(value) for value in result["picks"])
                    accuracies[label, method, name] = result["accuracy"]
                    print(
                        f"  {name:<20} {result['cpu']:6.1f} s  {max(result['fits']):>2} fits per outer fold  "
                        f"mean accuracy {np.mean(result['accuracy']):.4f}  picked "
                        + ", ".join(f"{value} x{count}" for value, count in sorted(picks.items()))
                    )
    if args.against:
        for method in config["normalisation"]["methods"]:
            for name in BASELINES:
                same = accuracies["this tree", method, name] == accuracies[args.against, method, name]
                print(f"{method}, {name}: every outer fold's accuracy the same as {args.against}'s: {same}")


if __name__ == "__main__":
    main()
