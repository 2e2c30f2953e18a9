"""What every job does before its script's own work: its log, the code it runs, one line when it fails.

And after it: the job's last log line says what it cost, its CPU (user and system, the processes it
waited for included) and its peak memory, counted by the operating system when the interpreter
exits, imports and all (``JOB_COST``). bench/costs.py adds these up by analysis.
"""

from __future__ import annotations

import atexit
import resource
import sys
from pathlib import Path

from winenet.jobs.errors import WinenetError

# The winenet package this job runs (this module lies in its jobs/ package).
PACKAGE = Path(__file__).resolve().parents[1]
# The last line of every job's log; bench/costs.py reads it.
JOB_COST = "job cost: {cpu:.3f} s CPU, peak {peak:.0f} MiB"


def job_cost() -> tuple[float, float]:
    """CPU seconds (user and system) of this process and the children it waited for, and its peak MiB."""
    own, children = resource.getrusage(resource.RUSAGE_SELF), resource.getrusage(resource.RUSAGE_CHILDREN)
    cpu = own.ru_utime + own.ru_stime + children.ru_utime + children.ru_stime
    # Linux reports the peak resident size in KiB.
    return cpu, max(own.ru_maxrss, children.ru_maxrss) / 1024


def _report_cost() -> None:
    cpu, peak = job_cost()
    print(JOB_COST.format(cpu=cpu, peak=peak), file=sys.stderr)


def _one_line(kind, error, traceback) -> None:
    # A failure the user can act on is one line that says what to do; anything else is a bug
    # and keeps its traceback.
    if isinstance(error, WinenetError):
        print(f"{kind.__name__}: {error}", file=sys.stderr)
    else:
        sys.__excepthook__(kind, error, traceback)


def start_job(snakemake) -> None:
    """Send stderr to the job's log, say which winenet runs, and report a ``WinenetError`` as one line.

    Called first, so that whatever the script imports or does after it, its messages land in the log;
    its last line is what the job cost (``JOB_COST``), exact where Snakemake's ``benchmark:`` files
    sample.
    """
    # Line-buffered, so the log shows progress while the job runs and is complete if it is killed.
    sys.stderr = open(snakemake.log[0], "w", buffering=1)  # noqa: SIM115 - open for the whole job
    print(f"winenet from {PACKAGE}", file=sys.stderr)
    sys.excepthook = _one_line
    atexit.register(_report_cost)


def pin_workflow_code(src) -> None:
    """Make the jobs this process starts import winenet from ``src`` (the workflow's), and only from there.

    Called by the Snakefile: jobs inherit the environment, ``PYTHONPATH`` puts ``src`` before any
    installed copy, and the package refuses to load from anywhere else while ``WINENET_SRC`` is set.
    """
    import os

    os.environ["PYTHONPATH"] = os.pathsep.join(filter(None, [str(src), os.environ.get("PYTHONPATH")]))
    os.environ["WINENET_SRC"] = str(src)
