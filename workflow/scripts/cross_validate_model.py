"""Rule cross_validate_model: a model under every normalisation on the repeated folds -> accuracy per fold."""

import sys

from winenet.jobs.job import start_job

start_job(snakemake)

from winenet.jobs.artifacts import read_parquet
from winenet.studies.crossval import cross_validate_network
from winenet.studies.folds import fold_table, folds_from_table

table = read_parquet(snakemake.input.table)
params = snakemake.params
model, training = params.model, params.training
splits = folds_from_table(read_parquet(snakemake.input.folds), len(table))
results = cross_validate_network(
    table,
    params.label,
    "all",
    splits,
    normalisation_methods=params.normalisations,
    hidden=params.network["hidden"],
    penalty=model["penalty"],
    coefficient=model["coefficient"],
    learning_rate=training["learning_rate"],
    batch_size=training["batch_size"],
    epochs=training["epochs"],
    seed=params.seed,
    dtype=params.dtype,
)
for (normalisation, (accuracy, status)), path in zip(results.items(), snakemake.output, strict=True):
    result = fold_table(snakemake.wildcards.model, normalisation, splits, accuracy, status)
    result.to_parquet(path, index=False)
    print(result.to_string(index=False), file=sys.stderr)
