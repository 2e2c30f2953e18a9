"""Rule claims: the run's outputs -> a verdict on each declared claim, with every number it rests on."""

import sys

from winenet.jobs.job import start_job

start_job(snakemake)

import pandas as pd

from winenet.jobs.artifacts import read_json, read_parquet
from winenet.verdicts.columns import GLANCE_COLUMNS
from winenet.verdicts.evidence import Evidence, seed_curves
from winenet.verdicts.settle import judge_claims

inputs, params = snakemake.input, snakemake.params


def by_name(names, paths, read=read_parquet):
    return {name: read(path) for name, path in zip(names, paths, strict=True)}


folds = [read_parquet(path) for path in [*inputs.models, *inputs.baselines]]
evidence = Evidence(
    table=read_json(inputs.table),
    metrics=read_json(inputs.metrics),
    seeds=by_name(params.seed_models, inputs.seeds),
    curves=by_name(params.seed_models, inputs.seed_histories, lambda path: seed_curves(read_parquet(path))),
    per_fold=pd.concat(folds, ignore_index=True),
    networks=params.models,
    ranks=by_name(params.normalisations, inputs.ranks),
    scores=by_name(params.normalisations, inputs.scores),
    features=by_name(params.normalisations, inputs.features),
    split_ranks=by_name(params.split_normalisations, inputs.split_ranks),
    split_scores=by_name(params.split_normalisations, inputs.split_scores),
    settings=params.settings,
    design=params.design,
    reference_sha256=params.reference_sha256,
)
claims = judge_claims(params.statements, evidence)
claims.to_parquet(snakemake.output[0], index=False)
print(claims[GLANCE_COLUMNS].to_string(index=False), file=sys.stderr)
