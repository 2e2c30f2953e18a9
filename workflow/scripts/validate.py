"""Rule validate: the CSV -> a typed, checked table, or a non-zero exit naming every problem."""

import sys

sys.stderr = open(snakemake.log[0], "w")  # noqa: SIM115 - the log stays open for the whole job

from winenet.data import DataValidationError, load_table  # noqa: E402

try:
    table = load_table(snakemake.input.table, snakemake.params.label, snakemake.params.features)
except DataValidationError as error:
    sys.exit(str(error))
table.to_parquet(snakemake.output[0], index=False)
print(f"{len(table)} rows, {table.shape[1] - 1} features: valid", file=sys.stderr)
