"""Rule split_normalise: validated table -> normalised train/test tables and their statistics."""

import sys

from winenet.job import start_job

start_job(snakemake)

from winenet.artifacts import read_parquet, write_json  # noqa: E402
from winenet.data import scale_warning, split_normalise  # noqa: E402

table = read_parquet(snakemake.input.table)
label = snakemake.params.label
train, test, normalisation = split_normalise(
    table,
    label=label,
    features=[column for column in table.columns if column != label],
    test_size=snakemake.params.split["test_size"],
    random_state=snakemake.params.split["random_state"],
    method=snakemake.wildcards.normalisation,
)
train.to_parquet(snakemake.output.train, index=False)
test.to_parquet(snakemake.output.test, index=False)
write_json(snakemake.output.normalisation, normalisation)
warning = scale_warning(train, normalisation)
with open(snakemake.output.notes, "w") as handle:
    handle.write(warning + "\n" if warning else "")
print(f"train {len(train)} rows, test {len(test)} rows", file=sys.stderr)
if warning:
    print(f"warning: {warning}", file=sys.stderr)
