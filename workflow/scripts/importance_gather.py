"""Rule importance_gather: every shard's scores -> ranks, rank frequencies, summary, conclusion."""

import sys

from winenet.job import start_job

start_job(snakemake)

import pandas as pd  # noqa: E402

from winenet.artifacts import read_json, read_parquet  # noqa: E402
from winenet.importance import excluded_runs, rank_features, rank_frequencies  # noqa: E402
from winenet.ranking import conclusion, importance_summary  # noqa: E402

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
