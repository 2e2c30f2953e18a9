"""Rule claims: the run's outputs -> a verdict with its evidence on each of the report's claims."""

import sys

from winenet.job import finish_job, start_job

start_job(snakemake)

from winenet.artifacts import read_csv, read_json, read_parquet  # noqa: E402
from winenet.claims import Outputs, judge_claims  # noqa: E402
from winenet.importance import excluded_runs  # noqa: E402

inputs, params = snakemake.input, snakemake.params
table = read_json(inputs.table)
validated = read_parquet(inputs.validated)
metrics = read_json(inputs.metrics)
models = params.models
normalisations = params.normalisations
folds = params.folds
outputs = Outputs(
    table=table,
    models=models,
    metrics=metrics,
    histories={model: read_parquet(path) for model, path in zip(models, inputs.histories, strict=True)},
    seeds=read_csv(inputs.seeds),
    cross_validation=read_csv(inputs.cross_validation),
    differences=read_csv(inputs.differences),
    importance={n: read_csv(path) for n, path in zip(normalisations, inputs.importance, strict=True)},
    normalisations=normalisations,
    training_features=validated.iloc[read_parquet(inputs.train, columns=["row"])["row"]][table["features"]],
    l1_histories={
        "subgradient": read_parquet(inputs.subgradient_history),
        "proximal": read_parquet(inputs.proximal_history),
    },
    settings=params.claims,
    reference=params.reference,
    rope=params.rope,
    folds=f"{folds['folds']} folds x {folds['repeats']} repeats of stratified cross-validation",
    excluded_runs={
        n: excluded_runs(read_parquet(path)) for n, path in zip(normalisations, inputs.scores, strict=True)
    },
)
claims = judge_claims(outputs)
claims.to_csv(snakemake.output.table, index=False)
print(claims.to_string(index=False), file=sys.stderr)
finish_job()
