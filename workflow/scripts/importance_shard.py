"""Rule importance_shard: one contiguous block of the study's runs -> per run and feature scores."""

import json
import sys

sys.stderr = open(snakemake.log[0], "w")  # noqa: SIM115 - the log stays open for the whole job

import time  # noqa: E402

import pandas as pd  # noqa: E402

from winenet.data import model_arrays  # noqa: E402
from winenet.importance import shard_runs, train_importance_runs  # noqa: E402

with open(snakemake.input.normalisation) as handle:
    normalisation = json.load(handle)
x_train, y_train = model_arrays(pd.read_parquet(snakemake.input.train), normalisation)
x_test, y_test = model_arrays(pd.read_parquet(snakemake.input.test), normalisation)
study = snakemake.params.importance
runs = shard_runs(study["runs"], min(study["shards"], study["runs"]), int(snakemake.wildcards.shard))
start = time.perf_counter()
scores = train_importance_runs(
    x_train,
    y_train,
    x_test,
    y_test,
    runs,
    normalisation["features"],
    hidden=snakemake.params.hidden,
    n_classes=len(normalisation["classes"]),
    learning_rate=snakemake.params.learning_rate,
    batch_size=snakemake.params.batch_size,
    epochs=study["epochs"],
    penalty=study["penalty"],
    coefficient=study["coefficient"],
    seed=study["seed"],
    dtype=study["dtype"],
    stack_size=study["stack_size"],
    permutation_repeats=study["permutation_repeats"],
)
scores.to_parquet(snakemake.output[0], index=False)
print(f"runs {runs.start}..{runs.stop - 1}: {time.perf_counter() - start:.1f} s", file=sys.stderr)
