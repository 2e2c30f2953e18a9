"""Rule regularisation_path: every penalty and normalisation's stack -> one table and one figure."""

import sys

from winenet.jobs.job import start_job

start_job(snakemake)

import pandas as pd

from winenet.jobs.artifacts import read_parquet
from winenet.report.plots import regularisation_path_figure, save_figure
from winenet.studies.summaries import path_summary

per_fold = pd.concat([read_parquet(path) for path in snakemake.input.stacks], ignore_index=True)
summary = path_summary(per_fold)
summary.to_csv(snakemake.output.table, index=False, float_format="%.4g")
title = "Regularisation path: cross-validated accuracy (corrected 95 % interval) and sparsity"
save_figure(regularisation_path_figure(summary, title), snakemake.output.figure, snakemake.params.dpi)
print(summary.to_string(index=False), file=sys.stderr)
