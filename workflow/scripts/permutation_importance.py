"""Rule permutation_importance: trained model, validation rows -> permutation ranking vs the study."""

import json
import sys

sys.stderr = open(snakemake.log[0], "w")  # noqa: SIM115 - the log stays open for the whole job

import pandas as pd  # noqa: E402

from winenet.importance import permutation_importance, ranking_agreement  # noqa: E402
from winenet.network import Network, load_parameters  # noqa: E402
from winenet.plots import ranking_comparison, save_figure  # noqa: E402
from winenet.training import model_arrays  # noqa: E402

with open(snakemake.input.normalisation) as handle:
    normalisation = json.load(handle)
x, y = model_arrays(pd.read_parquet(snakemake.input.test), normalisation)
network = Network.from_parameters(load_parameters(snakemake.input.weights))
settings = snakemake.params.permutation
permutation = permutation_importance(
    network, x, y, normalisation["features"], settings["repeats"], settings["seed"]
)
summary = pd.read_csv(snakemake.input.summary)
agreement = ranking_agreement(permutation, summary)
permutation.to_csv(snakemake.output.permutation, index=False, float_format="%.4f")
agreement.to_csv(snakemake.output.agreement, index=False, float_format="%.4f")
pairs = "; ".join(f"{r.ranking_a} vs {r.ranking_b} {r.spearman:.2f}" for r in agreement.itertuples())
top = ", ".join(permutation["feature"].head(3))
with open(snakemake.output.agreement_text, "w") as handle:
    handle.write(f"Spearman rank correlation between the rankings: {pairs}. Permutation ranks {top} first.\n")

ranks = summary.set_index("feature")[["weight_mean_rank", "gradient_mean_rank"]].rank(method="first")
ranks.insert(0, "permutation", permutation.set_index("feature")["rank"])
ranks.columns = ["permutation", "weight score", "gradient score"]
title = f"Feature rankings: permutation ({settings['model']} model) vs the study's scores"
save_figure(ranking_comparison(ranks.astype(int), title), snakemake.output.figure, snakemake.params.dpi)
print(agreement.to_string(index=False), file=sys.stderr)
