"""Rule train: normalised tables -> one trained model's weights and per-batch history."""

import sys

from winenet.jobs.job import start_job

start_job(snakemake)

from winenet.jobs.artifacts import (
    read_json,
    read_parquet,
    write_json,
)
from winenet.model.model_files import model_description, save_parameters
from winenet.model.training import epoch_summary, fit_model

normalisation = read_json(snakemake.input.normalisation)
model = snakemake.params.model
network, history = fit_model(
    read_parquet(snakemake.input.train),
    read_parquet(snakemake.input.test),
    normalisation,
    hidden=snakemake.params.network["hidden"],
    training=snakemake.params.training,
    penalty=model["penalty"],
    coefficient=model["coefficient"],
    name=f"model {snakemake.wildcards.model!r}",
)
save_parameters(snakemake.output.weights, network.parameters())
description = model_description(normalisation, network.sizes, model["penalty"], model["coefficient"])
write_json(snakemake.output.description, description)
history.to_parquet(snakemake.output.history, index=False)
print(epoch_summary(history).groupby("phase").tail(1).to_string(index=False), file=sys.stderr)
