"""Benchmark: the importance study's training, stacked versus one run at a time, against a compute bound.

Usage: python bench/importance.py [--quick] [--runs N] [--epochs N] [--dtype float64|float32]
                                  [--stack-size N] [--loop-runs N] [--penalty none|l2|l1|l1_proximal]
                                  [--against REF]
Reads config.yaml and data/wine.csv, runs the data stages in-process, then in one process:
1. times ``train_importance_runs`` stacked (``importance.stack_size``) and one run at a time
   (``stack_size=1``, on the first ``--loop-runs`` runs, scaled per run), plus the other precision
   (float32 or float64) stacked, and how far apart the two rank the features; wall clock and this
   process's CPU time, per run and step;
2. counts the study's matrix-product FLOPs and divides them by the measured rate of a
   ``(10x128) @ (128x128)`` product: the time the study, and one full-batch step, need at best;
3. times the parts of one training step (matrix products versus elementwise work) on arrays of
   the real shapes, next to a whole step and its ratio to its FLOP bound, and whole steps of the
   same network without its penalty and with one coefficient per replica;
4. for an l1 study, times the exact ways NumPy offers to form the L1 step's ``step * sign(W)``
   with ``sign(0) = 0``, the one the network takes among them.
BLAS is held to one thread (common.one_thread): every number is one core, as one shard job uses.
--against REF instead times whole steps of every penalty (float32 and float64, one coefficient and
one per replica) under ``src/winenet/network.py`` at git ref REF and under this tree, in interleaved
rounds in one process: a change of the step before and after, in the same state of the machine.
--quick is a seconds-long version; --smoke a few runs and epochs, to show it works.
"""

import argparse
import importlib.util
import itertools
import math
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import numpy as np
import pandas as pd
from common import ROOT, load_config, one_thread, report_arrays, study_settings

from winenet.model.network import PENALTIES, Network, one_hot, row_sums, scaled_sign, softmax
from winenet.model.training import batch_count, epoch_order, run_generators
from winenet.studies.importance import rank_features, train_importance_runs
from winenet.studies.measures import MEASURES
from winenet.studies.ranking import importance_summary

QUICK_RUNS, QUICK_EPOCHS = 20, 20


def blas_description() -> str:
    """Which BLAS NumPy uses and with how many threads (threadpoolctl)."""
    from threadpoolctl import threadpool_info

    pools = [pool for pool in threadpool_info() if pool["user_api"] == "blas"]
    described = ", ".join(
        f"{pool['internal_api']} {pool.get('version') or ''} ({pool.get('architecture') or '?'} kernels) "
        f"{pool['num_threads']} thread{'s' * (pool['num_threads'] != 1)}"
        for pool in pools
    )
    return f"BLAS: {described or 'none found'}"


def per_call(function, budget: float, repeats: int = 15) -> float:
    """Seconds per call of ``function``: the fastest of ``repeats`` loops that share ``budget`` seconds.

    Other processes sharing the machine slow some loops down and never speed one up: many short
    loops find the undisturbed time more often than a few long ones.
    """
    number = 1
    while True:
        start = time.perf_counter()
        for _ in range(number):
            function()
        elapsed = time.perf_counter() - start
        if elapsed > 0.002:
            break
        number *= 2
    number = max(1, round(number * budget / repeats / elapsed))
    best = math.inf
    for _ in range(repeats):
        start = time.perf_counter()
        for _ in range(number):
            function()
        best = min(best, (time.perf_counter() - start) / number)
    return best


def time_study(arrays, runs, study: dict, dtype: str, stack_size: int):
    """Wall seconds, CPU seconds of this process and scores of ``train_importance_runs`` on ``runs``."""
    # On a shared machine the wall clock also counts the time other processes held the core; the
    # process's CPU time does not, and with one BLAS thread it is the work itself.
    start, cpu = time.perf_counter(), time.process_time()
    scores = train_importance_runs(*arrays, runs, **study, dtype=dtype, stack_size=stack_size)
    return time.perf_counter() - start, time.process_time() - cpu, scores


def precision_agreement(scores: pd.DataFrame, other: pd.DataFrame) -> str:
    """How far two studies of the same runs in different precisions rank the features apart."""
    summaries = [importance_summary(rank_features(table)).set_index("feature") for table in (scores, other)]
    columns = [f"{measure}_mean_rank" for measure in MEASURES]
    largest = (summaries[0][columns] - summaries[1].loc[summaries[0].index, columns]).abs().to_numpy().max()
    same_order = summaries[0].index.tolist() == summaries[1].index.tolist()
    return (
        f"mean ranks differ by at most {largest:.3f}; "
        f"features in {'the same' if same_order else 'a different'} order"
    )


def layer_products(sizes: list[int]) -> int:
    """Multiply-adds of one row through the network: sum of in x out over the layers."""
    return sum(n_in * n_out for n_in, n_out in zip(sizes[:-1], sizes[1:], strict=True))


def matmul_rate(dtype: str, stack: int, budget: float, rows: int = 10, width: int = 128) -> float:
    """FLOP/s of ``(stack, rows, width) @ (stack, width, width)``, or of the 2-D product for stack 0."""
    rng = np.random.default_rng(0)
    lead = (stack,) if stack else ()
    left = rng.standard_normal(lead + (rows, width)).astype(dtype)
    right = rng.standard_normal(lead + (width, width)).astype(dtype)
    out = np.empty(lead + (rows, width), dtype=dtype)
    # The best of many short loops: a busy machine slows some of them, never speeds one up.
    seconds = per_call(lambda: np.matmul(left, right, out=out), budget, repeats=25)
    return 2 * rows * width * width * max(stack, 1) / seconds


def whole_step(network, x_all: np.ndarray, targets_all: np.ndarray, order: np.ndarray, batch: int, lr: float):
    """One call = one full-batch step as train_network takes it: gather, ``train_step``, the score."""
    cycle = itertools.cycle(range(0, order.shape[-1] - batch + 1, batch))
    score = np.zeros(order.shape[:-1] + x_all.shape[-1:])

    def step():  # the body of train_network's batch loop, record=False, with the input-gradient score
        start = next(cycle)
        picked = order[..., start : start + batch]
        gradient = network.train_step(x_all[picked], targets_all[picked], lr, input_gradient=True)
        np.add(score, np.abs(gradient).sum(axis=-2), out=score)

    return step


def step_parts(arrays, study: dict, dtype: str, stack: int, budget: float) -> tuple[list, float, float, dict]:
    """Seconds per stack step of each part of a full-batch training step, of a whole step, of a shuffle.

    Each part runs alone on arrays of the real shapes (replica axis ``stack``, batch ``batch_size``),
    mirroring ``Network.train_step`` + the input-gradient score of ``train_network``.
    Returns ``[(part, kind, seconds, flops)]``, the whole step's seconds, an epoch shuffle's, and
    ``{variant: seconds}`` of whole steps of the same network without its penalty and with one
    coefficient per replica (as a regularisation path trains), for a penalised study.
    """
    x_train, y_train = arrays[0], arrays[1]
    sizes = [x_train.shape[1], *study["hidden"], study["n_classes"]]
    lr, batch = study["learning_rate"], study["batch_size"]
    penalty, coefficient = study["penalty"], study["coefficient"]
    rngs = run_generators(study["seed"], range(stack))
    network = Network.initialise(sizes, rngs, penalty, coefficient, dtype=np.dtype(dtype))
    x_all = np.asarray(x_train, dtype=dtype)
    targets_all = one_hot(y_train, study["n_classes"], dtype)
    order = epoch_order(len(y_train), rngs)
    starts = list(range(0, len(y_train) - batch + 1, batch))  # full batches only
    rows = order[..., starts[0] : starts[0] + batch]
    x, targets = x_all[rows], targets_all[rows]

    # One step's intermediate arrays, computed the way the network computes them.
    weights = [layer.W.copy() for layer in network.linears]
    biases = [layer.b.copy() for layer in network.linears]
    inputs, outputs = [x], []
    for i, (w, b) in enumerate(zip(weights, biases, strict=True)):
        outputs.append(inputs[-1] @ w + b[..., None, :])
        if i < len(weights) - 1:
            inputs.append(np.maximum(outputs[-1], 0))
    grads = [None] * len(weights)  # gradient at each layer's output, (R, B, out)
    grads[-1] = softmax(outputs[-1]) - targets
    for i in range(len(weights) - 1, 0, -1):
        grads[i - 1] = (grads[i] @ weights[i].swapaxes(-1, -2)) * (outputs[i - 1] > 0)
    grads_t = [np.ascontiguousarray(g.swapaxes(-1, -2)) for g in grads]
    below = [w @ g_t for w, g_t in zip(weights, grads_t, strict=True)]  # (R, in, B)
    scaled = [g * lr for g in grads]
    d_weights = [np.empty_like(w) for w in weights]
    scratch = [np.empty_like(w) for w in weights]
    zeros = [np.empty(w.shape, dtype=bool) for w in weights]
    # The updates run on copies so that the arrays the other parts read stay as they are.
    updated_weights = [w.copy() for w in weights]
    updated_biases = [b.copy() for b in biases]
    biased = [o.copy() for o in outputs]
    masks = [np.empty_like(o) for o in outputs[:-1]]
    rectified = [np.empty_like(o) for o in outputs[:-1]]
    ones = np.ones((stack, 1, batch), dtype=dtype)
    sums = [np.empty((stack, 1, b.shape[-1]), dtype=dtype) for b in biases]
    score = np.zeros((stack, x.shape[-1]), dtype=np.float64)
    input_gradient = np.ascontiguousarray(below[0].swapaxes(-1, -2))
    per_row = 2 * layer_products(sizes)

    def forward_products():
        for h, w in zip(inputs, weights, strict=True):
            h @ w

    def input_gradient_products():
        for w, g_t in zip(weights, grads_t, strict=True):
            w @ g_t

    def input_gradient_transposes():
        for g, result in zip(grads, below, strict=True):
            np.ascontiguousarray(g.swapaxes(-1, -2))
            np.ascontiguousarray(result.swapaxes(-1, -2))

    def weight_gradient_products():
        for h, s, dw in zip(inputs, scaled, d_weights, strict=True):
            np.matmul(h.swapaxes(-1, -2), s, out=dw)

    def bias_adds():
        for o, b in zip(biased, biases, strict=True):
            o += b[..., None, :]

    def relu_forward():  # a 0/1 mask in the float type, then one product
        for o, mask, out in zip(outputs[:-1], masks, rectified, strict=True):
            np.greater(o, 0, out=mask, casting="unsafe")
            np.multiply(o, mask, out=out)

    def relu_backward():
        for g, mask in zip(grads[:-1], masks, strict=True):
            g * mask

    def softmax_loss():
        softmax(outputs[-1]) - targets

    def learning_rate_scaling():
        for g in grads:
            g * lr

    def penalty_step():  # the penalty's own passes, as train_step takes them (around W -= dW)
        for w, s, zero in zip(updated_weights, scratch, zeros, strict=True):
            PENALTIES[penalty].gradient_step(w, lr * coefficient, s, zero)
            PENALTIES[penalty].proximal_step(w, lr * coefficient, s)

    def weight_update():
        for w, dw in zip(updated_weights, d_weights, strict=True):
            w -= dw

    def bias_update():  # the batch sum as a product with a row of ones
        for b, s, total in zip(updated_biases, scaled, sums, strict=True):
            b -= row_sums(s, total, ones)[..., 0, :]

    def gradient_score():
        np.add(score, np.abs(input_gradient).sum(axis=-2), out=score)

    def batch_gather():
        picked = order[..., starts[1] : starts[1] + batch]
        x_all[picked]
        targets_all[picked]

    products = per_row * batch * stack
    parts = [
        ("forward", "matmul", forward_products, products),
        ("input gradient", "matmul", input_gradient_products, products),
        ("weight gradient", "matmul", weight_gradient_products, products),
        ("input-gradient transposes (copies)", "elementwise", input_gradient_transposes, 0),
        ("bias add, forward", "elementwise", bias_adds, 0),
        ("ReLU forward", "elementwise", relu_forward, 0),
        ("ReLU backward", "elementwise", relu_backward, 0),
        ("softmax, loss, loss gradient", "elementwise", softmax_loss, 0),
        ("gradient x learning rate", "elementwise", learning_rate_scaling, 0),
    ]
    if penalty != "none":
        parts.append((f"{penalty} penalty step", "elementwise", penalty_step, 0))
    parts += [
        ("weight update W -= dW", "elementwise", weight_update, 0),
        ("bias update b -= sum", "elementwise", bias_update, 0),
        ("input-gradient score |dL/dx|", "elementwise", gradient_score, 0),
        ("batch gather x[rows]", "elementwise", batch_gather, 0),
    ]
    timed = [(name, kind, per_call(function, budget), flops) for name, kind, function, flops in parts]

    step = per_call(whole_step(network, x_all, targets_all, order, batch, lr), 2 * budget)
    shuffle = per_call(lambda: epoch_order(len(y_train), rngs), budget / 2)
    variants = {}
    if penalty != "none":
        others = {
            "without its penalty": ("none", 0.0),
            "one coefficient per replica": (penalty, np.geomspace(coefficient / 10, coefficient * 10, stack)),
        }
        for variant, (other_penalty, other_coefficient) in others.items():
            other = Network.initialise(sizes, rngs, other_penalty, other_coefficient, dtype=np.dtype(dtype))
            variants[variant] = per_call(whole_step(other, x_all, targets_all, order, batch, lr), 2 * budget)
    return timed, step, shuffle, variants


def sign_ways(sizes: list[int], dtype: str, stack: int, budget: float, step: float) -> list:
    """``[(way, seconds per stack step)]`` of forming ``step * sign(W)``, ``sign(0) = 0``, for every layer.

    The L1 step's own passes besides one subtraction: ``scaled_sign`` (what ``L1.gradient_step``
    takes) and the other exact ways NumPy offers, each checked against ``step * np.sign(W)`` first.
    """
    rng = np.random.default_rng(0)
    weights = [
        (rng.standard_normal((stack, n_in, n_out)) * np.sqrt(2 / n_in)).astype(dtype)
        for n_in, n_out in zip(sizes[:-1], sizes[1:], strict=True)
    ]
    tiny = np.finfo(dtype).smallest_subnormal
    special = [[0.0, -0.0], [tiny, -tiny]]  # which every way must get right
    for w in weights:
        w[0, :2, :2] = special
    scratch = [np.empty_like(w) for w in weights]
    zeros = [np.empty(w.shape, dtype=bool) for w in weights]
    exponents = [np.empty(w.shape, dtype=np.int32) for w in weights]
    magnitude = np.asarray(step, dtype=dtype)

    def zero_check(w, s, z):
        np.equal(w, 0, out=z)
        if z.any():
            s[z] = 0

    def sign_bits():
        for w, s, z in zip(weights, scratch, zeros, strict=True):
            scaled_sign(w, magnitude, s, z)

    def copysign():
        for w, s, z in zip(weights, scratch, zeros, strict=True):
            np.copysign(magnitude, w, out=s)
            zero_check(w, s, z)

    def sign():
        for w, s in zip(weights, scratch, strict=True):
            np.sign(w, out=s)
            s *= magnitude

    def frexp():  # the mantissa keeps the sign and is 0 only at 0; |mantissa| >= 0.5 >= step
        for w, s, e in zip(weights, scratch, exponents, strict=True):
            np.frexp(w, out=(s, e))
            np.clip(s, -magnitude, magnitude, out=s)

    def subtraction():
        for w, s in zip(weights, scratch, strict=True):
            np.subtract(w, s, out=s)

    ways = [
        ("sign bit onto the step, zero check (used)", sign_bits),
        ("np.copysign, zero check", copysign),
        ("np.sign, times the step", sign),
    ]
    if magnitude <= 0.5:
        ways.append(("np.frexp's mantissa clipped to the step", frexp))
    timed = []
    for name, function in ways:
        function()
        if not all(np.array_equal(s, magnitude * np.sign(w)) for w, s in zip(weights, scratch, strict=True)):
            raise AssertionError(f"{name} does not give step * sign(W)")
        for w in weights:  # timed in the usual case, without zero weights
            w[0, :2, :2] = 0.5
        timed.append((name, per_call(function, budget)))
        for w in weights:
            w[0, :2, :2] = special
    timed.append(("(for scale: one subtraction pass)", per_call(subtraction, budget)))
    return timed


def network_at(ref: str):
    """``winenet/network.py`` as it is at git ref ``ref`` of this repository, as a module of its own."""
    # network.py imports nothing from winenet, so its old text runs beside the current package.
    shown = subprocess.run(
        ["git", "show", f"{ref}:src/winenet/network.py"], cwd=ROOT, capture_output=True, text=True
    )
    if shown.returncode != 0:
        raise SystemExit(f"--against {ref}: {shown.stderr.strip()}")
    path = Path(tempfile.mkdtemp()) / "network_at_ref.py"
    path.write_text(shown.stdout)
    spec = importlib.util.spec_from_file_location("network_at_ref", path)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


# (penalty, one coefficient per replica) of the steps compared by --against.
STEP_CASES = [
    ("none", False),
    ("l2", False),
    ("l1", False),
    ("l1_proximal", False),
    ("l1", True),
    ("l1_proximal", True),
]


def compare_steps(arrays, study: dict, stack: int, budget: float, rounds: int, modules: dict) -> dict:
    """Seconds per stack step of a whole step under each network module, the best of interleaved rounds.

    ``modules`` maps a name to a module with ``Network``; the same seeds, batches and settings for
    each. Returns ``{(dtype, penalty, per_replica): {name: seconds}}``.
    """
    x_train, y_train = arrays[0], arrays[1]
    sizes = [x_train.shape[1], *study["hidden"], study["n_classes"]]
    lr, batch, coefficient = study["learning_rate"], study["batch_size"], study["coefficient"]
    found = {}
    for dtype in ("float32", "float64"):
        x_all = np.asarray(x_train, dtype=dtype)
        targets_all = one_hot(y_train, study["n_classes"], dtype)
        order = epoch_order(len(y_train), run_generators(study["seed"], range(stack)))
        for penalty, per_replica in STEP_CASES:
            value = 0.0 if penalty == "none" else coefficient
            if per_replica:
                value = np.geomspace(coefficient / 10, coefficient * 10, stack)
            steps = {}
            for name, module in modules.items():
                rngs = run_generators(study["seed"], range(stack))
                network = module.Network.initialise(sizes, rngs, penalty, value, dtype=np.dtype(dtype))
                steps[name] = whole_step(network, x_all, targets_all, order, batch, lr)
            best = dict.fromkeys(steps, math.inf)
            names = list(steps)
            # Alternating which goes first, so that neither always meets the caches the other warmed.
            for round_ in range(rounds):
                for name in names if round_ % 2 == 0 else names[::-1]:
                    best[name] = min(best[name], per_call(steps[name], budget))
            found[(dtype, penalty, per_replica)] = best
    return found


def print_comparison(found: dict, ref: str, stack: int, step_bounds: dict) -> None:
    """The table of ``compare_steps``: µs per run-step under ``ref`` and this tree, and to the bound."""
    print(
        f"  {'dtype':<8} {'penalty':<12} {'coefficient':<12} {ref + ' µs':>12} {'this tree µs':>12} "
        f"{'this/ref':>8} {ref + ' x bound':>16} {'this x bound':>13}"
    )
    for (dtype, penalty, per_replica), best in found.items():
        before, after = (1e6 * best[name] / stack for name in (ref, "this tree"))
        bound = 1e6 * step_bounds[dtype]
        kind = "per replica" if per_replica else ("-" if penalty == "none" else "one")
        print(
            f"  {dtype:<8} {penalty:<12} {kind:<12} {before:>12.1f} {after:>12.1f} {after / before:>8.2f} "
            f"{before / bound:>15.2f}x {after / bound:>12.2f}x"
        )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, help="runs of the study (default: importance.runs)")
    parser.add_argument("--epochs", type=int, help="epochs per run (default: importance.epochs)")
    parser.add_argument("--dtype", choices=("float64", "float32"), help="default: importance.dtype")
    parser.add_argument("--stack-size", type=int, help="default: importance.stack_size")
    parser.add_argument(
        "--penalty", choices=list(PENALTIES), help="default: importance.penalty (with importance.coefficient)"
    )
    parser.add_argument(
        "--loop-runs",
        type=int,
        default=30,
        help="runs timed one at a time, scaled per run (default 30; 0 = all runs)",
    )
    parser.add_argument(
        "--quick", action="store_true", help=f"{QUICK_RUNS} runs x {QUICK_EPOCHS} epochs, short timings"
    )
    parser.add_argument("--smoke", action="store_true", help="a few runs and epochs: does it work")
    parser.add_argument(
        "--against",
        metavar="REF",
        help="instead of sections 1-3: whole steps of every penalty, float32 and float64, under "
        "src/winenet/network.py at git ref REF and under this tree, in interleaved rounds",
    )
    args = parser.parse_args()
    if args.smoke:
        args.quick, args.runs, args.epochs, args.loop_runs = True, 4, 2, 2
    one_thread()
    config = load_config()
    training, importance = config["training"], config["importance"]
    runs = args.runs or (QUICK_RUNS if args.quick else importance["runs"])
    epochs = args.epochs or (QUICK_EPOCHS if args.quick else importance["epochs"])
    dtype = args.dtype or importance.get("dtype", "float64")
    stack_size = args.stack_size or importance.get("stack_size", 20)
    loop_runs = runs if args.loop_runs <= 0 else min(args.loop_runs, runs)
    budget = 0.05 if args.quick else 0.25

    arrays, normalisation = report_arrays(config)
    n_train, n_validation = len(arrays[1]), len(arrays[3])
    batch = training["batch_size"]
    # Precision and stack size vary below; the rest is the configured study.
    study = {"features": normalisation["features"], **study_settings(config, normalisation), "epochs": epochs}
    del study["dtype"], study["stack_size"]
    if args.penalty:
        study["penalty"] = args.penalty
    sizes = [arrays[0].shape[1], *study["hidden"], study["n_classes"]]
    batches = batch_count(n_train, batch)
    full_batches, last_batch = divmod(n_train, batch)
    steps = epochs * batches
    run_steps = runs * steps

    print(
        f"importance study: {runs} runs x {epochs} epochs, penalty {study['penalty']} "
        f"{study['coefficient']}, lr {study['learning_rate']}, batch {batch}, network {sizes}"
    )
    print(
        f"data: {n_train} training rows -> {batches} steps per epoch ({full_batches} of {batch}"
        f"{f', 1 of {last_batch}' if last_batch else ''}), {steps} steps per run; "
        f"{n_validation} validation rows"
    )
    print(blas_description())
    print("one core: every timing below uses one BLAS thread, as one Snakemake shard job (threads: 1) does")

    if args.against:
        modules = {args.against: network_at(args.against), "this tree": sys.modules[Network.__module__]}
        rounds = 1 if args.smoke else 2 if args.quick else 5
        rates = {d: matmul_rate(d, stack_size, budget) for d in ("float32", "float64")}
        step_bounds = {d: 3 * 2 * layer_products(sizes) * batch / rate for d, rate in rates.items()}
        print(
            f"\nwhole full-batch steps of a stack of {stack_size} (gather + train_step + score), µs per "
            f"run-step, the best of {rounds} interleaved rounds; FLOP bound of the step "
            + ", ".join(
                f"{d} {1e6 * bound:.2f} µs ({rates[d] / 1e9:.1f} GFLOP/s)" for d, bound in step_bounds.items()
            )
        )
        found = compare_steps(arrays, study, stack_size, budget, rounds, modules)
        print_comparison(found, args.against, stack_size, step_bounds)
        return

    # Warm-up: first calls load BLAS kernels and fill caches.
    time_study(arrays, range(1), {**study, "epochs": 1}, dtype, 1)

    print("\n1. training time, train_importance_runs (the code the shard jobs run)")
    timings = []
    seconds, cpu_seconds, stacked_scores = time_study(arrays, range(runs), study, dtype, stack_size)
    timings.append((f"stacked, stack {stack_size}, {dtype}", runs, seconds, cpu_seconds))
    loop_seconds, loop_cpu, loop_scores = time_study(arrays, range(loop_runs), study, dtype, 1)
    timings.append((f"one at a time, stack 1, {dtype}", loop_runs, loop_seconds, loop_cpu))
    other = "float32" if dtype == "float64" else "float64"
    other_seconds, other_cpu, other_scores = time_study(arrays, range(runs), study, other, stack_size)
    timings.append((f"stacked, stack {stack_size}, {other}", runs, other_seconds, other_cpu))
    stacked_per_run = seconds / runs
    print(
        f"  {'path':<32} {'runs':>5} {'seconds':>8} {'s/run':>7} {'µs/run-step':>12} {'CPU µs':>7} "
        f"{'s for ' + str(runs) + ' runs':>15} {'vs stacked':>11}"
    )
    for name, timed_runs, timed_seconds, timed_cpu in timings:
        per_run = timed_seconds / timed_runs
        print(
            f"  {name:<32} {timed_runs:>5} {timed_seconds:>8.2f} {per_run:>7.3f} "
            f"{1e6 * per_run / steps:>12.1f} {1e6 * timed_cpu / timed_runs / steps:>7.1f} "
            f"{per_run * runs:>15.1f} {per_run / stacked_per_run:>10.2f}x"
        )
    print("  (µs/run-step: wall clock; CPU µs: this process's CPU time, which other processes do not add to)")
    if loop_runs < runs:
        print(
            f"  (one at a time timed on runs 0..{loop_runs - 1} only and scaled per run to {runs}; "
            "--loop-runs sets how many)"
        )
    columns = ["weight_score", "gradient_score", "accuracy"]
    same = stacked_scores[stacked_scores["run"] < loop_runs][columns].to_numpy()
    difference = np.abs(same - loop_scores[columns].to_numpy()).max()
    print(
        f"  stack 1 and stack {stack_size} scores for runs 0..{loop_runs - 1}: "
        + ("identical" if difference == 0 else f"max absolute difference {difference:.3g}")
    )
    loop_ratio = (loop_seconds / loop_runs) / stacked_per_run
    agreement = precision_agreement(stacked_scores, other_scores)
    print(f"  {dtype} and {other} studies: {agreement}")

    print("\n2. compute bound: matrix-product FLOPs / measured matmul rate")
    per_row = 2 * layer_products(sizes)
    flops_per_run = 3 * per_row * n_train * epochs + per_row * n_validation
    flops = runs * flops_per_run
    print(
        f"  per row: 2 x ({' + '.join(f'{a}x{b}' for a, b in zip(sizes[:-1], sizes[1:], strict=True))}) = "
        f"{per_row:,} FLOP forward; x3 with the weight and input gradients (incl. the first layer's)"
    )
    print(
        f"  per run: 3 x {per_row:,} x ({full_batches} x {batch} + {last_batch}) rows x {epochs} epochs "
        f"+ {per_row:,} x {n_validation} validation rows = {flops_per_run / 1e9:.3f} GFLOP"
    )
    print(f"  study: {runs} runs = {flops / 1e12:.4f} TFLOP (elementwise work not counted)")
    rates = {}
    for rate_dtype in dict.fromkeys([dtype, "float64", "float32"]):
        stacked_rate = matmul_rate(rate_dtype, stack_size, budget)
        single_rate = matmul_rate(rate_dtype, 0, budget)
        rates[rate_dtype] = stacked_rate
        print(
            f"  {rate_dtype}: (R,10,128)@(R,128,128), R={stack_size}: {stacked_rate / 1e9:6.1f} GFLOP/s; "
            f"2-D (10,128)@(128,128): {single_rate / 1e9:6.1f} GFLOP/s"
        )
    bounds = {}
    for name, timed_runs, timed_seconds, timed_cpu in timings:
        timed_dtype = name.rsplit(", ", 1)[-1]
        bound = flops / rates[timed_dtype]
        bounds[timed_dtype] = bound
        measured = timed_seconds / timed_runs * runs
        print(
            f"  {name:<32} bound {bound:7.2f} s on one core, {bound / 2:7.2f} s on two; "
            f"measured {measured:7.2f} s = {measured / bound:.1f}x the one-core bound "
            f"({timed_cpu / timed_runs * runs / bound:.1f}x in CPU time)"
        )
    step_flops = 3 * per_row * batch
    step_bounds = {d: step_flops / rate for d, rate in rates.items()}
    print(
        f"  one full-batch step: 3 x {per_row:,} x {batch} rows = {step_flops:,} FLOP per run; bound "
        + ", ".join(f"{d} {1e6 * bound:.2f} µs" for d, bound in step_bounds.items())
        + " per run-step"
    )

    print(f"\n3. one full-batch training step of a stack of {stack_size}, part by part (µs per run-step)")
    print(
        "  each part runs alone on arrays of the real shapes (warm caches); 'whole step' is "
        "gather + train_step + score, as train_network runs it"
    )
    breakdown_dtypes = list(dict.fromkeys(["float64", dtype] + (["float32"] if dtype == "float64" else [])))
    results = {d: step_parts(arrays, study, d, stack_size, budget) for d in breakdown_dtypes}
    header = "".join(f" {d + ' µs':>12} {'share':>6} {'GFLOP/s':>8}" for d in breakdown_dtypes)
    print(f"  {'part':<36}{header}")
    names = [(name, kind) for name, kind, _, _ in results[breakdown_dtypes[0]][0]]
    sums = {d: {"matmul": 0.0, "elementwise": 0.0} for d in breakdown_dtypes}
    for index, (name, kind) in enumerate(names):
        line = f"  {name:<36}"
        for d in breakdown_dtypes:
            parts, step, _, _ = results[d]
            _, _, part_seconds, part_flops = parts[index]
            sums[d][kind] += part_seconds
            rate = f"{part_flops / part_seconds / 1e9:8.1f}" if part_flops else f"{'':>8}"
            line += f" {1e6 * part_seconds / stack_size:>12.2f} {part_seconds / step:>6.0%} {rate}"
        print(line)

    def summary_row(label: str, values: dict) -> None:
        line = f"  {label:<36}"
        for d in breakdown_dtypes:
            step = results[d][1]
            line += f" {1e6 * values[d] / stack_size:>12.2f} {values[d] / step:>6.0%} {'':>8}"
        print(line)

    summary_row("= matrix products", {d: sums[d]["matmul"] for d in breakdown_dtypes})
    summary_row("= elementwise and copies", {d: sums[d]["elementwise"] for d in breakdown_dtypes})
    summary_row(
        "remainder (Python dispatch, caches)",
        {d: results[d][1] - sums[d]["matmul"] - sums[d]["elementwise"] for d in breakdown_dtypes},
    )
    summary_row("whole step, measured", {d: results[d][1] for d in breakdown_dtypes})
    for variant in results[dtype][3]:
        summary_row(f"whole step {variant}", {d: results[d][3][variant] for d in breakdown_dtypes})
    summary_row("epoch shuffle, per step (not in step)", {d: results[d][2] / batches for d in results})
    summary_row("FLOP bound of the step (section 2)", {d: step_bounds[d] * stack_size for d in results})
    print(
        f"  {'whole step / its FLOP bound':<36}"
        + "".join(f" {results[d][1] / stack_size / step_bounds[d]:>11.2f}x {'':>6} {'':>8}" for d in results)
    )
    study_steps = {name.rsplit(", ", 1)[-1]: t / r / steps for name, r, t, _ in timings if "stacked" in name}
    if all(d in study_steps for d in breakdown_dtypes):
        summary_row("study's average step (section 1)", {d: study_steps[d] * stack_size for d in results})

    if study["penalty"] == "l1":
        step = study["learning_rate"] * study["coefficient"]
        print(
            f"\n4. the L1 step's step * sign(W) with sign(0) = 0, every layer of a stack of {stack_size}: "
            "the ways NumPy offers (µs per run-step)"
        )
        ways = {d: sign_ways(sizes, d, stack_size, budget, step) for d in breakdown_dtypes}
        print(f"  {'way':<44}" + "".join(f" {d + ' µs':>12}" for d in breakdown_dtypes))
        for index, (name, _) in enumerate(ways[breakdown_dtypes[0]]):
            print(f"  {name:<44}" + "".join(f" {1e6 * ways[d][index][1] / stack_size:>12.2f}" for d in ways))

    matmul_share = sums[dtype]["matmul"] / results[dtype][1]
    print("\n== summary ==")
    print(
        f"Importance study, {runs} runs x {epochs} epochs ({steps:,} SGD steps of batch {batch} per run, "
        f"{study['penalty']} {study['coefficient']}), one core (BLAS pinned to 1 thread):"
    )
    print(
        f"- stacked, {stack_size} runs per stack, {dtype}: {seconds:.1f} s "
        f"({1e6 * seconds / run_steps:.1f} µs per run-step; CPU {1e6 * cpu_seconds / run_steps:.1f} µs)"
    )
    print(
        f"- one run at a time (stack_size 1): {loop_ratio * seconds:.1f} s "
        f"({1e6 * loop_seconds / loop_runs / steps:.1f} µs per run-step"
        f"{f', timed on {loop_runs} runs' if loop_runs < runs else ''}); stacking is {loop_ratio:.2f}x faster"
    )
    by_dtype = {dtype: seconds, other: other_seconds}
    print(
        f"- stacked float32: {by_dtype['float32']:.1f} s "
        f"({1e6 * by_dtype['float32'] / run_steps:.1f} µs per run-step), "
        f"{by_dtype['float64'] / by_dtype['float32']:.2f}x faster than float64; {agreement}"
    )
    print(
        f"- compute bound: {flops / 1e12:.3f} TFLOP of matrix products at {rates[dtype] / 1e9:.1f} GFLOP/s "
        f"({dtype} (10x128)@(128x128), stack of {stack_size}) = {bounds[dtype]:.1f} s on one core, "
        f"{bounds[dtype] / 2:.1f} s on two; the stacked study takes {seconds / bounds[dtype]:.1f}x the "
        "one-core bound"
    )
    whole_step = results[dtype][1] / stack_size
    print(
        f"- a full-batch step of a stack of {stack_size} ({dtype}, gather + train_step + score): "
        f"{1e6 * whole_step:.1f} µs per run-step = {whole_step / step_bounds[dtype]:.2f}x its FLOP bound "
        f"({1e6 * step_bounds[dtype]:.1f} µs); the matrix products take {matmul_share:.0%} of it, "
        f"elementwise work and copies {sums[dtype]['elementwise'] / results[dtype][1]:.0%}, "
        "Python dispatch the rest"
    )
    if results[dtype][3]:
        print(
            "- the same step "
            + "; ".join(
                f"{variant}: {1e6 * seconds / stack_size:.1f} µs per run-step"
                for variant, seconds in results[dtype][3].items()
            )
        )
    print(
        f"- on two cores (two shard jobs at a time) the stacked study needs about {seconds / 2:.1f} s "
        "of wall time at best"
    )


if __name__ == "__main__":
    main()
