"""Rule cross_validate_model: one model under one normalisation on the repeated folds -> accuracy per fold."""

import sys

from winenet.job import start_job

start_job(snakemake)

from winenet.artifacts import read_parquet  # noqa: E402
from winenet.crossval import cross_validate_network  # noqa: E402
from winenet.folds import fold_table, folds_from_table  # noqa: E402

table = read_parquet(snakemake.input.table)
label = snakemake.params.label
model, training = snakemake.params.model, snakemake.params.training
normalisation = snakemake.wildcards.normalisation
splits = folds_from_table(read_parquet(snakemake.input.folds), len(table))
accuracy, status = cross_validate_network(
    table,
    label,
    "all",
    splits,
    normalisation_method=normalisation,
    hidden=snakemake.params.network["hidden"],
    penalty=model["penalty"],
    coefficient=model["coefficient"],
    learning_rate=training["learning_rate"],
    batch_size=training["batch_size"],
    epochs=training["epochs"],
    seed=snakemake.params.seed,
    dtype=snakemake.params.dtype,
)
result = fold_table(snakemake.wildcards.model, normalisation, splits, accuracy, status)
result.to_parquet(snakemake.output[0], index=False)
print(result.to_string(index=False), file=sys.stderr)
