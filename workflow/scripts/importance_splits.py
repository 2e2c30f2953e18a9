"""Rule importance_splits: the validated table -> the study's runs on further splits, scored and ranked."""

import sys

from winenet.jobs.job import start_job

start_job(snakemake)

from winenet.jobs.artifacts import read_parquet
from winenet.studies.splits import split_ranks, train_split_study

params = snakemake.params
scores = train_split_study(
    read_parquet(snakemake.input.table),
    params.label,
    snakemake.wildcards.normalisation,
    params.split,
    params.importance,
    hidden=params.hidden,
    learning_rate=params.learning_rate,
    batch_size=params.batch_size,
)
scores.to_parquet(snakemake.output.scores, index=False)
split_ranks(scores).to_parquet(snakemake.output.ranks, index=False)
print(f"{scores['run'].nunique()} runs on {scores['split'].nunique()} further splits", file=sys.stderr)
