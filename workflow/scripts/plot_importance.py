"""Rule plot_importance: rank frequencies and summary -> heatmaps and features sorted by importance."""

import json
import sys

sys.stderr = open(snakemake.log[0], "w")  # noqa: SIM115 - the log stays open for the whole job

import pandas as pd  # noqa: E402

from winenet.importance import frequency_matrix  # noqa: E402
from winenet.plots import feature_distributions, rank_heatmap, save_figure  # noqa: E402

with open(snakemake.input.normalisation) as handle:
    normalisation = json.load(handle)
features, label = normalisation["features"], normalisation["label"]
frequencies = pd.read_parquet(snakemake.input.frequencies)
runs, dpi = snakemake.params.runs, snakemake.params.dpi
for measure in ("weight", "gradient"):
    title = f"Feature ranks by {measure} score over {runs} L1 runs"
    figure = rank_heatmap(frequency_matrix(frequencies, measure, features), title)
    save_figure(figure, snakemake.output[measure], dpi)

order = pd.read_csv(snakemake.input.summary)["feature"].tolist()
table = pd.read_parquet(snakemake.input.table)
figure = feature_distributions(
    table, label, features, order=order, title="Features by importance, raw values"
)
save_figure(figure, snakemake.output.ranked, dpi)
