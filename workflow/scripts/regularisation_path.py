"""Rule regularisation_path: every penalty and normalisation's stack -> one table and one figure."""

import sys

from winenet.job import start_job

start_job(snakemake)

import pandas as pd  # noqa: E402

from winenet.artifacts import read_parquet  # noqa: E402
from winenet.plots import regularisation_path_figure, save_figure  # noqa: E402
from winenet.summaries import path_summary  # noqa: E402

per_fold = pd.concat([read_parquet(path) for path in snakemake.input.stacks], ignore_index=True)
summary = path_summary(per_fold)
summary.to_csv(snakemake.output.table, index=False, float_format="%.4g")
title = "Regularisation path: cross-validated accuracy (corrected 95 % interval) and sparsity"
save_figure(regularisation_path_figure(summary, title), snakemake.output.figure, snakemake.params.dpi)
print(summary.to_string(index=False), file=sys.stderr)
