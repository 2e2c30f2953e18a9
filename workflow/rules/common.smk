# Helpers only: no rules here.
import os


def package_module(name):
    """Path of src/winenet/<name>, declared as an input so that editing the code reruns its jobs."""
    return os.path.relpath(os.path.join(workflow.basedir, "src", "winenet", name))


def final_targets():
    """Everything `snakemake` builds by default."""
    return [
        "results/data/train.parquet",
        "results/data/test.parquet",
        "results/data/normalisation.json",
    ]
