"""What every job does before its script's own work: its log, the code it runs, one line when it fails."""

from __future__ import annotations

import sys
from pathlib import Path

from winenet.errors import WinenetError

PACKAGE = Path(__file__).resolve().parent
BLAS_THREADS = ("OMP_NUM_THREADS", "OPENBLAS_NUM_THREADS", "MKL_NUM_THREADS", "VECLIB_MAXIMUM_THREADS")


def _one_line(kind, error, traceback) -> None:
    # A failure the user can act on is one line that says what to do; anything else is a bug
    # and keeps its traceback.
    if isinstance(error, WinenetError):
        error.act()
        print(f"{kind.__name__}: {error}", file=sys.stderr)
    else:
        sys.__excepthook__(kind, error, traceback)


def _seconds_since_start() -> float | None:
    """Wall seconds since this process started (Linux), or None where that is not known."""
    import os

    try:
        start_ticks = int(Path("/proc/self/stat").read_text().rsplit(")", 1)[1].split()[19])
        uptime = float(Path("/proc/uptime").read_text().split()[0])
    except (OSError, ValueError, IndexError):
        return None
    return uptime - start_ticks / os.sysconf("SC_CLK_TCK")


def _report_cost() -> None:
    import os

    # Its own CPU and that of the processes it started and waited for (the report's Snakemake).
    cpu = sum(os.times()[:4])
    wall = _seconds_since_start()
    spent = f"{wall:.2f} s wall, " if wall is not None else ""
    print(f"job cost: {spent}{cpu:.2f} s CPU (start-up and child processes included)", file=sys.stderr)


def start_job(snakemake) -> None:
    """Send stderr to the job's log, say which winenet runs, and report a ``WinenetError`` as one line.

    The log's last line says what the job cost, start-up and child processes included
    (``bench/stages.py`` reads it).
    """
    import atexit
    import os

    # Snakemake gives BLAS the job's `threads` as its thread count. The workflow uses threads to
    # keep training jobs from sharing a core, not to multiply BLAS threads: the networks' products
    # are too small to gain from them and the scikit-learn MLP runs twice as slow on several. BLAS
    # reads these when NumPy loads, which in a job's script comes after this call.
    for variable in BLAS_THREADS:
        os.environ[variable] = "1"
    # Line-buffered, so the log shows progress while the job runs and is complete if it is killed.
    sys.stderr = open(snakemake.log[0], "w", buffering=1)  # noqa: SIM115 - open for the whole job
    print(f"winenet from {PACKAGE}", file=sys.stderr)
    sys.excepthook = _one_line
    atexit.register(_report_cost)


def finish_job() -> None:
    """The script's last call: its work is done, so say what the job cost and end the process now.

    Every output is written and closed by then. Python's normal exit would go on to tear down
    every module the job loaded, pandas' and matplotlib's included: 0.1 to 0.15 s of CPU per job
    that changes nothing on disk. A job that fails never gets here and exits the normal way.
    With ``WINENET_JOB_RETURNS=1`` in the environment it returns instead, for a harness that runs
    the script inside its own process and has more to do after it (``bench/scale.py``).
    """
    import atexit
    import os

    _report_cost()
    atexit.unregister(_report_cost)
    sys.stdout.flush()
    sys.stderr.flush()
    if os.environ.get("WINENET_JOB_RETURNS") != "1":
        os._exit(0)


def pin_workflow_code(src) -> None:
    """Make the jobs this process starts import winenet from ``src`` (the workflow's), and only from there.

    Called by the Snakefile: jobs inherit the environment, ``PYTHONPATH`` puts ``src`` before any
    installed copy, and the package refuses to load from anywhere else while ``WINENET_SRC`` is set.
    """
    import os

    os.environ["PYTHONPATH"] = os.pathsep.join(filter(None, [str(src), os.environ.get("PYTHONPATH")]))
    os.environ["WINENET_SRC"] = str(src)
