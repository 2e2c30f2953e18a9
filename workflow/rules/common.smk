# Helpers only: no rules here.
import os

MODELS = list(config["models"])


wildcard_constraints:
    model="|".join(MODELS),


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
