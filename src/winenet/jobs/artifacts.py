"""Reading the files earlier stages wrote, with one clear error when one is broken or cannot be read.

Only real damage to a file this workflow wrote counts as a broken intermediate: a Parquet, JSON or
``.npz`` that does not parse (truncated, overwritten, half-copied). It raises ``BrokenIntermediate``
naming the file, instead of a library traceback; the job then removes the file (it lies under
``results/``), so that the next run rebuilds it and everything that depends on it. A file that
cannot be read at all (permission denied, an I/O error, a stale network-filesystem handle: an
``OSError`` with an error number) raises ``UnreadableFile`` and is never touched: it may be
intact, and sibling jobs may be reading it. Any other error (a column that is not there, a wrong
type) is a bug of the code that reads it, keeps its traceback, and leaves the file alone.
"""

from __future__ import annotations

import json
import zipfile

from winenet.jobs.errors import BrokenIntermediate, UnreadableFile


def _broken(path, error: Exception) -> BrokenIntermediate | UnreadableFile:
    """What a reading error means: an operating-system error (it has an errno), or a file that is damaged."""
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
        pyarrow.parquet.read_metadata(path)
    except (OSError, pyarrow.ArrowInvalid) as error:
        raise _broken(path, error) from None
    # Whatever fails after this (a column the caller asked for that is not there) is a bug of the
    # code, not of the file: it keeps its traceback and the file stays.
    return pd.read_parquet(path, columns=columns)


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
