"""Rule importance_gather: every shard's scores -> ranks, rank frequencies, summary, conclusion."""

import sys

from winenet.jobs.job import start_job

start_job(snakemake)

import pandas as pd

from winenet.jobs.artifacts import read_json, read_parquet
from winenet.studies.importance import excluded_runs, rank_features, rank_frequencies
from winenet.studies.ranking import conclusion, importance_summary

features = read_json(snakemake.input.normalisation)["features"]
scores = pd.concat([read_parquet(path) for path in snakemake.input.shards], ignore_index=True)
scores = scores.sort_values(["run"], kind="stable", ignore_index=True)
ranks = rank_features(scores)
summary = importance_summary(ranks, features)

scores.to_parquet(snakemake.output.scores, index=False)
ranks.to_parquet(snakemake.output.ranks, index=False)
rank_frequencies(ranks, features).to_parquet(snakemake.output.frequencies, index=False)
summary.to_csv(snakemake.output.summary, index=False, float_format="%.4f")
with open(snakemake.output.conclusion, "w") as handle:
    handle.write(conclusion(summary, excluded_runs(scores), snakemake.params.runs) + "\n")
print(summary.to_string(index=False), file=sys.stderr)
