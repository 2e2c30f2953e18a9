"""Rule l1_methods: the proximal L1 step trained beside the subgradient L1 model, compared in a table."""

import sys

from winenet.jobs.job import start_job

start_job(snakemake)

from winenet.data.arrays import model_arrays
from winenet.jobs.artifacts import read_json, read_parquet
from winenet.model.model_files import load_parameters, save_parameters
from winenet.model.training import fit_model
from winenet.studies.l1_methods import method_table

normalisation = read_json(snakemake.input.normalisation)
train, test = read_parquet(snakemake.input.train), read_parquet(snakemake.input.test)
params = snakemake.params
coefficient = params.coefficient
training = {key: getattr(params, key) for key in ("learning_rate", "batch_size", "epochs", "seed")}
proximal, proximal_history = fit_model(
    train,
    test,
    normalisation,
    hidden=params.hidden,
    training=training,
    penalty="l1_proximal",
    coefficient=coefficient,
    name="the proximal L1 model",
)
save_parameters(snakemake.output.weights, proximal.parameters())
proximal_history.to_parquet(snakemake.output.history, index=False)

subgradient = (
    load_parameters(snakemake.input.subgradient_weights),
    read_parquet(snakemake.input.subgradient_history),
)
methods = {"l1 subgradient": subgradient, "l1 proximal": (proximal.parameters(), proximal_history)}
table = method_table(methods, coefficient, *model_arrays(test, normalisation), normalisation["features"])
table.to_csv(snakemake.output.table, index=False, float_format="%.4f")
print(table.to_string(index=False), file=sys.stderr)
