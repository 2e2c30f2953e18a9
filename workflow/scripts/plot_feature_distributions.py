"""Rule plot_feature_distributions: the validated table -> every feature's raw values by class."""

from winenet.job import start_job

start_job(snakemake)

from winenet.artifacts import read_parquet  # noqa: E402
from winenet.plots import save_figure  # noqa: E402
from winenet.stat_plots import feature_distributions  # noqa: E402

table = read_parquet(snakemake.input.table)
label = snakemake.params.label
features = [column for column in table.columns if column != label]
figure = feature_distributions(table, label, features, title=f"Raw feature values by {label}")
save_figure(figure, snakemake.output[0], snakemake.params.dpi)
