"""The report's fully connected network, written so that every array may carry a replica axis.

Over 400 lines on purpose: the layers, the penalties and the fused training step change together,
and any change to one reruns every training; splitting them would shorten no rerun.

One network has weights ``(in, out)``, biases ``(out,)`` and takes inputs ``(B, in)``. A stack of
R independent networks has weights ``(R, in, out)``, biases ``(R, out)`` and inputs
``(R, B, in)``. The same code serves both: matrix products use ``@`` with ``swapaxes(-1, -2)``,
reductions run over ``axis=-2``, so replica r of a stack computes exactly what network r computes
alone.

The update rule is the report's, because its hyper-parameters only mean what they meant with it:
the gradient leaving the loss is ``softmax - onehot`` summed over the batch (not divided by the
batch size), the penalty gradient is added to weights only, never to biases, and the step is
plain SGD. ``Network.train_step`` is the one way a network learns; the tests hold it against the
same rule written out plainly (forward, backward, step) and that against finite differences.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np

# Below this many inputs or outputs a layer's input gradient is one product with the weights
# transposed: for such narrow weights that is faster than transposing the gradient twice.
NARROW = 32

# Inference works through a table in chunks of at most this many activations (256 KiB of float32
# numbers per layer output): small enough to stay in cache, large enough that per-call costs vanish.
INFERENCE_VALUES = 65536

# The report clips probabilities before the logarithm so that a confident mistake costs a
# large but finite loss.
_LOG_CLIP = 1e-15

# Per float type: the integer type of the same width and the bit pattern of its sign bit.
_SIGN_BIT = {
    np.dtype(float_type): (int_type, np.array(-0.0, dtype=float_type).view(int_type))
    for float_type, int_type in ((np.float64, np.int64), (np.float32, np.int32))
}


def row_sums(rows: np.ndarray, out: np.ndarray | None = None, ones: np.ndarray | None = None) -> np.ndarray:
    """The sum over the batch axis, ``(..., B, n)`` -> ``(..., 1, n)``, as a product with a row of ones.

    BLAS sums the few rows of a batch about three times as fast as ``np.sum(axis=-2)``, which
    ``train_step`` does for every bias gradient.
    ``ones`` ``(..., 1, B)`` may be passed in to avoid making it on every call.
    """
    if ones is None:
        ones = np.ones(rows.shape[:-2] + (1, rows.shape[-2]), dtype=rows.dtype)
    return np.matmul(ones, rows, out=out)


def soft_threshold(weights: np.ndarray, threshold, scratch: np.ndarray) -> None:
    """In place: ``W = sign(W) * max(|W| - threshold, 0)``; ``scratch`` has the shape of W.

    ``threshold`` (>= 0) is a float or an array that broadcasts against the weights (one per
    replica). Computed as ``W - clip(W, -threshold, threshold)``: the same numbers (the zeros all
    ``+0.0``) in two passes instead of four, of which ``np.maximum`` and ``np.copysign`` each cost
    several times a clip.
    """
    np.clip(weights, -threshold, threshold, out=scratch)
    weights -= scratch


def one_hot(labels: np.ndarray, n_classes: int, dtype=np.float64) -> np.ndarray:
    """Class indices ``(..., B)`` -> one-hot rows ``(..., B, n_classes)``."""
    return (np.asarray(labels)[..., None] == np.arange(n_classes)).astype(dtype)


def he_weights(
    n_in: int, n_out: int, rng: np.random.Generator | Sequence[np.random.Generator], dtype
) -> np.ndarray:
    """He-scaled normal weights ``(n_in, n_out)``, or ``(R, n_in, n_out)`` for R generators."""
    # He scaling keeps ReLU activations at unit variance; with the report's 0.01 * randn the
    # penalised models never leave the majority class.
    scale = np.sqrt(2.0 / n_in)
    if isinstance(rng, np.random.Generator):
        return (rng.standard_normal((n_in, n_out)) * scale).astype(dtype)
    return np.stack([(r.standard_normal((n_in, n_out)) * scale).astype(dtype) for r in rng])


def scaled_sign(weights: np.ndarray, magnitude, out: np.ndarray, zeros: np.ndarray) -> np.ndarray:
    """``magnitude * sign(weights)`` into ``out`` (same shape), with ``sign(0) = 0``.

    ``magnitude`` (>= 0) is a float, or an array that broadcasts against the weights (one per
    replica); ``zeros`` is a boolean buffer of the weights' shape.
    """
    # np.sign and np.copysign are not vectorised in NumPy and cost two to four times as much as
    # copying the sign bit onto the magnitude with two integer passes, and np.frexp's mantissa
    # clipped to the magnitude (exact without a zero check) somewhat more; this runs over every
    # weight at every step (bench/importance.py, section 4, times them all).
    int_type, sign_mask = _SIGN_BIT[weights.dtype]
    out_bits = out.view(int_type)
    np.bitwise_and(weights.view(int_type), sign_mask, out=out_bits)
    np.bitwise_or(out_bits, np.asarray(magnitude, dtype=weights.dtype).view(int_type), out=out_bits)
    # Exact zeros are practically never reached, but sign(0) = 0 is the report's rule. Comparing
    # into a boolean buffer and asking it is the fastest check NumPy has (count_nonzero on floats
    # and W.all() take longer).
    np.equal(weights, 0, out=zeros)
    if zeros.any():
        out[zeros] = 0
    return out


class Penalty:
    """A penalty on the weights (never the biases): its term in the loss and how a step applies it.

    ``value`` is the term without its coefficient, per replica; ``gradient`` the part of it the
    data step descends; ``gradient_step`` does ``W -= step * gradient(W)`` in place, before the
    data step (it acts on the weights the batch met); ``proximal_step`` acts after it. A new penalty
    is one subclass here (and its name in the config schema's ``penalty`` list).
    """

    name = ""

    def value(self, weights: np.ndarray) -> np.ndarray | float:
        return 0.0

    def gradient(self, weights: np.ndarray) -> np.ndarray:
        return np.zeros_like(weights)

    def gradient_step(self, weights: np.ndarray, step, scratch: np.ndarray, zeros: np.ndarray) -> None:
        """In place: the penalty's share of the step; ``step`` is learning rate x coefficient."""

    def proximal_step(self, weights: np.ndarray, step, scratch: np.ndarray) -> None:
        """In place, after the data step; nothing unless the penalty acts by a proximal operator."""


class NoPenalty(Penalty):
    """The unregularised network."""

    name = "none"


class L2(Penalty):
    """``0.5 * c * sum(W**2)``: weight decay, one scaling of W per step."""

    name = "l2"

    def value(self, weights):
        return 0.5 * (weights**2).sum(axis=(-1, -2))

    def gradient(self, weights):
        return weights.copy()

    def gradient_step(self, weights, step, scratch, zeros):
        weights *= 1.0 - step


class L1(Penalty):
    """``c * sum(|W|)`` by its subgradient ``c * sign(W)``, as the report stepped it."""

    name = "l1"

    def value(self, weights):
        return np.abs(weights).sum(axis=(-1, -2))

    def gradient(self, weights):
        return np.sign(weights)

    def gradient_step(self, weights, step, scratch, zeros):
        weights -= scaled_sign(weights, step, scratch, zeros)


class L1Proximal(L1):
    """The L1 term, stepped by its proximal operator: soft-thresholding after the data step.

    Proximal gradient descent minimises the same objective as ``l1`` and leaves exact zeros.
    """

    name = "l1_proximal"

    def gradient(self, weights):
        return np.zeros_like(weights)

    def gradient_step(self, weights, step, scratch, zeros):
        pass

    def proximal_step(self, weights, step, scratch):
        soft_threshold(weights, step, scratch)


PENALTIES: dict[str, Penalty] = {penalty.name: penalty for penalty in (NoPenalty(), L2(), L1(), L1Proximal())}


class Linear:
    """Affine layer ``x @ W + b``: inputs ``(..., B, in)`` -> outputs ``(..., B, out)``."""

    def __init__(self, weights: np.ndarray, biases: np.ndarray):
        if weights.shape[:-2] + weights.shape[-1:] != biases.shape:
            raise ValueError(f"weights {weights.shape} do not fit biases {biases.shape}")
        self.W = weights
        self.b = biases
        # Weight-sized work space for the penalty and the update, allocated once, not every step.
        self.scratch = np.empty_like(weights)
        self.zeros = np.empty(weights.shape, dtype=bool)

    def forward(self, x: np.ndarray) -> np.ndarray:
        """``(..., B, in)`` -> ``(..., B, out)``."""
        out = x @ self.W
        out += self.b[..., None, :]
        return out

    @property
    def narrow(self) -> bool:
        """Whether the weights are too narrow for a transposed product to cost anything."""
        return min(self.W.shape[-2:]) < NARROW


class ReLU:
    """Rectifier ``max(0, x)``, elementwise on any shape."""

    def forward(self, x: np.ndarray) -> np.ndarray:
        """``(..., B, n)`` -> ``(..., B, n)``."""
        return np.maximum(x, 0)


def row_cross_entropy(probabilities: np.ndarray, targets: np.ndarray) -> np.ndarray:
    """Per row ``(..., B)``: cross-entropy of probabilities against one-hot targets ``(..., B, K)``."""
    clipped = np.clip(probabilities, _LOG_CLIP, 1 - _LOG_CLIP)
    return -(targets * np.log(clipped)).sum(axis=-1)


def softmax(logits: np.ndarray) -> np.ndarray:
    """Class probabilities ``(..., B, K)`` from logits ``(..., B, K)``."""
    shifted = np.exp(logits - logits.max(axis=-1, keepdims=True))
    return shifted / shifted.sum(axis=-1, keepdims=True)


def mean_cross_entropy(logits: np.ndarray, targets: np.ndarray) -> np.ndarray:
    """The report's loss of a batch, ``(...)``: the mean over its rows of softmax cross-entropy."""
    return row_cross_entropy(softmax(logits), targets).sum(axis=-1) / logits.shape[-2]


class Network:
    """Linear/ReLU stack with a softmax cross-entropy head, an optional penalty (``PENALTIES``) and SGD.

    ``coefficient`` is one float for every replica, or ``(R,)`` for a stack of R networks that
    each have their own (a regularisation path trained as one stack).
    """

    def __init__(self, layers: list, penalty: str = "none", coefficient: float | np.ndarray = 0.0):
        if penalty not in PENALTIES:
            raise ValueError(f"unknown penalty {penalty!r}; expected one of {', '.join(PENALTIES)}")
        self.layers = layers
        self.linears = [layer for layer in layers if isinstance(layer, Linear)]
        self.penalty = PENALTIES[penalty]
        self.coefficient = coefficient
        self.last_logits: np.ndarray | None = None  # set by train_step

    @property
    def coefficient(self) -> float | np.ndarray:
        """The penalty's coefficient: a float, or ``(R,)`` with one per replica."""
        return self._coefficient

    @coefficient.setter
    def coefficient(self, coefficient) -> None:
        values = np.asarray(coefficient, dtype=np.float64)
        if not np.all(values >= 0):
            raise ValueError(f"penalty coefficient must be >= 0, got {coefficient}")
        if values.ndim == 0:
            self._coefficient = float(values)
        elif values.ndim != 1 or values.shape[0] != self.replicas:
            raise ValueError(
                f"per-replica coefficients must have shape ({self.replicas},), got {values.shape}"
            )
        else:
            self._coefficient = values

    def per_weight(self, value):
        """A per-replica value ``(R,)`` shaped to broadcast against weights ``(R, in, out)``."""
        if np.ndim(value) == 0:
            return value
        return np.asarray(value, dtype=self.linears[0].W.dtype)[:, None, None]

    @classmethod
    def initialise(
        cls,
        sizes: Sequence[int],
        rng: np.random.Generator | Sequence[np.random.Generator],
        penalty: str = "none",
        coefficient: float | np.ndarray = 0.0,
        dtype=np.float64,
    ) -> Network:
        """He weights and zero biases for layer widths ``sizes`` (input, hidden..., classes).

        One Generator gives one network; a sequence of R Generators gives a stack of R, replica
        r drawing from generator r exactly what a single network would draw from it.
        """
        layers: list = []
        for i, (n_in, n_out) in enumerate(zip(sizes[:-1], sizes[1:], strict=True)):
            weights = he_weights(n_in, n_out, rng, dtype)
            layers.append(Linear(weights, np.zeros(weights.shape[:-2] + (n_out,), dtype=dtype)))
            if i < len(sizes) - 2:
                layers.append(ReLU())
        return cls(layers, penalty, coefficient)

    @property
    def replicas(self) -> int | None:
        """Number of stacked networks, or None for a single network."""
        weights = self.linears[0].W
        return weights.shape[0] if weights.ndim == 3 else None

    @property
    def sizes(self) -> list[int]:
        """Layer widths: input, hidden..., classes."""
        return [self.linears[0].W.shape[-2]] + [layer.W.shape[-1] for layer in self.linears]

    def logits(self, x: np.ndarray, chunk: int | None = None) -> np.ndarray:
        """Inference: logits ``(..., B, K)`` for inputs ``(..., B, in)``, ``chunk`` rows at a time.

        By default a chunk's activations, over all replicas, stay within ``INFERENCE_VALUES``
        numbers: they stay in cache, and those of a large table (e.g. 25,000 validation rows, or a
        stack's thousands of shuffled copies for permutation importance) never all exist at once.
        """
        if chunk is None:
            replicas = int(np.prod(x.shape[:-2], dtype=np.int64))
            chunk = max(16, INFERENCE_VALUES // (replicas * max(self.sizes)))
        parts = []
        for start in range(0, x.shape[-2], chunk):
            h = x[..., start : start + chunk, :]
            for layer in self.layers:
                h = layer.forward(h)
            parts.append(h)
        return parts[0] if len(parts) == 1 else np.concatenate(parts, axis=-2)

    def penalty_value(self) -> np.ndarray | float:
        """The penalty term of the loss, per replica ``(...)``."""
        if isinstance(self.penalty, NoPenalty):
            return 0.0
        return self.coefficient * sum(self.penalty.value(layer.W) for layer in self.linears)

    def train_step(
        self,
        x: np.ndarray,
        targets: np.ndarray,
        learning_rate: float,
        real_rows: np.ndarray | None = None,
        input_gradient: bool = False,
    ) -> np.ndarray | None:
        """One SGD step on a batch ``(..., B, in)``: forward, backward and update, fused.

        Each layer's weights change as soon as the gradient below them is known; the learning rate
        scales the small batch-sized gradient before the matrix product instead of the weight-sized
        result; the penalty's gradient step acts in place (L2 as one scaling of W, L1 on the sign
        bits), then the weight gradient is formed in the layer's scratch buffer and subtracted, then
        the penalty's proximal step (soft-thresholding for ``l1_proximal``). ``real_rows``
        ``(..., B)``, when given, marks padding rows (False), which contribute exact zeros.

        Every intermediate array (layer outputs, ReLU masks, transposed gradients) lives in
        buffers kept from one step to the next for inputs of the same shape, and every operation
        writes into them: a training loop then allocates almost nothing per step. Returns the input
        gradient ``(..., B, in)`` (a buffer, valid until the next step) or None; the batch's
        logits before the update stay in ``last_logits`` ``(..., B, K)`` (a buffer as well).
        """
        space = self._workspace(x.shape, x.dtype)
        # Read at every step, so that a changed coefficient or learning rate takes effect at once.
        step = self.per_weight(learning_rate * self.coefficient)
        h = x
        inputs = []
        for index, layer in enumerate(self.layers):
            buffers = space[index]
            if isinstance(layer, Linear):
                inputs.append(h)
                np.matmul(h, layer.W, out=buffers["out"])
                buffers["out"] += layer.b[..., None, :]
            else:
                # The mask as 0.0/1.0 in the float type: multiplying by it is the rectifier and its
                # derivative, twice as fast as np.maximum and a boolean mask (negative inputs
                # become -0.0, which is 0.0 to every later sum).
                np.greater(h, 0, out=buffers["mask"], casting="unsafe")
                np.multiply(h, buffers["mask"], out=buffers["out"])
            h = buffers["out"]
        self.last_logits = h
        grad = space["grad"]
        np.subtract(h, h.max(axis=-1, keepdims=True), out=grad)
        np.exp(grad, out=grad)
        grad /= grad.sum(axis=-1, keepdims=True)
        grad -= targets
        if real_rows is not None:
            grad *= real_rows[..., None]
        linear = len(self.linears)
        for index in range(len(self.layers) - 1, -1, -1):
            layer, buffers = self.layers[index], space[index]
            if not isinstance(layer, Linear):
                grad *= buffers["mask"]
                continue
            linear -= 1
            below = None
            if index > 0 or input_gradient:
                below = buffers["below"]
                if layer.narrow:
                    np.matmul(grad, layer.W.swapaxes(-1, -2), out=below)
                else:
                    # BLAS is twice as slow with a wide transposed right operand: W @ grad.T takes
                    # the transpose on the small batch-sized array instead, then transposes back.
                    np.copyto(buffers["grad_t"], grad.swapaxes(-1, -2))
                    np.matmul(layer.W, buffers["grad_t"], out=buffers["below_t"])
                    np.copyto(below, buffers["below_t"].swapaxes(-1, -2))
            grad *= learning_rate
            self.penalty.gradient_step(layer.W, step, layer.scratch, layer.zeros)
            layer.W -= np.matmul(inputs[linear].swapaxes(-1, -2), grad, out=layer.scratch)
            self.penalty.proximal_step(layer.W, step, layer.scratch)
            layer.b -= row_sums(grad, buffers["bias"], space["ones"])[..., 0, :]
            grad = below
        return grad

    def _workspace(self, shape: tuple, dtype) -> dict:
        """The buffers of ``train_step`` for inputs of this shape, made on first use."""
        # One set per shape: an epoch's last batch is often shorter than the others.
        spaces = self.__dict__.setdefault("_spaces", {})
        key = (shape, np.dtype(dtype))
        if key not in spaces:
            lead, batch = shape[:-2], shape[-2]
            space = {}
            width = shape[-1]
            for index, layer in enumerate(self.layers):
                if isinstance(layer, Linear):
                    n_in, n_out = layer.W.shape[-2], layer.W.shape[-1]
                    space[index] = {
                        "out": np.empty(lead + (batch, n_out), dtype),
                        "bias": np.empty(lead + (1, n_out), dtype),
                        "grad_t": np.empty(lead + (n_out, batch), dtype),
                        "below_t": np.empty(lead + (n_in, batch), dtype),
                        "below": np.empty(lead + (batch, n_in), dtype),
                    }
                    width = n_out
                else:
                    space[index] = {
                        "out": np.empty(lead + (batch, width), dtype),
                        "mask": np.empty(lead + (batch, width), dtype),
                    }
            space["grad"] = np.empty(lead + (batch, width), dtype)
            space["ones"] = np.ones(lead + (1, batch), dtype)
            spaces[key] = space
        return spaces[key]

    def predict_proba(self, x: np.ndarray) -> np.ndarray:
        """Class probabilities ``(..., B, K)`` for inputs ``(..., B, in)``."""
        return softmax(self.logits(x))

    def parameters(self) -> dict[str, np.ndarray]:
        """Weights and biases by name (``W0, b0, W1, ...``), as saved in ``weights.npz``."""
        named = {}
        for i, layer in enumerate(self.linears):
            named[f"W{i}"] = layer.W
            named[f"b{i}"] = layer.b
        return named

    @classmethod
    def from_parameters(
        cls, parameters: dict[str, np.ndarray], penalty: str = "none", coefficient: float | np.ndarray = 0.0
    ) -> Network:
        """Rebuild a network from ``parameters()`` output (e.g. a loaded ``weights.npz``)."""
        count = sum(1 for name in parameters if name.startswith("W"))
        layers: list = []
        for i in range(count):
            layers.append(Linear(np.array(parameters[f"W{i}"]), np.array(parameters[f"b{i}"])))
            if i < count - 1:
                layers.append(ReLU())
        return cls(layers, penalty, coefficient)
