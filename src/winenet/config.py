"""The workflow's configuration: values from the command line typed as the schema says, and refused early.

Snakemake reads the values inside a nested ``--config`` mapping as strings
(``--config training='{"epochs": 200}'`` gives ``"200"``). ``coerce_to_schema`` turns such a string
into the number or boolean the schema asks for at that place, and leaves every other value alone,
so that the schema still reports what is truly wrong. ``override_problems`` catches overrides that
the merge into ``config.yaml`` would silently ignore.
"""

from __future__ import annotations

import re
from collections.abc import Mapping

from winenet.errors import WinenetError

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
