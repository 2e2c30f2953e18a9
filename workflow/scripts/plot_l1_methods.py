"""Rule plot_l1_methods: both L1 methods' histories and sparsity -> one side-by-side figure."""

from winenet.jobs.job import start_job

start_job(snakemake)

from winenet.jobs.artifacts import read_csv, read_parquet
from winenet.model.training import epoch_summary
from winenet.report.plots import method_curves, save_figure

table = read_csv(snakemake.input.table)
histories = [snakemake.input.subgradient_history, snakemake.input.proximal_history]
epochs = {
    method: epoch_summary(read_parquet(path)) for method, path in zip(table["method"], histories, strict=True)
}
zero_shares = table.set_index("method")["first_layer_zero_share"]
title = f"Subgradient versus proximal L1, coefficient {snakemake.params.coefficient}"
save_figure(method_curves(epochs, zero_shares, title), snakemake.output[0], snakemake.params.dpi)
