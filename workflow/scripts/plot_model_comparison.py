"""Rule plot_model_comparison: the side-by-side table -> validation accuracy per model."""

import sys

sys.stderr = open(snakemake.log[0], "w")  # noqa: SIM115 - the log stays open for the whole job

import pandas as pd  # noqa: E402

from winenet.plots import metric_bars, save_figure  # noqa: E402

summary = pd.read_csv(snakemake.input.summary)
figure = metric_bars(summary, "accuracy", "model", "Validation accuracy per model")
save_figure(figure, snakemake.output[0], snakemake.params.dpi)
