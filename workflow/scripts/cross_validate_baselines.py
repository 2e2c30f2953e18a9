"""Rule cross_validate_baselines: scikit-learn baselines on the same folds -> accuracy per fold."""

import sys

from winenet.jobs.job import start_job

start_job(snakemake)

import pandas as pd

from winenet.jobs.artifacts import read_parquet
from winenet.studies.baselines import cross_validate_baselines
from winenet.studies.folds import fold_table, folds_from_table

table = read_parquet(snakemake.input.table)
label = snakemake.params.label
normalisation = snakemake.wildcards.normalisation
splits = folds_from_table(read_parquet(snakemake.input.folds), len(table))
scores = cross_validate_baselines(
    table,
    label,
    "all",
    splits,
    normalisation_method=normalisation,
    seed=snakemake.params.seed,
    hidden=snakemake.params.hidden,
)
result = pd.concat(
    [fold_table(name, normalisation, splits, *values) for name, values in scores.items()], ignore_index=True
)
result.to_parquet(snakemake.output[0], index=False)
print(result.groupby("model")["accuracy"].mean().to_string(), file=sys.stderr)
