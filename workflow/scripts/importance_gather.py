"""Rule importance_gather: every shard's scores -> ranks, rank frequencies, summary, conclusion."""

import json
import sys

sys.stderr = open(snakemake.log[0], "w")  # noqa: SIM115 - the log stays open for the whole job

import pandas as pd  # noqa: E402

from winenet.importance import (  # noqa: E402
    conclusion,
    excluded_runs,
    importance_summary,
    rank_features,
    rank_frequencies,
)

with open(snakemake.input.normalisation) as handle:
    features = json.load(handle)["features"]
with open(snakemake.input.table) as handle:
    table = json.load(handle)
scores = pd.concat([pd.read_parquet(path) for path in snakemake.input.shards], ignore_index=True)
scores = scores.sort_values(["run"], kind="stable", ignore_index=True)
ranks = rank_features(scores)
summary = importance_summary(ranks, features)
reference = snakemake.params.reference
expected = reference["top_features"] if table["sha256"] == reference["table_sha256"] else None

scores.to_parquet(snakemake.output.scores, index=False)
ranks.to_parquet(snakemake.output.ranks, index=False)
rank_frequencies(ranks, features).to_parquet(snakemake.output.frequencies, index=False)
summary.to_csv(snakemake.output.summary, index=False, float_format="%.4f")
with open(snakemake.output.conclusion, "w") as handle:
    handle.write(conclusion(summary, excluded_runs(scores), snakemake.params.runs, expected) + "\n")
print(summary.to_string(index=False), file=sys.stderr)
