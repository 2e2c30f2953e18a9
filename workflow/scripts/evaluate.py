"""Rule evaluate: a trained model and the validation rows -> predictions, metrics, ROC points, report."""

import json
import sys

sys.stderr = open(snakemake.log[0], "w")  # noqa: SIM115 - the log stays open for the whole job

import pandas as pd  # noqa: E402

from winenet.data import model_arrays  # noqa: E402
from winenet.evaluation import (  # noqa: E402
    classification_metrics,
    classification_report_text,
    predict_table,
    roc_points,
)
from winenet.network import Network, load_parameters  # noqa: E402

with open(snakemake.input.normalisation) as handle:
    normalisation = json.load(handle)
test = pd.read_parquet(snakemake.input.test)
x, _ = model_arrays(test, normalisation)
model = snakemake.params.model
network = Network.from_parameters(
    load_parameters(snakemake.input.weights), model["penalty"], model["coefficient"]
)
classes = normalisation["classes"]
predictions = predict_table(
    network, x, test["row"].to_numpy(), test[normalisation["label"]].to_numpy(), classes
)
metrics = {"penalty": model["penalty"], "coefficient": model["coefficient"]}
metrics |= classification_metrics(predictions, classes)

predictions.to_parquet(snakemake.output.predictions, index=False)
roc_points(predictions, classes).to_parquet(snakemake.output.roc, index=False)
with open(snakemake.output.metrics, "w") as handle:
    json.dump(metrics, handle, indent=2)
    handle.write("\n")
report = classification_report_text(predictions, classes)
with open(snakemake.output.report, "w") as handle:
    handle.write(report)
print(report, file=sys.stderr)
