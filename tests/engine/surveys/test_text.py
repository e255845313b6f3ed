"""Free-text answers: split into points, and a first guess at each point's kind and category."""

from __future__ import annotations

import pytest

from engine.cases.models import CATEGORIES
from engine.surveys.models import FEEDBACK_KINDS
from engine.surveys.text import (
    CATEGORY_WORDS,
    COMPLAINT_WORDS,
    KINDS,
    SUGGESTION_WORDS,
    split_points,
    suggest,
)


def test_every_line_break_and_sentence_end_starts_a_new_point() -> None:
    answer = "Lift broken\r\nGarden nice；門口太暗。謝謝！Why?Fine!Done;Last\nOne"
    assert split_points(answer) == ["Lift broken", "Garden nice", "門口太暗", "謝謝", "Why",
                                    "Fine", "Done", "Last", "One"]


def test_commas_keep_a_point_together() -> None:
    assert split_points("電梯壞了，請盡快維修, thanks") == ["電梯壞了，請盡快維修, thanks"]


@pytest.mark.parametrize("blank", ["", "   ", "\n\n", "。；!?", " ; \r\n 。 "])
def test_a_blank_answer_has_no_points(blank: str) -> None:
    assert split_points(blank) == []


def test_a_complaint_word_outweighs_a_suggestion_word() -> None:
    guess = suggest("建議管理處處理樓上噪音，太吵了")
    assert guess.kind == "complaint"
    assert set(guess.matched) == {"噪音", "太吵"}
    assert not set(guess.matched) & set(SUGGESTION_WORDS)


@pytest.mark.parametrize(("text", "kind"), [
    ("我要投訴清潔工", "complaint"), ("我要投诉清洁工", "complaint"),
    ("建議多種樹", "suggestion"), ("建议多种树", "suggestion"),
])
def test_traditional_and_simplified_chinese_are_both_recognised(text: str, kind: str) -> None:
    assert suggest(text).kind == kind


def test_english_words_are_recognised_whatever_their_case() -> None:
    guess = suggest("The Guards are RUDE and the lobby is FILTHY")
    assert guess.kind == "complaint"
    assert guess.matched == ("rude", "filthy")
    assert guess.category == "hygiene"  # filthy; "guard" (security) comes later in the list


def test_an_answer_to_the_suggestions_question_is_a_suggestion_unless_it_complains() -> None:
    neutral = suggest("More flowers by the pond", asked_for="suggestion")
    assert (neutral.kind, neutral.matched) == ("suggestion", ())
    complaint = suggest("The pond is dirty", asked_for="suggestion")
    assert (complaint.kind, complaint.matched) == ("complaint", ("dirty",))


def test_an_answer_to_the_opinion_question_is_an_opinion_unless_it_suggests() -> None:
    assert suggest("More flowers by the pond").kind == "opinion"
    suggestion = suggest("I hope you plant more flowers by the pond")
    assert (suggestion.kind, suggestion.matched) == ("suggestion", ("hope",))


def test_every_word_that_decided_the_kind_is_shown() -> None:
    guess = suggest("Noisy at night, the corridor is dirty and the tap is broken")
    assert guess.kind == "complaint"
    assert set(guess.matched) == {"noisy", "dirty", "broken"}
    assert list(guess.matched) == [w.removesuffix("*") for w in COMPLAINT_WORDS
                                   if w.removesuffix("*") in guess.matched]


@pytest.mark.parametrize("text", ["Noisy neighbours and dirty stairs",
                                  "Dirty stairs and noisy neighbours"])
def test_the_first_category_in_the_list_wins_wherever_its_word_stands(text: str) -> None:
    assert suggest(text).category == "noise"


def test_an_answer_that_matches_nothing_is_an_opinion_of_no_category() -> None:
    guess = suggest("Thank you for your work this year")
    assert (guess.kind, guess.category, guess.matched) == ("opinion", "other", ())


def test_every_guess_is_a_feedback_kind_and_an_owner_case_category() -> None:
    assert set(KINDS) == set(FEEDBACK_KINDS)
    assert {code for code, _ in CATEGORY_WORDS} | {"other"} <= set(CATEGORIES)
    for words in (COMPLAINT_WORDS, SUGGESTION_WORDS, *(w for _, w in CATEGORY_WORDS)):
        # Matching lowers the answer, so a word with a capital letter could never match.
        assert all(word == word.lower() for word in words)


@pytest.mark.parametrize(("text", "category"), [
    ("I feel the staff are friendly", "other"),          # "feel" is no "fee"
    ("I am delighted with the garden", "other"),         # "delighted" is no "light"
    ("The fees went up again", "fees"),
    ("The corridor lights are out", "facilities"),
    ("The pipes are leaking", "facilities"),              # "leak*" and "pipe*" are stems
])
def test_an_english_word_matches_as_a_word_or_a_marked_stem_never_inside_another(
        text: str, category: str) -> None:
    assert suggest(text).category == category


def test_a_word_inside_another_is_no_complaint() -> None:
    assert suggest("Prudent and helpful staff").kind == "opinion"   # "prudent" holds "rude"
    assert suggest("Leaking again, I complained twice").matched == ("complain", "leak")


@pytest.mark.parametrize(("text", "category"), [
    ("前台職員態度很差", "service_attitude"),
    ("The receptionist was impolite to my mother", "service_attitude"),
    ("B棟昨晚停電三小時", "utility_outage"),
    ("Another power cut in block A", "utility_outage"),
    ("樓上裝修到晚上十點", "renovation"),
    ("The renovation next door has no permit on show", "renovation"),
    ("草坪很久沒有修剪", "landscaping"),
    ("The trees by the gate need trimming", "landscaping"),
    ("有人在大堂遛狗不拴繩", "pets"),
    ("Dogs off the lead in the playground", "pets"),
])
def test_the_new_case_categories_are_guessed_in_both_languages(text: str,
                                                                category: str) -> None:
    assert suggest(text).category == category
