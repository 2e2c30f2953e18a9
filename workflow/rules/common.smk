# Helpers only: no rules here.
import os

MODELS = list(config["models"])
# Training jobs are single-threaded and CPU-bound: run no more of them at once than the machine
# has cores, even under `--cores 8` on a 2-core laptop, where they would fight over the caches.
# A cluster profile raises the limit with `resources: compute_jobs=N`.
if "compute_jobs" not in workflow.global_resources:
    workflow.register_resource("compute_jobs", os.cpu_count() or 1)
L1_MODEL = config["beyond"]["l1_methods"]["model"]
if config["models"].get(L1_MODEL, {}).get("penalty") != "l1":
    raise ValueError(
        f"beyond.l1_methods.model: {L1_MODEL!r} is not an entry of models with penalty l1"
    )
PERMUTATION_MODEL = config["beyond"]["permutation"]["model"]
if PERMUTATION_MODEL not in config["models"]:
    raise ValueError(
        f"beyond.permutation.model: {PERMUTATION_MODEL!r} is not an entry of models"
    )
# Which ready job goes first when the cores are busy (higher first): the trainings that most
# evaluations and figures wait on, then the long analyses, and last the short importance shards,
# which fill the cores until the end instead of leaving one idle behind a long job.
PRIORITY_UPSTREAM = 30
PRIORITY_LONG = 20
# More shards than runs would leave shards with nothing to train.
SHARDS = list(range(min(config["importance"]["shards"], config["importance"]["runs"])))


wildcard_constraints:
    model="|".join(MODELS),
    shard=r"\d+",


def package_modules(*names):
    """Paths of src/winenet modules, declared as inputs so that editing the code reruns its jobs."""
    return [
        os.path.relpath(os.path.join(workflow.basedir, "src", "winenet", name))
        for name in names
    ]


def model_settings(wildcards):
    """The one entry of `models:` that a job of model {model} depends on."""
    return config["models"][wildcards.model]


def final_targets():
    """Everything `snakemake` builds by default."""
    return [
        "results/metrics.json",
        "results/models/summary.csv",
        "results/figures/data/feature_distributions.png",
        "results/figures/models/accuracy.png",
        "results/importance/summary.csv",
        "results/figures/importance/rank_heatmap_weight.png",
        "results/figures/importance/rank_heatmap_gradient.png",
        "results/figures/importance/features_by_importance.png",
        "results/figures/beyond/l1_methods.png",
        "results/beyond/paired_differences.csv",
        "results/figures/beyond/ranking_comparison.png",
        *expand(
            [
                "results/models/{model}/classification_report.txt",
                "results/figures/models/{model}/training_curves.png",
                "results/figures/models/{model}/roc_curves.png",
                "results/figures/models/{model}/confusion_matrix.png",
            ],
            model=MODELS,
        ),
    ]


def skip_report_on_dry_run(create_report):
    """Wrap Workflow.create_report so that `snakemake -n` with --report-after-run does not fail."""

    # profiles/default asks for --report-after-run, and Snakemake 9 then builds the report even
    # after a dry run, which made none of the files to report on. Whether a run is dry is only
    # known once it executes, hence a wrapper checked at call time.
    def create_report_unless_dry_run(*args, **kwargs):
        if workflow.dryrun:
            return None
        return create_report(*args, **kwargs)

    return create_report_unless_dry_run


workflow.create_report = skip_report_on_dry_run(workflow.create_report)
