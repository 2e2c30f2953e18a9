"""The report's update rule written out plainly, as the reference ``Network.train_step`` is held to.

Forward through every layer, keeping each input; the gradient leaving the loss is
``softmax - onehot`` summed over the batch (not averaged); back through the layers; the penalty's
gradient added to the weights only; then plain SGD, ``W -= lr * dW``, ``b -= lr * db``, and for
``l1_proximal`` soft-thresholding, ``W = sign(W) * max(|W| - lr * c, 0)``. It reads and writes a
``winenet.model.network.Network`` (one network or a stack) and allocates freely: it is slow and obvious
on purpose. Its gradients are checked against finite differences of ``objective``.
"""

from dataclasses import dataclass

import numpy as np

from winenet.model.network import Linear, mean_cross_entropy, softmax


@dataclass
class Gradients:
    """The gradients of ``objective``: per Linear ``dW`` and ``db``, and the input gradient."""

    weights: list
    biases: list
    inputs: np.ndarray


def forward(network, x):
    """Logits ``(..., B, K)`` and every layer's input, in layer order."""
    inputs = []
    for layer in network.layers:
        inputs.append(x)
        x = layer.forward(x)
    return x, inputs


def loss(network, x, targets):
    """What the report records: mean cross-entropy over the batch plus the penalty, per replica."""
    logits, _ = forward(network, x)
    return mean_cross_entropy(logits, targets) + network.penalty_value(), logits


def objective(network, x, targets):
    """What the update descends: the batch's summed cross-entropy plus the penalty, per replica."""
    logits, _ = forward(network, x)
    return mean_cross_entropy(logits, targets) * x.shape[-2] + network.penalty_value()


def gradients(network, x, targets) -> Gradients:
    """Back-propagation of ``objective`` (the proximal penalty adds nothing: it acts in its step)."""
    logits, inputs = forward(network, x)
    grad = softmax(logits) - targets
    weights, biases = [], []
    for layer, layer_input in zip(reversed(network.layers), reversed(inputs), strict=True):
        if isinstance(layer, Linear):
            coefficient = network.per_weight(network.coefficient)
            weights.append(
                layer_input.swapaxes(-1, -2) @ grad + coefficient * network.penalty.gradient(layer.W)
            )
            biases.append(grad.sum(axis=-2))
            grad = grad @ layer.W.swapaxes(-1, -2)
        else:
            grad = grad * (layer_input > 0)
    return Gradients(weights[::-1], biases[::-1], grad)


def sgd_step(network, found: Gradients, learning_rate: float) -> None:
    """Plain SGD with the gradients ``found`` (taken before any weight changed), then the proximal step.

    The proximal step of ``l1_proximal`` is soft-thresholding by learning rate x coefficient.
    """
    step = network.per_weight(learning_rate * network.coefficient)
    for layer, dw, db in zip(network.linears, found.weights, found.biases, strict=True):
        layer.W -= learning_rate * dw
        layer.b -= learning_rate * db
        if network.penalty.name == "l1_proximal":
            layer.W[...] = np.sign(layer.W) * np.maximum(np.abs(layer.W) - step, 0)


def reference_step(network, x, targets, learning_rate: float) -> Gradients:
    """One step of the reference rule; returns the gradients it took."""
    found = gradients(network, x, targets)
    sgd_step(network, found, learning_rate)
    return found
