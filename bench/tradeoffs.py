"""Benchmark: how wide the corrected cross-validation intervals are against the seconds they cost.

Usage: python bench/cv_tradeoff.py [--grid 5x1,5x2,5x4,10x1,10x2] [--normalisation l2norm]
Reads config.yaml and its data, then for each folds x repeats of the grid cross-validates the
models of `models:` in one process, on one core, as the `cross_validate_model` jobs do, and prints
the seconds and the median half-width of the Nadeau-Bengio corrected 95 % intervals: of each model's
mean accuracy and of each paired difference between models. The correction does not shrink with
more repeats the way the naive interval does (its n_test / n_train term stays), which is what makes
fewer repeats the better buy. A benchmark, not a test: it prints figures and asserts nothing.
"""

import os

# Before NumPy is imported: BLAS reads these once, when it loads.
for _variable in ("OPENBLAS_NUM_THREADS", "OMP_NUM_THREADS", "MKL_NUM_THREADS"):
    os.environ[_variable] = "1"

import argparse  # noqa: E402
import time  # noqa: E402
from pathlib import Path  # noqa: E402

import numpy as np  # noqa: E402
import pandas as pd  # noqa: E402
import yaml  # noqa: E402

from winenet.crossval import accuracy_table, cross_validate_network, paired_differences  # noqa: E402
from winenet.data import load_table  # noqa: E402
from winenet.folds import cv_folds, fold_table  # noqa: E402

ROOT = Path(__file__).resolve().parents[1]


def parse_grid(text: str) -> list[tuple[int, int]]:
    """'5x1,5x2' -> [(5, 1), (5, 2)]."""
    return [tuple(int(part) for part in item.split("x")) for item in text.split(",")]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--grid", default="5x1,5x2,5x4,10x1,10x2", help="folds x repeats to compare")
    parser.add_argument("--normalisation", help="default: the first of normalisation.methods")
    args = parser.parse_args()
    config = yaml.safe_load((ROOT / "config.yaml").read_text())
    data, training, cv = config["data"], config["training"], config["beyond"]["cross_validation"]
    table = load_table(ROOT / data["path"], data["label"], data["features"])
    normalisation = args.normalisation or config["normalisation"]["methods"][0]
    models = config["models"]
    print(
        f"{len(models)} models x folds x repeats, {training['epochs']} epochs, {cv['dtype']}, "
        f"{normalisation} normalisation, one core"
    )
    print(
        f"{'folds x repeats':>15} {'trainings':>9} {'seconds':>8} {'s/training':>10} "
        f"{'model half-width':>16} {'difference half-width':>21}"
    )
    for folds, repeats in parse_grid(args.grid):
        splits = cv_folds(table[data["label"]], folds, repeats, cv["random_state"])
        frames = []
        start = time.perf_counter()
        for name, model in models.items():
            accuracy, status = cross_validate_network(
                table,
                data["label"],
                "all",
                splits,
                normalisation_method=normalisation,
                hidden=config["network"]["hidden"],
                penalty=model["penalty"],
                coefficient=model["coefficient"],
                learning_rate=training["learning_rate"],
                batch_size=training["batch_size"],
                epochs=training["epochs"],
                seed=cv["seed"],
                dtype=cv["dtype"],
            )
            frames.append(fold_table(name, normalisation, splits, accuracy, status))
        seconds = time.perf_counter() - start
        per_fold = pd.concat(frames, ignore_index=True)
        intervals = accuracy_table(per_fold)
        differences = paired_differences(per_fold, list(models), cv["rope"])
        model_width = float(np.median((intervals["ci_high"] - intervals["ci_low"]) / 2))
        difference_width = float(np.median((differences["ci_high"] - differences["ci_low"]) / 2))
        trainings = len(models) * len(splits)
        print(
            f"{f'{folds} x {repeats}':>15} {trainings:>9} {seconds:>8.1f} {seconds / trainings:>10.2f} "
            f"{model_width:>16.3f} {difference_width:>21.3f}",
            flush=True,
        )
    print(
        "Half-widths: medians over the models, and over the pairs of models, of the corrected 95 % intervals."
    )


if __name__ == "__main__":
    main()
