"""One run, one folder: the folder a run writes to (setting ``results``) holds no other run's outputs.

A folder keeps two records of what ran there: ``config.yaml``, the effective config of its last
complete run (rule report writes it), and ``data/table.json``, which names the data file and label
``validate`` read (written first, so that an interrupted run counts too). A run stops before any
job when the folder holds a run of other data, or a complete run with jobs this run does not have
(``layout.run_jobs``) or folders named after a normalisation or model this run does not have
(``layout.run_folders``, found on disk, whatever left them): their files would stay beside this
run's, to be read as if they were its own. Settings that only change what the files hold (epochs,
the claims' thresholds, dpi), or that add jobs, do not stop a run: Snakemake rewrites what they
feed, and ``config.rerun_note`` says so.
"""

from __future__ import annotations

import json
import os
import re
from collections.abc import Mapping
from pathlib import Path

from winenet.workflow.config import ConfigError, flat_settings, listed_keys
from winenet.workflow.layout import run_folders, run_jobs

# The setting that names the folder, and the two records a run leaves in it.
SETTING = "results"
RECORD = "config.yaml"
TABLE = os.path.join("data", "table.json")


def last_run_config(folder) -> str:
    """The effective config of the folder's last complete run: ``{folder}/config.yaml``."""
    return os.path.join(folder, RECORD)


def _yaml(text: str):
    import yaml

    try:
        return yaml.safe_load(text)
    except yaml.YAMLError as error:
        raise ValueError(str(error)) from None


def _read(path: Path, load) -> Mapping | None:
    """A record as a mapping; None when it is missing or does not parse (nothing to compare with)."""
    try:
        document = load(path.read_text())
    except (OSError, ValueError):
        return None
    return document if isinstance(document, Mapping) else None


def _data(record: Mapping | None) -> tuple[str, str] | None:
    """The data file and label a config (``data.path``) or a table summary (``path``) names, if any."""
    if record is None:
        return None
    data = record.get("data", record)
    if not isinstance(data, Mapping) or not isinstance(data.get("path"), str):
        return None
    return data["path"], str(data.get("label"))


def changed_keys(config: Mapping, previous: Mapping) -> list[str]:
    """Every setting whose value differs between two configs (the folder setting aside), sorted."""
    now = flat_settings({key: value for key, value in config.items() if key != SETTING})
    before = flat_settings({key: value for key, value in previous.items() if key != SETTING})
    return sorted(key for key in now.keys() | before.keys() if now.get(key) != before.get(key))


def leftover_jobs(config: Mapping, previous: Mapping) -> set[str]:
    """The jobs of a complete run under ``previous`` that a run under ``config`` does not have.

    Their files would stay beside this run's. Empty when ``previous`` cannot be read as a config of
    this version (an older release's record): then only the data is compared.
    """
    try:
        return run_jobs(previous) - run_jobs(config)
    except (KeyError, TypeError, IndexError, AttributeError):
        return set()


def leftover_folders(config: Mapping, folder) -> list[str]:
    """Folders in ``folder`` named after a normalisation or model that a run under ``config`` does not have.

    Found on disk, so that they are caught whatever left them: other settings, or an earlier version
    of the workflow that ran an analysis this one no longer has. Paths relative to ``folder``, sorted.
    """
    leftover = []
    for parent, values in run_folders(config).items():
        where = Path(folder) / parent
        if where.is_dir():
            leftover += [
                f"{parent}/{entry.name}"
                for entry in where.iterdir()
                if entry.is_dir() and entry.name not in values
            ]
    return sorted(leftover)


def _first_three(names: list[str]) -> str:
    """``names`` for a one-line message: the first three, and how many more."""
    return ", ".join(names[:3]) + (f" and {len(names) - 3} more" if len(names) > 3 else "")


def _suggested(folder: str, data_path: str | None = None) -> str:
    """A folder to suggest instead of ``folder``: named after the data file, or ``folder`` numbered."""
    if data_path is not None:
        name = "results-" + re.sub(r"[^\w.-]+", "-", Path(data_path).stem)
        if name != folder:
            return name
    return f"{folder}-2"


def _remedy(folder: str, suggestion: str) -> str:
    return (
        f"set `{SETTING}` to a folder of its own, e.g. --config {SETTING}={suggestion} (results-* folders "
        f"stay out of git), or delete {folder}/ to replace that run"
    )


def folder_problem(config: Mapping, folder, workdir=".") -> str | None:
    """What keeps a run under ``config`` from writing into ``folder``, in one line; None when nothing does.

    ``workdir`` is the working directory the workflow runs in, where relative paths start.
    """
    shown = os.path.normpath(folder)
    here = Path(workdir).resolve()
    where = (here / folder).resolve()
    if where == here or where in here.parents:
        return (
            f"{SETTING}: {shown} is the working directory or holds it, and a run needs a folder of its "
            f"own: e.g. --config {SETTING}=results-mine"
        )
    for parent in where.parents:
        if (parent / TABLE).is_file():
            return (
                f"{SETTING}: {shown} lies inside {parent}, the folder of another run, which would then hold "
                f"this run's outputs beside its own: name a folder beside it instead, e.g. --config "
                f"{SETTING}={shown.replace(os.sep, '-')}"
            )

    def same_file(a: str, b: str) -> bool:
        return (here / a).resolve() == (here / b).resolve()

    path, label = _data(config)
    record = _read(where / RECORD, _yaml)
    for earlier in (record, _read(where / TABLE, json.loads)):
        other = _data(earlier)
        if other is not None and not (same_file(other[0], path) and other[1] == label):
            return (
                f"{shown}/ holds a run of other data ({other[0]}, label {other[1]}; this run reads {path}, "
                f"label {label}): {_remedy(shown, _suggested(shown, path))}"
            )
    if record is None:
        return None
    leftover = sorted(leftover_jobs(config, record))
    if not leftover:
        folders = leftover_folders(config, where)
        if not folders:
            return None
        listed = _first_three([f"{name}/" for name in folders])
        return (
            f"{shown}/ holds outputs this run does not write ({listed}: left by other settings or an "
            f"earlier version of the workflow): they would stay beside its own; "
            f"{_remedy(shown, _suggested(shown))}"
        )
    listed = _first_three(leftover)
    changed = changed_keys(config, record)
    made = f"made with other {listed_keys(changed)}" if changed else "made with other settings"
    return (
        f"{shown}/ holds a run {made}, whose jobs {listed} this run does not have: their files would stay "
        f"beside its own; {_remedy(shown, _suggested(shown))}"
    )


def check_folder(config: Mapping, folder) -> None:
    """Raise ``ConfigError`` with ``folder_problem``'s line when there is one (before any job runs)."""
    problem = folder_problem(config, folder)
    if problem:
        raise ConfigError(problem)
