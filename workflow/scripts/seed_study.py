"""Rule seed_study: one model trained with many seeds on the report's split -> accuracy per seed."""

import json
import sys

sys.stderr = open(snakemake.log[0], "w")  # noqa: SIM115 - the log stays open for the whole job

import pandas as pd  # noqa: E402

from winenet.data import model_arrays  # noqa: E402
from winenet.seeds import seed_runs  # noqa: E402

with open(snakemake.input.normalisation) as handle:
    normalisation = json.load(handle)
x_train, y_train = model_arrays(pd.read_parquet(snakemake.input.train), normalisation)
x_test, y_test = model_arrays(pd.read_parquet(snakemake.input.test), normalisation)
model = snakemake.params.model
table = seed_runs(
    (x_train, y_train, x_test, y_test),
    sizes=[x_train.shape[1], *snakemake.params.network["hidden"], len(normalisation["classes"])],
    penalty=model["penalty"],
    coefficient=model["coefficient"],
    training=snakemake.params.training,
    seeds=snakemake.params.seeds,
)
table.insert(0, "model", snakemake.wildcards.model)
table.to_parquet(snakemake.output[0], index=False)
print(table.to_string(index=False), file=sys.stderr)
