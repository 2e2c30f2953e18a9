"""Rule plot_evaluation: one model's predictions, metrics and ROC points -> ROC curves, confusion matrix."""

import json
import sys

sys.stderr = open(snakemake.log[0], "w")  # noqa: SIM115 - the log stays open for the whole job

import pandas as pd  # noqa: E402

from winenet.plots import confusion_matrix_figure, roc_curves, save_figure  # noqa: E402

with open(snakemake.input.normalisation) as handle:
    classes = json.load(handle)["classes"]
with open(snakemake.input.metrics) as handle:
    aucs = {cls: scores["roc_auc"] for cls, scores in json.load(handle)["classes"].items()}
model = snakemake.wildcards.model
roc = roc_curves(pd.read_parquet(snakemake.input.roc), aucs, classes, f"ROC curves, model {model}")
save_figure(roc, snakemake.output.roc, snakemake.params.dpi)
predictions = pd.read_parquet(snakemake.input.predictions)
confusion = confusion_matrix_figure(
    predictions["true"].to_numpy(),
    predictions["predicted"].to_numpy(),
    classes,
    f"Confusion matrix, model {model}",
)
save_figure(confusion, snakemake.output.confusion, snakemake.params.dpi)
