"""Load and validate an input table, split it, and normalise it with training statistics only."""

from __future__ import annotations

import csv
import io
import math
import re
from collections import Counter
from pathlib import Path

import numpy as np
import pandas as pd

from winenet.errors import WinenetError

__all__ = [
    "DataValidationError",
    "apply_normalisation",
    "fit_normalisation",
    "load_table",
    "model_arrays",
    "resolve_features",
    "split_normalise",
    "split_table",
]

ROW_COLUMN = "row"
NORMALISATION_METHODS = ("l2norm", "standard", "minmax")

# A plain decimal number; Python's float() also takes '1_000', 'inf', 'nan' and non-ASCII digits,
# none of which a CSV of measurements should contain.
_NUMBER = re.compile(r"[+-]?(?:[0-9]+\.?[0-9]*|\.[0-9]+)(?:[eE][+-]?[0-9]+)?")
_INTEGER = re.compile(r"[+-]?[0-9]+")
_INT64_MIN, _INT64_MAX = -(2**63), 2**63 - 1
_INFINITY = {"inf", "+inf", "-inf", "infinity", "+infinity", "-infinity"}
_MISSING = {"nan", "+nan", "-nan", "na", "n/a", "#n/a", "null", "none", "nil", "missing", "?"}


class DataValidationError(WinenetError, ValueError):
    """Every problem found in an input table; str() is a header line plus one line per problem."""

    def __init__(self, problems: list[str], header: str | None = None):
        self.problems = list(problems)
        count = len(self.problems)
        self.header = header or f"{count} problem{'s' if count != 1 else ''} in the input data:"
        super().__init__("\n".join([self.header, *(f"  - {p}" for p in self.problems)]))

    def __reduce__(self):
        # Default exception pickling would call __init__ with the joined message as `problems`.
        return (type(self), (self.problems, self.header))


def _feature_problems(
    columns: list[str], label: str, features: list[str] | str
) -> tuple[list[str], list[str]]:
    """Resolve the configured features against `columns`; return (features, problems)."""
    problems = []
    if isinstance(features, str):
        if features != "all":
            return [], [f"features must be a list of column names or 'all', got {features!r}"]
        resolved = [c for c in columns if c != label]
    else:
        resolved = list(features)
        if label in resolved:
            problems.append(f"label column {label!r} is also listed as a feature")
        missing = [f for f in resolved if f not in columns]
        problems += [f"feature column {f!r} not found" for f in missing]
    if not resolved:
        problems.append("no feature columns selected")
    repeated = [f for f, n in Counter(resolved).items() if n > 1]
    problems += [f"feature {f!r} is selected more than once" for f in repeated]
    return resolved, problems


def resolve_features(columns: list[str], label: str, features: list[str] | str) -> list[str]:
    """Configured feature names checked against `columns`; "all" = every column but the label."""
    resolved, problems = _feature_problems(list(columns), label, features)
    if problems:
        raise DataValidationError(problems)
    return resolved


def _read_text(path: Path, where: str) -> tuple[str | None, list[str]]:
    """The file's text without a byte-order mark, or None and the reason it cannot be read."""
    try:
        raw = path.read_bytes()
    except FileNotFoundError:
        return None, [f"{where}: file not found"]
    except IsADirectoryError:
        return None, [f"{where}: is a directory, not a file"]
    except OSError as error:
        return None, [f"{where}: cannot be read ({error.strerror or error})"]
    try:
        # utf-8-sig drops the byte-order mark Excel writes in front of "CSV UTF-8" files.
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError as error:
        line = raw[: error.start].count(b"\n") + 1
        byte = raw[error.start : error.start + 1].hex()
        return None, [
            f"{where}, line {line}: not UTF-8 text (byte 0x{byte} at byte offset {error.start}); "
            "save the file as UTF-8"
        ]
    return text, []


def _cell_problem(text: str) -> str | None:
    """Why a stripped feature cell is not a finite number, or None when it is one."""
    if text == "":
        return "is empty"
    lowered = text.lower()
    if lowered in _INFINITY:
        return f"{text!r} is infinite"
    if lowered in _MISSING:
        return f"{text!r} is a missing-value marker, not a number"
    if not _NUMBER.fullmatch(text):
        return f"{text!r} is not a number"
    if not math.isfinite(float(text)):
        return f"{text!r} is too large for a 64-bit float"
    return None


def load_table(path, label: str, features: list[str] | str) -> pd.DataFrame:
    """Read and validate a CSV; return the label column, then float64 features in config order."""
    where = str(path)
    text, problems = _read_text(Path(path), where)
    if text is None:
        raise DataValidationError(problems, f"{where}: cannot be read:")

    # newline="" keeps \r\n inside quoted fields intact and lets csv count physical lines.
    reader = csv.reader(io.StringIO(text, newline=""), skipinitialspace=True)
    rows: list[tuple[int, list[str]]] = []
    try:
        while True:
            first_line = reader.line_num + 1
            try:
                fields = next(reader)
            except StopIteration:
                break
            # Blank lines (Excel's trailing ones, or stray ones) carry no data; skipping them
            # here keeps every later line number equal to the editor's.
            if all(field.strip() == "" for field in fields) and len(fields) <= 1:
                continue
            rows.append((first_line, [field.strip() for field in fields]))
    except csv.Error as error:
        problems.append(f"{where}, line {reader.line_num}: not readable as CSV ({error})")
        raise DataValidationError(problems, f"{where}: cannot be read:") from None

    if not rows:
        raise DataValidationError([f"{where}: file is empty"], f"{where}: cannot be read:")

    header_line, columns = rows[0]
    data = rows[1:]
    at_header = f"{where}, line {header_line}"
    if len(columns) == 1 and (";" in columns[0] or "\t" in columns[0]):
        delimiter = "semicolon" if ";" in columns[0] else "tab"
        raise DataValidationError(
            [
                f"{at_header}: the header is a single column {columns[0]!r}; the file looks "
                f"{delimiter}-delimited (expected commas)"
            ],
            f"{where}: wrong format:",
        )

    for position, name in enumerate(columns, start=1):
        if name == "":
            problems.append(f"{at_header}: column {position} has an empty name")
    positions: dict[str, list[int]] = {}
    for position, name in enumerate(columns, start=1):
        positions.setdefault(name, []).append(position)
    for name, where_found in positions.items():
        if name and len(where_found) > 1:
            listed = ", ".join(str(p) for p in where_found[:-1]) + f" and {where_found[-1]}"
            problems.append(f"{at_header}: column name {name!r} is repeated (columns {listed})")
    if label not in positions:
        problems.append(f"{at_header}: label column {label!r} not found")
    selected, feature_problems = _feature_problems(columns, label, features)
    problems += [f"{at_header}: {p}" for p in feature_problems]
    if not data:
        problems.append(f"{where}: the header (line {header_line}) is followed by no data rows")

    # Columns whose name is missing or repeated cannot be read unambiguously; their problem is
    # already reported, so their cells are not checked a second time.
    unique = {name: found[0] - 1 for name, found in positions.items() if len(found) == 1}
    feature_index = [(f, unique[f]) for f in dict.fromkeys(selected) if f in unique]
    label_index = unique.get(label)

    labels: list[str] = []
    values: list[list[float]] = []
    for line, fields in data:
        if len(fields) != len(columns):
            kind = "too many" if len(fields) > len(columns) else "too few"
            problems.append(
                f"{where}, line {line}: {kind} fields ({len(fields)}, the header has {len(columns)})"
            )
            continue
        if label_index is not None:
            value = fields[label_index]
            if value == "":
                problems.append(f"{where}, line {line}, column {label!r}: label is empty")
            labels.append(value)
        row = []
        for name, index in feature_index:
            problem = _cell_problem(fields[index])
            if problem is not None:
                problems.append(f"{where}, line {line}, column {name!r}: {problem}")
            else:
                row.append(float(fields[index]))
        values.append(row)

    present = [value for value in labels if value != ""]
    # Classes are counted after typing, so '1' and '01' are one integer class, not two.
    integer_labels = all(_INTEGER.fullmatch(v) and _INT64_MIN <= int(v) <= _INT64_MAX for v in present)
    counts = Counter(int(v) for v in present) if integer_labels else Counter(present)
    if data and label_index is not None and len(counts) < 2:
        found = ", ".join(repr(c) for c in counts) or "none"
        problems.append(
            f"{where}, column {label!r}: fewer than two classes (found {found}); "
            "a classifier needs at least two"
        )
    for value, count in sorted(counts.items()):
        if count < 2:
            problems.append(
                f"{where}, column {label!r}: class {value!r} has only {count} row "
                "(each class needs at least two)"
            )

    if problems:
        count = len(problems)
        raise DataValidationError(problems, f"{where}: {count} problem{'s' * (count != 1)} found:")

    if integer_labels:
        label_column = pd.Series([int(v) for v in labels], dtype="int64", name=label)
    else:
        label_column = pd.Series(labels, name=label)
    names = [name for name, _ in feature_index]
    table = pd.DataFrame(np.array(values, dtype=np.float64).reshape(len(values), len(names)), columns=names)
    table.insert(0, label, label_column)
    return table


def split_table(
    table: pd.DataFrame, label: str, test_size: float, random_state: int
) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Unstratified train/test split as the report did; each part starts with a 0-based "row"."""
    if label not in table.columns:
        raise DataValidationError([f"label column {label!r} not in the table"])
    if ROW_COLUMN in table.columns:
        raise DataValidationError(
            [f"column name {ROW_COLUMN!r} is reserved for the row number; rename that column"]
        )
    numbered = table.copy()
    numbered.insert(0, ROW_COLUMN, np.arange(len(table), dtype=np.int64))
    others = [c for c in numbered.columns if c not in (ROW_COLUMN, label)]
    numbered = numbered[[ROW_COLUMN, label, *others]]
    # Imported here: scikit-learn takes over a second to import and `validate` never splits.
    from sklearn.model_selection import train_test_split

    # Same call as the report (which passed X and y separately); one table gives the same rows.
    train, test = train_test_split(numbered, test_size=test_size, random_state=random_state)
    return train.reset_index(drop=True), test.reset_index(drop=True)


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
    raise ValueError(f"unknown normalisation method {method!r}; choose one of {NORMALISATION_METHODS}")


def fit_normalisation(train: pd.DataFrame, features: list[str], method: str) -> dict:
    """Offset and scale per feature from the (n_train, n_features) training rows; JSON-able."""
    if method not in NORMALISATION_METHODS:
        raise ValueError(f"unknown normalisation method {method!r}; choose one of {NORMALISATION_METHODS}")
    if len(train) == 0:
        raise DataValidationError(["no training rows to fit the normalisation on"])
    features = list(features)
    offset, scale = normalisation_parameters(train[features].to_numpy(dtype=np.float64), method)
    useless = scale == 0
    reason = {
        "l2norm": "is zero in every training row (its L2 norm is 0)",
        "standard": "is constant over the training rows (its standard deviation is 0)",
        "minmax": "is constant over the training rows (its range is 0)",
    }[method]
    if useless.any():
        raise DataValidationError(
            [
                f"feature {f!r} {reason}; drop it from the features"
                for f, u in zip(features, useless, strict=True)
                if u
            ]
        )
    return {
        "method": method,
        "features": features,
        "offset": [float(v) for v in offset],
        "scale": [float(v) for v in scale],
    }


def apply_normalisation(table: pd.DataFrame, normalisation: dict) -> pd.DataFrame:
    """(x - offset) / scale on the normalisation's feature columns of an (n, columns) table."""
    features = list(normalisation["features"])
    missing = [f for f in features if f not in table.columns]
    if missing:
        raise DataValidationError([f"feature column {f!r} not in the table" for f in missing])
    offset = np.asarray(normalisation["offset"], dtype=np.float64)
    scale = np.asarray(normalisation["scale"], dtype=np.float64)
    result = table.copy()
    result[features] = (table[features].to_numpy(dtype=np.float64) - offset) / scale
    return result


def split_normalise(
    table: pd.DataFrame,
    label: str,
    features: list[str] | str,
    test_size: float,
    random_state: int,
    method: str,
) -> tuple[pd.DataFrame, pd.DataFrame, dict]:
    """Split, fit the normalisation on the training rows only, apply it to both parts."""
    features = resolve_features(list(table.columns), label, features)
    train, test = split_table(table, label, test_size, random_state)
    normalisation = fit_normalisation(train, features, method)
    classes = sorted(table[label].unique().tolist())
    return (
        apply_normalisation(train, normalisation),
        apply_normalisation(test, normalisation),
        {"label": label, "classes": classes, **normalisation},
    )


def table_fingerprint(table: pd.DataFrame) -> str:
    """SHA-256 of a validated table's content: column names, labels and float64 feature values.

    Independent of the CSV's formatting (quotes, spaces, line endings, '14.2' versus '14.20'), so
    that the report's data is recognised however it was saved, and nothing else is.
    """
    import hashlib

    digest = hashlib.sha256()
    digest.update("\x1f".join(map(str, table.columns)).encode())
    for column in table.columns:
        values = table[column]
        if pd.api.types.is_float_dtype(values):
            digest.update(np.ascontiguousarray(values.to_numpy(np.float64)).astype("<f8").tobytes())
        else:
            digest.update("\x1f".join(map(str, values.tolist())).encode())
    return digest.hexdigest()


def table_summary(table: pd.DataFrame, label: str, path: str) -> dict:
    """What later stages and captions say about the input: rows, features, classes, content hash."""
    counts = table[label].value_counts().sort_index()
    return {
        "path": str(path),
        "rows": len(table),
        "label": label,
        "features": [column for column in table.columns if column != label],
        "classes": [cls.item() if hasattr(cls, "item") else cls for cls in counts.index],
        "class_counts": [int(n) for n in counts.to_numpy()],
        "sha256": table_fingerprint(table),
    }


def model_arrays(table: pd.DataFrame, normalisation: dict) -> tuple[np.ndarray, np.ndarray]:
    """Features ``(rows, in)`` in the normalisation's order and class indices ``(rows,)``."""
    classes = normalisation["classes"]
    labels = table[normalisation["label"]].tolist()
    unknown = sorted({str(label) for label in labels} - {str(cls) for cls in classes})
    if unknown:
        raise ValueError(f"labels {unknown} are not among the classes {classes}")
    index = {cls: k for k, cls in enumerate(classes)}
    return table[normalisation["features"]].to_numpy(np.float64), np.array([index[v] for v in labels])
