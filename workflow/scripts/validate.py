"""Rule validate: the CSV -> a typed, checked table and its summary, or an exit naming every problem."""

import json
import sys

sys.stderr = open(snakemake.log[0], "w")  # noqa: SIM115 - the log stays open for the whole job

from winenet.data import DataValidationError, load_table, table_summary  # noqa: E402

try:
    table = load_table(snakemake.input.table, snakemake.params.label, snakemake.params.features)
except DataValidationError as error:
    sys.exit(str(error))
table.to_parquet(snakemake.output.table, index=False)
with open(snakemake.output.summary, "w") as handle:
    json.dump(table_summary(table, snakemake.params.label, snakemake.input.table), handle, indent=2)
    handle.write("\n")
print(f"{len(table)} rows, {table.shape[1] - 1} features: valid", file=sys.stderr)
