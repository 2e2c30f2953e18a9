"""Rule regularisation_path_stack: one penalty, one normalisation, every coefficient x fold as one stack."""

import sys

from winenet.jobs.job import start_job

start_job(snakemake)

from winenet.jobs.artifacts import read_parquet
from winenet.studies.crossval import coefficient_grid, regularisation_path
from winenet.studies.folds import folds_from_table

table = read_parquet(snakemake.input.table)
label, training = snakemake.params.label, snakemake.params.training
grid = snakemake.params.coefficients
splits = folds_from_table(read_parquet(snakemake.input.folds), len(table))
result = regularisation_path(
    table,
    label,
    "all",
    splits,
    coefficient_grid(grid["coefficient_low"], grid["coefficient_high"], grid["coefficient_count"]),
    normalisation_method=snakemake.wildcards.normalisation,
    penalty=snakemake.wildcards.penalty,
    hidden=snakemake.params.network["hidden"],
    learning_rate=training["learning_rate"],
    batch_size=training["batch_size"],
    epochs=training["epochs"],
    seed=snakemake.params.seed,
    dtype=snakemake.params.dtype,
)
result.to_parquet(snakemake.output[0], index=False)
print(result.groupby("coefficient")[["accuracy", "zero_share"]].mean().to_string(), file=sys.stderr)
