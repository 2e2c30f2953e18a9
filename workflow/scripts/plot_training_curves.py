"""Rule plot_training_curves: one model's per-batch history -> loss, accuracy and volatility curves."""

import json
import sys

sys.stderr = open(snakemake.log[0], "w")  # noqa: SIM115 - the log stays open for the whole job

import pandas as pd  # noqa: E402

from winenet.plots import save_figure, training_curves  # noqa: E402
from winenet.training import epoch_summary  # noqa: E402

with open(snakemake.input.normalisation) as handle:
    normalisation = json.load(handle)
history = pd.read_parquet(snakemake.input.history)
training, model = snakemake.params.training, snakemake.params.model
sizes = [len(normalisation["features"]), *snakemake.params.network["hidden"], len(normalisation["classes"])]
annotation = (
    f"learning rate {training['learning_rate']}, batch size {training['batch_size']}, "
    f"layers {'-'.join(map(str, sizes))}, penalty {model['penalty']}, coefficient {model['coefficient']}"
)
figure = training_curves(epoch_summary(history), history, annotation)
save_figure(figure, snakemake.output[0], snakemake.params.dpi)
