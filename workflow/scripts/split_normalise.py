"""Rule split_normalise: validated table -> normalised train/test tables and their statistics."""

import json
import sys

sys.stderr = open(snakemake.log[0], "w")  # noqa: SIM115 - the log stays open for the whole job

import pandas as pd  # noqa: E402

from winenet.data import DataValidationError, split_normalise  # noqa: E402

table = pd.read_parquet(snakemake.input.table)
label = snakemake.params.label
try:
    train, test, normalisation = split_normalise(
        table,
        label=label,
        features=[column for column in table.columns if column != label],
        test_size=snakemake.params.split["test_size"],
        random_state=snakemake.params.split["random_state"],
        method=snakemake.wildcards.normalisation,
    )
except DataValidationError as error:
    sys.exit(str(error))
train.to_parquet(snakemake.output.train, index=False)
test.to_parquet(snakemake.output.test, index=False)
with open(snakemake.output.normalisation, "w") as handle:
    json.dump(normalisation, handle, indent=2)
    handle.write("\n")
print(f"train {len(train)} rows, test {len(test)} rows", file=sys.stderr)
