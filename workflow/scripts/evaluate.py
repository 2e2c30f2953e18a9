"""Rule evaluate: a trained model and the validation rows -> predictions, metrics, ROC points, report."""

import sys

from winenet.job import start_job

start_job(snakemake)

from winenet.artifacts import read_json, read_parquet, write_json  # noqa: E402
from winenet.evaluation import (  # noqa: E402
    classification_metrics,
    classification_report_text,
    learning_status,
    roc_points,
    status_note,
)
from winenet.model_files import load_parameters, predict_table  # noqa: E402
from winenet.network import Network  # noqa: E402
from winenet.preprocessing import model_arrays  # noqa: E402

normalisation = read_json(snakemake.input.normalisation)
test = read_parquet(snakemake.input.test)
x, _ = model_arrays(test, normalisation)
penalty, coefficient = snakemake.params.penalty, snakemake.params.coefficient
network = Network.from_parameters(load_parameters(snakemake.input.weights), penalty, coefficient)
classes = normalisation["classes"]
predictions = predict_table(
    network, x, test["row"].to_numpy(), test[normalisation["label"]].to_numpy(), classes
)
metrics = {"penalty": penalty, "coefficient": coefficient}
metrics |= classification_metrics(predictions, classes) | learning_status(predictions)

predictions.to_parquet(snakemake.output.predictions, index=False)
roc_points(predictions, classes).to_parquet(snakemake.output.roc, index=False)
write_json(snakemake.output.metrics, metrics)
with open(snakemake.output.notes, "w") as handle:
    handle.write(status_note(snakemake.wildcards.model, metrics))
report = classification_report_text(predictions, classes)
with open(snakemake.output.report, "w") as handle:
    handle.write(report)
print(report, file=sys.stderr)
