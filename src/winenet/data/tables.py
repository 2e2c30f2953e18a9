"""Reading and validating an input table: every problem named by file, line, column and value.

Only the validate stage (and the new-sample reader) imports this module, so the wording of a
data-file problem is no input of any training.
"""

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

from winenet.data.preprocessing import ROW_COLUMN, feature_problems
from winenet.jobs.errors import DataValidationError, table_problem

# A plain decimal number; Python's float() also takes '1_000', 'inf', 'nan' and non-ASCII digits,
# none of which a CSV of measurements should contain.
_NUMBER = re.compile(r"[+-]?(?:[0-9]+\.?[0-9]*|\.[0-9]+)(?:[eE][+-]?[0-9]+)?")
_INTEGER = re.compile(r"[+-]?[0-9]+")
_INT64_MIN, _INT64_MAX = -(2**63), 2**63 - 1
_INFINITY = {"inf", "+inf", "-inf", "infinity", "+infinity", "-infinity"}
_MISSING = {"nan", "+nan", "-nan", "na", "n/a", "#n/a", "null", "none", "nil", "missing", "?"}


def _found(where: str, problems: list[str]) -> str:
    count = len(problems)
    return table_problem("found", where=where, count=count, plural="s" * (count != 1))


def _not_utf8(path: Path, where: str) -> DataValidationError:
    """Where a file stops being UTF-8: its line, byte and offset, for the one message it gets."""
    raw = path.read_bytes()
    try:
        raw.decode("utf-8-sig")
        offset, byte = len(raw), ""
    except UnicodeDecodeError as error:
        offset, byte = error.start, raw[error.start : error.start + 1].hex()
    line = raw[:offset].count(b"\n") + 1
    problem = table_problem("not utf-8", where=where, line=line, byte=byte, offset=offset)
    return DataValidationError([problem], table_problem("cannot be read", where=where))


def _cell_problem(text: str) -> str | None:
    """Why a stripped feature cell is not a finite number, or None when it is one."""
    if text == "":
        return table_problem("empty cell")
    lowered = text.lower()
    if lowered in _INFINITY:
        return table_problem("infinite", text=text)
    if lowered in _MISSING:
        return table_problem("missing marker", text=text)
    if not _NUMBER.fullmatch(text):
        return table_problem("not a number", text=text)
    if not math.isfinite(float(text)):
        return table_problem("too large", text=text)
    return None


def csv_records(path, where: str) -> Iterator[tuple[int, list[str]]]:
    """(first line number, stripped fields) of every non-blank CSV record, read as the file streams by.

    The file is never held whole in memory. Raises ``DataValidationError`` when it cannot be opened,
    is not UTF-8 or is not CSV; a byte-order mark is dropped.
    """
    path = Path(path)
    cannot = table_problem("cannot be read", where=where)
    try:
        # utf-8-sig drops the byte-order mark Excel writes in front of "CSV UTF-8" files; newline=""
        # keeps \r\n inside quoted fields intact and lets csv count physical lines.
        handle = open(path, encoding="utf-8-sig", newline="")  # noqa: SIM115 - closed below
    except FileNotFoundError:
        raise DataValidationError([table_problem("not found", where=where)], cannot) from None
    except IsADirectoryError:
        raise DataValidationError([table_problem("a directory", where=where)], cannot) from None
    except OSError as error:
        problem = table_problem("unreadable", where=where, reason=error.strerror or error)
        raise DataValidationError([problem], cannot) from None
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
            problem = table_problem("not csv", where=where, line=reader.line_num, error=error)
            raise DataValidationError([problem], cannot) from None


def csv_header(path) -> tuple[Iterator[tuple[int, list[str]]], int, list[str]]:
    """A CSV's header: the records after it (streaming), the header's line number and column names.

    Raises ``DataValidationError`` for an empty file, as ``csv_records`` does for an unreadable one.
    """
    where = str(path)
    records = csv_records(path, where)
    header = next(records, None)
    if header is None:
        cannot = table_problem("cannot be read", where=where)
        raise DataValidationError([table_problem("empty file", where=where)], cannot)
    header_line, columns = header
    return records, header_line, columns


def configured_features(data: dict) -> list[str] | None:
    """The feature names config ``data`` selects, reading only the CSV's header for ``all``.

    None when the header cannot tell them yet: a file that cannot be read, a semicolon or tab export
    (one column of joined names), a ``data.label`` or ``data.exclude`` that names no column. The
    validate stage then names what is wrong with the file, instead of a claim being refused against
    a feature list that is not the one the user meant.
    """
    exclude = data.get("exclude", [])
    if data["features"] != "all":
        return [name for name in data["features"] if name not in exclude]
    try:
        records, _, columns = csv_header(data["path"])
        records.close()
    except DataValidationError:
        return None
    if other_delimiter(columns) or data["label"] not in columns or set(exclude) - set(columns):
        return None
    return [column for column in columns if column != data["label"] and column not in exclude]


def other_delimiter(columns: list[str]) -> str | None:
    """The delimiter ("semicolon" or "tab") of a header that, read with commas, is one column holding it."""
    if len(columns) == 1 and (";" in columns[0] or "\t" in columns[0]):
        return "semicolon" if ";" in columns[0] else "tab"
    return None


def header_problems(
    columns: list[str], at_header: str, needed: list[str], reserved: tuple[str, ...] = ()
) -> tuple[dict[str, list[int]], list[str]]:
    """Positions (from 1) of every column name, and what is wrong with the header line."""
    if delimiter := other_delimiter(columns):
        problem = table_problem("one column", at_header=at_header, column=columns[0], delimiter=delimiter)
        raise DataValidationError(
            [problem], table_problem("wrong format", where=at_header.split(", line")[0])
        )
    problems = [
        table_problem("unnamed column", at_header=at_header, position=position)
        for position, name in enumerate(columns, 1)
        if not name
    ]
    positions: dict[str, list[int]] = {}
    for position, name in enumerate(columns, start=1):
        positions.setdefault(name, []).append(position)
    for name, found in positions.items():
        if name and len(found) > 1:
            listed = ", ".join(str(p) for p in found[:-1]) + f" and {found[-1]}"
            problems.append(table_problem("repeated name", at_header=at_header, name=name, listed=listed))
    for name in reserved:
        if name in positions and name in needed:
            problems.append(
                table_problem("reserved name", at_header=at_header, position=positions[name][0], name=name)
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
                table_problem(
                    "field count", where=where, line=line, which=kind, count=len(fields), columns=n_columns
                )
            )
            continue
        if label is not None:
            name, index = label
            if fields[index] == "":
                problems.append(table_problem("empty label", where=where, line=line, name=name))
            labels.append(fields[index])
        for name, index in features:
            problem = _cell_problem(fields[index])
            if problem is not None:
                problems.append(table_problem("bad cell", where=where, line=line, name=name, problem=problem))
            elif not problems:
                values.append(float(fields[index]))
    matrix = (
        np.frombuffer(values, dtype=np.float64).reshape(-1, len(features))
        if features and not problems
        else np.empty(0)
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
        problems.append(table_problem("one class", where=where, label=label, found=found))
    for value, count in sorted(counts.items()):
        if count < 2:
            problems.append(table_problem("small class", where=where, label=label, value=value, count=count))
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

    # A name of data.exclude that is no column is one problem, stated here; the rest resolve.
    absent = [name for name in dict.fromkeys(exclude) if name not in columns]
    present = [name for name in exclude if name in columns]
    # A repeated column name is the header's problem, reported once there, not a feature that
    # `all` selects twice.
    selected, unselectable = feature_problems(list(dict.fromkeys(columns)), label, features, present)
    # Which columns are features depends on data.exclude, and with `all` on the label too. While
    # one of them names no column, the features are not known: reading them would report every
    # cell of the column meant (an id, the label itself) as "not a number", one line a row, for
    # one slip. Their cells wait until the names are right; what does not depend on them (field
    # counts, header names, rows) is still checked.
    settled = not absent and (label in columns or features != "all")
    needed = [label, *selected] if settled else [label]
    positions, problems = header_problems(columns, at_header, needed, reserved=(ROW_COLUMN,))
    named = ", ".join(name for name in dict.fromkeys(columns) if name) or "none"
    if label not in positions:
        problems.append(table_problem("no label", at_header=at_header, label=label, columns=named))
    if absent:
        quoted = ", ".join(repr(name) for name in absent)
        which = f"columns {quoted}" if len(absent) > 1 else f"column {quoted}"
        problems.append(table_problem("no exclude", at_header=at_header, which=which, columns=named))
    problems += [table_problem("feature selection", at_header=at_header, problem=p) for p in unselectable]

    # Columns whose name is missing or repeated cannot be read unambiguously; their problem is
    # already reported, so their cells are not checked a second time.
    unique = {name: found[0] - 1 for name, found in positions.items() if len(found) == 1}
    feature_index = [(f, unique[f]) for f in dict.fromkeys(selected) if f in unique] if settled else []
    label_index = (label, unique[label]) if label in unique else None
    if settled and not feature_index:
        # Nothing to read: say what the file has, the usual slip being data.features left at
        # another table's names.
        others = [name for name in columns if name and name != label]
        listed = ", ".join(others) or "none but the label"
        problems.append(table_problem("no features", at_header=at_header, others=listed))
        raise DataValidationError(problems, _found(where, problems))
    labels, values, row_problems, count = record_values(
        records, len(columns), where, feature_index, label_index
    )
    problems += row_problems
    if not count:
        problems.append(table_problem("no rows", where=where, line=header_line))
    label_column = None
    if label_index is not None and count:
        label_column, label_problems = _typed_labels(labels, where, label)
        problems += label_problems

    if not problems:
        problems += constant_problems(where, [name for name, _ in feature_index], values)
    if problems:
        raise DataValidationError(problems, _found(where, problems))
    table = pd.DataFrame(values, columns=[name for name, _ in feature_index], copy=False)
    table.insert(0, label, label_column)
    return table


def constant_problems(where: str, names: list[str], values: np.ndarray) -> list[str]:
    """One line per feature column ``(rows, features)`` that holds a single value in every row."""
    if not len(values):
        return []
    constant = values.max(axis=0) == values.min(axis=0)
    return [
        table_problem("constant", where=where, name=name, value=value)
        for name, value, flat in zip(names, values[0], constant, strict=True)
        if flat
    ]


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
