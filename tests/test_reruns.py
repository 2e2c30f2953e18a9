"""Only what changed reruns: each case edits a complete run and asks Snakemake what it would do."""

import os
import re
import subprocess
import sys

import pytest
import yaml
from conftest import REPO, TINY, merge, write_config
from sandbox import jobs_after_edit, make_project, planned_jobs, rule_scripts

from winenet.workflow.resources import SUBMITTED

pytestmark = pytest.mark.workflow

MODELS = ("plain", "l2", "l1")
# The L1 model's twin with the proximal step, trained over seeds beside the models.
SEED_MODELS = (*MODELS, "l1_proximal")
NORMALISATIONS = ("l2norm", "standard")
# Every normalisation's study has as many shards (the tiny config has more runs than shards).
SHARDS = range(TINY["importance"]["shards"])


def per_model(*rules, models=MODELS):
    return {f"{rule}[model={model}]" for rule in rules for model in models}


def per_normalisation(*rules, normalisations=NORMALISATIONS):
    return {f"{rule}[normalisation={n}]" for rule in rules for n in normalisations}


def cross_validation(models=MODELS):
    # One job per model, every normalisation in it.
    return {f"cross_validate_model[model={m}]" for m in models}


def study(normalisations=NORMALISATIONS):
    shards = {f"importance_shard[normalisation={n}, shard={s}]" for n in normalisations for s in SHARDS}
    # The split study (the tiny config has further splits) runs the same study, on other splits.
    rules = ("importance_gather", "plot_importance", "importance_splits")
    return shards | per_normalisation(*rules, normalisations=normalisations)


DATA = {"validate", "cv_folds", "plot_feature_distributions"} | per_normalisation("split_normalise")
MODEL_JOBS = per_model("train", "evaluate")
COMPARISON = {"compare"}
L1_METHODS = {"l1_methods", "plot_l1_methods"}
BASELINES = per_normalisation("cross_validate_baselines")
UNCERTAINTY = per_model("seed_study", models=SEED_MODELS) | cross_validation() | BASELINES | {"cv_summary"}
STUDY = study()
SENSITIVITY = {"importance_sensitivity"}
CLAIMS = {"claims", "report_claims"}
# The jobs that draw a figure, which a figure setting reruns. Some also compute (cheaply) the tables
# beside them: a model's metrics, the comparison, the summaries, the rank correlations, the claims'
# pages.
FIGURES = {
    "plot_feature_distributions",
    "compare",
    "plot_l1_methods",
} | per_model("evaluate")
FIGURES |= per_normalisation("plot_importance")
FIGURES |= {"cv_summary", "importance_sensitivity", "report_claims"}


def edit_config(project, overrides):
    current = yaml.safe_load((project / "config.yaml").read_text())
    write_config(project, merge(merge(TINY, current), overrides))


def edit_code(project, module="model/network.py"):
    path = project / "src/winenet" / module
    path.write_text(path.read_text() + "\n# an edit\n")


def edit_file(path):
    path.write_text(path.read_text() + "\n")


def edit_data(project):
    data = project / "data/wine.csv"
    lines = data.read_text().splitlines()
    lines[1] = lines[1].replace("14.23", "14.24")
    data.write_text("\n".join(lines) + "\n")


def touch_without_change(project):
    for path in ("data/wine.csv", "src/winenet/model/network.py", "config.yaml"):
        os.utime(project / path)


def new_model_jobs(model):
    jobs = per_model("train", "evaluate", models=[model])
    return jobs | per_model("seed_study", models=[model]) | cross_validation(models=[model])


SUMMARIES = {"cv_summary"}
REPORT = {"report"}
# (what the README's table says you change, how the test changes it, the jobs that must rerun).
CASES = {
    "nothing": ("nothing", lambda project: None, set()),
    "touch": ("touch a file without changing it", touch_without_change, set()),
    "model": (
        "a model's setting, e.g. `models.l1.coefficient`",
        lambda project: edit_config(project, {"models": {"l1": {"coefficient": 0.01}}}),
        new_model_jobs("l1")
        | per_model("seed_study", models=["l1_proximal"])
        | SUMMARIES
        | COMPARISON
        | L1_METHODS
        | CLAIMS
        | REPORT,
    ),
    "dpi": (
        "`figures.dpi`",
        lambda project: edit_config(project, {"figures": {"dpi": 41}}),
        # The claims read the tables that the figure jobs rewrite beside their figures.
        FIGURES | CLAIMS | REPORT,
    ),
    "caption": (
        "a caption or the stylesheet in `workflow/report/`",
        lambda project: edit_file(project / "workflow/report/training_curves.rst"),
        REPORT,
    ),
    "runs": (
        "`importance.runs`",
        lambda project: edit_config(project, {"importance": {"runs": 5}}),
        study(["l2norm"]) | SENSITIVITY | CLAIMS | REPORT,
    ),
    "epochs": (
        "`importance.epochs`",
        lambda project: edit_config(project, {"importance": {"epochs": 3}}),
        STUDY | SENSITIVITY | CLAIMS | REPORT,
    ),
    "network code": (
        "the code of `src/winenet/model/network.py`",
        edit_code,
        MODEL_JOBS
        | COMPARISON
        | STUDY
        | L1_METHODS
        | UNCERTAINTY - BASELINES
        | SENSITIVITY
        | CLAIMS
        | REPORT,
    ),
    "data": (
        "the content of `data/wine.csv`",
        edit_data,
        DATA | MODEL_JOBS | COMPARISON | STUDY | L1_METHODS | UNCERTAINTY | SENSITIVITY | CLAIMS | REPORT,
    ),
    "new model": (
        "a new entry under `models:`",
        lambda project: edit_config(
            project, {"models": {"l2_strong": {"penalty": "l2", "coefficient": 0.15}}}
        ),
        new_model_jobs("l2_strong") | SUMMARIES | COMPARISON | CLAIMS | REPORT,
    ),
    "new normalisation": (
        "a new method in `normalisation.methods`",
        lambda project: edit_config(
            project, {"normalisation": {"methods": ["l2norm", "standard", "minmax"]}}
        ),
        per_normalisation("split_normalise", normalisations=["minmax"])
        | cross_validation()
        | per_normalisation("cross_validate_baselines", normalisations=["minmax"])
        | study(["minmax"])
        | SUMMARIES
        | SENSITIVITY
        | CLAIMS
        | REPORT,
    ),
}


@pytest.mark.parametrize("case", list(CASES))
def test_a_change_reruns_exactly_its_jobs(project, case):
    _, change, expected = CASES[case]
    change(project)
    assert planned_jobs(project) == expected


def describe(jobs: set[str]) -> str:
    """The README's words for a set of jobs: each rule once, with its wildcards when there are few."""
    if not jobs:
        return "nothing"
    by_rule: dict[str, list[str]] = {}
    for job in sorted(jobs):
        rule, _, wildcards = job.partition("[")
        values = (
            ", ".join(part.split("=")[1] for part in wildcards.rstrip("]").split(", ")) if wildcards else ""
        )
        by_rule.setdefault(rule, []).append(values)
    parts = []
    for rule, values in by_rule.items():
        values = [v for v in values if v]
        if not values:
            parts.append(f"`{rule}`")
        elif len(values) <= 3:
            parts.append(f"`{rule}` ({'; '.join(values)})")
        else:
            parts.append(f"`{rule}` ({len(values)} jobs)")
    return ", ".join(parts)


def readme_table() -> str:
    rows = ["| you change | reruns (on the tiny test config) |", "|---|---|"]
    rows += [f"| {change} | {describe(expected)} |" for change, _, expected in CASES.values()]
    return "\n".join(rows) + "\n"


def test_the_documented_table_is_what_these_tests_assert():
    page = (REPO / "docs" / "reruns.md").read_text()
    block = re.search(r"<!-- reruns -->\n(.*?)<!-- /reruns -->", page, re.DOTALL)
    assert block, "docs/reruns.md has no <!-- reruns --> block"
    assert block.group(1) == readme_table(), (
        "docs/reruns.md's table differs; it should read:\n" + readme_table()
    )


def trainings(jobs: set[str]) -> set[str]:
    return {job for job in jobs if job.partition("[")[0] in SUBMITTED}


@pytest.mark.parametrize("module", ["predict.py", "cli.py", "jobs/errors.py", "jobs/job.py"])
def test_editing_the_new_sample_code_or_a_message_retrains_nothing(project, module):
    # The new-sample CLI and its module are no input of any job of a run; the job machinery
    # (errors.py holds every data-file problem's wording) is no input of any job at all.
    assert trainings(jobs_after_edit(project, module)) == set()
    if module in ("jobs/errors.py", "jobs/job.py"):
        assert jobs_after_edit(project, module) == set()


def test_editing_the_network_still_retrains_everything(project):
    jobs = jobs_after_edit(project, "model/network.py")
    assert trainings(jobs) == trainings(STUDY | MODEL_JOBS | (UNCERTAINTY - BASELINES) | L1_METHODS)


def rule_graph(project) -> dict[str, set[str]]:
    """Each rule of a complete run -> the rules that read its outputs, from ``snakemake --rulegraph``."""
    dot = subprocess.run(
        [sys.executable, "-m", "snakemake", "--rulegraph"],
        cwd=project,
        capture_output=True,
        text=True,
        check=True,
    ).stdout
    labels = dict(re.findall(r"^\s*(\d+)\[label = \"(\w+)\"", dot, re.MULTILINE))
    readers: dict[str, set[str]] = {label: set() for label in labels.values()}
    for source, target in re.findall(r"^\s*(\d+) -> (\d+)", dot, re.MULTILINE):
        readers[labels[source]].add(labels[target])
    return readers


def test_the_module_table_is_what_the_imports_and_the_rule_graph_say(tmp_path):
    """docs/reruns.md's table of modules, checked without a run: the rules whose scripts import a
    module (its code inputs), and every rule downstream of them."""
    from winenet.workflow.dependencies import module_closure

    project = make_project(tmp_path / "project", TINY)
    readers = rule_graph(project)
    package = REPO / "src" / "winenet"
    closures = {
        rule: set(module_closure(REPO / "workflow" / "scripts" / f"{script}.py", package))
        for rule, script in rule_scripts().items()
        # The rules of a complete run; the opt-in ones (predictions, the regularisation path) are not.
        if rule in readers
    }
    page = (REPO / "docs" / "reruns.md").read_text()
    block = re.search(r"<!-- modules -->\n(.*?)<!-- /modules -->", page, re.DOTALL)
    assert block, "docs/reruns.md has no <!-- modules --> block"
    rows = dict(re.findall(r"^\| `([\w/.]+)` \| \d+ \| \d+ \| (.*) \|$", block.group(1), re.MULTILINE))
    modules = {path.relative_to(package).as_posix() for path in package.rglob("*.py")}
    assert set(rows) == modules, "docs/reruns.md's table of modules lists other modules than the package has"
    for module, shown in rows.items():
        pending = {rule for rule, closure in closures.items() if package / module in closure}
        rules: set[str] = set()
        while pending:
            rule = pending.pop()
            rules.add(rule)
            pending |= readers.get(rule, set()) - rules
        rules.discard("all")
        if shown == "none":
            assert rules == set(), module
        elif shown.endswith(" rules"):
            assert len(rules) == int(shown.split()[0]), module
        else:
            assert set(re.findall(r"`(\w+)`", shown)) == rules, module
