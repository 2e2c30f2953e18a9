"""The seed study: each model trained from many seeds on the report's one split.

The report judged each model by one training from one random start; how far apart two models'
accuracies can fall by the seed alone is what this study measures.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence

import numpy as np
import pandas as pd

from winenet.stats import independent_interval, within
from winenet.training import train_runs


def seed_runs(
    data: Sequence[np.ndarray],
    *,
    sizes: Sequence[int],
    penalty: str,
    coefficient: float,
    training: Mapping,
    seeds: Mapping,
) -> pd.DataFrame:
    """One model trained from ``seeds["count"]`` seeds as one stack: columns run, accuracy, status.

    ``data`` is (x_train, y_train, x_validation, y_validation) of the report's split; run r draws
    from ``run_generators(seeds["seed"], [r])``, so it trains as it would alone. ``training`` is the
    config's training slice, ``seeds`` the ``beyond.seeds`` slice (count, seed, dtype).
    """
    runs = range(seeds["count"])
    _, result = train_runs(
        runs,
        seeds["seed"],
        sizes,
        data,
        penalty=penalty,
        coefficient=coefficient,
        dtype=seeds["dtype"],
        learning_rate=training["learning_rate"],
        batch_size=training["batch_size"],
        epochs=training["epochs"],
    )
    return pd.DataFrame(
        {
            "run": list(runs),
            "accuracy": np.asarray(result.validation_accuracy, dtype=np.float64),
            "status": result.status,
        }
    )


def _named(runs: pd.DataFrame, status: str) -> str:
    return ", ".join(str(run) for run in runs.loc[runs["status"] == status, "run"])


def seed_table(per_seed: pd.DataFrame) -> pd.DataFrame:
    """Per model, in order of appearance: seeds, mean, std, 95 % interval of the mean and of one more seed.

    Diverged seeds have no accuracy and are left out of every statistic; seeds at chance are part
    of the spread (learning nothing is one of the things a seed can do). Both are counted and named.
    """
    rows = []
    for model, runs in per_seed.groupby("model", sort=False):
        usable = runs[runs["status"] != "diverged"]
        row = {"model": model, "seeds": len(runs)}
        if len(usable) >= 2:
            interval = within(
                independent_interval(usable["accuracy"]), ("ci_low", "ci_high", "pi_low", "pi_high"), 0.0, 1.0
            )
            row |= {key: interval[key] for key in ("mean", "std", "ci_low", "ci_high", "pi_low", "pi_high")}
            row |= {"min": interval["min"], "max": interval["max"]}
        else:
            keys = ("mean", "std", "ci_low", "ci_high", "pi_low", "pi_high", "min", "max")
            row |= dict.fromkeys(keys, float("nan"))
        row |= {
            "chance_seeds": int((runs["status"] == "chance").sum()),
            "diverged_seeds": int((runs["status"] == "diverged").sum()),
            "seeds_at_chance": _named(runs, "chance"),
            "seeds_diverged": _named(runs, "diverged"),
        }
        rows.append(row)
    return pd.DataFrame(rows)
