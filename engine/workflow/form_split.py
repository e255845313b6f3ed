"""Move the words a schema still carries into its language overlays, leaving codes behind.

``liaison forms split <process>/<task>``: titles and descriptions (the form's,
each field's, ``oneOf`` option titles) and the ui file's ``ui:enumNames`` and
``ui:help`` go to ``<task>.en.json`` (or ``.zh.json`` when written in Chinese
only). A label mixing both ("Notes 備註") gives its English part to English;
its Chinese is left for a person to write properly, and ``liaison forms
check`` keeps asking for it. What an overlay already says is never
overwritten, and a split form is left as it is: running the split again
changes nothing.
"""

from __future__ import annotations

import json
import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from engine.workflow.form_overlays import (
    SCHEMA_SUFFIX,
    choice_token,
    enum_values,
    overlay_name,
    schema_fields,
)
from engine.workflow.say_enough import CJK

__all__ = ["SplitResult", "english_part", "split_form"]

# Chinese runs with their full-width punctuation and a bracket of symbols that belongs to
# them ("發放比例 (%)"), and the ASCII brackets they leave empty.
_CHINESE_RUN = re.compile(CJK.pattern[:-1] + r"\u3000-\u303f\uff00-\uffef]+"
                          r"(?:\s*\([^A-Za-z()]*\))?")
_EMPTY_BRACKETS = re.compile(r"\(\s*\)|\[\s*\]")
_LATIN = re.compile(r"[A-Za-z]")


@dataclass
class SplitResult:
    """What the split did to one form: the files it wrote and the words it moved."""

    written: list[str] = field(default_factory=list)
    moved: int = 0


def english_part(text: str) -> str:
    """``"Who can solve it? 由誰處理"`` -> ``"Who can solve it?"``."""
    text = _EMPTY_BRACKETS.sub("", _CHINESE_RUN.sub(" ", text))
    text = re.sub(r"\s+([,.;:!?)])", r"\1", re.sub(r"\s+", " ", text)).strip()
    return text.strip(" ,;:")


def _language_of(text: str) -> str | None:
    """Where a label goes: "zh" if it is Chinese without English, else "en" (mixed ones too)."""
    if not text.strip():
        return None
    return "zh" if CJK.search(text) and not _LATIN.search(text) else "en"


def split_form(root: Path, form: str) -> SplitResult:
    """Split ``forms/<process>/<task>``; ``form`` may end in ``.schema.json`` or not."""
    stem = form.removesuffix(SCHEMA_SUFFIX).removesuffix(".json")
    name = stem + SCHEMA_SUFFIX
    schema_path, ui_path = root / name, root / f"{stem}.ui.json"
    if not schema_path.is_file():
        raise FileNotFoundError(f"no form {name}")
    schema = json.loads(schema_path.read_text(encoding="utf-8"))
    ui = json.loads(ui_path.read_text(encoding="utf-8")) if ui_path.exists() else None
    overlays = {lang: _read(root / overlay_name(name, lang)) for lang in ("en", "zh")}
    result = SplitResult()
    moved = _Mover(overlays)
    for key in ("title", "description"):
        if isinstance(schema.get(key), str):
            moved.put((key,), schema.pop(key))
    for path, spec in schema_fields(schema):
        for key in ("title", "description"):
            if isinstance(spec.get(key), str):
                moved.put(("fields", path, key), spec.pop(key))
        _split_options(spec, path, moved)
        if ui is not None:
            _split_ui(ui, spec, path, moved)
    result.moved = moved.count
    if not moved.count:
        return result
    _write(schema_path, schema)
    result.written.append(name)
    if ui is not None:
        _write(ui_path, ui)
        result.written.append(f"{stem}.ui.json")
    for lang, overlay in overlays.items():
        if overlay:
            _write(root / overlay_name(name, lang), _ordered(overlay, schema))
            result.written.append(overlay_name(name, lang))
    return result


class _Mover:
    """Put words into the overlay of their language, never over what one already says."""

    def __init__(self, overlays: dict[str, dict[str, Any]]) -> None:
        self.overlays = overlays
        self.count = 0

    def put(self, where: tuple[str, ...], text: str) -> None:
        self.count += 1
        lang = _language_of(text)
        if lang is None:
            return
        words = english_part(text) if lang == "en" else text.strip()
        node = self.overlays[lang]
        for step in where[:-1]:
            node = node.setdefault(step, {})
        node.setdefault(where[-1], words)


def _split_options(spec: dict[str, Any], path: str, moved: _Mover) -> None:
    for node in (spec, spec.get("items")):
        if not isinstance(node, dict):
            continue
        for option in node.get("oneOf") or node.get("anyOf") or ():
            if isinstance(option, dict) and "const" in option and isinstance(
                    option.get("title"), str):
                moved.put(("fields", path, "enum", choice_token(option["const"])),
                          option.pop("title"))


def _split_ui(ui: dict[str, Any], spec: Mapping[str, Any], path: str, moved: _Mover) -> None:
    parent: Any = ui
    parts = path.split("/")
    for part in parts[:-1]:
        parent = parent.get(part) if isinstance(parent, dict) else None
    node = parent.get(parts[-1]) if isinstance(parent, dict) else None
    if not isinstance(node, dict):
        return
    if isinstance(node.get("ui:help"), str):
        moved.put(("fields", path, "help"), node.pop("ui:help"))
    values = [True, False] if spec.get("type") == "boolean" else enum_values(spec) or []
    for holder in (node, node.get("items")):
        if isinstance(holder, dict) and isinstance(holder.get("ui:enumNames"), list):
            for value, label in zip(values, holder.pop("ui:enumNames"), strict=False):
                if isinstance(label, str) and label.strip():
                    moved.put(("fields", path, "enum", choice_token(value)), label)
    if isinstance(node.get("items"), dict) and not node["items"]:
        del node["items"]
    if not node:
        del parent[parts[-1]]


def _ordered(overlay: dict[str, Any], schema: Mapping[str, Any]) -> dict[str, Any]:
    """The overlay with its fields in the schema's order, so a diff reads like the form."""
    fields = overlay.get("fields") or {}
    order = [path for path, _ in schema_fields(schema) if path in fields]
    rest = [path for path in fields if path not in order]
    head: dict[str, Any] = {key: overlay[key] for key in ("title", "description") if key in overlay}
    tail = {key: value for key, value in overlay.items()
            if key not in ("title", "description", "fields")}
    return {**head, **({"fields": {p: fields[p] for p in order + rest}} if fields else {}),
            **tail}


def _read(path: Path) -> dict[str, Any]:
    if not path.exists():
        return {}
    value = json.loads(path.read_text(encoding="utf-8"))
    if not isinstance(value, dict):
        raise ValueError(f"{path.name} is not a JSON object")
    return value


def _write(path: Path, value: Any) -> None:
    path.write_text(json.dumps(value, ensure_ascii=False, indent=2) + "\n", encoding="utf-8")
