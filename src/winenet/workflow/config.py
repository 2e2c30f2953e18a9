"""The workflow's configuration: values from the command line typed as the schema says, and refused early.

Snakemake reads the values inside a nested ``--config`` mapping as strings
(``--config training='{"epochs": 200}'`` gives ``"200"``). ``coerce_to_schema`` turns such a string
into the number or boolean the schema asks for at that place, and leaves every other value alone,
so that the schema still reports what is truly wrong. ``override_problems`` catches overrides that
the merge into ``config.yaml`` would silently ignore.
"""

from __future__ import annotations

import re
import sys
from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from pathlib import Path

from winenet.jobs.errors import WinenetError

_INTEGER = re.compile(r"[+-]?[0-9]+")
_BOOLEANS = {"true": True, "false": False}


def _resolve(schema: Mapping, root: Mapping) -> Mapping:
    """``schema`` with a local ``$ref`` (``#/$defs/name``) followed, merged with its other keys."""
    while "$ref" in schema:
        reference = schema["$ref"]
        if not reference.startswith("#/"):
            raise ValueError(f"only local schema references are supported, got {reference!r}")
        target = root
        for part in reference[2:].split("/"):
            target = target[part]
        schema = {**target, **{key: value for key, value in schema.items() if key != "$ref"}}
    return schema


def _types(schema: Mapping) -> set[str]:
    kinds = schema.get("type", [])
    return {kinds} if isinstance(kinds, str) else set(kinds)


def _coerce_scalar(value: str, kinds: set[str]):
    text = value.strip()
    if "integer" in kinds and _INTEGER.fullmatch(text):
        return int(text)
    if "number" in kinds:
        try:
            return int(text) if _INTEGER.fullmatch(text) else float(text)
        except ValueError:
            return value
    if "boolean" in kinds and text.lower() in _BOOLEANS:
        return _BOOLEANS[text.lower()]
    return value


def coerce_to_schema(value, schema: Mapping, root: Mapping | None = None):
    """``value`` with each string that stands where ``schema`` wants a number or boolean converted.

    Mappings and lists are walked (``properties``, ``additionalProperties``, ``items``, and the
    alternatives of ``oneOf``/``anyOf``); a string that does not read as the wanted type is kept,
    for the schema's validation to name.
    """
    root = schema if root is None else root
    schema = _resolve(schema, root)
    if isinstance(value, str):
        kinds = _types(schema)
        for alternative in schema.get("oneOf", []) + schema.get("anyOf", []):
            kinds |= _types(_resolve(alternative, root))
        return value if "string" in kinds else _coerce_scalar(value, kinds)
    if isinstance(value, Mapping):
        properties = schema.get("properties", {})
        extra = schema.get("additionalProperties")
        result = {}
        for key, item in value.items():
            item_schema = properties.get(key, extra if isinstance(extra, Mapping) else None)
            result[key] = coerce_to_schema(item, item_schema, root) if item_schema is not None else item
        return result
    if isinstance(value, list):
        items = schema.get("items")
        for alternative in schema.get("oneOf", []) + schema.get("anyOf", []):
            resolved = _resolve(alternative, root)
            if items is None and "array" in _types(resolved):
                items = resolved.get("items")
        return (
            [coerce_to_schema(item, items, root) for item in value] if isinstance(items, Mapping) else value
        )
    return value


def override_problems(overrides: Mapping) -> list[str]:
    """What is wrong with the config given on the command line (``--config``, ``--configfile``).

    Snakemake merges those values into ``config.yaml`` key by key, so a mapping can add or change
    entries but never remove any: an empty ``models`` would run every model of ``config.yaml``.
    """
    problems = []
    if "models" in overrides:
        models = overrides["models"]
        if not isinstance(models, Mapping):
            problems.append(f"models: expected a mapping of model names to settings, got {models!r}")
        elif not models:
            problems.append(
                "models: an empty mapping changes nothing, because --config and --configfile are "
                "merged into config.yaml key by key; to run other models, pass a complete config "
                "with --replace-workflow-config --configfile FILE"
            )
        else:
            for name, entry in models.items():
                if not isinstance(entry, Mapping):
                    problems.append(f"models.{name}: expected a mapping with a penalty, got {entry!r}")
    return problems


class ConfigError(WinenetError, ValueError):
    """A configuration Snakemake would accept but the workflow cannot run as meant; names the key."""


def check_overrides(overrides: Mapping) -> None:
    """Raise ``ConfigError`` naming every problem of ``override_problems``."""
    problems = override_problems(overrides)
    if problems:
        raise ConfigError("invalid configuration override:\n  " + "\n  ".join(problems))


def _place(path, config) -> str:
    """Where in the config a schema error is: ``training.epochs``, or a claim by index and text."""
    parts = list(path)
    if parts[:2] == ["claims", "statements"] and len(parts) > 2:
        index = parts[2]
        statement = config["claims"]["statements"][index]
        text = statement.get("text") if isinstance(statement, Mapping) else None
        where = f"claims.statements[{index}]" + (f" ({text!r})" if text else "")
        return ".".join([where, *(str(part) for part in parts[3:])])
    return ".".join(str(part) for part in parts) or "the configuration"


# Settings earlier releases had, and what takes their place: a config that still sets one is told so.
MOVED = {
    ("beyond", "cross_validation", "rope"): (
        "claims.margin, an accuracy difference the claim fixes (the folds no longer set it)"
    ),
    ("claims", "influence_ratio"): (
        "claims.range_factor for a common range; equal influence is judged against equality within "
        "claims.ratio_margin (or the claim's own margin)"
    ),
}


def _moved(config: Mapping) -> dict[tuple, str]:
    """The settings of ``MOVED`` that ``config`` still sets, with what replaces each."""
    found = {}
    for path, instead in MOVED.items():
        section = config
        for key in path[:-1]:
            section = section.get(key) if isinstance(section, Mapping) else None
        if isinstance(section, Mapping) and path[-1] in section:
            found[path] = instead
    return found


def schema_problems(config: Mapping, schema: Mapping) -> list[str]:
    """One line per place where ``config`` departs from ``schema``: the key, then what is wrong.

    Snakemake's own validation reports the first problem over many lines, quoting the schema;
    this names every problem, each on a line of its own, and a setting that moved says where to.
    """
    import jsonschema

    validator = jsonschema.Draft202012Validator(schema)
    errors = sorted(validator.iter_errors(config), key=lambda error: [str(part) for part in error.path])
    moved = _moved(config)
    problems = [f"{'.'.join(path)}: no longer a setting; use {instead}" for path, instead in moved.items()]
    for error in errors:
        unexpected = error.validator == "additionalProperties" and any(
            tuple(error.path) == path[:-1] and repr(path[-1]) in error.message for path in moved
        )
        if not unexpected:
            problems.append(f"{_place(error.path, config)}: {error.message}")
    return problems


def check_config(config: Mapping, schema_path) -> None:
    """Raise ``ConfigError`` with every problem of ``schema_problems`` against the YAML schema file."""
    import yaml

    with open(schema_path) as handle:
        problems = schema_problems(config, yaml.safe_load(handle))
    if problems:
        raise ConfigError("invalid configuration:\n  " + "\n  ".join(problems))


@contextmanager
def refused_in_words() -> Iterator[None]:
    """Stop Snakemake with the message of a ``WinenetError`` raised inside, and nothing else.

    A configuration the workflow refuses is the user's to fix, not a bug: its message names the
    key and what to do, and a traceback of the Snakefile would only hide it.
    """
    try:
        yield
    except WinenetError as error:
        sys.exit(f"{type(error).__name__}: {error}")


def type_as_schema(config: dict, schema_path) -> None:
    """In place: ``config`` with its values typed as the YAML schema at ``schema_path`` says."""
    import yaml

    with open(schema_path) as handle:
        typed = coerce_to_schema(config, yaml.safe_load(handle))
    config.clear()
    config.update(typed)


def proximal_twin(model: str) -> str:
    """The name of the L1 model ``model`` trained with the proximal step instead: ``{model}_proximal``."""
    return f"{model}_proximal"


def check_l1_model(config: Mapping) -> None:
    """Raise ``ConfigError`` unless ``beyond.l1_methods.model`` is a model with the l1 penalty."""
    name = config["beyond"]["l1_methods"]["model"]
    models = config["models"]
    if models.get(name, {}).get("penalty") != "l1":
        l1 = [model for model, entry in models.items() if entry.get("penalty") == "l1"]
        hint = f"set it to one of {', '.join(l1)}" if l1 else "add a model with penalty l1 to models"
        raise ConfigError(
            f"beyond.l1_methods.model: {name!r} is not an entry of models with penalty l1; {hint}"
        )


# The sections whose change reruns trainings (the study, seeds, folds, the models); the others
# (figures, claims, predictions, the reference hash) rerun only what draws or judges.
TRAINING_SECTIONS = (
    "data",
    "split",
    "normalisation",
    "network",
    "training",
    "models",
    "importance",
    "beyond",
)


def flat_settings(value, prefix: str = "") -> dict:
    """A nested config as one mapping of dotted keys (``training.epochs``) to values; lists stay whole."""
    if isinstance(value, Mapping) and value:
        return {
            key: item
            for name, inner in value.items()
            for key, item in flat_settings(inner, f"{prefix}{name}.").items()
        }
    return {prefix.rstrip("."): value}


def changed_training_keys(config: Mapping, previous: Mapping) -> list[str]:
    """The keys of the training sections whose value differs between two configs, sorted."""
    now = flat_settings({section: config.get(section) for section in TRAINING_SECTIONS})
    before = flat_settings({section: previous.get(section) for section in TRAINING_SECTIONS})
    return sorted(key for key in now.keys() | before.keys() if now.get(key) != before.get(key))


def _changed_since(config: Mapping, previous_path) -> tuple[Path, list[str]]:
    """The last complete run's config file and the training keys ``config`` sets otherwise ([] if none)."""
    import yaml

    path = Path(previous_path)
    if not path.is_file():
        return path, []
    try:
        previous = yaml.safe_load(path.read_text()) or {}
    except yaml.YAMLError:
        return path, []
    return path, changed_training_keys(config, previous)


def listed_keys(changed: list[str]) -> str:
    """Up to six keys, comma-separated, and how many more there are."""
    return ", ".join(changed[:6]) + (f" and {len(changed) - 6} more" if len(changed) > 6 else "")


def rerun_note(config: Mapping, previous_path) -> str:
    """One line when ``config`` would retrain what the last complete run (``previous_path``) trained.

    Empty when there was no complete run yet, or nothing that trains differs.
    """
    path, changed = _changed_since(config, previous_path)
    if not changed:
        return ""
    return (
        f"winenet: this config differs from the last complete run's ({path}) in {listed_keys(changed)}, "
        f"so what they feed is trained again; to keep that run's settings, pass --configfile {path}"
    )
