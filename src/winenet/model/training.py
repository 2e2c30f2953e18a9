"""Mini-batch SGD as the report ran it: a fresh shuffle every epoch, every batch recorded.

Everything here works on one network or on a stack of R (see ``network.py``): with a stack, each
replica shuffles the training rows with its own Generator, so replica r sees the batches that
network r would see alone.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass

import numpy as np
import pandas as pd

from winenet.data.arrays import model_arrays
from winenet.jobs.errors import WinenetError
from winenet.model.network import Network, mean_cross_entropy, one_hot, row_cross_entropy, softmax
from winenet.model.outcomes import majority_share, run_status

PHASES = ("train", "validation")


class TrainingDiverged(WinenetError):
    """A network's loss or weights became non-finite; str() is one line saying where and what to do."""


def run_generators(seed: int, runs: Sequence[int]) -> list[np.random.Generator]:
    """One Generator per run index: run r draws from ``SeedSequence(seed, spawn_key=(r,))``."""
    # Keyed by the run index, not by the order of creation, so that a run's numbers do not
    # depend on which shard, process or machine trains it.
    return [np.random.Generator(np.random.PCG64(np.random.SeedSequence(seed, spawn_key=(r,)))) for r in runs]


def batch_count(n_rows: int, batch_size: int) -> int:
    """Number of mini-batches per epoch; the last one may be short."""
    return -(-n_rows // batch_size)


def epoch_order(
    n_rows: int,
    rng: np.random.Generator | Sequence[np.random.Generator],
    sizes: Sequence[int] | None = None,
) -> np.ndarray:
    """A fresh permutation of the rows, ``(n_rows,)``, or ``(R, n_rows)`` for R generators.

    With ``sizes``, replica r permutes only its first ``sizes[r]`` rows, as it would alone, and
    its padding rows follow them in order, so that they all fall into its last batch.
    """
    if isinstance(rng, np.random.Generator):
        return rng.permutation(n_rows)
    if sizes is None:
        return np.stack([r.permutation(n_rows) for r in rng])
    return np.stack(
        [np.concatenate([r.permutation(n), np.arange(n, n_rows)]) for r, n in zip(rng, sizes, strict=True)]
    )


def accuracy(logits: np.ndarray, labels: np.ndarray) -> np.ndarray:
    """Share of rows whose largest logit is the true class: ``(..., B, K)``, ``(..., B)`` -> ``(...)``."""
    return (logits.argmax(axis=-1) == labels).mean(axis=-1)


# How a record holds the penalty term: in the loss (the loss training minimises), apart from it
# (the loss the cross-entropy alone, the penalty in arrays of its own), or not at all.
PENALTY_RECORDS = ("in_loss", "apart", "left_out")


@dataclass
class TrainingRecord:
    """Per-batch loss and accuracy of both phases, ``(..., epochs, batches)`` each.

    With the penalty recorded apart, ``train_penalty`` and ``validation_penalty`` hold it per batch
    ``(..., epochs, batches)`` (the weights a batch met; the validation batches of an epoch share it).
    """

    train_loss: np.ndarray
    train_accuracy: np.ndarray
    validation_loss: np.ndarray
    validation_accuracy: np.ndarray
    train_penalty: np.ndarray | None = None
    validation_penalty: np.ndarray | None = None


@dataclass
class TrainingResult:
    """What a training run leaves besides the trained network."""

    record: TrainingRecord | None
    input_gradient_score: np.ndarray | None  # (..., features): sum over steps of |dLoss/dInput|
    validation_accuracy: np.ndarray  # (...): after the last epoch, on the whole validation set
    # (...): the first epoch (from 1) after which some weight was not finite; 0 if none ever was.
    diverged_epoch: np.ndarray
    # (...): share of the validation rows in their most common class, the accuracy of a model that
    # learned nothing; per replica when each has its own validation set.
    majority_share: np.ndarray

    @property
    def status(self) -> np.ndarray:
        """One of ``STATUSES`` per replica ``(...)``."""
        return run_status(self.validation_accuracy, self.diverged_epoch, self.majority_share)


def _not_finite(network: Network) -> np.ndarray:
    """Per replica ``(...)``: whether any weight or bias is NaN or infinite."""
    bad = False
    for layer in network.linears:
        # One pass per layer and epoch, not per step: a diverged network stays non-finite.
        bad = bad | ~np.isfinite(layer.W).all(axis=(-1, -2)) | ~np.isfinite(layer.b).all(axis=-1)
    return np.asarray(bad)


def _validation_pass(
    network, x, labels, targets, batch_size, loss_out, accuracy_out, penalty_record, penalty_out
):
    """Per batch of the validation rows ``(..., batches)``: mean loss and accuracy, without updates.

    ``penalty_record`` as ``train_network`` takes it; ``penalty_out`` receives the penalty when it
    is recorded ``apart``.
    """
    # The weights do not change during the pass: one inference over every row, then batch means;
    # and their penalty is the same for every batch.
    logits = network.logits(x)
    starts = np.arange(0, labels.shape[-1], batch_size)
    sizes = np.diff(np.r_[starts, labels.shape[-1]])
    loss = np.add.reduceat(row_cross_entropy(softmax(logits), targets), starts, axis=-1)
    loss_out[...] = loss / sizes
    if penalty_record != "left_out":
        # Per replica (...,): the same for every batch of the pass.
        penalty = np.expand_dims(np.asarray(network.penalty_value(), dtype=np.float64), -1)
        if penalty_record == "apart":
            penalty_out[...] = penalty
        else:
            loss_out += penalty
    correct = logits.argmax(axis=-1) == labels
    accuracy_out[...] = np.add.reduceat(correct, starts, axis=-1) / sizes


def train_network(
    network: Network,
    x_train: np.ndarray,
    y_train: np.ndarray,
    x_validation: np.ndarray,
    y_validation: np.ndarray,
    *,
    learning_rate: float,
    batch_size: int,
    epochs: int,
    rng: np.random.Generator | Sequence[np.random.Generator],
    record: bool = True,
    penalty_record: str = "in_loss",
    input_gradient_score: bool = False,
    train_sizes: Sequence[int] | None = None,
    validation_sizes: Sequence[int] | None = None,
) -> TrainingResult:
    """Train ``network`` in place on class indices ``y`` in ``0..K-1``; features ``(rows, in)``.

    For a stack the data may also carry the replica axis, features ``(R, rows, in)`` and labels
    ``(R, rows)``: one training and validation set per replica (e.g. cross-validation folds).
    Sets of different sizes are padded to the largest, and ``train_sizes`` and
    ``validation_sizes`` give each replica's real row count: its padding rows come last in its
    last batch and contribute exact zeros to the update, so replica r trains as it would alone.
    Every replica must then have the same number of batches per epoch.

    With ``record`` every batch of both phases is kept (the validation set runs in batches of
    the same size every epoch, without updates); without it only the final validation accuracy
    is computed, which is all the importance study needs. ``penalty_record`` (``PENALTY_RECORDS``):
    ``in_loss`` records the loss training minimises, penalty included; ``apart`` the cross-entropy
    as the loss and the penalty in ``train_penalty`` and ``validation_penalty``, so that either loss
    can be read; ``left_out`` the cross-entropy alone, which saves a pass over every weight per batch.
    """
    if penalty_record not in PENALTY_RECORDS:
        raise ValueError(f"penalty_record {penalty_record!r} is not one of {PENALTY_RECORDS}")
    n_classes = network.sizes[-1]
    dtype = network.linears[0].W.dtype
    x_train = np.asarray(x_train, dtype=dtype)
    x_validation = np.asarray(x_validation, dtype=dtype)
    y_train = np.asarray(y_train)
    y_validation = np.asarray(y_validation)
    train_targets = one_hot(y_train, n_classes, dtype)
    validation_targets = one_hot(y_validation, n_classes, dtype)
    lead = () if network.replicas is None else (network.replicas,)

    n_rows = y_train.shape[-1]
    n_train_batches = batch_count(n_rows, batch_size)
    n_validation_batches = batch_count(y_validation.shape[-1], batch_size)
    if train_sizes is not None or validation_sizes is not None:
        train_sizes, validation_sizes = _check_sizes(
            train_sizes, validation_sizes, y_train, y_validation, batch_size, record
        )
    if y_train.ndim == 2:  # one data set per replica: pick replica r's rows from its own set
        replica = np.arange(y_train.shape[0])[:, None]

        def take(array, rows):
            return array[replica, rows]
    else:

        def take(array, rows):
            return array[rows]

    history = None
    if record:
        history = TrainingRecord(
            train_loss=np.empty(lead + (epochs, n_train_batches)),
            train_accuracy=np.empty(lead + (epochs, n_train_batches)),
            validation_loss=np.empty(lead + (epochs, n_validation_batches)),
            validation_accuracy=np.empty(lead + (epochs, n_validation_batches)),
        )
        if penalty_record == "apart":
            history.train_penalty = np.empty(lead + (epochs, n_train_batches))
            history.validation_penalty = np.empty(lead + (epochs, n_validation_batches))
    gradient_score = np.zeros(lead + (x_train.shape[-1],)) if input_gradient_score else None
    diverged_epoch = np.zeros(lead, dtype=np.int64)

    for epoch in range(epochs):
        order = epoch_order(n_rows, rng, train_sizes)
        # The epoch's rows in its order, gathered once: every batch is then a slice of them.
        x_epoch, targets_epoch = take(x_train, order), take(train_targets, order)
        real_epoch = None if train_sizes is None else order < train_sizes[:, None]
        for batch, start in enumerate(range(0, n_rows, batch_size)):
            rows = slice(start, start + batch_size)
            x, targets = x_epoch[..., rows, :], targets_epoch[..., rows, :]
            real_rows = None if real_epoch is None else real_epoch[..., rows]
            if record:
                # The loss is that of the weights the batch met, so its penalty is taken first.
                penalty = network.penalty_value() if penalty_record != "left_out" else 0.0
            input_gradient = network.train_step(x, targets, learning_rate, real_rows, input_gradient_score)
            if record:
                logits = network.last_logits
                cross_entropy = mean_cross_entropy(logits, targets)
                if penalty_record == "apart":
                    history.train_penalty[..., epoch, batch] = penalty
                    history.train_loss[..., epoch, batch] = cross_entropy
                else:
                    history.train_loss[..., epoch, batch] = cross_entropy + penalty
                history.train_accuracy[..., epoch, batch] = accuracy(logits, take(y_train, order[..., rows]))
            if input_gradient_score:
                gradient_score += np.abs(input_gradient).sum(axis=-2)
        if record:
            _validation_pass(
                network,
                x_validation,
                y_validation,
                validation_targets,
                batch_size,
                history.validation_loss[..., epoch, :],
                history.validation_accuracy[..., epoch, :],
                penalty_record,
                None if history.validation_penalty is None else history.validation_penalty[..., epoch, :],
            )
        newly = _not_finite(network) & (diverged_epoch == 0)
        diverged_epoch[newly] = epoch + 1
        if diverged_epoch.all():
            # Every replica is lost: the remaining epochs would only compute NaNs.
            if record:
                for array in vars(history).values():
                    if array is not None:
                        array[..., epoch + 1 :, :] = np.nan
            break

    logits = network.logits(x_validation)
    if validation_sizes is None:
        final_accuracy = accuracy(logits, y_validation)
    else:
        real = np.arange(y_validation.shape[-1]) < validation_sizes[:, None]
        final_accuracy = ((logits.argmax(axis=-1) == y_validation) & real).sum(axis=-1) / validation_sizes
    # A diverged network's argmax over NaN logits is meaningless, not an accuracy.
    final_accuracy = np.where(diverged_epoch > 0, np.nan, final_accuracy)
    majority = majority_share(y_validation, validation_sizes)
    if y_validation.ndim == 1 and lead:
        majority = np.full(lead, majority)
    return TrainingResult(history, gradient_score, final_accuracy, diverged_epoch, majority)


def train_runs(
    runs: Sequence[int],
    seed: int,
    sizes: Sequence[int],
    data: Sequence[np.ndarray],
    *,
    penalty: str,
    coefficient: float,
    dtype: str,
    learning_rate: float,
    batch_size: int,
    epochs: int,
    record: bool = False,
    **options,
) -> tuple[Network, TrainingResult]:
    """Train runs ``runs`` as one stack (by default without a record); return the stack and its result.

    Run r draws its weights and shuffles from ``run_generators(seed, [r])``, so it trains as it
    would alone. ``sizes`` are the layer widths, ``data`` is (x_train, y_train, x_validation,
    y_validation) as ``train_network`` takes them, and ``options`` go to ``train_network``.
    """
    rngs = run_generators(seed, runs)
    network = Network.initialise(list(sizes), rngs, penalty, coefficient, dtype=np.dtype(dtype))
    result = train_network(
        network,
        *data,
        learning_rate=learning_rate,
        batch_size=batch_size,
        epochs=epochs,
        rng=rngs,
        record=record,
        **options,
    )
    return network, result


def _check_sizes(train_sizes, validation_sizes, y_train, y_validation, batch_size, record):
    """Real row counts ``(R,)`` per replica of padded per-replica data, checked; raise if unusable."""
    if record:
        raise ValueError("record=True needs every replica's data to have the same size")
    if y_train.ndim != 2:
        raise ValueError("row counts per replica need per-replica data, labels (R, rows)")
    checked = []
    for sizes, labels in ((train_sizes, y_train), (validation_sizes, y_validation)):
        sizes = np.full(labels.shape[0], labels.shape[-1]) if sizes is None else np.asarray(sizes)
        if sizes.shape != labels.shape[:1] or sizes.min() < 1 or sizes.max() > labels.shape[-1]:
            raise ValueError(f"row counts {sizes.tolist()} do not fit labels of shape {labels.shape}")
        checked.append(sizes)
    batches = {batch_count(int(n), batch_size) for n in checked[0]}
    if len(batches) > 1:
        raise ValueError(
            f"training sets of {sorted(set(checked[0].tolist()))} rows give different numbers of "
            f"batches of {batch_size} per epoch: {sorted(batches)}"
        )
    return checked[0], checked[1]


def history_table(record: TrainingRecord, runs: Sequence[int] | None = None) -> pd.DataFrame:
    """One row per batch: phase, epoch, batch, loss, accuracy (epochs from 1), and penalty.

    The record of one network, or of a stack with ``runs`` naming its replicas: then a first
    column ``run`` says which replica each row belongs to. A record with the penalty apart has a
    last column ``penalty``: the loss with the penalty is then ``loss + penalty``.
    """
    frames = []
    for phase in PHASES:
        loss = getattr(record, f"{phase}_loss")
        acc = getattr(record, f"{phase}_accuracy")
        stacked = runs is not None
        if loss.ndim != 2 + stacked:
            raise ValueError(f"a record of shape {loss.shape} does not fit runs={runs!r}")
        replicas = len(runs) if stacked else 1
        epochs, batches = loss.shape[-2:]
        frame = pd.DataFrame(
            {
                "phase": phase,
                "epoch": np.tile(np.repeat(np.arange(1, epochs + 1), batches), replicas),
                "batch": np.tile(np.arange(1, batches + 1), epochs * replicas),
                "loss": loss.ravel(),
                "accuracy": acc.ravel(),
            }
        )
        penalty = getattr(record, f"{phase}_penalty")
        if penalty is not None:
            frame["penalty"] = penalty.ravel()
        if stacked:
            frame.insert(0, "run", np.repeat(np.asarray(runs, dtype=np.int64), epochs * batches))
        frames.append(frame)
    table = pd.concat(frames, ignore_index=True)
    if runs is None:
        return table
    return table.sort_values(["run", "phase"], kind="stable", ignore_index=True)


def epoch_summary(history: pd.DataFrame) -> pd.DataFrame:
    """Per phase and epoch: mean loss and accuracy, and their volatility (max - min over batches)."""
    grouped = history.groupby(["phase", "epoch"], sort=True)
    summary = grouped.agg(
        loss=("loss", "mean"),
        accuracy=("accuracy", "mean"),
        loss_max=("loss", "max"),
        loss_min=("loss", "min"),
        accuracy_max=("accuracy", "max"),
        accuracy_min=("accuracy", "min"),
    )
    summary["loss_volatility"] = summary.pop("loss_max") - summary.pop("loss_min")
    summary["accuracy_volatility"] = summary.pop("accuracy_max") - summary.pop("accuracy_min")
    return summary.reset_index()


def fit_model(
    train: pd.DataFrame,
    test: pd.DataFrame,
    normalisation: dict,
    *,
    hidden: Sequence[int],
    training: Mapping,
    penalty: str,
    coefficient: float,
    name: str = "model",
) -> tuple[Network, pd.DataFrame]:
    """Train one network on the tables the data stages wrote; return it and its per-batch history.

    ``training`` is the config's ``training`` slice: learning_rate, batch_size, epochs, seed.
    Raises ``TrainingDiverged``, naming ``name``, the epoch and the learning rate, when the
    weights stop being finite.
    """
    x_train, y_train = model_arrays(train, normalisation)
    x_test, y_test = model_arrays(test, normalisation)
    rng = np.random.default_rng(training["seed"])
    sizes = [x_train.shape[1], *hidden, len(normalisation["classes"])]
    network = Network.initialise(sizes, rng, penalty, coefficient)
    result = train_network(
        network,
        x_train,
        y_train,
        x_test,
        y_test,
        learning_rate=training["learning_rate"],
        batch_size=training["batch_size"],
        epochs=training["epochs"],
        rng=rng,
    )
    if result.diverged_epoch:
        raise TrainingDiverged(divergence_message(name, int(result.diverged_epoch), training))
    return network, history_table(result.record)


def divergence_message(name: str, epoch: int, training: Mapping) -> str:
    """One line: which training diverged, in which epoch, at which learning rate, and what to do."""
    rate = training["learning_rate"]
    return (
        f"{name} diverged: its weights stopped being finite numbers in epoch {epoch} of "
        f"{training['epochs']} at learning rate {rate}; lower training.learning_rate "
        f"(e.g. --config training='{{\"learning_rate\": {rate / 10:g}}}') and run again"
    )
