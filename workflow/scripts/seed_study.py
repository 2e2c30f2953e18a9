"""Rule seed_study: one model trained with many seeds on the report's split -> accuracy per seed."""

import sys

from winenet.jobs.job import start_job

start_job(snakemake)

from winenet.data.arrays import model_arrays
from winenet.jobs.artifacts import read_json, read_parquet
from winenet.studies.seeds import seed_runs

normalisation = read_json(snakemake.input.normalisation)
x_train, y_train = model_arrays(read_parquet(snakemake.input.train), normalisation)
x_test, y_test = model_arrays(read_parquet(snakemake.input.test), normalisation)
model = snakemake.params.model
accuracy, history = seed_runs(
    (x_train, y_train, x_test, y_test),
    sizes=[x_train.shape[1], *snakemake.params.network["hidden"], len(normalisation["classes"])],
    penalty=model["penalty"],
    coefficient=model["coefficient"],
    training=snakemake.params.training,
    seeds=snakemake.params.seeds,
)
accuracy.insert(0, "model", snakemake.wildcards.model)
accuracy.to_parquet(snakemake.output.accuracy, index=False)
history.to_parquet(snakemake.output.history, index=False)
print(accuracy.to_string(index=False), file=sys.stderr)
