"""Rule l1_methods: the proximal L1 step trained beside the subgradient L1 model, compared in a table."""

import json
import sys

sys.stderr = open(snakemake.log[0], "w")  # noqa: SIM115 - the log stays open for the whole job

import pandas as pd  # noqa: E402

from winenet.data import model_arrays  # noqa: E402
from winenet.evaluation import sparsity  # noqa: E402
from winenet.network import Network, load_parameters, save_parameters  # noqa: E402
from winenet.training import accuracy, epoch_summary, fit_model  # noqa: E402

with open(snakemake.input.normalisation) as handle:
    normalisation = json.load(handle)
train, test = pd.read_parquet(snakemake.input.train), pd.read_parquet(snakemake.input.test)
coefficient = snakemake.params.model["coefficient"]
proximal, proximal_history = fit_model(
    train,
    test,
    normalisation,
    hidden=snakemake.params.network["hidden"],
    training=snakemake.params.training,
    penalty="l1_proximal",
    coefficient=coefficient,
)
save_parameters(snakemake.output.weights, proximal.parameters())
proximal_history.to_parquet(snakemake.output.history, index=False)

x_test, y_test = model_arrays(test, normalisation)
features = normalisation["features"]
methods = {
    "l1 subgradient": (
        load_parameters(snakemake.input.subgradient_weights),
        snakemake.input.subgradient_history,
    ),
    "l1 proximal": (proximal.parameters(), snakemake.output.history),
}
rows = []
for method, (parameters, history_path) in methods.items():
    summary = epoch_summary(pd.read_parquet(history_path))
    last = summary[summary["epoch"] > summary["epoch"].max() - 100]
    network = Network.from_parameters(parameters)
    found = sparsity(parameters, features)
    rows.append(
        {
            "method": method,
            "coefficient": coefficient,
            "validation_accuracy": float(accuracy(network.forward(x_test), y_test)),
            "train_loss_volatility_last_100_epochs": float(
                last.loc[last["phase"] == "train", "loss_volatility"].mean()
            ),
            "first_layer_zero_share": found["first_layer_zero_share"],
            "all_weights_zero_share": found["all_weights_zero_share"],
            "features_switched_off": "; ".join(found["features_switched_off"]) or "none",
        }
    )
table = pd.DataFrame(rows)
table.to_csv(snakemake.output.table, index=False, float_format="%.4f")
print(table.to_string(index=False), file=sys.stderr)
