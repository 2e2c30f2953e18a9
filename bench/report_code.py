"""Benchmark: the report's importance study as the report's own code ran it, the yardstick of the run's speed.

Usage: python bench/report_code.py [--runs N] [--smoke]

The report trained one network at a time, in float64, with four classes (``BasicLayer``,
``ReLULayer``, ``SoftmaxCrossEntropyLoss``, ``FullyConnectedANN``) whose forward and backward keep
every input and allocate every array, and ``run_producer_training``, which per epoch trains on
mini-batches (``train_producer``: forward, loss with the penalty, backward with the input gradient,
gradient descent; loss and accuracy recorded per batch) and then validates (``validate``: loss and
accuracy per batch of the validation rows). Its study trained 300 such L1 networks for 250 epochs,
summing each input gradient's size. This module writes that code out as the report shows it, on
the report's split and settings, and times ``--runs`` of its trainings (on one BLAS thread), scaled
to the study's 300; ``bench/stages.py --against-report`` times it beside the whole run. It is
timed, never used by the workflow. He-scaled initial weights, as the pipeline uses: they change no
operation count. --smoke times two runs of two epochs. A benchmark: it prints figures and asserts
nothing.
"""

from __future__ import annotations

import argparse
import time

import numpy as np


class BasicLayer:
    def __init__(self, n_in, n_out, rng):
        self.W = rng.standard_normal((n_in, n_out)) * np.sqrt(2.0 / n_in)
        self.b = np.zeros(n_out)

    def forward(self, input_data):
        self.input = input_data
        return np.dot(input_data, self.W) + self.b

    def backward(self, output_gradient):
        self.gradient_W = np.dot(self.input.T, output_gradient)
        self.gradient_b = np.sum(output_gradient, axis=0)
        return np.dot(output_gradient, self.W.T)


class ReLULayer:
    def forward(self, input_data):
        self.input = input_data
        return np.maximum(0, input_data)

    def backward(self, output_gradient):
        return output_gradient * (self.input > 0)


class SoftmaxCrossEntropyLoss:
    def forward(self, logits, y_true):
        exps = np.exp(logits - np.max(logits, axis=1, keepdims=True))
        self.softmax_output = exps / np.sum(exps, axis=1, keepdims=True)
        self.y_true = y_true
        clipped_output = np.clip(self.softmax_output, 1e-15, 1 - 1e-15)
        return -np.sum(y_true * np.log(clipped_output)) / logits.shape[0]

    def backward(self):
        return self.softmax_output - self.y_true


class FullyConnectedANN:
    def __init__(self, layers, learning_rate, coeff, reg_type):
        self.layers = layers
        self.loss_function = SoftmaxCrossEntropyLoss()
        self.learning_rate = learning_rate
        self.coeff = coeff
        self.reg_type = reg_type

    def forward(self, x):
        for layer in self.layers:
            x = layer.forward(x)
        return x

    def compute_loss(self, y_pred, y_true):
        basic_loss = self.loss_function.forward(y_pred, y_true)
        reg_loss = 0
        if self.reg_type == "L1":
            for layer in self.layers:
                if hasattr(layer, "W"):
                    reg_loss += self.coeff * np.sum(np.abs(layer.W))
        return basic_loss + reg_loss

    def backward(self):
        loss_list = []
        d_loss = self.loss_function.backward()
        loss_list.append(d_loss)
        for layer in reversed(self.layers):
            d_loss = layer.backward(d_loss)
            loss_list.append(d_loss)
        if self.reg_type == "L1":
            for layer in self.layers:
                if hasattr(layer, "W"):
                    layer.gradient_W += self.coeff * np.sign(layer.W)
        return loss_list[-2].dot(self.layers[0].W.T)

    def gradient_descent(self):
        for layer in self.layers:
            if hasattr(layer, "W"):
                layer.W -= self.learning_rate * layer.gradient_W
                layer.b -= self.learning_rate * layer.gradient_b


def load_mini_batches(x, y, batch_size, rng):
    order = rng.permutation(len(x))
    for start in range(0, len(x), batch_size):
        rows = order[start : start + batch_size]
        yield x[rows], y[rows]


def train_producer(model, x, y, batch_size, rng, gradient_score):
    losses, accuracies = [], []
    for x_batch, y_batch in load_mini_batches(x, y, batch_size, rng):
        y_pred = model.forward(x_batch)
        losses.append(model.compute_loss(y_pred, y_batch))
        accuracies.append(np.mean(np.argmax(y_pred, axis=1) == np.argmax(y_batch, axis=1)))
        gradient_score += np.abs(model.backward()).sum(axis=0)
        model.gradient_descent()
    return losses, accuracies


def validate(model, x, y, batch_size):
    losses, accuracies = [], []
    for start in range(0, len(x), batch_size):
        y_pred = model.forward(x[start : start + batch_size])
        losses.append(model.compute_loss(y_pred, y[start : start + batch_size]))
        accuracies.append(
            np.mean(np.argmax(y_pred, axis=1) == np.argmax(y[start : start + batch_size], axis=1))
        )
    return losses, accuracies


def run_producer_training(arrays, sizes, *, epochs, learning_rate, batch_size, coefficient, seed):
    """One training as the report ran it: per epoch, the mini-batches, then the validation rows."""
    x_train, y_train, x_test, y_test = arrays
    rng = np.random.default_rng(seed)
    layers = []
    for i, (n_in, n_out) in enumerate(zip(sizes[:-1], sizes[1:], strict=True)):
        layers.append(BasicLayer(n_in, n_out, rng))
        if i < len(sizes) - 2:
            layers.append(ReLULayer())
    model = FullyConnectedANN(layers, learning_rate, coefficient, "L1")
    gradient_score = np.zeros(sizes[0])
    for _ in range(epochs):
        train_producer(model, x_train, y_train, batch_size, rng, gradient_score)
        validate(model, x_test, y_test, batch_size)
    return np.abs(layers[0].W).sum(axis=1), gradient_score


def study_seconds(arrays, sizes, runs: int, study: dict) -> float:
    """Seconds the report's code takes for ``runs`` trainings of the study, one after another."""
    x_train, y_train, x_test, y_test = arrays
    classes = sizes[-1]
    one_hot = [np.eye(classes)[labels] for labels in (y_train, y_test)]
    data = (x_train, one_hot[0], x_test, one_hot[1])
    start = time.perf_counter()
    for run in range(runs):
        run_producer_training(data, sizes, seed=run, **study)
    return time.perf_counter() - start


def report_study(runs: int, epochs: int | None = None) -> float:
    """Seconds the report's code takes for the configured study, from ``runs`` trainings scaled to all."""
    from common import load_config, one_thread, report_arrays

    config = load_config()
    arrays, normalisation = report_arrays(config)
    importance, training = config["importance"], config["training"]
    sizes = [arrays[0].shape[1], *config["network"]["hidden"], len(normalisation["classes"])]
    study = {
        "epochs": epochs or importance["epochs"],
        "learning_rate": training["learning_rate"],
        "batch_size": training["batch_size"],
        "coefficient": importance["coefficient"],
    }
    with one_thread():
        return study_seconds(arrays, sizes, runs, study) / runs * importance["runs"]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=60, help="trainings timed, then scaled to the study's")
    parser.add_argument("--smoke", action="store_true", help="two runs of two epochs: shows it works")
    args = parser.parse_args()
    seconds = report_study(2, 2) if args.smoke else report_study(args.runs)
    print(
        "the report's study by the report's code, one run at a time (float64, one BLAS thread): "
        f"{seconds:.1f} s"
    )


if __name__ == "__main__":
    main()
