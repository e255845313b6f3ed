"""The Chinese catalog follows the office's glossary (docs/glossary.md) and leaves nothing out."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest
from babel.messages.pofile import read_po

from engine.common.settings import PROJECT_ROOT

GLOSSARY = PROJECT_ROOT / "docs" / "glossary.md"
CATALOG = PROJECT_ROOT / "api" / "translations" / "zh" / "LC_MESSAGES" / "messages.po"


def avoided_words(glossary: Path = GLOSSARY) -> dict[str, str]:
    """Each word the glossary's last column rules out, with the term to use instead."""
    avoided = {}
    for line in glossary.read_text(encoding="utf-8").splitlines():
        cells = [cell.strip() for cell in line.strip().strip("|").split("|")]
        if len(cells) != 3 or not re.search(r"[\u4e00-\u9fff]", cells[1]):
            continue
        for word in filter(None, re.split(r"[、,，]\s*", cells[2])):
            avoided[word] = cells[1]
    return avoided


def translations() -> list[tuple[str, str]]:
    with CATALOG.open("rb") as po:
        catalog = read_po(po, locale="zh_Hant_TW")
    pairs = []
    for message in catalog:
        if not message.id:
            continue
        ids = message.id if isinstance(message.id, tuple) else (message.id,)
        strings = message.string if isinstance(message.string, tuple) else (message.string,)
        pairs += [(ids[0], text) for text in strings]
    return pairs


def test_the_glossary_rules_out_the_words_the_office_does_not_use() -> None:
    avoided = avoided_words()
    assert avoided["征詢"] == "意見徵詢"
    assert avoided["你"] == "您" and avoided["治安"] == "安全" and avoided["聯署"] == "聯名提議"


@pytest.mark.parametrize(("word", "instead"), sorted(avoided_words().items()))
def test_no_catalog_entry_uses_a_word_the_glossary_rules_out(word: str, instead: str) -> None:
    offending = [msgid for msgid, text in translations() if word in text]
    assert offending == [], f"use {instead} instead of {word} in: {offending}"


def test_every_catalog_entry_is_translated_and_none_is_fuzzy() -> None:
    with CATALOG.open("rb") as po:
        catalog = read_po(po, locale="zh_Hant_TW")
    untranslated = [m.id for m in catalog if m.id and not all(
        m.string if isinstance(m.string, tuple) else (m.string,))]
    fuzzy = [m.id for m in catalog if m.id and m.fuzzy]
    assert untranslated == [] and fuzzy == []


def form_words() -> list[tuple[str, str]]:
    """Every Chinese text of the shipped forms and questionnaires, with where it is."""
    found: list[tuple[str, str]] = []

    def walk(where: str, value: object, chinese: bool) -> None:
        if isinstance(value, dict):
            for key, inner in value.items():
                walk(f"{where}/{key}", inner, chinese or key == "zh")
        elif isinstance(value, list):
            for index, inner in enumerate(value):
                walk(f"{where}/{index}", inner, chinese)
        elif isinstance(value, str) and chinese:
            found.append((where, value))

    forms = PROJECT_ROOT / "forms"
    for path in sorted(forms.rglob("*.json")):
        name = str(path.relative_to(forms))
        walk(name, json.loads(path.read_text(encoding="utf-8")), name.endswith(".zh.json"))
    return found


def test_the_forms_are_read_at_all() -> None:
    places = {where.split("/")[0] for where, _ in form_words()}
    assert "questionnaires" in places and len(places) >= 3


@pytest.mark.parametrize(("word", "instead"), sorted(avoided_words().items()))
def test_no_form_uses_a_word_the_glossary_rules_out(word: str, instead: str) -> None:
    # 你 inside 您 is not the word; the other entries never occur inside a preferred term.
    offending = [where for where, text in form_words() if word in text.replace("您", "")]
    assert offending == [], f"use {instead} instead of {word} in: {offending}"
