"""What a run consists of, from its config alone: its models, normalisations and study shards, its jobs.

The rules take their wildcard values from here (``workflow/rules/common.smk``), and so does
``run_jobs``, the jobs of a complete run, which fix the files it writes: one job, one set of files
(its outputs, its log, its benchmark). ``folders.py`` compares a folder's earlier run with this
one through them. Nothing here reads a file or imports more than the claims' declarations.
"""

from __future__ import annotations

from collections.abc import Mapping

from winenet.workflow.config import proximal_twin


def model_names(config: Mapping) -> list[str]:
    """The models of ``models:``, in the config's order."""
    return list(config["models"])


def normalisations(config: Mapping) -> list[str]:
    """``normalisation.methods``: the first is the one the models train with, each runs the analyses."""
    return list(config["normalisation"]["methods"])


def seed_models(config: Mapping) -> list[str]:
    """The models trained over seeds: every model, and the L1 model's twin with the proximal step."""
    return [*model_names(config), proximal_twin(config["beyond"]["l1_methods"]["model"])]


def study_settings(config: Mapping, normalisation: str) -> dict:
    """The importance study's settings under one normalisation: fewer runs after the first."""
    settings = dict(config["importance"])
    # Only the run count that applies stays, so that the other one never reruns these jobs; the
    # split study's settings are its own (``split_study_settings``).
    other_runs = settings.pop("runs_other_normalisations")
    settings.pop("splits")
    if normalisation != normalisations(config)[0]:
        # Shards of about the same number of runs as the first normalisation's: fewer runs, fewer
        # jobs, and every job's stacks stay as full.
        settings["shards"] = -(-settings["shards"] * other_runs // settings["runs"])
        settings["runs"] = other_runs
    # More shards than runs would leave shards with nothing to train.
    settings["shards"] = min(settings["shards"], settings["runs"])
    return settings


def split_study_settings(config: Mapping, normalisation: str) -> dict:
    """The split study's settings under one normalisation: the study's, with ``splits`` (count, runs).

    Its runs are numbered after the report's study's (``runs``), so the two share no seed.
    """
    return {**study_settings(config, normalisation), "splits": dict(config["importance"]["splits"])}


def split_study_normalisations(config: Mapping) -> list[str]:
    """The normalisations the split study runs under: every configured one, when it has further splits."""
    return normalisations(config) if config["importance"]["splits"]["count"] > 1 else []


def study_shards(config: Mapping, normalisation: str) -> list[int]:
    """Shard numbers of the importance study under one normalisation."""
    return list(range(study_settings(config, normalisation)["shards"]))


# The rules of a complete run whose jobs do not depend on the config: one job each.
SINGLE_JOBS = (
    "validate",
    "cv_folds",
    "compare",
    "plot_feature_distributions",
    "l1_methods",
    "plot_l1_methods",
    "cv_summary",
    "importance_sensitivity",
    "claims",
    "report_claims",
    "report",
)


def run_jobs(config: Mapping) -> set[str]:
    """The jobs of a complete run (the default target) under ``config``, as ``rule[wildcard=value, ...]``.

    Written as a dry run of Snakemake lists them (``planned_jobs`` of the tests' sandbox), which a test
    holds this to. Each job writes files of its own, so two configs write the same files exactly
    when they have the same jobs. (``cross_validate_model`` writes one file per normalisation, as
    ``split_normalise`` has one job per normalisation: a normalisation dropped drops jobs too.)
    """
    models, methods = model_names(config), normalisations(config)
    jobs = set(SINGLE_JOBS)
    jobs |= {f"{rule}[model={m}]" for rule in ("train", "evaluate") for m in models}
    jobs |= {f"seed_study[model={m}]" for m in seed_models(config)}
    rules = ("split_normalise", "importance_gather", "plot_importance", "cross_validate_baselines")
    jobs |= {f"{rule}[normalisation={n}]" for rule in rules for n in methods}
    jobs |= {f"cross_validate_model[model={m}]" for m in models}
    jobs |= {f"importance_splits[normalisation={n}]" for n in split_study_normalisations(config)}
    jobs |= {
        f"importance_shard[normalisation={n}, shard={s}]" for n in methods for s in study_shards(config, n)
    }
    return jobs


# Folders of a run named after a normalisation or a model: in a folder that holds a complete run,
# one named after a value this run does not have is a leftover (of other settings, or of an earlier
# version of the workflow whose jobs this one no longer has).
NORMALISATION_FOLDERS = ("data", "importance", "figures/importance", "beyond/cv")
MODEL_FOLDERS = ("models", "figures/models")
SEED_MODEL_FOLDERS = ("beyond/seeds",)


def run_folders(config: Mapping) -> dict[str, set[str]]:
    """The folders of a complete run under ``config`` named after its values, by the folder they are in.

    ``{"data": {"l2norm", "standard"}, "models": {"plain", ...}, ...}``: below each parent, a
    complete run writes these folders and no other.
    """
    keyed = (
        (NORMALISATION_FOLDERS, set(normalisations(config))),
        (MODEL_FOLDERS, set(model_names(config))),
        (SEED_MODEL_FOLDERS, set(seed_models(config))),
    )
    return {parent: values for parents, values in keyed for parent in parents}


def training_threads(cores: int | None, cpus: int) -> int:
    """The cores a job that trains claims: one, or its share when more cores are given than CPUs.

    ``cores`` is what Snakemake may use (``--cores``; None on a cluster, where every job has its
    own), ``cpus`` what this machine has. Each claims ``cores // cpus``, so that no more such jobs
    run at once than there are CPUs; each computes on one of them.
    """
    if not cores or cores <= cpus:
        return 1
    return cores // cpus
