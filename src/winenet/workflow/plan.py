"""What Snakemake would run to make some files, asked of Snakemake itself (``snakemake --summary``).

A prediction uses the models of the last complete run. Whether making them now would train
anything is not a matter of comparing settings: an edit to the training code or to the data makes
``train`` outdated as well, and a setting that never feeds training does not. Snakemake's own
summary of the model files' plan answers it for every cause at once.
"""

from __future__ import annotations

import csv
import io
import os
import subprocess
import sys
import tempfile
from collections.abc import Mapping, Sequence
from pathlib import Path

from winenet.workflow.config import ConfigError

# The summary's value in its "plan" column for a file Snakemake would leave as it is.
NO_UPDATE = "no update"


def pending_rules(summary: str) -> list[str]:
    """The rules of the files a ``snakemake --summary`` table (tab-separated) plans to make, sorted."""
    rows = csv.DictReader(io.StringIO(summary), delimiter="\t")
    return sorted({row["rule"] for row in rows if row["plan"] != NO_UPDATE})


def summary_of(targets: Sequence[str], config: Mapping, snakefile, directory) -> str:
    """Snakemake's summary of what making ``targets`` under ``config`` involves (its stdout).

    Runs this interpreter's Snakemake on the same Snakefile, folder and configuration (written whole
    to a temporary file that replaces the workflow's), which plans and runs nothing.
    """
    import yaml

    with tempfile.TemporaryDirectory() as scratch:
        configfile = Path(scratch) / "config.yaml"
        configfile.write_text(yaml.safe_dump(dict(config), sort_keys=False))
        command = [sys.executable, "-m", "snakemake", *targets, "--summary", "--snakefile", str(snakefile)]
        command += [
            "--directory",
            str(directory),
            "--configfile",
            str(configfile),
            "--replace-workflow-config",
        ]
        result = subprocess.run(command, capture_output=True, text=True, env=os.environ.copy())
    if result.returncode != 0:
        last = (result.stderr.strip().splitlines() or ["no message"])[-1]
        raise ConfigError(f"could not ask Snakemake what the models need ({last})")
    return result.stdout


def check_models_kept(pending: Sequence[str], last_run_config) -> None:
    """Raise ``ConfigError`` when making the models would run any job (``pending``: its rules).

    Predictions use the models a complete run trained; if Snakemake would train them first (their
    code, data or settings changed, or none were trained), it would replace the models behind that
    run's report and claims.
    """
    if not pending:
        return
    if not Path(last_run_config).is_file():
        raise ConfigError(
            "predictions use the models of a complete run, and this folder has none yet: run the "
            "whole workflow first (snakemake --cores 8)"
        )
    raise ConfigError(
        f"predictions use the models of the last complete run, and making them now would first run "
        f"{', '.join(pending)} (their code, data or settings changed since): run the whole workflow "
        f"to train them and its report again, or predict with that run's settings (--configfile "
        f"{last_run_config}), data and code"
    )
