"""Rule uncertainty_summary: seeds and folds of every model -> intervals, paired differences, figures."""

import sys

sys.stderr = open(snakemake.log[0], "w")  # noqa: SIM115 - the log stays open for the whole job

import pandas as pd  # noqa: E402

from winenet.plots import accuracy_spread, difference_intervals, save_figure  # noqa: E402
from winenet.uncertainty import cv_table, paired_differences, uncertainty_conclusion  # noqa: E402


def by_model(paths):
    table = pd.concat([pd.read_parquet(path) for path in paths], ignore_index=True)
    return {model: rows["accuracy"].to_numpy() for model, rows in table.groupby("model", sort=False)}


seeds = by_model(snakemake.input.seeds)
folds = by_model([*snakemake.input.models, snakemake.input.baselines])
seed_table, cv = cv_table(seeds), cv_table(folds)
differences = paired_differences(folds, n_boot=snakemake.params.bootstrap, seed=snakemake.params.seed)

seed_table.to_csv(snakemake.output.seeds, index=False, float_format="%.4f")
cv.to_csv(snakemake.output.cross_validation, index=False, float_format="%.4f")
differences.to_csv(snakemake.output.differences, index=False, float_format="%.4f")
focus = "l2" if "l2" in seeds else snakemake.params.models[0]
with open(snakemake.output.conclusion, "w") as handle:
    handle.write(uncertainty_conclusion(seed_table, cv, differences, focus=focus) + "\n")

dpi = snakemake.params.dpi
title = f"Validation accuracy on the report's split, {len(next(iter(seeds.values())))} seeds per model"
save_figure(accuracy_spread(seeds, title), snakemake.output.seed_figure, dpi)
title = f"Held-out accuracy over {len(next(iter(folds.values())))} folds of repeated cross-validation"
save_figure(accuracy_spread(folds, title), snakemake.output.cv_figure, dpi)
title = "Paired differences in accuracy on the same folds"
save_figure(difference_intervals(differences, title), snakemake.output.difference_figure, dpi)
print(cv.to_string(index=False), file=sys.stderr)
