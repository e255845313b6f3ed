"""Suggest how a free-text survey answer is categorised; staff confirm or change it.

Seed rule 7 asks for owners' opinions, suggestions and complaints to be
summarised and categorised. Keyword lists in Chinese and English give a first
guess — a complaint word outweighs a suggestion word, and what is neither is
an opinion — and a case category (noise, hygiene, ...) for a complaint that
becomes an owner case. A person always confirms: the guess only saves typing.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

__all__ = ["KINDS", "Suggestion", "split_points", "suggest"]

KINDS = ("opinion", "suggestion", "complaint")

COMPLAINT_WORDS = (
    "投訴", "投诉", "不滿", "不满", "太差", "很差", "極差", "態度差", "態度惡劣", "沒人管",
    "没人管", "無人處理", "一直沒", "從來沒", "壞了", "損壞", "漏水", "太吵", "噪音", "臭",
    "髒", "脏", "亂收費", "被盜", "失竊", "不安全",
    "complain*", "unacceptable", "terrible", "awful", "rude", "never fixed", "not fixed",
    "broken", "leak*", "dirty", "filthy", "noisy", "too loud", "stolen", "unsafe",
    "overcharg*", "dissatisf*", "disappoint*", "poor service",
)
SUGGESTION_WORDS = (
    "建議", "建议", "希望", "應該", "应该", "可否", "可以考慮", "能否", "最好", "增加", "增設",
    "suggest*", "recommend*", "should", "could you", "would be nice", "would be better",
    "please add", "please consider", "hope*", "propose*", "it would help",
)
# Case categories of an owner case (engine.cases.models.CATEGORIES), first match wins.
CATEGORY_WORDS: tuple[tuple[str, tuple[str, ...]], ...] = (
    ("service_attitude", ("態度", "态度", "不禮貌", "不礼貌", "attitude", "impolite")),
    ("noise", ("噪音", "太吵", "吵鬧", "noise", "noisy", "loud")),
    ("utility_outage", ("停水", "停電", "停电", "斷水", "断水", "斷電", "断电", "power cut",
                        "water cut", "outage*", "blackout*")),
    ("renovation", ("裝修", "装修", "renovat*")),
    ("hygiene", ("垃圾", "衛生", "清潔", "髒", "脏", "臭", "rubbish", "garbage", "trash",
                 "dirty", "filthy", "clean*", "smell*")),
    ("security", ("保安", "門禁", "治安", "被盜", "失竊", "小偷", "安全", "security", "guard",
                  "theft", "stolen", "burglar*", "unsafe")),
    ("parking", ("停車", "车位", "車位", "parking", "car park", "garage")),
    ("fees", ("收費", "管理費", "費用", "fee", "fees", "charge", "charges", "bill", "bills",
              "overcharg*")),
    ("neighbours", ("鄰居", "邻居", "樓上", "neighbour*", "neighbor*", "upstairs")),
    ("pets", ("寵物", "宠物", "狗", "貓", "猫", "pet", "pets", "dog", "dogs", "cat", "cats")),
    ("landscaping", ("綠化", "绿化", "草坪", "草地", "樹木", "树木", "lawn*", "landscap*",
                     "tree", "trees", "hedge*")),
    ("facilities", ("電梯", "電燈", "路燈", "漏水", "維修", "設施", "水管", "lift", "elevator",
                    "light", "lights", "leak*", "repair*", "pipe*", "facilit*", "broken")),
)

# Chinese words are found anywhere in the text; an English word only as a whole word, or,
# ending in "*", as the start of one ("leak*" finds "leaking"), so "feel" is not a "fee".
def _pattern(word: str) -> re.Pattern[str]:
    if not word.isascii():
        return re.compile(re.escape(word))
    stem = word.removesuffix("*")
    return re.compile(rf"\b{re.escape(stem)}" + ("" if word.endswith("*") else r"\b"))


def _found(words: tuple[str, ...], text: str) -> tuple[str, ...]:
    return tuple(w.removesuffix("*") for w in words if _PATTERNS[w].search(text))


_PATTERNS = {w: _pattern(w) for w in (*COMPLAINT_WORDS, *SUGGESTION_WORDS,
                                      *(w for _, ws in CATEGORY_WORDS for w in ws))}

# Several points in one answer are usually written one per line or sentence.
_POINT_BREAK = re.compile(r"[\n\r;；。！？!?]+")


@dataclass(frozen=True)
class Suggestion:
    kind: str      # opinion | suggestion | complaint
    category: str  # an owner-case category, "other" when nothing matched
    matched: tuple[str, ...]  # the words that decided it, to show staff why


def split_points(text: str) -> list[str]:
    """The separate points of one free-text answer, blank ones left out."""
    return [part.strip() for part in _POINT_BREAK.split(text) if part.strip()]


def suggest(text: str, *, asked_for: str = "opinion") -> Suggestion:
    """Guess the kind and category of ``text``; ``asked_for`` is the question's own kind.

    An answer to "your suggestions" is a suggestion unless it complains; an
    answer to "your opinion" is an opinion unless it suggests or complains.
    """
    lowered = text.lower()
    complaint = _found(COMPLAINT_WORDS, lowered)
    suggestion = _found(SUGGESTION_WORDS, lowered)
    if complaint:
        kind, matched = "complaint", complaint
    elif suggestion or asked_for == "suggestion":
        kind, matched = "suggestion", suggestion
    else:
        kind, matched = "opinion", ()
    category = next((code for code, words in CATEGORY_WORDS
                     if _found(words, lowered)), "other")
    return Suggestion(kind, category, matched)
