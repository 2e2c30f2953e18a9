"""Rule validate: the CSV -> a typed, checked table and its summary, or an exit naming every problem."""

import sys

from winenet.job import start_job

start_job(snakemake)

from winenet.artifacts import write_json  # noqa: E402
from winenet.tables import load_table, table_summary  # noqa: E402

params = snakemake.params
table = load_table(snakemake.input.table, params.label, params.features, params.exclude)
table.to_parquet(snakemake.output.table, index=False)
write_json(snakemake.output.summary, table_summary(table, snakemake.params.label, snakemake.input.table))
print(f"{len(table)} rows, {table.shape[1] - 1} features: valid", file=sys.stderr)
