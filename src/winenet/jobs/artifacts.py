"""Reading the files earlier stages wrote, with one line that says what is wrong when one cannot be read.

Each way a file can fail has its own error, and none deletes anything (the job did not write the
file it reads): a file that is gone (``MissingIntermediate``), a directory where the file should be
(``DirectoryInTheWay``), a file the operating system will not read, for permissions or a disk or
network error: an ``OSError`` with an error number (``UnreadableFile``), and a Parquet, CSV, JSON or
``.npz`` whose content does not parse, in its footer or its body (``BrokenIntermediate``). Any other
error (a column that is not there, a wrong type) is a bug of the code that reads it and keeps its
traceback.
"""

from __future__ import annotations

import json
import zipfile
from pathlib import Path

from winenet.jobs.errors import (
    BrokenIntermediate,
    DirectoryInTheWay,
    MissingIntermediate,
    UnreadableFile,
    WinenetError,
)


def _broken(path, error: Exception) -> WinenetError:
    """What a reading error means: no file there, an operating-system error (it has an errno), or damage."""
    if not Path(path).exists():
        return MissingIntermediate(path)
    if Path(path).is_dir():
        return DirectoryInTheWay(path)
    if isinstance(error, OSError) and error.errno is not None:
        return UnreadableFile(path, error)
    reason = str(error).strip().splitlines()[0] if str(error).strip() else type(error).__name__
    return BrokenIntermediate(path, reason)


def read_parquet(path, columns=None):
    """The table in a Parquet file the pipeline wrote."""
    import pandas as pd
    import pyarrow
    import pyarrow.parquet

    try:
        # The footer first: missing magic bytes or a truncated end mean the file itself is damaged.
        schema = pyarrow.parquet.read_schema(path)
    except (OSError, pyarrow.ArrowInvalid) as error:
        raise _broken(path, error) from None
    # A column the caller asks for that the file does not hold is a bug of the code, not damage.
    absent = [name for name in columns or [] if name not in schema.names]
    if absent:
        raise KeyError(f"{path} has no column {absent}; it has {schema.names}")
    try:
        # An intact footer can still close a damaged body: its pages do not decompress or decode.
        return pd.read_parquet(path, columns=columns)
    except (OSError, pyarrow.ArrowException) as error:
        raise _broken(path, error) from None


def read_csv(path):
    """A CSV table the pipeline wrote."""
    import pandas as pd

    try:
        return pd.read_csv(path)
    except (OSError, UnicodeDecodeError, pd.errors.EmptyDataError, pd.errors.ParserError) as error:
        raise _broken(path, error) from None


def read_json(path):
    """A JSON document the pipeline wrote."""
    try:
        with open(path) as handle:
            return json.load(handle)
    except (OSError, UnicodeDecodeError, json.JSONDecodeError) as error:
        raise _broken(path, error) from None


def read_arrays(path) -> dict:
    """The arrays of an ``.npz`` the pipeline wrote, by name (no pickles)."""
    import numpy as np

    try:
        with np.load(path, allow_pickle=False) as archive:
            return {name: archive[name] for name in archive.files}
    except (OSError, EOFError, zipfile.BadZipFile) as error:
        raise _broken(path, error) from None


def write_json(path, document) -> None:
    """``document`` as indented JSON with a final newline, keys in the order given (to diff runs)."""
    with open(path, "w") as handle:
        json.dump(document, handle, indent=2)
        handle.write("\n")
