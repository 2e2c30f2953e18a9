"""Rule compare: every model's metrics -> one JSON to diff between runs and a side-by-side table."""

import json
import sys

sys.stderr = open(snakemake.log[0], "w")  # noqa: SIM115 - the log stays open for the whole job

from winenet.evaluation import comparison_table  # noqa: E402

metrics = {}
for model, path in zip(snakemake.params.models, snakemake.input.metrics, strict=True):
    with open(path) as handle:
        metrics[model] = json.load(handle)
with open(snakemake.output.metrics, "w") as handle:
    json.dump(metrics, handle, indent=2)
    handle.write("\n")
table = comparison_table(metrics)
table.to_csv(snakemake.output.summary, index=False, float_format="%.4f")
print(table.to_string(index=False), file=sys.stderr)
