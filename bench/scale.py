"""Benchmark: how the data, model and figure stages scale with the number of rows (a benchmark, not a test).

Usage: python bench/scale.py [--rows 1000,10000,100000] [--epochs 2] [--stages validate,train,...]
                             [--keep DIR]
Writes synthetic tables shaped like data/wine.csv (its header, 13 features, classes 1, 2 and 3 drawn
with the real class shares, each feature normal around its real per-class mean and standard deviation,
clipped to its real range, written with the decimals most of its cells have). For each size, on its
own copy of the workflow with `data.path` pointing at the table, `normalisation.methods: [standard]`
and `training.epochs: --epochs`, it runs the real adapter scripts of validate, split_normalise, train,
evaluate and the three figures (model plain), each in a fresh Python process with a stand-in for
Snakemake's `snakemake` object, and prints per stage its wall time and peak memory (ru_maxrss), next
to a bare process that runs an empty script the same way. The summary gives each stage's growth
between the two largest sizes, training time per row and epoch, and how many in-memory copies of the
table each peak holds. It asserts nothing about time; a failing stage is reported with the tail of
its log.
"""

import argparse
import json
import math
import os
import shutil
import subprocess
import sys
import tempfile
import time
from collections import Counter
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
WORKFLOW_FILES = ["Snakefile", "config.yaml", "workflow", "src", "data", "profiles"]
STAGES = [
    "validate",
    "split_normalise",
    "train",
    "evaluate",
    "plot_feature_distributions",
    "plot_model",
]
# Which stages write the inputs of which (workflow/rules/*.smk): a subset runs with what it needs.
NEEDS = {
    "validate": [],
    "split_normalise": ["validate"],
    "train": ["split_normalise"],
    "evaluate": ["train"],
    "plot_feature_distributions": ["validate", "split_normalise"],
    "plot_model": ["split_normalise", "train", "evaluate"],
}
NORMALISATION, MODEL = "standard", "plain"
BARE = "(bare)"
SEED = 0
# A table in memory: the label and 13 features, 8 bytes each.
COLUMNS = 14
TABLE_CELL_BYTES = 8
LOG_TAIL_LINES = 20
SCRATCH = ".scale"


def stage_jobs(config: dict) -> dict[str, dict]:
    """Per stage, what Snakemake would hand its script: the rules' inputs, outputs, params, log, wildcards.

    Mirrors workflow/rules/data.smk, models.smk and figures.smk for normalisation `standard` and
    model `plain`; the `code` inputs are left out, since no script reads them.
    """
    label, features, dpi = config["data"]["label"], config["data"]["features"], config["figures"]["dpi"]
    model, network, training = config["models"][MODEL], config["network"], config["training"]
    data, models = f"results/data/{NORMALISATION}", f"results/models/{MODEL}"
    figures = f"results/figures/models/{MODEL}"
    return {
        "validate": {
            "input": {"table": config["data"]["path"]},
            "output": {"table": "results/data/validated.parquet", "summary": "results/data/table.json"},
            "log": ["results/logs/validate.log"],
            "params": {"label": label, "features": features},
            "wildcards": {},
        },
        "split_normalise": {
            "input": {"table": "results/data/validated.parquet"},
            "output": {
                "train": f"{data}/train.parquet",
                "test": f"{data}/test.parquet",
                "normalisation": f"{data}/normalisation.json",
                "notes": f"{data}/notes.rst",
            },
            "log": [f"results/logs/split_normalise/{NORMALISATION}.log"],
            "params": {"label": label, "split": config["split"]},
            "wildcards": {"normalisation": NORMALISATION},
        },
        "train": {
            "input": {
                "train": f"{data}/train.parquet",
                "test": f"{data}/test.parquet",
                "normalisation": f"{data}/normalisation.json",
            },
            "output": {
                "weights": f"{models}/weights.npz",
                "description": f"{models}/model.json",
                "history": f"{models}/history.parquet",
            },
            "log": [f"results/logs/train/{MODEL}.log"],
            "params": {"model": model, "network": network, "training": training},
            "wildcards": {"model": MODEL},
        },
        "evaluate": {
            "input": {
                "weights": f"{models}/weights.npz",
                "test": f"{data}/test.parquet",
                "normalisation": f"{data}/normalisation.json",
            },
            "output": {
                "predictions": f"{models}/predictions.parquet",
                "metrics": f"{models}/metrics.json",
                "roc": f"{models}/roc_points.parquet",
                "notes": f"{models}/notes.rst",
                "report": f"{models}/classification_report.txt",
            },
            "log": [f"results/logs/evaluate/{MODEL}.log"],
            "params": {"model": model},
            "wildcards": {"model": MODEL},
        },
        "plot_feature_distributions": {
            "input": {"table": "results/data/validated.parquet", "notes": f"{data}/notes.rst"},
            "output": ["results/figures/data/feature_distributions.png"],
            "log": ["results/logs/plot_feature_distributions.log"],
            "params": {"label": label, "dpi": dpi},
            "wildcards": {},
        },
        "plot_model": {
            "input": {
                "history": f"{models}/history.parquet",
                "predictions": f"{models}/predictions.parquet",
                "metrics": f"{models}/metrics.json",
                "roc": f"{models}/roc_points.parquet",
                "evaluation_notes": f"{models}/notes.rst",
                "normalisation": f"{data}/normalisation.json",
                "notes": f"{data}/notes.rst",
            },
            "output": {
                "curves": f"{figures}/training_curves.png",
                "roc": f"{figures}/roc_curves.png",
                "confusion": f"{figures}/confusion_matrix.png",
            },
            "log": [f"results/logs/plot_model/{MODEL}.log"],
            "params": {"model": model, "network": network, "training": training, "dpi": dpi},
            "wildcards": {"model": MODEL},
        },
    }


# --- the child: one stage in a fresh process ---------------------------------------------------------


class Named(list):
    """A list whose items may also have names, as Snakemake's Namedlist: ``x.train`` and ``x[0]``."""

    def __init__(self, pairs: list):
        super().__init__(value for _, value in pairs)
        for name, value in pairs:
            if name is not None:
                setattr(self, name, value)


def as_pairs(section) -> list:
    """(name, value) pairs of a dict, or (None, value) for the items of an unnamed list."""
    return list(section.items()) if isinstance(section, dict) else [[None, value] for value in section]


def run_stage(spec_path: str) -> None:
    """Run one adapter script as Snakemake would; write its wall time and peak memory to the result file."""
    import resource
    import runpy
    import traceback
    import types

    spec = json.loads(Path(spec_path).read_text())
    # A Snakemake job's import path holds neither bench/ nor the caller's arguments.
    sys.path = [
        entry for entry in sys.path if Path(entry or ".").resolve() != Path(__file__).resolve().parent
    ]
    sys.argv = [spec["script"]]
    stand_in = types.SimpleNamespace(
        **{section: Named(spec[section]) for section in ("input", "output", "params", "log", "wildcards")},
        threads=spec["threads"],
        scriptdir=spec["scriptdir"],
        rule=spec["rule"],
        config=spec["config"],
    )
    # Snakemake creates the folders of a job's outputs and log before it starts the job.
    for path in [*stand_in.output, *stand_in.log]:
        Path(path).parent.mkdir(parents=True, exist_ok=True)
    error = None
    start = time.perf_counter()
    try:
        runpy.run_path(spec["script"], init_globals={"snakemake": stand_in}, run_name="__main__")
    except SystemExit as stop:
        if stop.code not in (None, 0):
            error = f"exit {stop.code}"
    except BaseException as exception:  # noqa: BLE001 - every failure is reported, none hides
        error = f"{type(exception).__name__}: {exception}".splitlines()[0]
        # After start_job, stderr is the job's log and the hook writes what a real job would.
        try:
            sys.excepthook(type(exception), exception, exception.__traceback__)
        except Exception:  # noqa: BLE001 - the hook itself failing must not lose the result
            traceback.print_exc()
    wall = time.perf_counter() - start
    peak_kib = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    missing = [path for path in stand_in.output if not Path(path).exists()]
    if error is None and missing:
        error = f"missing outputs: {', '.join(missing)}"
    result = {"wall": wall, "peak_kib": peak_kib, "error": error, "own_peak_kib": own_peak_kib()}
    Path(spec["result"]).write_text(json.dumps(result))


def own_peak_kib() -> float | None:
    """This process's own peak resident size (VmHWM, which exec resets, unlike ru_maxrss), if Linux tells."""
    try:
        with open("/proc/self/status") as status:
            for line in status:
                if line.startswith("VmHWM:"):
                    return float(line.split()[1])
    except OSError:
        pass
    return None


# --- a child that writes a table and a copy of the workflow ------------------------------------------


def most_common_decimals(cells: list[str]) -> int:
    """The number of decimals most cells of a column are written with."""
    # Not the most: one Color_intensity cell has 6 decimals, where the rest have 0 to 2.
    counts = Counter(len(cell.partition(".")[2]) for cell in cells)
    return counts.most_common(1)[0][0]


def wine_shape(path: Path) -> dict:
    """The real table's header, class shares, per-class means and deviations, ranges and decimals."""
    import csv

    import numpy as np

    with open(path, newline="") as handle:
        rows = list(csv.reader(handle))
    header, records = rows[0], [row for row in rows[1:] if row]
    labels = np.array([int(row[0]) for row in records])
    values = np.array([[float(cell) for cell in row[1:]] for row in records])
    decimals = [most_common_decimals([row[i] for row in records]) for i in range(1, len(header))]
    classes = np.unique(labels)
    return {
        "header": header,
        "classes": classes,
        "shares": np.array([(labels == c).mean() for c in classes]),
        "means": np.array([values[labels == c].mean(axis=0) for c in classes]),
        "deviations": np.array([values[labels == c].std(axis=0, ddof=1) for c in classes]),
        "low": values.min(axis=0),
        "high": values.max(axis=0),
        "decimals": decimals,
    }


def write_synthetic(path: Path, rows: int, shape: dict) -> None:
    """A CSV of ``rows`` rows shaped like the real table, from a fixed seed."""
    import numpy as np

    rng = np.random.default_rng(SEED)
    index = rng.choice(len(shape["classes"]), size=rows, p=shape["shares"])
    values = rng.normal(shape["means"][index], shape["deviations"][index])
    # Measurements have physical bounds (no negative magnesium): the real range holds them.
    values = np.clip(values, shape["low"], shape["high"])
    table = np.column_stack([shape["classes"][index], values])
    formats = ["%d", *(f"%.{d}f" for d in shape["decimals"])]
    np.savetxt(path, table, fmt=formats, delimiter=",", header=",".join(shape["header"]), comments="")


def prepare_copy(copy: Path, rows: int, epochs: int) -> None:
    """A fresh copy of the workflow whose config.yaml reads a synthetic table; the config also as JSON."""
    import yaml

    for name in WORKFLOW_FILES:
        source = ROOT / name
        if source.is_dir():
            shutil.copytree(source, copy / name, dirs_exist_ok=True)
        else:
            shutil.copy2(source, copy / name)
    # A kept folder may hold an earlier run's outputs, which would hide a stage that writes nothing.
    shutil.rmtree(copy / "results", ignore_errors=True)
    table = Path("data") / f"synthetic_{rows}.csv"
    write_synthetic(copy / table, rows, wine_shape(ROOT / "data" / "wine.csv"))
    config = yaml.safe_load((copy / "config.yaml").read_text())
    config["data"]["path"] = str(table)
    config["normalisation"]["methods"] = [NORMALISATION]
    config["training"]["epochs"] = epochs
    # Written back so that `snakemake` in a kept copy builds what was measured.
    (copy / "config.yaml").write_text(yaml.safe_dump(config, sort_keys=False))
    (copy / SCRATCH).mkdir(exist_ok=True)
    (copy / SCRATCH / "config.json").write_text(json.dumps(config, indent=1))


# --- the parent: processes and figures -----------------------------------------------------------------


def prepare(copy: Path, rows: int, epochs: int) -> dict:
    """``prepare_copy`` in a process of its own; returns the copy's config."""
    # ru_maxrss survives exec: a stage process reports this process's peak if that is higher. The
    # table and NumPy stay out of this process, so that its peak stays below a bare stage's.
    command = [sys.executable, str(Path(__file__).resolve()), "--prepare", str(copy), str(rows), str(epochs)]
    process = subprocess.run(command, capture_output=True, text=True)
    if process.returncode != 0:
        sys.exit(f"preparing {copy} failed:\n{process.stderr[-3000:]}")
    return json.loads((copy / SCRATCH / "config.json").read_text())


def run_child(copy: Path, rule: str, script: Path, job: dict, config: dict) -> dict:
    """Run one stage (or the bare script) in a fresh process in ``copy``; its result, or why it failed."""
    scratch = copy / SCRATCH
    spec = {
        "script": str(script),
        "rule": rule,
        "input": as_pairs(job["input"]),
        "output": as_pairs(job["output"]),
        "params": as_pairs(job["params"]),
        "log": as_pairs(job["log"]),
        "wildcards": as_pairs(job["wildcards"]),
        # Every rule here runs on one thread (workflow/rules/*.smk: `threads: 1` or none).
        "threads": 1,
        "scriptdir": str(copy / "workflow" / "scripts"),
        "config": config,
        "result": str(scratch / f"{rule}.result.json"),
    }
    spec_path = scratch / f"{rule}.json"
    spec_path.write_text(json.dumps(spec, indent=1))
    Path(spec["result"]).unlink(missing_ok=True)
    src = str(copy / "src")
    # The stage runs inside this script's process (runpy), which writes the result after it: a stage
    # script returns at its end, as any job ends the normal way.
    environment = dict(os.environ, PYTHONPATH=src, WINENET_SRC=src)
    # Snakemake sets these to the job's threads for every script job: BLAS then uses one core.
    for variable in ("OMP_NUM_THREADS", "GOTO_NUM_THREADS", "OPENBLAS_NUM_THREADS", "MKL_NUM_THREADS"):
        environment[variable] = str(spec["threads"])
    command = [sys.executable, str(Path(__file__).resolve()), "--stage", str(spec_path)]
    process = subprocess.run(command, cwd=copy, env=environment, capture_output=True, text=True)
    result_path = Path(spec["result"])
    if result_path.exists():
        result = json.loads(result_path.read_text())
    else:
        # Killed (e.g. out of memory) or broken before it could write its result.
        result = {"wall": math.nan, "peak_kib": math.nan, "error": f"process exit {process.returncode}"}
    if result["error"]:
        result["details"] = process.stderr.strip().splitlines()[-LOG_TAIL_LINES:]
        for log in job["log"]:
            if (copy / log).exists():
                lines = (copy / log).read_text().splitlines()[-LOG_TAIL_LINES:]
                result["details"] += [f"--- tail of {log}:", *lines]
    return result


def with_needs(selected: list[str]) -> list[str]:
    """The selected stages and every stage they need, in dependency order."""
    wanted, pending = set(), list(selected)
    while pending:
        stage = pending.pop()
        if stage not in wanted:
            wanted.add(stage)
            pending += NEEDS[stage]
    return [stage for stage in STAGES if stage in wanted]


def mib(kib: float) -> float:
    return kib / 1024


def table_bytes(rows: int) -> int:
    return rows * COLUMNS * TABLE_CELL_BYTES


def print_summary(results: dict, sizes: list[int], stages: list[str], epochs: int) -> None:
    """Growth between the two largest sizes, training time per row and epoch, copies of the table."""
    print()
    print(
        "table in memory (rows x 14 x 8 bytes): "
        + ", ".join(f"{n} rows {table_bytes(n) / 2**20:.2f} MiB" for n in sizes)
    )
    for n in sizes if "train" in stages else []:
        result = results.get((n, "train"))
        if not result or result["error"]:
            print(f"train at {n} rows: failed or not run")
            continue
        print(
            f"train at {n} rows: {1e6 * result['wall'] / (n * epochs):.2f} us per (row x epoch) "
            f"({epochs} epoch{'s' * (epochs != 1)}; an epoch steps through the training rows and "
            "evaluates the validation rows)"
        )
    if len(sizes) < 2:
        return
    small, large = sizes[-2], sizes[-1]
    before, after = results.get((small, "train")), results.get((large, "train"))
    if "train" in stages and before and after and not before["error"] and not after["error"]:
        # The difference leaves out what does not grow with the rows: imports, setup, writing the model.
        extra = (after["wall"] - before["wall"]) / ((large - small) * epochs)
        print(f"train from {small} to {large} rows: {1e6 * extra:.2f} us per extra (row x epoch)")
    extra_table = table_bytes(large) - table_bytes(small)
    print()
    print(
        f"growth from {small} to {large} rows (x{large / small:g} rows); copies = extra peak / extra table "
        f"bytes ({extra_table / 2**20:.2f} MiB)"
    )
    print(f"{'stage':<28} {'wall x':>8} {'peak x':>8} {'extra peak MiB':>15} {'copies':>8}")
    for stage in [BARE, *stages]:
        before, after = results.get((small, stage)), results.get((large, stage))
        if not before or not after or before["error"] or after["error"]:
            print(f"{stage:<28} {'(failed or not run at one size)':>41}")
            continue
        extra = (after["peak_kib"] - before["peak_kib"]) * 1024
        wall_growth, peak_growth = after["wall"] / before["wall"], after["peak_kib"] / before["peak_kib"]
        print(
            f"{stage:<28} {wall_growth:>8.2f} {peak_growth:>8.2f} "
            f"{extra / 2**20:>15.1f} {extra / extra_table:>8.1f}"
        )


def main() -> None:
    if len(sys.argv) == 3 and sys.argv[1] == "--stage":
        run_stage(sys.argv[2])
        return
    if len(sys.argv) == 5 and sys.argv[1] == "--prepare":
        prepare_copy(Path(sys.argv[2]), int(sys.argv[3]), int(sys.argv[4]))
        return
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", default="1000,10000,100000", help="table sizes, comma-separated")
    parser.add_argument("--epochs", type=int, default=2, help="training.epochs of the train stage")
    parser.add_argument(
        "--stages",
        default=",".join(STAGES),
        help="stages to run, comma-separated (with the stages they need)",
    )
    parser.add_argument("--keep", type=Path, help="run in this folder and keep it (default: a temporary one)")
    args = parser.parse_args()
    sizes = sorted({int(n) for n in args.rows.split(",")})
    unknown = [stage for stage in args.stages.split(",") if stage not in STAGES]
    if unknown:
        sys.exit(f"unknown stages {unknown}; choose from {STAGES}")
    stages = with_needs(args.stages.split(","))
    where = args.keep or Path(tempfile.mkdtemp(prefix="winenet-scale-"))
    where.mkdir(parents=True, exist_ok=True)

    epochs = f"{args.epochs} epoch{'s' * (args.epochs != 1)}"
    print(f"workflow copies in {where}; {epochs}, model {MODEL}, normalisation {NORMALISATION}")
    print(f"{'rows':>7} {'stage':<28} {'wall s':>9} {'peak MiB':>9}")
    results: dict[tuple[int, str], dict] = {}
    started = time.perf_counter()
    for n in sizes:
        copy = where / f"rows_{n}"
        copy.mkdir(exist_ok=True)
        config = prepare(copy, n, args.epochs)
        jobs = stage_jobs(config)
        bare = copy / SCRATCH / "bare.py"
        bare.write_text('"""Nothing: the floor of a stage process, the stand-in and the interpreter."""\n')
        empty = {"input": {}, "output": {}, "params": {}, "log": [], "wildcards": {}}
        for stage in [BARE, *stages]:
            if stage == BARE:
                result = run_child(copy, "bare", bare, empty, config)
            else:
                script = copy / "workflow" / "scripts" / f"{stage}.py"
                result = run_child(copy, stage, script, jobs[stage], config)
            results[(n, stage)] = result
            own = result.get("own_peak_kib")
            # ru_maxrss carries the peak of the process that started the stage across exec.
            inherited = (
                "  (ru_maxrss above the process's own peak: inherited)"
                if own and result["peak_kib"] > own + 1024
                else ""
            )
            print(
                f"{n:>7} {stage:<28} {result['wall']:>9.3f} {mib(result['peak_kib']):>9.1f}{inherited}",
                flush=True,
            )
            if result["error"]:
                print(f"        FAILED: {result['error']}")
                for line in result.get("details", []):
                    print(f"        | {line}")
                print(f"        skipping the remaining stages at {n} rows")
                break
    print_summary(results, sizes, stages, args.epochs)
    print(f"\n{time.perf_counter() - started:.0f} s in all (tables, copies and process starts included)")
    if args.keep is None:
        shutil.rmtree(where)


if __name__ == "__main__":
    main()
