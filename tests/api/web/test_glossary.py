"""The Chinese catalog follows the office's glossary (docs/glossary.md) and leaves nothing out."""

from __future__ import annotations

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
