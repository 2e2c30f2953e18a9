"""The network's gradients, its replica axis and its learning, all in float64."""

import numpy as np
import pytest
import reference_network as reference
import yaml
from conftest import REPO
from sklearn.datasets import load_wine

from winenet.model.network import PENALTIES, Linear, Network, ReLU, one_hot, soft_threshold

SIZES = [5, 7, 6, 3]
BATCH = 8


def make_batch(seed=1, replicas=None):
    rng = np.random.default_rng(seed)
    lead = () if replicas is None else (replicas,)
    x = rng.standard_normal(lead + (BATCH, SIZES[0]))
    targets = one_hot(rng.integers(0, SIZES[-1], size=lead + (BATCH,)), SIZES[-1])
    return x, targets


def relative_error(a, b):
    return np.linalg.norm(a - b) / max(np.linalg.norm(a) + np.linalg.norm(b), 1e-300)


def numerical_gradient(f, array, eps=1e-6):
    grad = np.zeros_like(array)
    for index in np.ndindex(array.shape):
        saved = array[index]
        array[index] = saved + eps
        plus = f()
        array[index] = saved - eps
        minus = f()
        array[index] = saved
        grad[index] = (plus - minus) / (2 * eps)
    return grad


@pytest.mark.parametrize(("penalty", "coefficient"), [("none", 0.0), ("l2", 0.3), ("l1", 0.05)], ids=str)
def test_reference_gradients_match_finite_differences(penalty, coefficient):
    net = Network.initialise(SIZES, np.random.default_rng(0), penalty, coefficient)
    if penalty == "l1":  # finite differences are only meaningful away from the kink at 0
        assert min(np.abs(lin.W).min() for lin in net.linears) > 1e-4
    x, targets = make_batch()
    found = reference.gradients(net, x, targets)

    def objective():
        return float(reference.objective(net, x, targets))

    for layer, dw, db in zip(net.linears, found.weights, found.biases, strict=True):
        assert relative_error(dw, numerical_gradient(objective, layer.W)) < 1e-6
        assert relative_error(db, numerical_gradient(objective, layer.b)) < 1e-6
    assert relative_error(found.inputs, numerical_gradient(objective, x)) < 1e-6


def test_penalty_gradient_reaches_weights_only():
    x, targets = make_batch()
    found = {
        penalty: (net, reference.gradients(net, x, targets))
        for penalty in ("none", "l1")
        for net in [Network.initialise(SIZES, np.random.default_rng(0), penalty, 0.5)]
    }
    (plain, plain_grads), (_, penalised) = found["none"], found["l1"]
    for layer, dw, db, penalised_dw, penalised_db in zip(
        plain.linears,
        plain_grads.weights,
        plain_grads.biases,
        penalised.weights,
        penalised.biases,
        strict=True,
    ):
        np.testing.assert_array_equal(db, penalised_db)
        np.testing.assert_allclose(penalised_dw - dw, 0.5 * np.sign(layer.W), atol=1e-12)


def test_loss_gradient_is_summed_over_the_batch_not_averaged():
    net = Network.initialise([2, 3], np.random.default_rng(0))
    x = np.array([[2.0, 0.0], [0.0, 1.0]])
    targets = one_hot(np.array([0, 2]), 3)
    logits = x @ net.linears[0].W
    probabilities = np.exp(logits) / np.exp(logits).sum(axis=1, keepdims=True)
    np.testing.assert_allclose(
        reference.gradients(net, x, targets).biases[0], (probabilities - targets).sum(axis=0)
    )


@pytest.mark.parametrize("penalty", ["none", "l2", "l1"])
def test_stack_of_three_equals_three_networks_run_one_by_one(penalty):
    seeds = [11, 12, 13]
    stack = Network.initialise(SIZES, [np.random.default_rng(s) for s in seeds], penalty, 0.05)
    singles = [Network.initialise(SIZES, np.random.default_rng(s), penalty, 0.05) for s in seeds]
    assert stack.replicas == 3 and singles[0].replicas is None
    x, targets = make_batch(replicas=3)

    stack_loss, stack_logits = reference.loss(stack, x, targets)
    stack_input_grad = stack.train_step(x, targets, 0.01, input_gradient=True).copy()
    for r, single in enumerate(singles):
        loss, logits = reference.loss(single, x[r], targets[r])
        np.testing.assert_allclose(stack_loss[r], loss, rtol=0, atol=1e-12)
        np.testing.assert_allclose(stack_logits[r], logits, rtol=0, atol=1e-12)
        input_grad = single.train_step(x[r], targets[r], 0.01, input_gradient=True)
        np.testing.assert_allclose(stack_input_grad[r], input_grad, rtol=0, atol=1e-12)
        for lin, stacked in zip(single.linears, stack.linears, strict=True):
            np.testing.assert_allclose(stacked.W[r], lin.W, rtol=0, atol=1e-12)
            np.testing.assert_allclose(stacked.b[r], lin.b, rtol=0, atol=1e-12)


def test_initial_loss_is_close_to_log_of_class_count():
    wine = load_wine()
    x = wine.data / np.linalg.norm(wine.data, axis=0)  # the report's normalisation
    net = Network.initialise([13, 128, 128, 3], np.random.default_rng(0))
    loss, _ = reference.loss(net, x, one_hot(wine.target, 3))
    assert abs(loss - np.log(3)) < 0.1


def test_small_network_fits_twenty_samples():
    rng = np.random.default_rng(3)
    x = rng.standard_normal((20, 4))
    targets = one_hot(rng.integers(0, 3, size=20), 3)
    net = Network.initialise([4, 32, 32, 3], np.random.default_rng(4))
    for _ in range(2000):
        net.train_step(x, targets, 0.01)
    loss, _ = reference.loss(net, x, targets)
    assert loss < 0.05


def test_same_seed_gives_identical_weights_and_biases_start_at_zero():
    a = Network.initialise([13, 128, 128, 3], np.random.default_rng(7))
    b = Network.initialise([13, 128, 128, 3], np.random.default_rng(7))
    c = Network.initialise([13, 128, 128, 3], np.random.default_rng(8))
    for name, array in a.parameters().items():
        np.testing.assert_array_equal(array, b.parameters()[name])
    assert not np.array_equal(a.linears[0].W, c.linears[0].W)
    assert all(not lin.b.any() for lin in a.linears)


def test_he_scaling():
    net = Network.initialise([128, 128, 3], np.random.default_rng(0))
    assert net.linears[0].W.std() == pytest.approx(np.sqrt(2 / 128), rel=0.05)


def test_layers_compose_by_hand():
    rng = np.random.default_rng(0)
    linear = Linear(rng.standard_normal((4, 3)), rng.standard_normal(3))
    relu = ReLU()
    x = rng.standard_normal((5, 4))
    np.testing.assert_allclose(relu.forward(linear.forward(x)), np.maximum(x @ linear.W + linear.b, 0))


def test_parameters_round_trip():
    net = Network.initialise(SIZES, np.random.default_rng(0), "l1", 0.01)
    copy = Network.from_parameters(net.parameters(), "l1", 0.01)
    x, _ = make_batch()
    np.testing.assert_array_equal(copy.logits(x), net.logits(x))


def test_rejects_unknown_penalty():
    with pytest.raises(ValueError, match="unknown penalty"):
        Network.initialise(SIZES, np.random.default_rng(0), "l3", 0.1)


@pytest.mark.parametrize("penalty", ["none", "l2", "l1", "l1_proximal"])
def test_train_step_equals_the_reference_rule(penalty):
    x, targets = make_batch(replicas=2)
    slow = Network.initialise(SIZES, [np.random.default_rng(s) for s in (1, 2)], penalty, 0.05)
    fused = Network.initialise(SIZES, [np.random.default_rng(s) for s in (1, 2)], penalty, 0.05)
    for _ in range(5):
        _, logits = reference.loss(slow, x, targets)
        found = reference.reference_step(slow, x, targets, 0.01)
        fused_input_grad = fused.train_step(x, targets, 0.01, input_gradient=True)
        np.testing.assert_allclose(fused.last_logits, logits, rtol=0, atol=1e-12)
        np.testing.assert_allclose(fused_input_grad, found.inputs, rtol=0, atol=1e-12)
    for a, b in zip(slow.linears, fused.linears, strict=True):
        np.testing.assert_allclose(b.W, a.W, rtol=0, atol=1e-12)
        np.testing.assert_allclose(b.b, a.b, rtol=0, atol=1e-12)


@pytest.mark.parametrize("penalty", ["l2", "l1", "l1_proximal"])
def test_a_changed_coefficient_or_replaced_weights_take_effect_at_the_next_step(penalty):
    x, targets = make_batch()
    fused = Network.initialise(SIZES, np.random.default_rng(3), penalty, 0.05)
    slow = Network.initialise(SIZES, np.random.default_rng(3), penalty, 0.05)
    fused.train_step(x, targets, 0.01)
    reference.reference_step(slow, x, targets, 0.01)
    # A new coefficient, a new learning rate and new weight arrays, all after the first step.
    for net in (fused, slow):
        net.coefficient = 0.2
        for layer in net.linears:
            layer.W = layer.W * 0.5
    fused.train_step(x, targets, 0.02)
    reference.reference_step(slow, x, targets, 0.02)
    for a, b in zip(slow.linears, fused.linears, strict=True):
        np.testing.assert_allclose(b.W, a.W, rtol=0, atol=1e-12)


def test_every_penalty_is_one_object_and_the_schema_names_the_same():
    schema = yaml.safe_load((REPO / "workflow/schemas/config.schema.yaml").read_text())
    assert schema["$defs"]["penalty"]["enum"] == list(PENALTIES)
    for name, penalty in PENALTIES.items():
        assert penalty.name == name


@pytest.mark.parametrize("coefficient", [40.0, np.array([40.0, 0.0, 25.0])], ids=["scalar", "per-replica"])
@pytest.mark.parametrize("dtype", [np.float64, np.float32])
def test_l1_step_takes_the_sign_of_a_zero_weight_as_zero(coefficient, dtype):
    """At +0.0 and -0.0 weights the L1 step adds nothing: sign(0) = 0, whatever the sign bit says."""
    x, targets = make_batch(replicas=3)
    x, targets = x.astype(dtype), targets.astype(dtype)
    seeds = (7, 8, 9)
    penalised, plain = (
        Network.initialise(SIZES, [np.random.default_rng(s) for s in seeds], penalty, c, dtype=dtype)
        for penalty, c in (("l1", coefficient), ("none", 0.0))
    )
    for net in (penalised, plain):
        for layer in net.linears:
            layer.W[:, 0, :] = 0.0
            layer.W[:, 1, ::2] = -0.0
    before = [layer.W.copy() for layer in penalised.linears]
    penalised.train_step(x, targets, 0.01)
    plain.train_step(x, targets, 0.01)
    step = 0.01 * penalised.per_weight(coefficient)
    for lin, data_only, old in zip(penalised.linears, plain.linears, before, strict=True):
        # The same batch met the same weights, so the data steps are equal to the last bit; only a
        # sign(0) other than 0 would move the zeros by the (large) penalty step.
        np.testing.assert_array_equal(lin.W[:, 0, :], data_only.W[:, 0, :])
        np.testing.assert_array_equal(lin.W[:, 1, ::2], data_only.W[:, 1, ::2])
        # Everywhere else the step is the full lr * c * sign(W), one rounding per subtraction.
        rest = data_only.W[:, 2:, :] - step * np.sign(old[:, 2:, :])
        tolerance = 1e-12 if dtype == np.float64 else 1e-5
        np.testing.assert_allclose(lin.W[:, 2:, :], rest, rtol=0, atol=tolerance)


def test_soft_threshold_shrinks_by_the_threshold_and_leaves_exact_zeros():
    weights = np.array([[0.5, -0.5, 0.05], [-0.02, 0.0, 0.1]])
    soft_threshold(weights, 0.1, np.empty_like(weights))
    np.testing.assert_allclose(weights, [[0.4, -0.4, 0.0], [0.0, 0.0, 0.0]], atol=1e-15)
    assert (weights[0, 2], weights[1, 0], weights[1, 2]) == (0.0, 0.0, 0.0)


@pytest.mark.parametrize("fused", [False, True], ids=["reference", "train_step"])
def test_proximal_step_is_data_step_then_soft_threshold_biases_untouched(fused):
    x, targets = make_batch()
    proximal = Network.initialise(SIZES, np.random.default_rng(0), "l1_proximal", 20.0)
    plain = Network.initialise(SIZES, np.random.default_rng(0))
    for net in (proximal, plain):
        if fused:
            net.train_step(x, targets, 0.01)
        else:
            reference.reference_step(net, x, targets, 0.01)
    threshold = 0.01 * 20.0
    for prox, data_step in zip(proximal.linears, plain.linears, strict=True):
        expected = np.sign(data_step.W) * np.maximum(np.abs(data_step.W) - threshold, 0)
        np.testing.assert_allclose(prox.W, expected, rtol=0, atol=1e-12)
        np.testing.assert_array_equal(prox.b, data_step.b)  # the penalty never touches biases
        assert (prox.W == 0).sum() == (np.abs(data_step.W) <= threshold).sum() > 0


def test_proximal_loss_has_the_l1_term():
    x, targets = make_batch()
    proximal = Network.initialise(SIZES, np.random.default_rng(0), "l1_proximal", 0.3)
    subgradient = Network.initialise(SIZES, np.random.default_rng(0), "l1", 0.3)
    np.testing.assert_allclose(
        reference.loss(proximal, x, targets)[0], reference.loss(subgradient, x, targets)[0]
    )


@pytest.mark.parametrize("penalty", ["l2", "l1", "l1_proximal"])
@pytest.mark.parametrize("fused", [False, True])
def test_per_replica_coefficients_equal_each_network_with_its_own(penalty, fused):
    coefficients = np.array([0.0, 0.05, 0.3])
    seeds = [21, 22, 23]
    stack = Network.initialise(SIZES, [np.random.default_rng(s) for s in seeds], penalty, coefficients)
    singles = [
        Network.initialise(SIZES, np.random.default_rng(s), penalty, c)
        for s, c in zip(seeds, coefficients, strict=True)
    ]
    x, targets = make_batch(replicas=3)
    for _ in range(4):
        stack_loss, _ = reference.loss(stack, x, targets)
        if fused:
            stack.train_step(x, targets, 0.05)
        else:
            reference.reference_step(stack, x, targets, 0.05)
        for r, single in enumerate(singles):
            loss, _ = reference.loss(single, x[r], targets[r])
            np.testing.assert_allclose(stack_loss[r], loss, rtol=0, atol=1e-12)
            if fused:
                single.train_step(x[r], targets[r], 0.05)
            else:
                reference.reference_step(single, x[r], targets[r], 0.05)
    for r, single in enumerate(singles):
        for stacked, lin in zip(stack.linears, single.linears, strict=True):
            np.testing.assert_allclose(stacked.W[r], lin.W, rtol=0, atol=1e-12)


def test_per_replica_coefficients_must_fit_the_stack():
    with pytest.raises(ValueError, match=r"shape \(2,\)"):
        Network.initialise(SIZES, [np.random.default_rng(s) for s in (1, 2)], "l1", np.array([0.1, 0.2, 0.3]))
    with pytest.raises(ValueError, match=">= 0"):
        Network.initialise(SIZES, [np.random.default_rng(s) for s in (1, 2)], "l1", np.array([0.1, -0.2]))


@pytest.mark.parametrize("penalty", ["none", "l2", "l1", "l1_proximal"])
@pytest.mark.parametrize("dtype", [np.float64, np.float32])
def test_train_step_padding_rows_change_nothing(penalty, dtype):
    """A replica whose last rows are padding steps as that replica alone on its real rows."""
    x, targets = make_batch(replicas=3)
    x, targets = x.astype(dtype), targets.astype(dtype)
    real_rows = np.ones(x.shape[:-1], dtype=bool)
    real_rows[1, -2:] = False
    x[1, -2:] = 1e3  # whatever a padding row holds, it must not count
    seeds = (4, 5, 6)
    stack = Network.initialise(SIZES, [np.random.default_rng(s) for s in seeds], penalty, 0.05, dtype=dtype)
    singles = [Network.initialise(SIZES, np.random.default_rng(s), penalty, 0.05, dtype=dtype) for s in seeds]
    tolerance = 1e-12 if dtype == np.float64 else 1e-5
    for step in range(4):
        rows = real_rows if step % 2 else None
        got = stack.train_step(x, targets, 0.01, rows, input_gradient=True)
        for r, single in enumerate(singles):
            real = slice(None) if rows is None else rows[r]
            expected = single.train_step(x[r][real], targets[r][real], 0.01, input_gradient=True)
            np.testing.assert_allclose(got[r][real], expected, rtol=0, atol=tolerance)
    for r, single in enumerate(singles):
        for stacked, lin in zip(stack.linears, single.linears, strict=True):
            np.testing.assert_allclose(stacked.W[r], lin.W, rtol=0, atol=tolerance)
            np.testing.assert_allclose(stacked.b[r], lin.b, rtol=0, atol=tolerance)
