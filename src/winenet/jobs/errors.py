"""The errors a user can act on: each one's str() is one line saying what happened and what to do.

Part of the job machinery (with ``job.py``): what a job says when it fails, never what it writes,
so the workflow does not count these modules as code inputs (``dependencies.MACHINERY``).
"""

from __future__ import annotations

import os
from pathlib import Path


class WinenetError(Exception):
    """A failure the user can fix (bad data, a diverged training, a broken file), not a bug."""


class BrokenIntermediate(WinenetError):
    """A file the pipeline wrote earlier does not parse: truncated, overwritten or half-copied.

    It is left as it is: it may be the only copy of what went wrong, and the job did not write it.
    """

    def __init__(self, path, reason: str):
        self.path = Path(path)
        self.reason = reason
        super().__init__(str(path))

    def __str__(self) -> str:
        return (
            f"{self.path} is damaged ({self.reason}); it was left as it is: run the same snakemake "
            f"command with `--forcerun {self.path}` to rebuild it and what depends on it"
        )


class MissingIntermediate(WinenetError):
    """A file the pipeline wrote earlier is gone: removed while the run went on."""

    def __init__(self, path):
        self.path = Path(path)
        super().__init__(str(path))

    def __str__(self) -> str:
        return (
            f"{self.path} is missing (removed after the workflow made it); run the same snakemake "
            "command again and it is rebuilt"
        )


class DirectoryInTheWay(WinenetError):
    """A directory lies where the pipeline keeps a file."""

    def __init__(self, path):
        self.path = Path(path)
        super().__init__(str(path))

    def __str__(self) -> str:
        return (
            f"{self.path} is a directory where the workflow keeps a file; it was left as it is: move it "
            "elsewhere, then run the same snakemake command again and the file is rebuilt"
        )


class UnreadableFile(WinenetError):
    """A file that cannot be opened or read (permissions, a disk or network error): not damaged, kept."""

    def __init__(self, path, error: OSError):
        self.path = Path(path)
        # The operating system's own words for the error number; libraries wrap them in their own.
        self.reason = os.strerror(error.errno) if error.errno else type(error).__name__
        super().__init__(str(path))

    def __str__(self) -> str:
        return (
            f"{self.path} cannot be read ({self.reason}); it was left as it is: check that this user may "
            "read it and that its disk or network share answers, then run the same command again"
        )


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


# The wording of every problem a data file can have (``tables.py`` finds them). Here, with the rest
# of what a job says when it fails, so that rewording one reruns nothing: it changes no output.
TABLE_PROBLEMS = {
    "cannot be read": "{where}: cannot be read:",
    "wrong format": "{where}: wrong format:",
    "found": "{where}: {count} problem{plural} found:",
    "not utf-8": (
        "{where}, line {line}: not UTF-8 text (byte 0x{byte} at byte offset {offset}); save as UTF-8"
    ),
    "empty cell": "is empty",
    "infinite": "{text!r} is infinite",
    "missing marker": "{text!r} is a missing-value marker, not a number",
    "not a number": "{text!r} is not a number",
    "too large": "{text!r} is too large for a 64-bit float",
    "not found": "{where}: file not found",
    "a directory": "{where}: is a directory, not a file",
    "unreadable": "{where}: cannot be read ({reason})",
    "not csv": "{where}, line {line}: not readable as CSV ({error})",
    "empty file": "{where}: file is empty",
    "one column": (
        "{at_header}: the header is a single column {column!r}; the file looks {delimiter}-delimited "
        "(expected commas)"
    ),
    "unnamed column": "{at_header}: column {position} has an empty name",
    "repeated name": "{at_header}: column name {name!r} is repeated (columns {listed})",
    "reserved name": (
        "{at_header}, column {position}: column name {name!r} is reserved for the row number the "
        "pipeline adds; rename that column"
    ),
    "field count": "{where}, line {line}: {which} fields ({count}, the header has {columns})",
    "empty label": "{where}, line {line}, column {name!r}: label is empty",
    "bad cell": "{where}, line {line}, column {name!r}: {problem}",
    "one class": (
        "{where}, column {label!r}: fewer than two classes (found {found}); a classifier needs at least two"
    ),
    "small class": (
        "{where}, column {label!r}: class {value!r} has only {count} row (each class needs at least two)"
    ),
    "no label": (
        "{at_header}: label column {label!r} not found; its columns are {columns}: set data.label to "
        "the one that names the classes"
    ),
    "no exclude": "{at_header}: data.exclude: {which} not found; its columns are {columns}",
    "feature selection": "{at_header}: {problem}",
    "no features": (
        "{at_header}: none of the configured features is a column of this file; its columns are {others}: "
        "set data.features to all (and data.exclude to the columns to leave out) or list the ones to use"
    ),
    "no rows": "{where}: the header (line {line}) is followed by no data rows",
    "constant": (
        "{where}, column {name!r}: every row holds {value:g}, so it tells the classes nothing and no "
        "normalisation can scale it; leave it out with data.exclude"
    ),
}


def table_problem(kind: str, **values) -> str:
    """One problem of a data file, in the words of ``TABLE_PROBLEMS[kind]``."""
    return TABLE_PROBLEMS[kind].format(**values)
