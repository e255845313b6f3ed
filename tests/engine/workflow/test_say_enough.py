"""x-minText: a text says enough with 4 Chinese characters or 10 letters, not one number."""

from __future__ import annotations

from hypothesis import given
from hypothesis import strategies as st

from engine.workflow.forms import FormValidator, pattern_problems
from engine.workflow.say_enough import enough

SCHEMA = {"type": "object", "properties": {"reply": {"type": "string", "x-minText": True}}}


def errors(text: str) -> list[str]:
    return [e.message for e in FormValidator(SCHEMA).iter_errors({"reply": text})]


def test_nine_chinese_characters_say_enough() -> None:
    assert errors("已派清潔工清理樓梯") == []


def test_ok_says_too_little() -> None:
    assert errors("ok") == ["'ok' says too little (at least 4 CJK or 10 Latin characters)"]


def test_the_same_length_counts_differently_per_script() -> None:
    assert errors("已經處理") == []            # four characters: a sentence in Chinese
    assert errors("done done") != []          # eight letters: not yet in English
    assert errors("Replied by letter.") == []
    assert errors("已回覆 by phone") == []     # three characters and seven letters together
    assert errors("已回覆 ok") != []           # three characters and two letters fall short


def test_spaces_and_punctuation_do_not_count() -> None:
    assert errors("。。。。。。") != []
    assert errors("! ! ! ! ! ! ! ! ! ! ! !") != []


def test_the_numbers_can_be_set_per_field() -> None:
    schema = {"type": "string", "x-minText": {"cjk": 2, "latin": 3}}
    assert list(FormValidator(schema).iter_errors("好的")) == []
    assert list(FormValidator(schema).iter_errors("ab")) != []


def test_a_keyword_value_it_cannot_use_is_a_problem_before_deployment() -> None:
    for bad in (10, {"cjk": 0}, {"chinese": 4}, "yes"):
        schema = {"type": "object", "properties": {"a": {"type": "string", "x-minText": bad}}}
        assert [p for p, _ in pattern_problems(schema)] == ["/properties/a/x-minText"], bad
    assert pattern_problems(SCHEMA) == []


@given(st.text(alphabet=st.characters(min_codepoint=0x4E00, max_codepoint=0x9FFF), min_size=4),
       st.text())
def test_four_chinese_characters_anywhere_are_enough(chinese: str, other: str) -> None:
    assert enough(other + chinese, 4, 10)


@given(st.text(alphabet="abcdefghij0123456789 .,", max_size=30))
def test_latin_text_needs_ten_letters_or_digits(text: str) -> None:
    assert enough(text, 4, 10) == (sum(c.isalnum() for c in text) >= 10)
