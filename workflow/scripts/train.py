"""Rule train: normalised tables -> one trained model's weights and per-batch history."""

import json
import sys

sys.stderr = open(snakemake.log[0], "w")  # noqa: SIM115 - the log stays open for the whole job

import pandas as pd  # noqa: E402

from winenet.network import save_parameters  # noqa: E402
from winenet.training import TrainingDiverged, epoch_summary, fit_model  # noqa: E402

with open(snakemake.input.normalisation) as handle:
    normalisation = json.load(handle)
model = snakemake.params.model
try:
    network, history = fit_model(
        pd.read_parquet(snakemake.input.train),
        pd.read_parquet(snakemake.input.test),
        normalisation,
        hidden=snakemake.params.network["hidden"],
        training=snakemake.params.training,
        penalty=model["penalty"],
        coefficient=model["coefficient"],
        name=f"model {snakemake.wildcards.model!r}",
    )
except TrainingDiverged as error:
    sys.exit(str(error))
save_parameters(snakemake.output.weights, network.parameters())
history.to_parquet(snakemake.output.history, index=False)
print(epoch_summary(history).groupby("phase").tail(1).to_string(index=False), file=sys.stderr)
