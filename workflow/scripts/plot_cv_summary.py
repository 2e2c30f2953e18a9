"""Rule plot_cv_summary: seed and cross-validation tables -> spread, interval and difference figures."""

from winenet.job import start_job

start_job(snakemake)

import pandas as pd  # noqa: E402

from winenet.artifacts import read_csv, read_parquet  # noqa: E402
from winenet.plots import difference_intervals, interval_comparison, save_figure  # noqa: E402
from winenet.stat_plots import accuracy_spread  # noqa: E402

dpi = snakemake.params.dpi
seeds = read_csv(snakemake.input.seed_table)
per_seed = pd.concat([read_parquet(path) for path in snakemake.input.seeds], ignore_index=True)
trained = per_seed[per_seed["status"] != "diverged"]
values = {model: rows["accuracy"].to_numpy() for model, rows in trained.groupby("model", sort=False)}
title = f"Validation accuracy on the report's split, {seeds['seeds'].max()} seeds per model"
figure = accuracy_spread(values, seeds[["model", "mean", "ci_low", "ci_high"]], title)
save_figure(figure, snakemake.output.seeds, dpi)

accuracy = read_csv(snakemake.input.cross_validation)
title = (
    f"Held-out accuracy over {accuracy['folds'].max()} folds of repeated cross-validation, by normalisation"
)
save_figure(interval_comparison(accuracy, title), snakemake.output.cross_validation, dpi)

differences = read_csv(snakemake.input.differences)
title = "Paired differences in accuracy on the same folds"
xlabel = "difference in accuracy (corrected 95 % interval); the band: the claims' margin"
figure = difference_intervals(differences, title, xlabel, margin=float(differences["margin"].iloc[0]))
save_figure(figure, snakemake.output.differences, dpi)
