"""Rule cv_summary: seeds and folds of every model -> corrected intervals, paired differences, figures."""

import sys

from winenet.jobs.job import start_job

start_job(snakemake)

import pandas as pd

from winenet.jobs.artifacts import read_csv, read_parquet
from winenet.report.plots import difference_intervals, interval_comparison, save_figure
from winenet.report.stat_plots import accuracy_spread
from winenet.studies.summaries import accuracy_table, paired_differences, seed_table

per_seed = pd.concat([read_parquet(path) for path in snakemake.input.seeds], ignore_index=True)
paths = [*snakemake.input.models, *snakemake.input.baselines]
per_fold = pd.concat([read_parquet(path) for path in paths], ignore_index=True)
accuracy = accuracy_table(per_fold)
differences = paired_differences(per_fold, snakemake.params.models, snakemake.params.margin)
seed_table(per_seed).to_csv(snakemake.output.seeds, index=False, float_format="%.4f")
accuracy.to_csv(snakemake.output.cross_validation, index=False, float_format="%.4f")
differences.to_csv(snakemake.output.differences, index=False, float_format="%.4f")
print(accuracy.to_string(index=False), file=sys.stderr)
print(differences.to_string(index=False), file=sys.stderr)

# The figures show the tables beside them: drawn from the files just written.
dpi = snakemake.params.dpi
seeds = read_csv(snakemake.output.seeds)
trained = per_seed[per_seed["status"] != "diverged"]
values = {model: rows["accuracy"].to_numpy() for model, rows in trained.groupby("model", sort=False)}
title = f"Validation accuracy on the report's split, {seeds['seeds'].max()} seeds per model"
figure = accuracy_spread(values, seeds[["model", "mean", "ci_low", "ci_high"]], title)
save_figure(figure, snakemake.output.seeds_figure, dpi)

accuracy = read_csv(snakemake.output.cross_validation)
title = (
    f"Held-out accuracy over {accuracy['folds'].max()} folds of repeated cross-validation, by normalisation"
)
save_figure(interval_comparison(accuracy, title), snakemake.output.cross_validation_figure, dpi)

differences = read_csv(snakemake.output.differences)
title = "Paired differences in accuracy on the same folds"
xlabel = "difference in accuracy (corrected 95 % interval); the band: the claims' margin"
figure = difference_intervals(differences, title, xlabel, margin=float(differences["margin"].iloc[0]))
save_figure(figure, snakemake.output.differences_figure, dpi)
