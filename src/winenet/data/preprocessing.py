"""Splitting a validated table and normalising it with the training rows' statistics only."""

from __future__ import annotations

import math
from collections import Counter

import numpy as np
import pandas as pd

from winenet.jobs.errors import DataValidationError

ROW_COLUMN = "row"
# none: the raw features, left as they are.
NORMALISATION_METHODS = ("l2norm", "standard", "minmax", "none")


def feature_problems(
    columns: list[str], label: str, features: list[str] | str, exclude: list[str] = ()
) -> tuple[list[str], list[str]]:
    """Resolve the configured features against `columns`, less ``exclude``; return (features, problems)."""
    problems = [f"data.exclude: column {name!r} not found" for name in exclude if name not in columns]
    if isinstance(features, str):
        if features != "all":
            return [], [f"features must be a list of column names or 'all', got {features!r}"]
        resolved = [c for c in columns if c != label and c not in exclude]
    else:
        resolved = list(features)
        if label in resolved:
            problems.append(f"label column {label!r} is also listed as a feature")
        missing = [f for f in resolved if f not in columns]
        problems += [f"feature column {f!r} not found" for f in missing]
        resolved = [f for f in resolved if f not in exclude]
    if not resolved:
        problems.append("no feature columns selected")
    repeated = [f for f, n in Counter(resolved).items() if n > 1]
    problems += [f"feature {f!r} is selected more than once" for f in repeated]
    return resolved, problems


def resolve_features(columns: list[str], label: str, features: list[str] | str) -> list[str]:
    """Configured feature names checked against `columns`; "all" = every column but the label."""
    resolved, problems = feature_problems(list(columns), label, features)
    if problems:
        raise DataValidationError(problems)
    return resolved


def split_positions(
    labels, test_size: float, random_state: int, stratify: bool = False
) -> tuple[np.ndarray, np.ndarray]:
    """Row positions (train, test) of scikit-learn's ``train_test_split`` of rows with ``labels``.

    Unstratified, as the report split, unless ``stratify``: then every class keeps its share on
    both sides.
    """
    from sklearn.model_selection import train_test_split

    labels = np.asarray(labels)
    n_rows = len(labels)
    n_test = math.ceil(test_size * n_rows)
    if not 0 < n_test < n_rows:
        raise DataValidationError(
            [f"split.test_size {test_size} of {n_rows} rows leaves no training or no test rows"]
        )
    try:
        train, test = train_test_split(
            np.arange(n_rows),
            test_size=test_size,
            random_state=random_state,
            stratify=labels if stratify else None,
        )
    except ValueError as error:
        # Only a stratified split can fail here: a class too small to stand on both sides.
        raise DataValidationError(
            [
                f"split.stratify: {error}; set split.stratify to false, or a test_size that "
                "leaves every class rows on both sides"
            ]
        ) from None
    return train, test


def split_table(
    table: pd.DataFrame, label: str, test_size: float, random_state: int, stratify: bool = False
) -> tuple[pd.DataFrame, pd.DataFrame]:
    """The train/test split (the report's: unstratified); each part starts with a 0-based "row"."""
    if label not in table.columns:
        raise DataValidationError([f"label column {label!r} not in the table"])
    if ROW_COLUMN in table.columns:
        raise DataValidationError(
            [f"column name {ROW_COLUMN!r} is reserved for the row number; rename that column"]
        )
    others = [c for c in table.columns if c != label]
    parts = []
    for positions in split_positions(table[label].to_numpy(), test_size, random_state, stratify):
        # One copy per part: the rows taken, numbered by their position in the input.
        part = table.iloc[positions][[label, *others]].reset_index(drop=True)
        part.insert(0, ROW_COLUMN, positions.astype(np.int64))
        parts.append(part)
    return parts[0], parts[1]


def normalisation_parameters(x: np.ndarray, method: str) -> tuple[np.ndarray, np.ndarray]:
    """Offset and scale ``(features,)`` of ``method`` fitted on training features ``(rows, features)``.

    Normalised values are ``(x - offset) / scale``; a feature the method cannot scale gets scale 0.
    """
    if method == "l2norm":
        return np.zeros(x.shape[1]), np.linalg.norm(x, axis=0)
    if method == "standard":
        # Constant columns are found exactly (max == min), since a float std of equal values
        # may come out as 1e-17 instead of 0.
        constant = x.max(axis=0) == x.min(axis=0)
        return x.mean(axis=0), np.where(constant, 0.0, x.std(axis=0, ddof=0))
    if method == "minmax":
        low, high = x.min(axis=0), x.max(axis=0)
        return low, high - low
    if method == "none":
        # Only a feature that never varies is set aside (scale 0), as every method does.
        constant = x.max(axis=0) == x.min(axis=0)
        return np.zeros(x.shape[1]), np.where(constant, 0.0, 1.0)
    raise ValueError(f"unknown normalisation method {method!r}; choose one of {NORMALISATION_METHODS}")


def fit_normalisation(train: pd.DataFrame, features: list[str], method: str) -> dict:
    """Offset and scale per feature from the (n_train, n_features) training rows; JSON-able.

    A feature the method cannot scale on these rows (constant over them, or all zero for l2norm),
    which happens in a small fold of cross-validation or on a small split, is listed in
    ``constant``: ``apply_normalisation`` sets it to 0 in every row, training or not. A model
    cannot learn from a feature that never varied while it trained, and 0 is the value that
    leaves the rest of its input as it would be without it.
    """
    if method not in NORMALISATION_METHODS:
        raise ValueError(f"unknown normalisation method {method!r}; choose one of {NORMALISATION_METHODS}")
    if len(train) == 0:
        raise DataValidationError(["no training rows to fit the normalisation on"])
    features = list(features)
    offset, scale = normalisation_parameters(train[features].to_numpy(dtype=np.float64), method)
    constant = scale == 0
    return {
        "method": method,
        "features": features,
        "offset": [float(v) for v in offset],
        "scale": [float(v) if v else 1.0 for v in scale],
        "constant": [f for f, flat in zip(features, constant, strict=True) if flat],
    }


def split_notes(train: pd.DataFrame, normalisation: dict) -> list[str]:
    """What the split left the models to work with that a reader must know, one sentence each.

    Classes without a training row (the report's split is not stratified, so a small table can
    leave one out) and features constant over the training rows (set to 0, see
    ``fit_normalisation``); empty when there is nothing to say.
    """
    notes = []
    present = set(train[normalisation["label"]].tolist())
    missing = [cls for cls in normalisation["classes"] if cls not in present]
    if missing:
        listed = ", ".join(repr(cls) for cls in missing)
        notes.append(
            f"**Classes without training rows:** {listed} have no row among the {len(train)} training "
            "rows of the split, so no model can learn them; set ``split.stratify: true`` to keep every "
            "class on both sides."
        )
    if normalisation.get("constant"):
        listed = ", ".join(normalisation["constant"])
        notes.append(
            f"**Constant over the training rows:** {listed} hold one value in every training row, "
            f"which the {normalisation['method']} normalisation cannot scale; they are set to 0 in every "
            "row, so the models do not use them."
        )
    return notes


# The report's l2norm scaling divides by a norm that grows with the square root of the row count:
# on the report's 133 training rows its largest value is about 0.2, and a network trained at the
# report's learning rate still learns from it; with thousands of rows every input shrinks towards
# zero and the network stays at chance. Below this largest value the inputs count as tiny.
TINY_INPUTS = 0.05


def scale_warning(normalised: pd.DataFrame, normalisation: dict) -> str:
    """A warning (empty if none) when a normalisation leaves every training feature tiny.

    ``normalised`` holds the training rows after ``apply_normalisation``.
    """
    largest = float(np.abs(normalised[normalisation["features"]].to_numpy(dtype=np.float64)).max())
    if largest >= TINY_INPUTS:
        return ""
    return (
        f"**Tiny inputs:** the {normalisation['method']} normalisation leaves every feature below "
        f"{TINY_INPUTS} in size (largest {largest:.3g} over {len(normalised)} training rows), too small for "
        "the network to learn from at the report's settings. Put ``standard`` first in "
        '``normalisation.methods`` (e.g. ``--config normalisation=\'{"methods": ["standard", '
        f'"{normalisation["method"]}"]}}\'``).'
    )


def apply_normalisation(table: pd.DataFrame, normalisation: dict) -> pd.DataFrame:
    """(x - offset) / scale on the normalisation's feature columns of an (n, columns) table."""
    features = list(normalisation["features"])
    missing = [f for f in features if f not in table.columns]
    if missing:
        raise DataValidationError([f"feature column {f!r} not in the table" for f in missing])
    offset = np.asarray(normalisation["offset"], dtype=np.float64)
    scale = np.asarray(normalisation["scale"], dtype=np.float64)
    values = table[features].to_numpy(dtype=np.float64, copy=True)
    values -= offset
    values /= scale
    # Models saved before the key existed have no constant features.
    values[:, [f in normalisation.get("constant", ()) for f in features]] = 0.0
    result = table.copy(deep=False)
    result[features] = values
    return result


def split_normalise(
    table: pd.DataFrame,
    label: str,
    features: list[str] | str,
    test_size: float,
    random_state: int,
    method: str,
    stratify: bool = False,
) -> tuple[pd.DataFrame, pd.DataFrame, dict]:
    """Split, fit the normalisation on the training rows only, apply it to both parts."""
    features = resolve_features(list(table.columns), label, features)
    train, test = split_table(table, label, test_size, random_state, stratify)
    normalisation = fit_normalisation(train, features, method)
    classes = sorted(table[label].unique().tolist())
    return (
        apply_normalisation(train, normalisation),
        apply_normalisation(test, normalisation),
        {"label": label, "classes": classes, **normalisation},
    )
