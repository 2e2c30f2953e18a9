"""Rule compare: every model's metrics -> one JSON to diff between runs, a side-by-side table, its figure."""

import sys

from winenet.jobs.job import start_job

start_job(snakemake)

from winenet.jobs.artifacts import read_csv, read_json, write_json
from winenet.model.comparison import comparison_table, resolution_note
from winenet.report.plots import metric_bars, save_figure

metrics = {
    model: read_json(path)
    for model, path in zip(snakemake.params.models, snakemake.input.metrics, strict=True)
}
write_json(snakemake.output.metrics, metrics)
table = comparison_table(metrics)
with open(snakemake.output.note, "w") as handle:
    handle.write(resolution_note(metrics))
table.to_csv(snakemake.output.summary, index=False, float_format="%.4f")
print(table.to_string(index=False), file=sys.stderr)
# The figure shows the table beside it: drawn from the file just written.
figure = metric_bars(read_csv(snakemake.output.summary), "accuracy", "model", "Validation accuracy per model")
save_figure(figure, snakemake.output.figure, snakemake.params.dpi)
