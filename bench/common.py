"""What the benchmarks share: the config, the report's split of the data, the importance study's settings.

winenet is imported inside the functions: benchmarks pin BLAS to one thread before NumPy loads.
"""

from pathlib import Path

import yaml

ROOT = Path(__file__).resolve().parents[1]


def load_config() -> dict:
    return yaml.safe_load((ROOT / "config.yaml").read_text())


def report_split(config: dict, method: str | None = None):
    """Train and test tables and the normalisation of the report's split, under ``method``.

    ``method`` defaults to the normalisation the models train with (the first configured).
    """
    from winenet.preprocessing import split_normalise
    from winenet.tables import load_table

    data = config["data"]
    table = load_table(ROOT / data["path"], data["label"], data["features"])
    method = method or config["normalisation"]["methods"][0]
    return split_normalise(table, data["label"], data["features"], **config["split"], method=method)


def report_arrays(config: dict, method: str | None = None):
    """The report's split under ``method``: ``(x_train, y_train, x_test, y_test)`` and its normalisation."""
    from winenet.preprocessing import model_arrays

    train, test, normalisation = report_split(config, method)
    return (*model_arrays(train, normalisation), *model_arrays(test, normalisation)), normalisation


def study_settings(config: dict, normalisation: dict) -> dict:
    """The configured importance study as keyword arguments of ``train_importance_runs``."""
    training, importance = config["training"], config["importance"]
    return {
        "hidden": config["network"]["hidden"],
        "n_classes": len(normalisation["classes"]),
        "learning_rate": training["learning_rate"],
        "batch_size": training["batch_size"],
        "epochs": importance["epochs"],
        "penalty": importance["penalty"],
        "coefficient": importance["coefficient"],
        "seed": importance["seed"],
        "dtype": importance["dtype"],
        "stack_size": importance["stack_size"],
        "permutation_repeats": importance["permutation_repeats"],
    }
