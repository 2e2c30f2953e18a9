"""Benchmark: the three default 1000-epoch trainings, timed one by one (a benchmark, not a test).

Usage: python bench/train.py [--epochs N]
Reads config.yaml and data/wine.csv, runs the data stages in-process, prints seconds per model.
"""

import argparse
import time

from common import load_config, report_split

from winenet.preprocessing import model_arrays
from winenet.training import accuracy, fit_model


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--epochs", type=int, help="override training.epochs (default: config.yaml)")
    args = parser.parse_args()
    config = load_config()
    training = config["training"]
    epochs = args.epochs or training["epochs"]
    train, test, normalisation = report_split(config)
    print(f"{'model':<8} {'penalty':<8} {'epochs':>6} {'seconds':>8} {'ms/epoch':>9} {'val accuracy':>13}")
    total = 0.0
    for name, model in config["models"].items():
        start = time.perf_counter()
        network, _ = fit_model(
            train,
            test,
            normalisation,
            hidden=config["network"]["hidden"],
            training=training | {"epochs": epochs},
            penalty=model["penalty"],
            coefficient=model["coefficient"],
        )
        seconds = time.perf_counter() - start
        total += seconds
        x_test, y_test = model_arrays(test, normalisation)
        validation_accuracy = accuracy(network.logits(x_test), y_test)
        print(
            f"{name:<8} {model['penalty']:<8} {epochs:>6} {seconds:>8.2f} "
            f"{1000 * seconds / epochs:>9.3f} {validation_accuracy:>13.3f}"
        )
    print(f"{'total':<8} {'':<8} {'':>6} {total:>8.2f}")


if __name__ == "__main__":
    main()
