"""Rule plot_model_comparison: the side-by-side table -> validation accuracy per model."""

from winenet.job import start_job

start_job(snakemake)

from winenet.artifacts import read_csv  # noqa: E402
from winenet.plots import metric_bars, save_figure  # noqa: E402

summary = read_csv(snakemake.input.summary)
figure = metric_bars(summary, "accuracy", "model", "Validation accuracy per model")
save_figure(figure, snakemake.output[0], snakemake.params.dpi)
