"""Rule plot_importance: one normalisation's study -> rank heatmaps and the features by importance."""

from winenet.jobs.job import start_job

start_job(snakemake)

from winenet.jobs.artifacts import read_csv, read_json, read_parquet
from winenet.report.plots import save_figure
from winenet.report.stat_plots import feature_distributions, rank_heatmap
from winenet.studies.importance import frequency_matrix
from winenet.studies.measures import HEATMAP_MEASURES

inputs, params, output = snakemake.input, snakemake.params, snakemake.output
normalisation = read_json(inputs.normalisation)
features = normalisation["features"]
frequencies = read_parquet(inputs.frequencies)
for measure in HEATMAP_MEASURES:
    matrix = frequency_matrix(frequencies, measure, features)
    # Runs that diverged or learned nothing are not ranked: count the runs the heatmap shows.
    ranked = int(matrix.iloc[0].sum())
    title = (
        f"Feature ranks by {measure} score over {ranked} of {params.runs} runs "
        f"({params.penalty} penalty), {snakemake.wildcards.normalisation} normalisation"
    )
    save_figure(rank_heatmap(matrix, title), output[measure], params.dpi)

order = read_csv(inputs.summary)["feature"].tolist()
figure = feature_distributions(
    read_parquet(inputs.table),
    normalisation["label"],
    features,
    order=order,
    title=f"Features by importance ({snakemake.wildcards.normalisation} normalisation), raw values",
)
save_figure(figure, output.features, params.dpi)
