"""Benchmark: the same training work run as many single-threaded processes at once, or as many as cores.

Usage: python bench/oversubscription.py [--tasks 8] [--epochs 60] [--repeats 2]
What `snakemake --cores 8` does on a machine with fewer cores: each training job has `threads: 1`,
so Snakemake runs up to eight of them at once and the operating system shares the cores among
them. Each task here is one job's worth of the importance study's work (one stack of
importance.stack_size runs, --epochs epochs, the configured dtype and penalty, BLAS on one thread
as Snakemake sets it for a one-thread job). --tasks tasks run twice: all at once, and at most
os.cpu_count() at a time; the script prints each way's wall time and the CPU its processes used
(getrusage of the children), and the CPU of all at once over that of as many as cores. The same
work should take the same CPU; what it takes more is the cost of sharing the cores (their caches).
A benchmark: it prints figures and asserts nothing.
"""

import argparse
import os
import resource
import subprocess
import sys
import time

from common import load_config, report_arrays, study_settings

# What Snakemake sets for a job with `threads: 1`.
ONE_THREAD = {
    name: "1"
    for name in (
        "OMP_NUM_THREADS",
        "OPENBLAS_NUM_THREADS",
        "MKL_NUM_THREADS",
        "VECLIB_MAXIMUM_THREADS",
        "NUMEXPR_NUM_THREADS",
        "GOTO_NUM_THREADS",
    )
}


def task(epochs: int) -> None:
    """One stack of the importance study's runs, trained as a shard job trains it."""
    from winenet.importance import train_importance_runs

    config = load_config()
    (x_train, y_train, x_test, y_test), normalisation = report_arrays(config)
    settings = study_settings(config, normalisation) | {"epochs": epochs}
    runs = range(settings["stack_size"])
    train_importance_runs(x_train, y_train, x_test, y_test, runs, normalisation["features"], **settings)


def run_tasks(tasks: int, at_once: int, epochs: int) -> tuple[float, float]:
    """``tasks`` child processes, at most ``at_once`` at a time: (wall seconds, their CPU seconds)."""
    command = [sys.executable, __file__, "--child", "--epochs", str(epochs)]
    env = os.environ | ONE_THREAD
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    start = time.perf_counter()
    running: list[subprocess.Popen] = []
    for _ in range(tasks):
        if len(running) == at_once:
            running.pop(0).wait()
        running.append(subprocess.Popen(command, env=env))
    for process in running:
        if process.wait():
            raise SystemExit(f"a task failed with exit code {process.returncode}")
    wall = time.perf_counter() - start
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    cpu = (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)
    return wall, cpu


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--tasks", type=int, default=8, help="processes in all (default 8)")
    parser.add_argument("--epochs", type=int, default=60, help="epochs per task (default 60)")
    parser.add_argument("--repeats", type=int, default=2, help="rounds of both ways, alternating (default 2)")
    parser.add_argument("--child", action="store_true", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child:
        task(args.epochs)
        return
    cores = os.cpu_count() or 1
    settings = study_settings(load_config(), {"classes": [0, 1, 2]})
    print(
        f"{args.tasks} tasks, each one stack of {settings['stack_size']} importance runs x {args.epochs} "
        f"epochs ({settings['dtype']}, {settings['penalty']}), BLAS on one thread; {cores} cores"
    )
    ways = {"all at once": args.tasks, f"{cores} at a time": cores}
    cpu_by_way: dict[str, list[float]] = {way: [] for way in ways}
    for repeat in range(1, args.repeats + 1):
        for way, at_once in ways.items():
            wall, cpu = run_tasks(args.tasks, at_once, args.epochs)
            cpu_by_way[way].append(cpu)
            print(f"  round {repeat}, {way:>14}: {wall:6.1f} s wall, {cpu:6.1f} s CPU")
    shared, fitted = (sum(values) / len(values) for values in cpu_by_way.values())
    print(f"CPU of all at once over {cores} at a time, mean of {args.repeats} rounds: {shared / fitted:.2f}")


if __name__ == "__main__":
    main()
