"""Rule plot_evaluation: one model's validation predictions -> ROC curves and confusion matrix."""

import json
import sys

sys.stderr = open(snakemake.log[0], "w")  # noqa: SIM115 - the log stays open for the whole job

import pandas as pd  # noqa: E402

from winenet.evaluation import probability_column  # noqa: E402
from winenet.plots import confusion_matrix_figure, roc_curves, save_figure  # noqa: E402

with open(snakemake.input.normalisation) as handle:
    classes = json.load(handle)["classes"]
predictions = pd.read_parquet(snakemake.input.predictions)
model = snakemake.wildcards.model
probabilities = predictions[[probability_column(cls) for cls in classes]].to_numpy()
roc = roc_curves(predictions["true"].to_numpy(), probabilities, classes, f"ROC curves, model {model}")
save_figure(roc, snakemake.output.roc, snakemake.params.dpi)
confusion = confusion_matrix_figure(
    predictions["true"].to_numpy(),
    predictions["predicted"].to_numpy(),
    classes,
    f"Confusion matrix, model {model}",
)
save_figure(confusion, snakemake.output.confusion, snakemake.params.dpi)
