"""The claims the pipeline judges, declared as data: ``claims.statements`` in config.yaml.

Each statement has ``text`` (the claim as a reader sees it: the ``claim`` column of
``results/claims.csv``), ``kind`` (which rule judges it, ``verdicts.py``) and that kind's
parameters. The report's claims are config.yaml's defaults; a user's own claims are declared the same
way and judged by the same rules. The schema checks each statement's shape (its kind, its
parameters and their values); ``statement_problems`` checks what the schema cannot: that the models,
features and normalisations a statement names exist in this run.

This module is read when Snakemake parses the workflow, so it imports nothing heavy.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence

from winenet.jobs.errors import WinenetError

# Per kind, the parameters a statement may leave out and what they then mean. None stands for
# "every one there is": every normalisation the run compares, every network, every measure.
# A margin or factor left out is the one of ``claims:``: ``margin`` for accuracies, ``ratio_margin``
# for ratios (overfitting, volatility, equal influence), ``range_factor``.
KIND_DEFAULTS: dict[str, dict] = {
    "accuracy": {"relation": "reaches"},
    "comparison": {"normalisation": None, "margin": None},
    "baselines": {"networks": None, "relation": "not_worse", "normalisation": None, "margin": None},
    # Overfitting is about the data: the penalty is the same term on both sets, and where it
    # outweighs the cross-entropy (L1 on the report's data) it would measure the weights' shrinkage.
    "overfitting": {"overfits": True, "loss": "data", "margin": None},
    "volatility": {"loss": "penalised", "margin": None},
    "top_features": {"measures": None, "normalisation": None, "among": None, "ordered": False},
    "normalisation": {"normalisation": None, "effect": "equal_influence", "factor": None, "margin": None},
}
# The raw features: no normalisation, so no claim about what a normalisation does is judged on them.
RAW = "none"
# Normalisations whose definition fixes the spread of the training features, and how: under them a
# common range is no finding to judge.
SPREAD_BY_DEFINITION = {"standard": "its definition sets every training feature's standard deviation to 1"}
COMMON_DEFAULTS = {"reference_only": False}


class ClaimsError(WinenetError, ValueError):
    """A declared claim that names something this run does not have; str() has one line per problem."""


def with_defaults(statement: Mapping) -> dict:
    """The statement with every parameter its kind leaves out filled in (``KIND_DEFAULTS``)."""
    return {**COMMON_DEFAULTS, **KIND_DEFAULTS[statement["kind"]], **statement}


def _named_models(statement: Mapping) -> list[tuple[str, str]]:
    """(parameter, model name) for every model a statement names."""
    names = [(key, statement[key]) for key in ("model", "model_a", "model_b") if key in statement]
    return names + [("networks", name) for name in statement.get("networks") or []]


def statement_problems(
    statements: Sequence[Mapping],
    *,
    models: Sequence[str],
    seed_models: Sequence[str],
    baselines: Sequence[str],
    normalisations: Sequence[str],
    features: Sequence[str] | None,
) -> list[str]:
    """One line per name a statement uses that this run lacks.

    ``models`` are the entries of ``models:``; ``seed_models`` those trained over seeds (the models
    and the L1 model's proximal twin), which the accuracy, overfitting and volatility claims are
    judged from; ``baselines`` the scikit-learn models the comparisons may name. ``features`` None
    (the data could not be read yet) skips the feature check: the validate stage then names the
    file's problem. So do ``reference_only`` statements: they name the report's features and are
    judged only on the report's data, whatever data this run reads.
    """
    problems = []
    for index, raw in enumerate(statements):
        statement = with_defaults(raw)
        where = f"claims.statements[{index}] ({statement['text']!r})"
        kind = statement["kind"]
        allowed = {
            "accuracy": seed_models,
            "overfitting": seed_models,
            "volatility": seed_models,
            "comparison": [*models, *baselines],
        }.get(kind, models)
        for parameter, name in _named_models(statement):
            if name not in allowed:
                problems.append(
                    f"{where}: {parameter} {name!r} is not one of the models it can name "
                    f"({', '.join(allowed)})"
                )
        if kind in ("comparison", "volatility") and statement["model_a"] == statement["model_b"]:
            problems.append(f"{where}: model_a and model_b are both {statement['model_a']!r}")
        normalisation = statement.get("normalisation")
        if normalisation is not None and normalisation not in normalisations:
            problems.append(
                f"{where}: normalisation {normalisation!r} is not among normalisation.methods "
                f"({', '.join(normalisations)})"
            )
        if kind == "normalisation":
            problems += _normalisation_problems(statement, where, normalisations)
        if kind == "top_features" and features is not None and not statement["reference_only"]:
            problems += [
                f"{where}: feature {name!r} is not a feature of the data ({', '.join(features)})"
                for name in statement["features"]
                if name not in features
            ]
            top = statement.get("among") or len(statement["features"])
            if top >= len(features):
                problems.append(
                    f"{where}: a top {top} of {len(features)} features; a ranking claim needs features "
                    "left below them"
                )
        if kind == "top_features":
            problems += _ranking_problems(statement, where)
    return problems


def _ranking_problems(statement: Mapping, where: str) -> list[str]:
    """What makes a ranking claim impossible or empty: more features than places, an order of one."""
    named, among = len(statement["features"]), statement.get("among")
    problems = []
    if among is not None and among < named:
        problems.append(f"{where}: {named} features cannot all be among the top {among}")
    if statement.get("ordered") and named < 2:
        problems.append(f"{where}: ordered needs at least two features to order")
    return problems


def _normalisation_problems(statement: Mapping, where: str, normalisations: Sequence[str]) -> list[str]:
    """What keeps a normalisation claim from being judged: a normalisation that is no finding to judge."""
    chosen = statement["normalisation"]
    listed = [chosen] if chosen else list(normalisations)
    if chosen == RAW:
        return [f"{where}: normalisation {RAW!r} is the raw features: no normalisation to judge"]
    if statement["effect"] == "equal_influence":
        if not [m for m in listed if m != RAW]:
            return [f"{where}: normalisation.methods lists no normalisation, only the raw features"]
        return []
    if chosen in SPREAD_BY_DEFINITION:
        return [
            f"{where}: {chosen}: {SPREAD_BY_DEFINITION[chosen]}, so a common range is no finding to judge"
        ]
    if not [m for m in listed if m != RAW and m not in SPREAD_BY_DEFINITION]:
        return [
            f"{where}: no normalisation of normalisation.methods ({', '.join(normalisations)}) leaves the "
            "features' spread to be judged (the others fix it by definition)"
        ]
    return []


def check_statements(statements: Sequence[Mapping], **names) -> None:
    """Raise ``ClaimsError`` with every problem of ``statement_problems``, before any job runs."""
    problems = statement_problems(statements, **names)
    if problems:
        raise ClaimsError("invalid claims:\n  " + "\n  ".join(problems))
