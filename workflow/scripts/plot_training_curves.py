"""Rule plot_training_curves: one model's per-batch history -> loss, accuracy and volatility curves."""

from winenet.job import start_job

start_job(snakemake)

from winenet.artifacts import read_json, read_parquet  # noqa: E402
from winenet.plots import save_figure, training_curves  # noqa: E402
from winenet.training import epoch_summary  # noqa: E402

normalisation = read_json(snakemake.input.normalisation)
history = read_parquet(snakemake.input.history)
training, model = snakemake.params.training, snakemake.params.model
sizes = [len(normalisation["features"]), *snakemake.params.network["hidden"], len(normalisation["classes"])]
annotation = (
    f"learning rate {training['learning_rate']}, batch size {training['batch_size']}, "
    f"layers {'-'.join(map(str, sizes))}, penalty {model['penalty']}, coefficient {model['coefficient']}"
)
figure = training_curves(epoch_summary(history), history, annotation)
save_figure(figure, snakemake.output[0], snakemake.params.dpi)
