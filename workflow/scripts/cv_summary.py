"""Rule cv_summary: seeds and folds of every model -> corrected intervals and paired comparisons."""

import sys

from winenet.job import start_job

start_job(snakemake)

import pandas as pd  # noqa: E402

from winenet.artifacts import read_parquet  # noqa: E402
from winenet.summaries import accuracy_table, paired_differences, seed_table  # noqa: E402

per_seed = pd.concat([read_parquet(path) for path in snakemake.input.seeds], ignore_index=True)
paths = [*snakemake.input.models, *snakemake.input.baselines]
per_fold = pd.concat([read_parquet(path) for path in paths], ignore_index=True)
accuracy = accuracy_table(per_fold)
differences = paired_differences(per_fold, snakemake.params.models, snakemake.params.margin)
seed_table(per_seed).to_csv(snakemake.output.seeds, index=False, float_format="%.4f")
accuracy.to_csv(snakemake.output.cross_validation, index=False, float_format="%.4f")
differences.to_csv(snakemake.output.differences, index=False, float_format="%.4f")
print(accuracy.to_string(index=False), file=sys.stderr)
print(differences.to_string(index=False), file=sys.stderr)
