"""Rule plot_rank_heatmaps: rank frequencies -> features x ranks heatmaps, by weight and by gradient score."""

from winenet.job import start_job

start_job(snakemake)

from winenet.artifacts import read_json, read_parquet  # noqa: E402
from winenet.importance import HEATMAP_MEASURES, frequency_matrix  # noqa: E402
from winenet.plots import rank_heatmap, save_figure  # noqa: E402

features = read_json(snakemake.input.normalisation)["features"]
frequencies = read_parquet(snakemake.input.frequencies)
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
