"""Rule evaluate: a trained model, its history and the validation rows -> metrics, report and its figures."""

import sys

from winenet.jobs.job import start_job

start_job(snakemake)

from winenet.data.arrays import model_arrays
from winenet.jobs.artifacts import read_json, read_parquet, write_json
from winenet.model.evaluation import (
    classification_metrics,
    classification_report_text,
    learning_status,
    roc_points,
    status_note,
)
from winenet.model.model_files import load_parameters, predict_table
from winenet.model.network import Network
from winenet.model.training import epoch_summary
from winenet.report.plots import roc_curves, save_figure, training_curves
from winenet.report.stat_plots import confusion_matrix_figure

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

# The model's figures, drawn from the files just written, as a reader of them would.
params, output, model = snakemake.params, snakemake.output, snakemake.wildcards.model
history = read_parquet(snakemake.input.history)
sizes = [len(normalisation["features"]), *params.hidden, len(classes)]
annotation = (
    f"model {model}: learning rate {params.learning_rate}, batch size {params.batch_size}, "
    f"layers {'-'.join(map(str, sizes))}, penalty {penalty}, coefficient {coefficient}"
)
save_figure(training_curves(epoch_summary(history), history, annotation), output.curves, params.dpi)
written = read_json(output.metrics)
aucs = {cls: scores["roc_auc"] for cls, scores in written["classes"].items()}
roc = roc_curves(read_parquet(output.roc), aucs, classes, f"ROC curves, model {model}")
save_figure(roc, output.roc_figure, params.dpi)
title = f"Confusion matrix, model {model}"
confusion = confusion_matrix_figure(written["confusion_matrix"], classes, title, label=normalisation["label"])
save_figure(confusion, output.confusion, params.dpi)
