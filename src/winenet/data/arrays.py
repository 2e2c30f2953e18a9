"""A normalised table as the network's arrays: features in the normalisation's order, classes as indices.

A module of its own, below the model: what the training needs from the data stage, without the
split or the normalisations (and scikit-learn, which the split imports).
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from winenet.jobs.errors import DataValidationError


def model_arrays(table: pd.DataFrame, normalisation: dict) -> tuple[np.ndarray, np.ndarray]:
    """Features ``(rows, in)`` in the normalisation's order and class indices ``(rows,)``."""
    classes = normalisation["classes"]
    index = {cls: k for k, cls in enumerate(classes)}
    labels = table[normalisation["label"]].tolist()
    unknown = [label for label in dict.fromkeys(labels) if label not in index]
    if unknown:
        by_text = {str(cls): cls for cls in classes}
        if all(str(label) in by_text for label in unknown):
            # The same names, other types: '1' read as text where the classes are the numbers 1, 2, ...
            kind = {True: "text", False: "numbers"}
            problem = (
                f"labels {unknown[:5]!r} are {kind[isinstance(unknown[0], str)]} but the classes "
                f"{classes!r} are {kind[isinstance(classes[0], str)]}: this table's label column was read "
                "differently from the training data's"
            )
        else:
            problem = f"labels {unknown[:5]!r} are not among the classes {classes!r}"
        raise DataValidationError([problem])
    return table[normalisation["features"]].to_numpy(np.float64), np.array([index[v] for v in labels])
