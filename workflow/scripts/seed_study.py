"""Rule seed_study: one model trained with many seeds on the report's split -> accuracy per seed."""

import json
import sys

sys.stderr = open(snakemake.log[0], "w")  # noqa: SIM115 - the log stays open for the whole job

import pandas as pd  # noqa: E402

from winenet.training import model_arrays  # noqa: E402
from winenet.uncertainty import seed_accuracies  # noqa: E402

with open(snakemake.input.normalisation) as handle:
    normalisation = json.load(handle)
x_train, y_train = model_arrays(pd.read_parquet(snakemake.input.train), normalisation)
x_test, y_test = model_arrays(pd.read_parquet(snakemake.input.test), normalisation)
model, training, seeds = snakemake.params.model, snakemake.params.training, snakemake.params.seeds
accuracies = seed_accuracies(
    x_train,
    y_train,
    x_test,
    y_test,
    sizes=[x_train.shape[1], *snakemake.params.network["hidden"], len(normalisation["classes"])],
    penalty=model["penalty"],
    coefficient=model["coefficient"],
    learning_rate=training["learning_rate"],
    batch_size=training["batch_size"],
    epochs=training["epochs"],
    seeds=seeds["count"],
    seed=seeds["seed"],
    dtype=seeds["dtype"],
)
table = pd.DataFrame(
    {"model": snakemake.wildcards.model, "run": range(len(accuracies)), "accuracy": accuracies}
)
table.to_parquet(snakemake.output[0], index=False)
print(table["accuracy"].describe().to_string(), file=sys.stderr)
