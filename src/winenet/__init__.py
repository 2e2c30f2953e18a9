"""winenet: which producer made a wine, from a from-scratch NumPy network and a Snakemake pipeline."""

import os
from pathlib import Path

# The Snakefile sets WINENET_SRC to the src/ beside it, for its jobs. A job that would import
# another copy of this package (another clone's, through a shared virtual environment) would run
# code its results do not come from: it stops here instead.
_expected = os.environ.get("WINENET_SRC")
if _expected and Path(__file__).resolve().parent != (Path(_expected) / "winenet").resolve():
    raise ImportError(
        f"this job would run winenet from {Path(__file__).resolve().parent}, but the workflow's own "
        f"code is {Path(_expected) / 'winenet'}; run snakemake from that workflow, or unset WINENET_SRC"
    )

# A job of the workflow (the Snakefile sets WINENET_SRC for them) computes on one core: its matrix
# products are too small to gain from more BLAS threads, and the threads a rule claims only keep
# more jobs from running at once than the machine has CPUs (workflow/rules/common.smk). Set before
# NumPy loads, which every job's script does after importing winenet.
if _expected:
    for _name in ("OMP_NUM_THREADS", "OPENBLAS_NUM_THREADS", "MKL_NUM_THREADS", "VECLIB_MAXIMUM_THREADS"):
        os.environ[_name] = "1"
