"""What every job does before its script's own work: its log, the code it runs, one line when it fails."""

from __future__ import annotations

import sys
from pathlib import Path

from winenet.errors import WinenetError

PACKAGE = Path(__file__).resolve().parent


def _one_line(kind, error, traceback, folder) -> None:
    # A failure the user can act on is one line that says what to do; anything else is a bug
    # and keeps its traceback.
    if isinstance(error, WinenetError):
        error.act(folder)
        print(f"{kind.__name__}: {error}", file=sys.stderr)
    else:
        sys.__excepthook__(kind, error, traceback)


def start_job(snakemake) -> None:
    """Send stderr to the job's log, say which winenet runs, and report a ``WinenetError`` as one line.

    Called first, so that whatever the script imports or does after it, its messages land in the log.
    What a job costs (wall, CPU, memory) is Snakemake's own ``benchmark:`` file, not this module's.
    """
    # Line-buffered, so the log shows progress while the job runs and is complete if it is killed.
    sys.stderr = open(snakemake.log[0], "w", buffering=1)  # noqa: SIM115 - open for the whole job
    print(f"winenet from {PACKAGE}", file=sys.stderr)
    # The run's folder (setting `results`): the only place a job may clean up after a failure.
    folder = Path(snakemake.config["results"])
    sys.excepthook = lambda kind, error, traceback: _one_line(kind, error, traceback, folder)


def pin_workflow_code(src) -> None:
    """Make the jobs this process starts import winenet from ``src`` (the workflow's), and only from there.

    Called by the Snakefile: jobs inherit the environment, ``PYTHONPATH`` puts ``src`` before any
    installed copy, and the package refuses to load from anywhere else while ``WINENET_SRC`` is set.
    """
    import os

    os.environ["PYTHONPATH"] = os.pathsep.join(filter(None, [str(src), os.environ.get("PYTHONPATH")]))
    os.environ["WINENET_SRC"] = str(src)
