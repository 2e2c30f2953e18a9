"""Rule plot_features_by_importance: summary and raw table -> each feature's values per class, by rank."""

from winenet.job import start_job

start_job(snakemake)

from winenet.artifacts import read_csv, read_json, read_parquet  # noqa: E402
from winenet.plots import feature_distributions, save_figure  # noqa: E402

normalisation = read_json(snakemake.input.normalisation)
order = read_csv(snakemake.input.summary)["feature"].tolist()
figure = feature_distributions(
    read_parquet(snakemake.input.table),
    normalisation["label"],
    normalisation["features"],
    order=order,
    title="Features by importance, raw values",
)
save_figure(figure, snakemake.output[0], snakemake.params.dpi)
