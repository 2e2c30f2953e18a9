"""Rule plot_evaluation: one model's predictions, metrics and ROC points -> ROC curves, confusion matrix."""

from winenet.job import start_job

start_job(snakemake)

from winenet.artifacts import read_json, read_parquet  # noqa: E402
from winenet.plots import confusion_matrix_figure, roc_curves, save_figure  # noqa: E402

normalisation = read_json(snakemake.input.normalisation)
classes = normalisation["classes"]
aucs = {cls: scores["roc_auc"] for cls, scores in read_json(snakemake.input.metrics)["classes"].items()}
model = snakemake.wildcards.model
roc = roc_curves(read_parquet(snakemake.input.roc), aucs, classes, f"ROC curves, model {model}")
save_figure(roc, snakemake.output.roc, snakemake.params.dpi)
predictions = read_parquet(snakemake.input.predictions)
confusion = confusion_matrix_figure(
    predictions["true"].to_numpy(),
    predictions["predicted"].to_numpy(),
    classes,
    f"Confusion matrix, model {model}",
    label=normalisation["label"],
)
save_figure(confusion, snakemake.output.confusion, snakemake.params.dpi)
