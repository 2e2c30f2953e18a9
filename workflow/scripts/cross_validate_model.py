"""Rule cross_validate_model: one model on the repeated stratified folds -> held-out accuracy per fold."""

import sys

sys.stderr = open(snakemake.log[0], "w")  # noqa: SIM115 - the log stays open for the whole job

import pandas as pd  # noqa: E402

from winenet.uncertainty import cross_validate_network, cv_folds  # noqa: E402

table = pd.read_parquet(snakemake.input.table)
label, cv = snakemake.params.label, snakemake.params.cross_validation
model, training = snakemake.params.model, snakemake.params.training
folds = cv_folds(table[label], cv["folds"], cv["repeats"], cv["random_state"])
accuracies = cross_validate_network(
    table,
    label,
    "all",
    folds,
    normalisation_method=snakemake.params.normalisation["method"],
    hidden=snakemake.params.network["hidden"],
    penalty=model["penalty"],
    coefficient=model["coefficient"],
    learning_rate=training["learning_rate"],
    batch_size=training["batch_size"],
    epochs=training["epochs"],
    seed=cv["seed"],
    dtype=cv["dtype"],
)
result = pd.DataFrame({"model": snakemake.wildcards.model, "fold": range(len(folds)), "accuracy": accuracies})
result.to_parquet(snakemake.output[0], index=False)
print(result["accuracy"].describe().to_string(), file=sys.stderr)
