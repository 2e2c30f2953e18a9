"""Load and validate an input table, split it, and normalise it with training statistics only."""

from __future__ import annotations

import csv
import math
import re
from array import array
from collections import Counter
from collections.abc import Iterable, Iterator
from pathlib import Path

import numpy as np
import pandas as pd

from winenet.errors import WinenetError

__all__ = [
    "DataValidationError",
    "apply_normalisation",
    "fit_normalisation",
    "csv_header",
    "csv_records",
    "header_problems",
    "load_table",
    "model_arrays",
    "record_values",
    "resolve_features",
    "split_normalise",
    "split_table",
]

ROW_COLUMN = "row"
# none: the raw features, the reference a normalisation is judged against.
NORMALISATION_METHODS = ("l2norm", "standard", "minmax", "none")

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
    resolved, problems = _feature_problems(list(columns), label, features)
    if problems:
        raise DataValidationError(problems)
    return resolved


def _not_utf8(path: Path, where: str) -> DataValidationError:
    """Where a file stops being UTF-8: its line, byte and offset, for the one message it gets."""
    raw = path.read_bytes()
    try:
        raw.decode("utf-8-sig")
        offset, byte = len(raw), ""
    except UnicodeDecodeError as error:
        offset, byte = error.start, raw[error.start : error.start + 1].hex()
    line = raw[:offset].count(b"\n") + 1
    problem = f"{where}, line {line}: not UTF-8 text (byte 0x{byte} at byte offset {offset}); save as UTF-8"
    return DataValidationError([problem], f"{where}: cannot be read:")


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


def csv_records(path, where: str) -> Iterator[tuple[int, list[str]]]:
    """(first line number, stripped fields) of every non-blank CSV record, read as the file streams by.

    The file is never held whole in memory. Raises ``DataValidationError`` when it cannot be opened,
    is not UTF-8 or is not CSV; a byte-order mark is dropped.
    """
    path = Path(path)
    cannot = f"{where}: cannot be read:"
    try:
        # utf-8-sig drops the byte-order mark Excel writes in front of "CSV UTF-8" files; newline=""
        # keeps \r\n inside quoted fields intact and lets csv count physical lines.
        handle = open(path, encoding="utf-8-sig", newline="")  # noqa: SIM115 - closed below
    except FileNotFoundError:
        raise DataValidationError([f"{where}: file not found"], cannot) from None
    except IsADirectoryError:
        raise DataValidationError([f"{where}: is a directory, not a file"], cannot) from None
    except OSError as error:
        raise DataValidationError([f"{where}: cannot be read ({error.strerror or error})"], cannot) from None
    with handle:
        reader = csv.reader(handle, skipinitialspace=True)
        try:
            while True:
                first_line = reader.line_num + 1
                try:
                    fields = next(reader)
                except StopIteration:
                    return
                # Blank lines (Excel's trailing ones, or stray ones) carry no data; skipping them
                # here keeps every later line number equal to the editor's.
                if all(field.strip() == "" for field in fields) and len(fields) <= 1:
                    continue
                yield first_line, [field.strip() for field in fields]
        except UnicodeDecodeError:
            raise _not_utf8(path, where) from None
        except csv.Error as error:
            problem = f"{where}, line {reader.line_num}: not readable as CSV ({error})"
            raise DataValidationError([problem], cannot) from None


def csv_header(path) -> tuple[Iterator[tuple[int, list[str]]], int, list[str]]:
    """A CSV's header: the records after it (streaming), the header's line number and column names.

    Raises ``DataValidationError`` for an empty file, as ``csv_records`` does for an unreadable one.
    """
    where = str(path)
    records = csv_records(path, where)
    header = next(records, None)
    if header is None:
        raise DataValidationError([f"{where}: file is empty"], f"{where}: cannot be read:")
    header_line, columns = header
    return records, header_line, columns


def configured_features(data: dict) -> list[str] | None:
    """The feature names config ``data`` selects, reading only the CSV's header for ``all``.

    None when the file cannot be read yet: the validate stage then names what is wrong with it.
    """
    exclude = data.get("exclude", [])
    if data["features"] != "all":
        return [name for name in data["features"] if name not in exclude]
    try:
        records, _, columns = csv_header(data["path"])
        records.close()
    except DataValidationError:
        return None
    return [column for column in columns if column != data["label"] and column not in exclude]


def header_problems(
    columns: list[str], at_header: str, needed: list[str], reserved: tuple[str, ...] = ()
) -> tuple[dict[str, list[int]], list[str]]:
    """Positions (from 1) of every column name, and what is wrong with the header line."""
    if len(columns) == 1 and (";" in columns[0] or "\t" in columns[0]):
        delimiter = "semicolon" if ";" in columns[0] else "tab"
        problem = (
            f"{at_header}: the header is a single column {columns[0]!r}; the file looks "
            f"{delimiter}-delimited (expected commas)"
        )
        raise DataValidationError([problem], f"{at_header.split(', line')[0]}: wrong format:")
    problems = [
        f"{at_header}: column {position} has an empty name"
        for position, name in enumerate(columns, 1)
        if not name
    ]
    positions: dict[str, list[int]] = {}
    for position, name in enumerate(columns, start=1):
        positions.setdefault(name, []).append(position)
    for name, found in positions.items():
        if name and len(found) > 1:
            listed = ", ".join(str(p) for p in found[:-1]) + f" and {found[-1]}"
            problems.append(f"{at_header}: column name {name!r} is repeated (columns {listed})")
    for name in reserved:
        if name in positions and name in needed:
            problems.append(
                f"{at_header}, column {positions[name][0]}: column name {name!r} is reserved for the "
                "row number the pipeline adds; rename that column"
            )
    return positions, problems


def record_values(
    records: Iterable[tuple[int, list[str]]],
    n_columns: int,
    where: str,
    features: list[tuple[str, int]],
    label: tuple[str, int] | None,
) -> tuple[list[str], np.ndarray, list[str], int]:
    """Labels, float features ``(rows, features)``, the problems line by line, and the number of records."""
    labels, problems = [], []
    # 8 bytes a value, not a Python float object each: a table of 100,000 rows stays a few MB.
    values = array("d")
    count = 0
    for line, fields in records:
        count += 1
        if len(fields) != n_columns:
            kind = "too many" if len(fields) > n_columns else "too few"
            problems.append(
                f"{where}, line {line}: {kind} fields ({len(fields)}, the header has {n_columns})"
            )
            continue
        if label is not None:
            name, index = label
            if fields[index] == "":
                problems.append(f"{where}, line {line}, column {name!r}: label is empty")
            labels.append(fields[index])
        for name, index in features:
            problem = _cell_problem(fields[index])
            if problem is not None:
                problems.append(f"{where}, line {line}, column {name!r}: {problem}")
            elif not problems:
                values.append(float(fields[index]))
    matrix = (
        np.frombuffer(values, dtype=np.float64).reshape(-1, len(features)) if not problems else np.empty(0)
    )
    return labels, matrix, problems, count


def _typed_labels(labels: list[str], where: str, label: str) -> tuple[pd.Series, list[str]]:
    """The label column (integers when every label is one) and its problems: too few classes or rows."""
    problems = []
    present = [value for value in labels if value != ""]
    # Classes are counted after typing, so '1' and '01' are one integer class, not two.
    integers = all(_INTEGER.fullmatch(v) and _INT64_MIN <= int(v) <= _INT64_MAX for v in present)
    counts = Counter(int(v) for v in present) if integers else Counter(present)
    if labels and len(counts) < 2:
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
    if integers and present == labels:
        return pd.Series([int(v) for v in labels], dtype="int64", name=label), problems
    return pd.Series(labels, name=label), problems


def load_table(path, label: str, features: list[str] | str, exclude: list[str] = ()) -> pd.DataFrame:
    """Read and validate a CSV; return the label column, then float64 features in config order.

    ``exclude`` names columns left out of the features (with ``features`` "all", the columns one
    does not want). Every problem is collected, each naming the file, line, column and value, and
    raised together as one ``DataValidationError``; nothing is dropped or coerced. A feature that
    holds one value in every row is a problem too: it tells the classes nothing.
    """
    where = str(path)
    records, header_line, columns = csv_header(path)
    at_header = f"{where}, line {header_line}"

    selected, feature_problems = _feature_problems(columns, label, features, list(exclude))
    positions, problems = header_problems(columns, at_header, [label, *selected], reserved=(ROW_COLUMN,))
    if label not in positions:
        problems.append(f"{at_header}: label column {label!r} not found")
    problems += [f"{at_header}: {p}" for p in feature_problems]

    # Columns whose name is missing or repeated cannot be read unambiguously; their problem is
    # already reported, so their cells are not checked a second time.
    unique = {name: found[0] - 1 for name, found in positions.items() if len(found) == 1}
    feature_index = [(f, unique[f]) for f in dict.fromkeys(selected) if f in unique]
    label_index = (label, unique[label]) if label in unique else None
    if not feature_index:
        # Nothing to read: say what the file has, the usual slip being data.features left at
        # another table's names.
        others = [name for name in columns if name and name != label]
        problems.append(
            f"{at_header}: none of the configured features is a column of this file; its columns "
            f"are {', '.join(others) or 'none but the label'}: set data.features to all (and "
            "data.exclude to the columns to leave out) or list the ones to use"
        )
        count = len(problems)
        raise DataValidationError(problems, f"{where}: {count} problem{'s' * (count != 1)} found:")
    labels, values, row_problems, count = record_values(
        records, len(columns), where, feature_index, label_index
    )
    problems += row_problems
    if not count:
        problems.append(f"{where}: the header (line {header_line}) is followed by no data rows")
    label_column = None
    if label_index is not None and count:
        label_column, label_problems = _typed_labels(labels, where, label)
        problems += label_problems

    if not problems:
        problems += constant_problems(where, [name for name, _ in feature_index], values)
    if problems:
        count = len(problems)
        raise DataValidationError(problems, f"{where}: {count} problem{'s' * (count != 1)} found:")
    table = pd.DataFrame(values, columns=[name for name, _ in feature_index], copy=False)
    table.insert(0, label, label_column)
    return table


def constant_problems(where: str, names: list[str], values: np.ndarray) -> list[str]:
    """One line per feature column ``(rows, features)`` that holds a single value in every row."""
    if not len(values):
        return []
    constant = values.max(axis=0) == values.min(axis=0)
    return [
        f"{where}, column {name!r}: every row holds {value:g}, so it tells the classes nothing and no "
        "normalisation can scale it; leave it out with data.exclude"
        for name, value, flat in zip(names, values[0], constant, strict=True)
        if flat
    ]


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
