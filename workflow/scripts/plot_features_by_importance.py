"""Rule plot_features_by_importance: summary and raw table -> each feature's values per producer, by rank."""

import json
import sys

sys.stderr = open(snakemake.log[0], "w")  # noqa: SIM115 - the log stays open for the whole job

import pandas as pd  # noqa: E402

from winenet.plots import feature_distributions, save_figure  # noqa: E402

with open(snakemake.input.normalisation) as handle:
    normalisation = json.load(handle)
order = pd.read_csv(snakemake.input.summary)["feature"].tolist()
figure = feature_distributions(
    pd.read_parquet(snakemake.input.table),
    normalisation["label"],
    normalisation["features"],
    order=order,
    title="Features by importance, raw values",
)
save_figure(figure, snakemake.output[0], snakemake.params.dpi)
