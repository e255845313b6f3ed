"""Check that every form speaks every language: each title, field and choice has a label.

``liaison forms check`` runs this over ``forms/``; a test runs it over the
shipped forms. A problem names the overlay file to write in and the field, so
a process owner adding a field sees at once what is still to be said in which
language.
"""

from __future__ import annotations

import json
import re
from collections.abc import Mapping
from pathlib import Path
from typing import Any

from engine.common.errors import Problem
from engine.workflow.form_overlays import (
    LANGUAGES,
    SCHEMA_SUFFIX,
    TEXT_KEYS,
    choice_token,
    enum_values,
    overlay_name,
    schema_fields,
)
from engine.workflow.say_enough import CJK

__all__ = ["check_form", "check_forms", "inline_words", "orphans"]

# A reference to the procedure's source text means nothing to staff ("seed rule 7", "seed IV.2").
SOURCE_REFERENCE = re.compile(r"\bseed\b", re.IGNORECASE)
CODE = re.compile(r"\b[a-z][a-z0-9]*(?:_[a-z0-9]+)+\b")


def check_forms(root: Path) -> list[Problem]:
    """Every problem with the words of the forms under ``root`` (``<process>/<task>``)."""
    problems: list[Problem] = []
    for schema_file in sorted(root.glob(f"*/*{SCHEMA_SUFFIX}")):
        problems += check_form(root, schema_file.relative_to(root).as_posix())
    return problems + orphans(root)


def orphans(root: Path) -> list[Problem]:
    """Overlays and layouts beside no schema: left behind when a task was renamed or removed.

    Nothing reads them, so words written there never reach a page; saying so points the
    process owner at the file to move into the renamed task's overlay, or to delete.
    """
    companions = (*(f".{lang}.json" for lang in LANGUAGES), ".ui.json")
    problems = []
    for file in sorted(root.glob("*/*.json")):
        suffix = next((s for s in companions if file.name.endswith(s)), None)
        if suffix is None or file.name.endswith(SCHEMA_SUFFIX):
            continue
        if not file.with_name(file.name.removesuffix(suffix) + SCHEMA_SUFFIX).exists():
            name = file.relative_to(root).as_posix()
            problems.append(Problem(
                f"no form {name.removesuffix(suffix)}{SCHEMA_SUFFIX} beside it: rename it "
                "with its task or delete it", file=name))
    return problems


def check_form(root: Path, name: str) -> list[Problem]:
    """The problems of one form, ``name`` being ``<process>/<task>.schema.json``."""
    try:
        schema = _read(root / name)
    except ValueError as error:
        return [Problem(f"the form cannot be read: {error}", file=name)]
    problems = []
    found = inline_words(schema, _read_optional(root, _ui_name(name)))
    if found:
        problems.append(Problem(f"the schema still holds the words {', '.join(found)}; move "
                                "them into the overlays with: liaison forms split "
                                + name.removesuffix(SCHEMA_SUFFIX), file=name))
    overlays: dict[str, Mapping[str, Any]] = {}
    for lang in LANGUAGES:
        file = overlay_name(name, lang)
        try:
            overlays[lang] = _read(root / file) if (root / file).exists() else {}
        except ValueError as error:
            problems.append(Problem(f"the overlay cannot be read: {error}", file=file))
            overlays[lang] = {}
    wanted = _wanted(schema, overlays)
    codes = _codes(schema)
    for lang, overlay in overlays.items():
        file = overlay_name(name, lang)
        missing = [what for what in wanted if not _text(overlay, what)]
        if missing:
            problems.append(Problem(f"missing in {_LANGUAGE_NAMES[lang]}: "
                                    + "; ".join(_said(what) for what in missing), file=file))
        problems += _stale(overlay, schema, file)
        problems += _wording(overlay, lang, codes, file)
    return problems


_LANGUAGE_NAMES = {"zh": "Chinese", "en": "English"}
What = tuple[str, ...]  # ("title",) | ("fields", path, key) | ("fields", path, "enum", token)


def _wanted(schema: Mapping[str, Any], overlays: Mapping[str, Mapping[str, Any]]) -> list[What]:
    """The labels every language needs: the form's title, each field's and each choice's,
    and any description or help one language gives."""
    wanted: list[What] = [("title",)]
    if any(_text(o, ("description",)) for o in overlays.values()):
        wanted.append(("description",))
    for path, spec in schema_fields(schema):
        wanted.append(("fields", path, "title"))
        wanted += [("fields", path, key) for key in TEXT_KEYS[1:]
                   if any(_text(o, ("fields", path, key)) for o in overlays.values())]
        if spec.get("type") == "boolean":
            continue  # Yes and No are the page's own words unless a form names them
        wanted += [("fields", path, "enum", choice_token(v)) for v in enum_values(spec) or ()]
    return wanted


def _text(overlay: Mapping[str, Any], what: What) -> str | None:
    node: Any = overlay
    for step in what:
        node = node.get(step) if isinstance(node, Mapping) else None
    return node if isinstance(node, str) and node.strip() else None


def _said(what: What) -> str:
    if what[0] != "fields":
        return f"the form's {what[0]}"
    if what[2] == "enum":
        return f"{what[1]}: the label of choice {what[3]!r}"
    return f"{what[1]}: {what[2]}"


def _stale(overlay: Mapping[str, Any], schema: Mapping[str, Any], file: str) -> list[Problem]:
    """Labels for fields or choices the schema no longer has: renamed, or a typing slip."""
    fields = dict(schema_fields(schema))
    problems = []
    for path, entry in (overlay.get("fields") or {}).items():
        if path not in fields:
            problems.append(Problem(f"{path}: the schema has no such field", file=file))
            continue
        tokens = {choice_token(v) for v in enum_values(fields[path]) or ()} | (
            {"true", "false"} if fields[path].get("type") == "boolean" else set())
        extra = sorted(set((entry or {}).get("enum") or {}) - tokens)
        if extra:
            problems.append(Problem(f"{path}: the schema has no choice {', '.join(extra)}",
                                    file=file))
    return problems


def _wording(overlay: Mapping[str, Any], lang: str, codes: set[str],
             file: str) -> list[Problem]:
    """Words staff should never read: another language, references to the source, codes."""
    problems = []
    for where, text in _texts(overlay):
        if lang != "zh" and CJK.search(text):
            problems.append(Problem(f"{where}: Chinese in the {_LANGUAGE_NAMES[lang]} words; "
                                    "put it in the Chinese overlay", file=file))
        if SOURCE_REFERENCE.search(text):
            problems.append(Problem(f"{where}: refers to the procedure's source text, which "
                                    "staff do not read", file=file))
        shown = sorted(set(CODE.findall(text)) & codes)
        if shown:
            problems.append(Problem(f"{where}: shows the code {', '.join(shown)}; "
                                    "say what it means instead", file=file))
    return problems


def _texts(overlay: Mapping[str, Any]) -> list[tuple[str, str]]:
    found = [(key, overlay[key]) for key in ("title", "description")
             if isinstance(overlay.get(key), str)]
    for path, entry in (overlay.get("fields") or {}).items():
        if not isinstance(entry, Mapping):
            continue
        found += [(f"{path}: {key}", entry[key]) for key in TEXT_KEYS
                  if isinstance(entry.get(key), str)]
        found += [(f"{path}: choice {token}", label)
                  for token, label in (entry.get("enum") or {}).items() if isinstance(label, str)]
    return found


def _codes(schema: Mapping[str, Any]) -> set[str]:
    codes = set()
    for path, spec in schema_fields(schema):
        codes.add(path.rsplit("/", 1)[-1])
        codes |= {v for v in enum_values(spec) or () if isinstance(v, str)}
    return {c for c in codes if "_" in c}


def inline_words(schema: Mapping[str, Any], ui: Mapping[str, Any]) -> list[str]:
    """Where a schema or its ui file still keeps words a person reads, as JSON-pointer-ish paths."""
    found = [f"/{key}" for key in ("title", "description") if key in schema]
    for path, spec in schema_fields(schema):
        found += [f"/{path}/{key}" for key in ("title", "description") if key in spec]
        options = spec.get("oneOf") or spec.get("anyOf") or []
        if any(isinstance(o, Mapping) and "title" in o for o in options):
            found.append(f"/{path}/oneOf titles")
        node: Any = ui
        for part in path.split("/"):
            node = node.get(part) if isinstance(node, Mapping) else None
        if isinstance(node, Mapping):
            found += [f"/{path}/{key}" for key in ("ui:enumNames", "ui:help") if key in node]
            items = node.get("items")
            if isinstance(items, Mapping) and "ui:enumNames" in items:
                found.append(f"/{path}/items/ui:enumNames")
    return found


def _ui_name(name: str) -> str:
    return name.removesuffix(SCHEMA_SUFFIX) + ".ui.json"


def _read(path: Path) -> dict[str, Any]:
    try:
        value = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, json.JSONDecodeError) as error:
        raise ValueError(str(error)) from error
    if not isinstance(value, dict):
        raise ValueError("it is not a JSON object")
    return value


def _read_optional(root: Path, name: str) -> dict[str, Any]:
    try:
        return _read(root / name) if (root / name).exists() else {}
    except ValueError:
        return {}
