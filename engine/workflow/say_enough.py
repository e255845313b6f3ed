"""``x-minText``: a text long enough to say something, in whichever script it is written.

One ``minLength`` cannot serve both languages: ten characters are a few words
of English but a whole sentence of Chinese. ``"x-minText": {"cjk": 4,
"latin": 10}`` asks for at least 4 Chinese (or Japanese, Korean) characters or
10 letters and digits; ``true`` means those numbers. A mixed text counts each
script towards its own share, so "回覆 by phone" is judged on both.
"""

from __future__ import annotations

import re
from collections.abc import Iterator, Mapping
from typing import Any

from jsonschema.exceptions import ValidationError
from jsonschema.protocols import Validator

__all__ = ["KEYWORD", "enough", "min_text", "min_text_problem", "minimums"]

KEYWORD = "x-minText"
DEFAULTS = {"cjk": 4, "latin": 10}
# Han (with the extensions), kana and hangul: each character carries a word or more.
CJK = re.compile(r"[\u3040-\u30ff\u3400-\u4dbf\u4e00-\u9fff\uac00-\ud7af\uf900-\ufaff"
                 r"\U00020000-\U0003134f]")


def minimums(value: Any) -> dict[str, int]:
    """The keyword's value as ``{"cjk": n, "latin": m}``; ``true`` gives the defaults."""
    if value is True:
        return dict(DEFAULTS)
    if isinstance(value, Mapping):
        return {key: int(value.get(key, DEFAULTS[key])) for key in DEFAULTS}
    return {}


def min_text_problem(value: Any) -> str | None:
    """Why a keyword value is unusable, or None when it is fine."""
    if value is True:
        return None
    if not isinstance(value, Mapping) or set(value) - set(DEFAULTS) or not all(
            isinstance(n, int) and not isinstance(n, bool) and n >= 1 for n in value.values()):
        return ('x-minText takes true or {"cjk": <whole number>, "latin": <whole number>}, '
                "both at least 1")
    return None


def enough(text: str, cjk: int, latin: int) -> bool:
    """Whether ``text`` says enough: its CJK and its Latin shares together reach one whole."""
    wide = len(CJK.findall(text))
    narrow = sum(1 for ch in CJK.sub("", text) if ch.isalnum())
    return wide * latin + narrow * cjk >= cjk * latin


def min_text(validator: Validator, value: Any, instance: Any,
             schema: Mapping[str, Any]) -> Iterator[ValidationError]:
    """The jsonschema keyword; people read its message reworded (``api.web.field_messages``)."""
    limits = minimums(value)
    if limits and validator.is_type(instance, "string") and not enough(instance, **limits):
        yield ValidationError(f"{instance!r} says too little (at least {limits['cjk']} CJK "
                              f"or {limits['latin']} Latin characters)")
