# Helpers only: no rules here.
import os
import sys
from pathlib import Path

import yaml
from snakemake.exceptions import WorkflowError

from winenet.workflow import layout
from winenet.studies.baselines import BASELINES
from winenet.verdicts.claims import check_statements
from winenet.workflow.config import (
    check_l1_model,
    proximal_twin,
    refused_in_words,
    rerun_note,
)
from winenet.workflow.folders import check_folder, last_run_config
from winenet.data.tables import configured_features
from winenet.workflow.dependencies import module_closure
from winenet.workflow.plan import check_models_kept, pending_rules, summary_of
from winenet.workflow.resources import request, work_units

# What this run consists of, from the config alone (winenet.workflow.layout, which also says which jobs a
# run of another config made).
MODELS = layout.model_names(config)
# The first normalisation is the one the models of `models:` train with; the sensitivity analyses
# (cross-validation, the importance study) run under each.
NORMALISATIONS = layout.normalisations(config)
MODEL_NORMALISATION = NORMALISATIONS[0]
# The normalisations the study also runs under on further splits (none when importance.splits.count
# is 1: the report's split alone).
SPLIT_NORMALISATIONS = layout.split_study_normalisations(config)
L1_MODEL = config["beyond"]["l1_methods"]["model"]
with refused_in_words():
    check_l1_model(config)
# The L1 model's twin with the proximal step: trained beside it (l1_methods) and over seeds, so
# that the claims can compare the two steps seed by seed.
PROXIMAL_TWIN = proximal_twin(L1_MODEL)
SEED_MODELS = layout.seed_models(config)
# The folder this run writes everything to (setting `results`): every rule's outputs, logs and
# benchmarks are under it, named with results_path().
RESULTS = os.path.normpath(config["results"])
# One run, one folder: a folder holding a run of other data, or a run with jobs this one does not
# have (whose files would stay beside this run's), stops here, before any job.
with refused_in_words():
    check_folder(config, RESULTS)
# A changed setting retrains: say so before any job runs, and how to keep the last run's settings.
LAST_RUN_CONFIG = last_run_config(RESULTS)
if note := rerun_note(config, LAST_RUN_CONFIG):
    print(note, file=sys.stderr)
# A claim that names a model, feature or normalisation this run lacks stops here, before any job.
with refused_in_words():
    check_statements(
        config["claims"]["statements"],
        models=MODELS,
        seed_models=SEED_MODELS,
        baselines=BASELINES,
        normalisations=NORMALISATIONS,
        features=configured_features(config["data"]),
    )


# A job that trains computes on one core: its matrix products are too small to gain from more BLAS
# threads, which winenet holds to one in every job (winenet/__init__.py). Given more cores than the
# machine has CPUs (the README's --cores 8 on two), each such job claims a share of them, so that no
# more trainings run at once than there are CPUs: eight at once on two CPUs took a tenth more CPU
# than two at once (docs/performance.md). On a cluster each job is submitted with its own core.
def given_cores():
    """The cores Snakemake may use on this machine (--cores); None on a cluster or when none were given."""
    if not workflow.local_exec:
        return None
    try:
        return workflow.cores
    except WorkflowError:
        return None


TRAINING_THREADS = layout.training_threads(given_cores(), len(os.sched_getaffinity(0)))
# Which ready job goes first when the cores are busy (higher first): the trainings that most
# evaluations and figures wait on, then the long analyses (importance shards, cross-validation,
# seeds, baselines), and last the short summaries and figures, which fill the cores until the end
# instead of leaving one idle behind a long job.
PRIORITY_UPSTREAM = 30
PRIORITY_LONG = 20
PACKAGE_DIR = os.path.join(workflow.basedir, "src", "winenet")
SCRIPTS_DIR = os.path.join(workflow.basedir, "workflow", "scripts")


wildcard_constraints:
    model="|".join(MODELS),
    normalisation="|".join(NORMALISATIONS),
    shard=r"\d+",


def results_path(path):
    """``path`` inside this run's folder: ``results_path("models/{model}/weights.npz")``."""
    return os.path.join(RESULTS, path)


def adapter(name):
    """The path of a rule's script, relative to the rules folder as `script:` wants it."""
    return f"../scripts/{name}.py"


def code(name):
    """The src/winenet modules script `name` runs, directly or through other winenet modules.

    Declared as inputs so that editing the code a job runs reruns the job, and nothing else.
    """
    paths = module_closure(os.path.join(SCRIPTS_DIR, f"{name}.py"), PACKAGE_DIR)
    return [os.path.relpath(path) for path in paths]


def model_settings(wildcards):
    """The one entry of `models:` (or the L1 model's proximal twin) a job of model {model} depends on."""
    if wildcards.model == PROXIMAL_TWIN:
        return {
            "penalty": "l1_proximal",
            "coefficient": config["models"][L1_MODEL]["coefficient"],
        }
    return config["models"][wildcards.model]


# What the training rules measured in a default run, as bench/resources.py wrote it; a cluster
# job asks for that, scaled by the settings that drive it.
with open(os.path.join(workflow.basedir, "workflow", "resources.yaml")) as handle:
    MEASURED = yaml.safe_load(handle)


def requested(rule, resource):
    """The resource function of training ``rule``, ``resource`` for one of its jobs; more on a retry."""

    def function(wildcards, attempt):
        study = {
            "importance_shard": study_settings,
            "importance_splits": split_study_settings,
        }.get(rule)
        study = study(wildcards.normalisation) if study else None
        return request(
            MEASURED[rule], resource, work_units(rule, config, study), attempt
        )

    return function


def output_of(pattern, **wildcards):
    """One file of a rule's output ``pattern`` (e.g. ``rules.train.output.weights``), wildcards filled in."""
    (path,) = expand(pattern, **wildcards)
    return path


def data_file(name, normalisation=MODEL_NORMALISATION):
    """Output ``name`` of split_normalise for one normalisation (default: the models' own)."""
    return output_of(rules.split_normalise.output[name], normalisation=normalisation)


def claims_design():
    """The settings the claims' evidence was made with, which their conditions state."""
    beyond = config["beyond"]
    return {
        "training": config["training"],
        "split": config["split"],
        "seeds": beyond["seeds"],
        "cross_validation": {
            key: beyond["cross_validation"][key] for key in ("folds", "repeats")
        },
        "importance": {
            key: config["importance"][key]
            for key in ("epochs", "penalty", "coefficient", "splits")
        },
        "study_runs": {n: study_settings(n)["runs"] for n in NORMALISATIONS},
        "normalisations": NORMALISATIONS,
    }


def study_settings(normalisation):
    """The importance study's settings under one normalisation: fewer runs after the first."""
    return layout.study_settings(config, normalisation)


def split_study_settings(normalisation):
    """The split study's settings under one normalisation: the study's, its splits and runs per split."""
    return layout.split_study_settings(config, normalisation)


def study_shards(normalisation):
    """Shard numbers of the importance study under one normalisation."""
    return layout.study_shards(config, normalisation)


def kept_models(wildcards):
    """The trained models' weights a prediction uses; stops first if Snakemake would make any of them.

    Evaluated when Snakemake plans the prediction, before any job runs: it asks Snakemake (a summary
    of the same workflow under the same config) whether the models are up to date.
    """
    weights = expand(rules.train.output.weights, model=MODELS)
    snakefile = Path(workflow.basedir) / "Snakefile"
    with refused_in_words():
        summary = summary_of(weights, config, snakefile, os.getcwd())
        check_models_kept(pending_rules(summary), LAST_RUN_CONFIG)
    return weights


def final_targets():
    """Everything `snakemake` builds by default, named by the rules that make it (call once all exist)."""
    per_normalisation = [
        rules.importance_gather.output.summary,
        *rules.plot_importance.output,
    ]
    return [
        *rules.compare.output,
        *rules.plot_feature_distributions.output,
        *rules.plot_l1_methods.output,
        *rules.cv_summary.output,
        *rules.importance_sensitivity.output,
        *rules.report_claims.output,
        *expand(rules.evaluate.output, model=MODELS),
        *expand(per_normalisation, normalisation=NORMALISATIONS),
    ]
