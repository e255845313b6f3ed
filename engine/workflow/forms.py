"""Validate task forms with JSON Schema, matching their patterns in linear time.

jsonschema matches ``pattern`` and ``patternProperties`` with Python's ``re``,
which backtracks: a deployed ``"^(a+)+$"`` let 28 typed characters hold a
request for 20 seconds. ``FormValidator`` matches them with RE2, whose time
grows with the text, never exponentially; ``pattern_problems`` finds, before
deployment, the patterns RE2 cannot run (backreferences, lookaround).
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from functools import lru_cache
from typing import Any

import re2
from jsonschema import Draft202012Validator, validators
from jsonschema.exceptions import ValidationError
from jsonschema.protocols import Validator

from engine.workflow.say_enough import KEYWORD as MIN_TEXT
from engine.workflow.say_enough import min_text, min_text_problem

__all__ = ["FormValidator", "pattern_problems"]

_OPTIONS = re2.Options()
_OPTIONS.log_errors = False  # RE2 would print every refused pattern to stderr
# Keywords whose values are data, not schemas: a "pattern" key inside them is no pattern.
_DATA_KEYWORDS = frozenset({"const", "enum", "default", "examples"})


@lru_cache(maxsize=1024)
def _compiled(pattern: str) -> Any:
    return re2.compile(pattern, _OPTIONS)


def _matches(pattern: str, text: str) -> bool:
    return _compiled(pattern).search(text) is not None


def _pattern(validator: Validator, pattern: str, instance: Any,
             schema: Mapping[str, Any]) -> Iterator[ValidationError]:
    if validator.is_type(instance, "string") and not _matches(pattern, instance):
        yield ValidationError(f"{instance!r} does not match {pattern!r}")


def _pattern_properties(validator: Validator, patterns: Mapping[str, Any], instance: Any,
                        schema: Mapping[str, Any]) -> Iterator[ValidationError]:
    if not validator.is_type(instance, "object"):
        return
    for pattern, subschema in patterns.items():
        for key, value in instance.items():
            if _matches(pattern, key):
                yield from validator.descend(value, subschema, path=key, schema_path=pattern)


def _additional_properties(validator: Validator, additional: Any, instance: Any,
                           schema: Mapping[str, Any]) -> Iterator[ValidationError]:
    """jsonschema's additionalProperties, telling extra keys from patterned ones with RE2."""
    if not validator.is_type(instance, "object"):
        return
    named = schema.get("properties", {})
    patterns = list(schema.get("patternProperties", {}))
    extras = [key for key in instance
              if key not in named and not any(_matches(p, key) for p in patterns)]
    if validator.is_type(additional, "object"):
        for extra in extras:
            yield from validator.descend(instance[extra], additional, path=extra)
    elif not additional and extras:
        listed = ", ".join(repr(extra) for extra in sorted(extras, key=str))
        if patterns:
            verb = "does" if len(extras) == 1 else "do"
            yield ValidationError(f"{listed} {verb} not match any of the regexes: "
                                  + ", ".join(repr(p) for p in sorted(patterns)))
        else:
            verb = "was" if len(extras) == 1 else "were"
            yield ValidationError(f"Additional properties are not allowed ({listed} {verb} "
                                  "unexpected)")


FormValidator = validators.extend(Draft202012Validator, {
    "pattern": _pattern,
    "patternProperties": _pattern_properties,
    "additionalProperties": _additional_properties,
    MIN_TEXT: min_text,
})


def pattern_problems(schema: Any) -> list[tuple[str, str]]:
    """Return (JSON pointer, reason) for every pattern RE2 cannot run and bad ``x-minText``.

    jsonschema reads ``unevaluatedProperties`` beside ``patternProperties`` with
    Python's ``re`` in code we cannot reach, so that pair is refused as well.
    """
    found: list[tuple[str, str]] = []
    uses_unevaluated = False
    pattern_properties_at: list[str] = []
    for pointer, node in _schemas(schema, ""):
        if isinstance(node.get("pattern"), str):
            found += _unrunnable(node["pattern"], f"{pointer}/pattern")
        if isinstance(node.get("patternProperties"), dict):
            pattern_properties_at.append(f"{pointer}/patternProperties")
            for pattern in node["patternProperties"]:
                found += _unrunnable(pattern, f"{pointer}/patternProperties/{_escaped(pattern)}")
        uses_unevaluated |= "unevaluatedProperties" in node
        if MIN_TEXT in node and (reason := min_text_problem(node[MIN_TEXT])):
            found.append((f"{pointer}/{MIN_TEXT}", reason))
    if uses_unevaluated:
        found += [(at, "patternProperties cannot be used in a form that also uses "
                       "unevaluatedProperties; use additionalProperties instead")
                  for at in pattern_properties_at]
    return found


def _unrunnable(pattern: str, pointer: str) -> list[tuple[str, str]]:
    try:
        _compiled(pattern)
    except re2.error as error:
        reason = error.args[0].decode() if error.args and isinstance(error.args[0], bytes) \
            else str(error)
        return [(pointer, f"the pattern {pattern!r} cannot be checked in linear time "
                          f"({reason}); write it without backreferences or lookaround")]
    return []


def _schemas(node: Any, pointer: str) -> Iterator[tuple[str, dict[str, Any]]]:
    """Yield every schema object within a form with its JSON pointer."""
    if isinstance(node, dict):
        yield pointer, node
        for key, value in node.items():
            if key not in _DATA_KEYWORDS:
                yield from _schemas(value, f"{pointer}/{_escaped(str(key))}")
    elif isinstance(node, list):
        for index, value in enumerate(node):
            yield from _schemas(value, f"{pointer}/{index}")


def _escaped(token: str) -> str:
    """Escape one reference token of a JSON pointer (RFC 6901)."""
    return token.replace("~", "~0").replace("/", "~1")
