"""Rule plot_model: one model's history and validation predictions -> its three figures."""

from winenet.job import start_job

start_job(snakemake)

from winenet.artifacts import read_json, read_parquet  # noqa: E402
from winenet.plots import roc_curves, save_figure, training_curves  # noqa: E402
from winenet.stat_plots import confusion_matrix_figure  # noqa: E402
from winenet.training import epoch_summary  # noqa: E402

inputs, params, output = snakemake.input, snakemake.params, snakemake.output
model = snakemake.wildcards.model
normalisation = read_json(inputs.normalisation)
classes = normalisation["classes"]

history = read_parquet(inputs.history)
sizes = [len(normalisation["features"]), *params.hidden, len(classes)]
annotation = (
    f"model {model}: learning rate {params.learning_rate}, batch size {params.batch_size}, "
    f"layers {'-'.join(map(str, sizes))}, penalty {params.penalty}, coefficient {params.coefficient}"
)
save_figure(training_curves(epoch_summary(history), history, annotation), output.curves, params.dpi)

metrics = read_json(inputs.metrics)
aucs = {cls: scores["roc_auc"] for cls, scores in metrics["classes"].items()}
roc = roc_curves(read_parquet(inputs.roc), aucs, classes, f"ROC curves, model {model}")
save_figure(roc, output.roc, params.dpi)
title = f"Confusion matrix, model {model}"
confusion = confusion_matrix_figure(metrics["confusion_matrix"], classes, title, label=normalisation["label"])
save_figure(confusion, output.confusion, params.dpi)
