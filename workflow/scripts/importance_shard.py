"""Rule importance_shard: one contiguous block of the study's runs -> per run and feature scores."""

import sys

from winenet.jobs.job import start_job

start_job(snakemake)

import time

from winenet.data.arrays import model_arrays
from winenet.jobs.artifacts import read_json, read_parquet
from winenet.studies.importance import run_settings, shard_runs, train_importance_runs

normalisation = read_json(snakemake.input.normalisation)
x_train, y_train = model_arrays(read_parquet(snakemake.input.train), normalisation)
x_test, y_test = model_arrays(read_parquet(snakemake.input.test), normalisation)
study = snakemake.params.importance
runs = shard_runs(study["runs"], study["shards"], int(snakemake.wildcards.shard))
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
    **run_settings(study),
)
scores.to_parquet(snakemake.output[0], index=False)
print(f"runs {runs.start}..{runs.stop - 1}: {time.perf_counter() - start:.1f} s", file=sys.stderr)
