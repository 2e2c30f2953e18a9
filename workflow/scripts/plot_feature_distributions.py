"""Rule plot_feature_distributions: the validated table -> every feature's raw values by class."""

from winenet.jobs.job import start_job

start_job(snakemake)

from winenet.jobs.artifacts import read_parquet
from winenet.report.plots import save_figure
from winenet.report.stat_plots import feature_distributions

table = read_parquet(snakemake.input.table)
label = snakemake.params.label
features = [column for column in table.columns if column != label]
figure = feature_distributions(table, label, features, title=f"Raw feature values by {label}")
save_figure(figure, snakemake.output[0], snakemake.params.dpi)
