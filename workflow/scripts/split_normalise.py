"""Rule split_normalise: validated table -> normalised train/test tables and their statistics."""

import sys

from winenet.jobs.job import start_job

start_job(snakemake)

from winenet.data.preprocessing import scale_warning, split_normalise, split_notes
from winenet.jobs.artifacts import read_parquet, write_json

table = read_parquet(snakemake.input.table)
label = snakemake.params.label
train, test, normalisation = split_normalise(
    table,
    label=label,
    features=[column for column in table.columns if column != label],
    test_size=snakemake.params.split["test_size"],
    random_state=snakemake.params.split["random_state"],
    method=snakemake.wildcards.normalisation,
    stratify=snakemake.params.split["stratify"],
)
train.to_parquet(snakemake.output.train, index=False)
test.to_parquet(snakemake.output.test, index=False)
write_json(snakemake.output.normalisation, normalisation)
notes = [note for note in [scale_warning(train, normalisation), *split_notes(train, normalisation)] if note]
with open(snakemake.output.notes, "w") as handle:
    handle.write("".join(f"{note}\n\n" for note in notes))
print(f"train {len(train)} rows, test {len(test)} rows", file=sys.stderr)
for note in notes:
    print(f"warning: {note}", file=sys.stderr)
