"""A form's words per language: ``<task>.<lang>.json`` overlays laid over a schema of codes.

The schema keeps codes, types and constraints; what a person reads lives in
one overlay per language beside it::

    {"title": "...", "description": "...",
     "fields": {"triage_decision": {"title": "...", "description": "...", "help": "...",
                                    "enum": {"office_handles": "..."}},
                "address/street": {"title": "..."}}}

Fields are named by their property path joined by ``/``; choices by the token a
form posts (strings as they are, other values as JSON: ``1``, ``true``). A
page reads its language, then English, then whatever the schema still says
inline, and at last the code made readable: it never shows a bare code.
"""

from __future__ import annotations

import copy
import json
import re
from collections.abc import Iterator, Mapping
from typing import Any

__all__ = ["FALLBACK", "LANGUAGES", "SCHEMA_SUFFIX", "TEXT_KEYS", "choice_token", "enum_values",
           "humanised", "localised", "overlay_name", "overlays_of", "schema_fields"]

LANGUAGES = ("zh", "en")
FALLBACK = "en"
TEXT_KEYS = ("title", "description", "help")  # a field's words; "enum" holds its choices
SCHEMA_SUFFIX = ".schema.json"

Overlay = Mapping[str, Any]


def overlay_name(schema_name: str, lang: str) -> str:
    """``owner_case/triage.schema.json`` -> ``owner_case/triage.zh.json``."""
    return schema_name.removesuffix(SCHEMA_SUFFIX).removesuffix(".json") + f".{lang}.json"


def overlays_of(forms: Mapping[str, Any], schema_name: str) -> dict[str, Overlay]:
    """The overlays beside ``schema_name`` by language, parsed; unreadable ones are skipped."""
    found: dict[str, Overlay] = {}
    for lang in LANGUAGES:
        value = forms.get(overlay_name(schema_name, lang))
        if isinstance(value, (str, bytes)):
            try:
                value = json.loads(value)
            except ValueError:
                continue
        if isinstance(value, dict):
            found[lang] = value
    return found


def choice_token(value: Any) -> str:
    """Spell an enum value as a form posts it: strings as they are, others as JSON."""
    return value if isinstance(value, str) else json.dumps(value)


def humanised(code: str) -> str:
    """``office_handles`` -> ``Office handles``: the last resort when no language names a code."""
    words = re.sub(r"[_\-.]+", " ", code).strip()
    return words[:1].upper() + words[1:] if words else code


def schema_fields(schema: Mapping[str, Any], prefix: str = ""
                  ) -> Iterator[tuple[str, dict[str, Any]]]:
    """Yield ``(path, property schema)`` for every property, nested ones after their group."""
    properties = schema.get("properties")
    if not isinstance(properties, Mapping):
        return
    for name, spec in properties.items():
        if not isinstance(spec, dict):
            continue
        path = f"{prefix}/{name}" if prefix else str(name)
        yield path, spec
        yield from schema_fields(spec, path)


def enum_values(spec: Mapping[str, Any]) -> list[Any] | None:
    """The values a field offers (its own or its array items'), or None for free input."""
    for node in (spec, spec.get("items") if isinstance(spec.get("items"), Mapping) else None):
        if node is None:
            continue
        if isinstance(node.get("enum"), list):
            return list(node["enum"])
        options = node.get("oneOf") or node.get("anyOf")
        if isinstance(options, list) and options and all(
                isinstance(o, Mapping) and "const" in o for o in options):
            return [o["const"] for o in options]
    return None


def localised(schema: Mapping[str, Any], ui: Mapping[str, Any] | None,
              overlays: Mapping[str, Overlay], lang: str) -> tuple[dict[str, Any], dict[str, Any]]:
    """Return copies of the schema and ui schema carrying the words of ``lang``.

    Titles and descriptions go where the schema keeps them, help into
    ``ui:help`` and choice labels into ``ui:enumNames``, so a renderer that
    reads a plain JSON Schema shows the reader's language.
    """
    words: dict[str, Any] = copy.deepcopy(dict(schema))
    layout: dict[str, Any] = copy.deepcopy(dict(ui or {}))
    chain = [overlays[code] for code in dict.fromkeys((lang, FALLBACK)) if code in overlays]
    for key in ("title", "description"):
        text = _first(chain, lambda o, k=key: o.get(k))
        if text:
            words[key] = text
    for path, spec in schema_fields(words):
        entries = [_field_entry(o, path) for o in chain]
        node = _ui_node(layout, path)
        title = _first(entries, lambda e: e.get("title"))
        spec["title"] = title or spec.get("title") or humanised(path.rsplit("/", 1)[-1])
        description = _first(entries, lambda e: e.get("description"))
        if description:
            spec["description"] = description
        help_text = _first(entries, lambda e: e.get("help"))
        if help_text:
            node["ui:help"] = help_text
        _label_choices(spec, node, entries)
    return words, layout


def _label_choices(spec: dict[str, Any], node: dict[str, Any],
                   entries: list[Mapping[str, Any]]) -> None:
    if spec.get("type") == "boolean":
        yes, no = (_first(entries, lambda e, t=t: (e.get("enum") or {}).get(t))
                   for t in ("true", "false"))
        if yes and no:
            node["ui:enumNames"] = [yes, no]
        return
    values = enum_values(spec)
    if values is None:
        return
    items = node.get("items")
    target: dict[str, Any] = items if isinstance(items, dict) else node
    inline = list(target.get("ui:enumNames") or [])
    options = spec.get("oneOf") or spec.get("anyOf") or (
        spec.get("items", {}).get("oneOf") if isinstance(spec.get("items"), dict) else None) or []
    titles = {choice_token(o.get("const")): o.get("title") for o in options
              if isinstance(o, Mapping)}
    names = []
    for index, value in enumerate(values):
        token = choice_token(value)
        names.append(_first(entries, lambda e, t=token: (e.get("enum") or {}).get(t))
                     or (inline[index] if index < len(inline) and inline[index] else None)
                     or titles.get(token) or humanised(token))
    target["ui:enumNames"] = names


def _field_entry(overlay: Overlay, path: str) -> Mapping[str, Any]:
    entry = (overlay.get("fields") or {}).get(path)
    return entry if isinstance(entry, Mapping) else {}


def _ui_node(ui: dict[str, Any], path: str) -> dict[str, Any]:
    node = ui
    for part in path.split("/"):
        child = node.get(part)
        if not isinstance(child, dict):
            child = node[part] = {}
        node = child
    return node


def _first(items: list[Any], pick: Any) -> str | None:
    for item in items:
        text = pick(item)
        if isinstance(text, str) and text.strip():
            return text
    return None
