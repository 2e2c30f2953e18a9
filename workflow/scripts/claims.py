"""Rule claims: the run's outputs -> a verdict with its evidence on each of the report's claims."""

import json
import sys

sys.stderr = open(snakemake.log[0], "w")  # noqa: SIM115 - the log stays open for the whole job

import pandas as pd  # noqa: E402

from winenet.claims import Outputs, judge_claims  # noqa: E402
from winenet.importance import excluded_runs  # noqa: E402

inputs, params = snakemake.input, snakemake.params
with open(inputs.table) as handle:
    table = json.load(handle)
validated = pd.read_parquet(inputs.validated)
with open(inputs.metrics) as handle:
    metrics = json.load(handle)
models = params.models
normalisations = params.normalisations
folds = params.folds
outputs = Outputs(
    table=table,
    models=models,
    metrics=metrics,
    histories={model: pd.read_parquet(path) for model, path in zip(models, inputs.histories, strict=True)},
    seeds=pd.read_csv(inputs.seeds),
    cross_validation=pd.read_csv(inputs.cross_validation),
    differences=pd.read_csv(inputs.differences),
    importance={n: pd.read_csv(path) for n, path in zip(normalisations, inputs.importance, strict=True)},
    normalisations=normalisations,
    training_features=validated.iloc[pd.read_parquet(inputs.train, columns=["row"])["row"]][
        table["features"]
    ],
    l1_histories={
        "subgradient": pd.read_parquet(inputs.subgradient_history),
        "proximal": pd.read_parquet(inputs.proximal_history),
    },
    settings=params.claims,
    reference=params.reference,
    rope=params.rope,
    folds=f"{folds['folds']} folds x {folds['repeats']} repeats of stratified cross-validation",
    excluded_runs={
        n: excluded_runs(pd.read_parquet(path)) for n, path in zip(normalisations, inputs.scores, strict=True)
    },
)
claims = judge_claims(outputs)
claims.to_csv(snakemake.output.table, index=False)
print(claims.to_string(index=False), file=sys.stderr)
