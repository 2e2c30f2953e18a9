"""Rule plot_rank_heatmaps: rank frequencies -> features x ranks heatmaps, by weight and by gradient score."""

import json
import sys

sys.stderr = open(snakemake.log[0], "w")  # noqa: SIM115 - the log stays open for the whole job

import pandas as pd  # noqa: E402

from winenet.importance import HEATMAP_MEASURES, frequency_matrix  # noqa: E402
from winenet.plots import rank_heatmap, save_figure  # noqa: E402

with open(snakemake.input.normalisation) as handle:
    features = json.load(handle)["features"]
frequencies = pd.read_parquet(snakemake.input.frequencies)
for measure in HEATMAP_MEASURES:
    matrix = frequency_matrix(frequencies, measure, features)
    # Runs that diverged or learned nothing are not ranked: count the runs the heatmap shows.
    ranked = int(matrix.iloc[0].sum())
    title = (
        f"Feature ranks by {measure} score over {ranked} of {snakemake.params.runs} runs "
        f"({snakemake.params.penalty} penalty), {snakemake.wildcards.normalisation} normalisation"
    )
    figure = rank_heatmap(matrix, title)
    save_figure(figure, snakemake.output[measure], snakemake.params.dpi)
