"""Mini-batch training: batches, history, volatility, seeds; and the saved weights."""

import numpy as np
import pandas as pd
import pytest

from winenet.model.model_files import load_parameters, save_parameters
from winenet.model.network import Network
from winenet.model.outcomes import majority_share, run_status
from winenet.model.training import (
    batch_count,
    epoch_order,
    epoch_summary,
    history_table,
    run_generators,
    train_network,
)


def train(wine_split, epochs=3, seed=0, penalty="l2", coefficient=0.08, **kwargs):
    rng = np.random.default_rng(seed)
    network = Network.initialise([13, 16, 16, 3], rng, penalty, coefficient)
    result = train_network(
        network, *wine_split, learning_rate=0.01, batch_size=10, epochs=epochs, rng=rng, **kwargs
    )
    return network, result


def test_report_batches_133_rows_in_13_full_batches_and_one_of_3():
    assert batch_count(133, 10) == 14
    assert batch_count(45, 10) == 5
    order = epoch_order(133, np.random.default_rng(0))
    assert sorted(order.tolist()) == list(range(133))


def test_history_has_one_row_per_batch_of_each_phase(wine_split):
    _, result = train(wine_split, epochs=4)
    history = history_table(result.record)
    assert list(history.columns) == ["phase", "epoch", "batch", "loss", "accuracy"]
    counts = history.groupby("phase").size()
    assert counts["train"] == 4 * 14 and counts["validation"] == 4 * 5
    assert history["epoch"].min() == 1 and history["epoch"].max() == 4
    assert history["accuracy"].between(0, 1).all() and (history["loss"] > 0).all()


def test_recorded_loss_includes_the_penalty(wine_split):
    _, plain = train(wine_split, epochs=1, penalty="l2", coefficient=0.0)
    _, penalised = train(wine_split, epochs=1, penalty="l2", coefficient=10.0)
    # Same seed, same first batch: the only difference in its loss is the penalty term.
    first = Network.initialise([13, 16, 16, 3], np.random.default_rng(0), "l2", 10.0)
    expected = first.penalty_value()
    difference = penalised.record.train_loss[0, 0] - plain.record.train_loss[0, 0]
    assert difference == pytest.approx(expected, rel=1e-12)


def test_the_penalty_recorded_apart_adds_up_to_the_loss_training_minimises(wine_split):
    _, in_loss = train(wine_split, epochs=2, penalty="l1", coefficient=0.5)
    _, apart = train(wine_split, epochs=2, penalty="l1", coefficient=0.5, penalty_record="apart")
    _, left_out = train(wine_split, epochs=2, penalty="l1", coefficient=0.5, penalty_record="left_out")
    for phase in ("train", "validation"):
        loss = getattr(apart.record, f"{phase}_loss")
        penalty = getattr(apart.record, f"{phase}_penalty")
        np.testing.assert_array_equal(loss, getattr(left_out.record, f"{phase}_loss"))
        np.testing.assert_allclose(loss + penalty, getattr(in_loss.record, f"{phase}_loss"), rtol=1e-12)
        assert getattr(in_loss.record, f"{phase}_penalty") is None
    table = history_table(apart.record)
    assert list(table.columns) == ["phase", "epoch", "batch", "loss", "accuracy", "penalty"]
    with pytest.raises(ValueError, match="penalty_record 'both'"):
        train(wine_split, epochs=1, penalty_record="both")


def test_a_stack_records_its_penalty_per_replica(wine_split):
    rngs = run_generators(0, [0, 1])
    network = Network.initialise([13, 8, 3], rngs, "l2", 0.5)
    result = train_network(network, *wine_split, learning_rate=0.01, batch_size=10, epochs=1, rng=rngs)
    apart_rngs = run_generators(0, [0, 1])
    stacked = Network.initialise([13, 8, 3], apart_rngs, "l2", 0.5)
    apart = train_network(
        stacked,
        *wine_split,
        learning_rate=0.01,
        batch_size=10,
        epochs=1,
        rng=apart_rngs,
        penalty_record="apart",
    )
    # Bug: the validation pass added a penalty (R,) to losses (R, batches) and failed for a stack.
    np.testing.assert_allclose(
        apart.record.validation_loss + apart.record.validation_penalty,
        result.record.validation_loss,
        rtol=1e-12,
    )


def test_epoch_summary_means_and_volatility():
    history = pd.DataFrame(
        {
            "phase": ["train"] * 4,
            "epoch": [1, 1, 2, 2],
            "batch": [1, 2, 1, 2],
            "loss": [1.0, 3.0, 0.5, 0.7],
            "accuracy": [0.5, 0.9, 1.0, 1.0],
        }
    )
    summary = epoch_summary(history)
    assert summary["loss"].tolist() == pytest.approx([2.0, 0.6])
    assert summary["loss_volatility"].tolist() == pytest.approx([2.0, 0.2])
    assert summary["accuracy_volatility"].tolist() == pytest.approx([0.4, 0.0])


def test_same_seed_same_training_other_seed_other_training(wine_split):
    a, result_a = train(wine_split, seed=5)
    b, result_b = train(wine_split, seed=5)
    c, _ = train(wine_split, seed=6)
    np.testing.assert_array_equal(a.linears[0].W, b.linears[0].W)
    np.testing.assert_array_equal(result_a.record.train_loss, result_b.record.train_loss)
    assert not np.array_equal(a.linears[0].W, c.linears[0].W)


def test_unrecorded_training_gives_the_same_network(wine_split):
    recorded, _ = train(wine_split)
    unrecorded, result = train(wine_split, record=False, input_gradient_score=True)
    np.testing.assert_array_equal(recorded.linears[1].W, unrecorded.linears[1].W)
    assert result.record is None and result.input_gradient_score.shape == (13,)
    assert (result.input_gradient_score > 0).all()


def test_run_generators_depend_on_the_run_index_only():
    alone = run_generators(3, [5])[0].standard_normal(4)
    among = run_generators(3, [4, 5, 6])[1].standard_normal(4)
    np.testing.assert_array_equal(alone, among)
    assert not np.array_equal(alone, run_generators(3, [4])[0].standard_normal(4))


def test_saved_parameters_load_without_pickle_and_are_byte_identical(tmp_path):
    network = Network.initialise([13, 8, 3], np.random.default_rng(0))
    save_parameters(tmp_path / "a.npz", network.parameters())
    save_parameters(tmp_path / "b.npz", network.parameters())
    assert (tmp_path / "a.npz").read_bytes() == (tmp_path / "b.npz").read_bytes()
    loaded = load_parameters(tmp_path / "a.npz")
    assert set(loaded) == {"W0", "b0", "W1", "b1"}
    np.testing.assert_array_equal(loaded["W0"], network.linears[0].W)


def test_padded_replicas_of_different_sizes_train_as_each_would_alone(wine_split):
    x_train, y_train, x_test, y_test = wine_split
    # Training sets of 133, 132 and 131 rows all make 14 batches of 10; validation sets differ too.
    sizes, validation_sizes = [133, 132, 131], [45, 40, 44]
    rngs = run_generators(5, range(3))
    stack = Network.initialise([13, 16, 16, 3], rngs, "l1", 0.008)
    padded = [np.zeros((3, 133, 13)), np.zeros((3, 133), int), np.zeros((3, 45, 13)), np.zeros((3, 45), int)]
    for r, (n, m) in enumerate(zip(sizes, validation_sizes, strict=True)):
        padded[0][r, :n], padded[1][r, :n] = x_train[:n], y_train[:n]
        padded[2][r, :m], padded[3][r, :m] = x_test[:m], y_test[:m]
    settings = {"learning_rate": 0.01, "batch_size": 10, "epochs": 3, "record": False}
    together = train_network(
        stack, *padded, rng=rngs, train_sizes=sizes, validation_sizes=validation_sizes, **settings
    )
    for r, (n, m) in enumerate(zip(sizes, validation_sizes, strict=True)):
        (rng,) = run_generators(5, [r])
        alone = Network.initialise([13, 16, 16, 3], rng, "l1", 0.008)
        result = train_network(alone, x_train[:n], y_train[:n], x_test[:m], y_test[:m], rng=rng, **settings)
        for stacked_layer, layer in zip(stack.linears, alone.linears, strict=True):
            np.testing.assert_allclose(stacked_layer.W[r], layer.W, rtol=0, atol=1e-12)
            np.testing.assert_allclose(stacked_layer.b[r], layer.b, rtol=0, atol=1e-12)
        assert together.validation_accuracy[r] == result.validation_accuracy


def test_padded_replicas_must_make_the_same_number_of_batches(wine_split):
    x_train, y_train, x_test, y_test = wine_split
    rngs = run_generators(5, range(2))
    stack = Network.initialise([13, 4, 3], rngs)
    data = [np.stack([a, a]) for a in (x_train, y_train, x_test, y_test)]
    with pytest.raises(ValueError, match=r"different numbers of batches of 10 per epoch: \[13, 14\]"):
        train_network(
            stack,
            *data,
            learning_rate=0.01,
            batch_size=10,
            epochs=1,
            rng=rngs,
            record=False,
            train_sizes=[133, 130],
        )
    with pytest.raises(ValueError, match="record=True needs"):
        train_network(
            stack, *data, learning_rate=0.01, batch_size=10, epochs=1, rng=rngs, train_sizes=[133, 133]
        )


def test_a_diverging_training_is_caught_in_the_epoch_it_happens(wine_split):
    rng = np.random.default_rng(0)
    network = Network.initialise([13, 16, 16, 3], rng, "l2", 0.08)
    with np.errstate(all="ignore"):
        result = train_network(network, *wine_split, learning_rate=50, batch_size=10, epochs=30, rng=rng)
    assert result.diverged_epoch > 0 and result.status == "diverged"
    assert np.isnan(result.validation_accuracy)
    # Training stops once every replica is lost; the epochs it did not train are NaN, not zeros.
    assert np.isnan(result.record.train_loss[int(result.diverged_epoch) :]).all()


def test_fit_model_stops_a_diverged_model_with_one_line_naming_model_epoch_and_rate():
    from winenet.model.training import TrainingDiverged, fit_model

    table = pd.DataFrame({"label": [0, 1] * 20, "a": np.linspace(0, 1, 40), "b": np.linspace(1, 0, 40) ** 2})
    normalisation = {"label": "label", "classes": [0, 1], "features": ["a", "b"]}
    training = {"learning_rate": 1e6, "batch_size": 4, "epochs": 50, "seed": 0}
    with np.errstate(all="ignore"), pytest.raises(TrainingDiverged) as caught:
        fit_model(
            table,
            table,
            normalisation,
            hidden=[8],
            training=training,
            penalty="l2",
            coefficient=1.0,
            name="model 'x'",
        )
    message = str(caught.value)
    assert "\n" not in message and "model 'x'" in message and "epoch" in message and "1000000" in message
    assert "training.learning_rate" in message


def test_status_tells_chance_from_learning():
    accuracy = np.array([0.9, 21 / 45, 0.3, np.nan])
    status = run_status(accuracy, np.array([0, 0, 0, 7]), np.full(4, 21 / 45))
    assert status.tolist() == ["ok", "chance", "chance", "diverged"]
    assert majority_share(np.array([0, 1, 1, 2])) == 0.5
    padded = np.array([[0, 0, 1, 1], [0, 1, 1, 9]])
    np.testing.assert_allclose(majority_share(padded, sizes=np.array([4, 3])), [0.5, 2 / 3])


def test_a_stack_records_which_replicas_diverged(wine_split):
    rngs = run_generators(0, range(3))
    network = Network.initialise([13, 16, 3], rngs, "l2", np.array([0.0, 0.0, 0.0]))
    x_train, y_train, x_test, y_test = wine_split
    # Replica 2 sees inputs 1e200 times larger: it blows up, the others train normally.
    x = np.stack([x_train, x_train, x_train * 1e200])
    y = np.stack([y_train] * 3)
    with np.errstate(all="ignore"):
        result = train_network(
            network,
            x,
            y,
            np.stack([x_test] * 3),
            np.stack([y_test] * 3),
            learning_rate=0.5,
            batch_size=10,
            epochs=5,
            rng=rngs,
            record=False,
        )
    assert result.diverged_epoch[2] > 0 and (result.diverged_epoch[:2] == 0).all()
    assert result.status[2] == "diverged" and np.isnan(result.validation_accuracy[2])
