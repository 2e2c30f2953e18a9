"""Rule cv_folds: the validated table -> the folds of repeated stratified k-fold every model shares."""

import sys

from winenet.jobs.job import start_job

start_job(snakemake)

from winenet.jobs.artifacts import read_parquet
from winenet.studies.folds import cv_folds, folds_table

labels = read_parquet(snakemake.input.table, columns=[snakemake.params.label])[snakemake.params.label]
folds = snakemake.params.folds
table = folds_table(cv_folds(labels, folds["folds"], folds["repeats"], folds["random_state"]))
table.to_parquet(snakemake.output[0], index=False)
print(table.groupby(["repeat", "fold"]).size().to_string(), file=sys.stderr)
