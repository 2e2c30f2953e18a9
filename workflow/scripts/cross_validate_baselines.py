"""Rule cross_validate_baselines: scikit-learn baselines on the same folds -> accuracy per fold."""

import sys

sys.stderr = open(snakemake.log[0], "w")  # noqa: SIM115 - the log stays open for the whole job

import pandas as pd  # noqa: E402

from winenet.uncertainty import cross_validate_baselines, cv_folds  # noqa: E402

table = pd.read_parquet(snakemake.input.table)
label, cv = snakemake.params.label, snakemake.params.cross_validation
folds = cv_folds(table[label], cv["folds"], cv["repeats"], cv["random_state"])
scores = cross_validate_baselines(
    table, label, "all", folds, normalisation_method=cv["baseline_normalisation"], seed=cv["seed"]
)
result = pd.concat(
    [
        pd.DataFrame({"model": name, "fold": range(len(folds)), "accuracy": values})
        for name, values in scores.items()
    ],
    ignore_index=True,
)
result.to_parquet(snakemake.output[0], index=False)
print(result.groupby("model")["accuracy"].mean().to_string(), file=sys.stderr)
