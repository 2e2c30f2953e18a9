"""The importance study's measures: how a run of the study scores each feature.

A module of its own, below the study and the verdicts: what the claims and the summaries need to
know of the study, without its training code.
"""

# weight: sum of the first layer's |W| for the feature after training; gradient: sum over every
# training step of |dLoss/dInput|; permutation: validation accuracy lost when the feature's column
# is shuffled. The first two look inside the network, the third only at its answers.
MEASURES = ("weight", "gradient", "permutation")
# Measures whose ranks the report drew as heatmaps of rank frequencies.
HEATMAP_MEASURES = ("weight", "gradient")
