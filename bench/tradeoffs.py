"""Benchmark: precision against seconds for the defaults of the analyses beyond the report.

Usage: python bench/tradeoffs.py [folds|seeds|runs ...] [--grid ...] [--seeds ...] [--runs ...]
Reads config.yaml and its data and, in one process on one core (as one job runs), measures:
- folds: for each folds x repeats, cross-validates the models of `models:` under the first
  normalisation and prints the seconds and the median half-width of the Nadeau-Bengio corrected
  95 % intervals, of a model's mean accuracy and of a difference between two models. The
  correction does not shrink with more repeats the way the naive interval does (its n_test /
  n_train term stays), which is what makes fewer repeats the better buy.
- seeds: for each seed count, trains every model that many times on the report's split (each batch
  recorded, as the seed study does) and prints the seconds and the median half-width of the BCa
  95 % interval of the mean accuracy over seeds, which the accuracy claims judge.
- runs: trains the largest run count of the importance study under the second normalisation once,
  and for each smaller count (its first runs: run r is the same whatever the count) prints the
  seconds it took and the median half-width of the 95 % intervals of the features' mean ranks.
--smoke runs each at one small setting with a few epochs, to show it works. BLAS is held to one
thread (common.one_thread). A benchmark, not a test: it prints figures and asserts nothing.
"""

import argparse
import time

import numpy as np
import pandas as pd
from common import ROOT, TINY, load_config, merge, one_thread, report_arrays, study_settings

from winenet.data.tables import load_table
from winenet.studies.crossval import cross_validate_network
from winenet.studies.folds import cv_folds, fold_table
from winenet.studies.importance import rank_features, train_importance_runs
from winenet.studies.measures import MEASURES
from winenet.studies.ranking import importance_summary
from winenet.studies.seeds import seed_runs
from winenet.studies.stats import bootstrap_interval
from winenet.studies.summaries import accuracy_table, paired_differences


def load(config: dict) -> pd.DataFrame:
    data = config["data"]
    return load_table(ROOT / data["path"], data["label"], data["features"])


def folds(config: dict, grid: str) -> None:
    data, training, cv = config["data"], config["training"], config["beyond"]["cross_validation"]
    table = load(config)
    normalisation = config["normalisation"]["methods"][0]
    models = config["models"]
    print(
        f"folds: {len(models)} models, {training['epochs']} epochs, {cv['dtype']}, {normalisation}, one core"
    )
    print(
        f"{'folds x repeats':>15} {'trainings':>9} {'seconds':>8} {'model half-width':>16} {'difference':>10}"
    )
    for n_folds, repeats in (tuple(int(p) for p in item.split("x")) for item in grid.split(",")):
        splits = cv_folds(table[data["label"]], n_folds, repeats, cv["random_state"])
        frames = []
        start = time.process_time()
        for name, model in models.items():
            ((accuracy, status),) = cross_validate_network(
                table,
                data["label"],
                "all",
                splits,
                normalisation_methods=[normalisation],
                hidden=config["network"]["hidden"],
                penalty=model["penalty"],
                coefficient=model["coefficient"],
                learning_rate=training["learning_rate"],
                batch_size=training["batch_size"],
                epochs=training["epochs"],
                seed=cv["seed"],
                dtype=cv["dtype"],
            ).values()
            frames.append(fold_table(name, normalisation, splits, accuracy, status))
        seconds = time.process_time() - start
        per_fold = pd.concat(frames, ignore_index=True)
        intervals = accuracy_table(per_fold)
        differences = paired_differences(per_fold, list(models), config["claims"]["margin"])
        model_width = float(np.median((intervals["ci_high"] - intervals["ci_low"]) / 2))
        difference_width = float(np.median((differences["ci_high"] - differences["ci_low"]) / 2))
        print(
            f"{f'{n_folds} x {repeats}':>15} {len(models) * len(splits):>9} {seconds:>8.1f} "
            f"{model_width:>16.3f} {difference_width:>10.3f}",
            flush=True,
        )


def seeds(config: dict, counts: str) -> None:
    arrays, normalisation = report_arrays(config)
    sizes = [arrays[0].shape[1], *config["network"]["hidden"], len(normalisation["classes"])]
    settings = config["beyond"]["seeds"]
    print(f"seeds: {len(config['models'])} models on the report's split, {settings['dtype']}, one core")
    print(f"{'seeds':>6} {'seconds':>8} {'BCa half-width':>14} {'per model':>30}")
    for count in (int(c) for c in counts.split(",")):
        frames = []
        start = time.process_time()
        for name, model in config["models"].items():
            runs, _ = seed_runs(
                arrays,
                sizes=sizes,
                penalty=model["penalty"],
                coefficient=model["coefficient"],
                training=config["training"],
                seeds=settings | {"count": count},
            )
            trained = runs.loc[runs["status"] != "diverged", "accuracy"].to_numpy()
            interval = bootstrap_interval([trained], np.mean)
            frames.append((name, (interval.high - interval.low) / 2))
        seconds = time.process_time() - start
        half = [width for _, width in frames]
        each = ", ".join(f"{name} {width:.3f}" for name, width in frames)
        print(f"{count:>6} {seconds:>8.1f} {float(np.median(half)):>14.3f} {each:>30}", flush=True)


def runs(config: dict, counts: str) -> None:
    methods = config["normalisation"]["methods"]
    method = methods[1] if len(methods) > 1 else methods[0]
    arrays, normalisation = report_arrays(config, method)
    study = config["importance"]
    counts = sorted(int(c) for c in counts.split(","))
    settings = study_settings(config, normalisation)
    start = time.process_time()
    scores = train_importance_runs(*arrays, range(counts[-1]), normalisation["features"], **settings)
    per_run = (time.process_time() - start) / counts[-1]
    print(f"runs: the importance study under {method}, {study['epochs']} epochs, {study['dtype']}, one core")
    print(f"{'runs':>6} {'seconds':>8} {'mean-rank half-width':>20}")
    for count in counts:
        summary = importance_summary(rank_features(scores[scores["run"] < count]), normalisation["features"])
        widths = [
            (summary[f"{m}_mean_rank_ci_high"] - summary[f"{m}_mean_rank_ci_low"]) / 2 for m in MEASURES
        ]
        half = float(np.nanmedian(pd.concat(widths)))
        print(f"{count:>6} {per_run * count:>8.1f} {half:>20.2f}", flush=True)
    print("seconds: the largest count's training time per run, times the count")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("which", nargs="*", default=["folds", "seeds", "runs"], help="folds, seeds, runs")
    parser.add_argument("--grid", default="5x1,5x2,5x4,10x1,10x2", help="folds x repeats to compare")
    parser.add_argument("--seeds", default="5,10,20,40", help="seed counts to compare")
    parser.add_argument("--runs", default="25,50,100,200", help="study run counts to compare")
    parser.add_argument("--smoke", action="store_true", help="one small setting each, a few epochs")
    args = parser.parse_args()
    config = load_config()
    if args.smoke:
        config = merge(config, TINY)
        args.grid, args.seeds, args.runs = "2x1", "3", "2,4"
    one_thread()
    for which in args.which:
        {
            "folds": lambda: folds(config, args.grid),
            "seeds": lambda: seeds(config, args.seeds),
            "runs": lambda: runs(config, args.runs),
        }[which]()
        print()
    print(
        "Half-widths: medians over the models (and the pairs of models, and the features) of 95 % intervals."
    )


if __name__ == "__main__":
    main()
