"""The HTML report, built by a job of its own so that only a complete run writes it.

Snakemake's ``--report`` is asked for by a nested ``snakemake`` call, with the run's own config
(written to a file next to the job's log), so that the captions quote the settings the results
were made with.
"""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

from winenet.jobs.errors import WinenetError


class ReportFailed(WinenetError):
    """Snakemake could not build the HTML report; its own message is in the job's log."""


def build_report(output, config: dict, settings, snakefile, stylesheet, log) -> None:
    """Write Snakemake's HTML report of the default target to ``output``, with ``config`` as the config.

    ``config`` is first written to ``settings`` (``results/config.yaml``): the effective config of
    the complete run, which a later command can pass again to keep it. ``snakefile`` and
    ``stylesheet`` are absolute: the working directory (``--directory``) may be anywhere, and a
    profile's relative stylesheet path would be read from there.
    """
    import yaml

    Path(settings).write_text(yaml.safe_dump(config, sort_keys=False))
    command = [
        sys.executable,
        "-m",
        "snakemake",
        "--snakefile",
        str(snakefile),
        "--directory",
        str(Path.cwd()),
        "--report",
        str(output),
        "--report-stylesheet",
        str(stylesheet),
        # The run's config, whole: config.yaml's entries must not come back (e.g. a model the run left out).
        "--replace-workflow-config",
        "--configfile",
        str(settings),
    ]
    # The nested Snakemake writes through this job's own stderr (its log), after what the job
    # wrote so far and before the job's last line; a second handle on the file would overwrite.
    sys.stderr.flush()
    result = subprocess.run(command, stdout=sys.stderr, stderr=subprocess.STDOUT)
    if result.returncode != 0:
        raise ReportFailed(f"snakemake --report failed (exit {result.returncode}); see {log}")
