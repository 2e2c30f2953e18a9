"""Rule validate: the CSV -> a typed, checked table and its summary, or an exit naming every problem."""

import sys

from winenet.jobs.job import start_job

start_job(snakemake)

from winenet.data.tables import load_table, table_summary
from winenet.jobs.artifacts import write_json

params = snakemake.params
table = load_table(snakemake.input.table, params.label, params.features, params.exclude)
table.to_parquet(snakemake.output.table, index=False)
write_json(snakemake.output.summary, table_summary(table, snakemake.params.label, snakemake.input.table))
print(f"{len(table)} rows, {table.shape[1] - 1} features: valid", file=sys.stderr)
