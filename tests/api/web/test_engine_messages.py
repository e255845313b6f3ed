"""The engine's messages by code: every code words every parameter, in English and in Chinese."""

from __future__ import annotations

import ast
import re
from collections.abc import Iterator
from datetime import UTC, date, datetime
from decimal import Decimal
from pathlib import Path

import pytest
from flask import Flask
from flask_babel import force_locale

from api.web.engine_messages import CATALOG, problem_text, render_problem, worded
from api.web.errors import error_body
from engine.common.errors import AlreadyVoted, BallotUsed, FieldError, FormInvalid
from engine.meetings.votes.tally import Matter, UnitStatus, tally
from engine.meetings.votes.text import explain_codes
from tests.engine.meetings.votes.test_tally import ballots, units

ENGINE = Path(__file__).resolve().parents[3] / "engine"
PLACEHOLDER = re.compile(r"%\((\w+)\)s")
# 2026-12-19 06:15 UTC is 14:15 in the office's zone (Asia/Shanghai).
MOMENT = datetime(2026, 12, 19, 6, 15, tzinfo=UTC)


def samples(template: str) -> dict[str, object]:
    """A value for every parameter of ``template``, each one distinct and language-neutral."""
    values: dict[str, object] = {}
    for number, name in enumerate(dict.fromkeys(PLACEHOLDER.findall(template))):
        values[name] = (MOMENT if name in ("at", "deadline", "noticed", "earliest")
                        else date(2026, 11, number + 1)
                        if name in ("elected_on", "today") else 7001 + number)
    return values


def shown(value: object) -> str:
    if isinstance(value, datetime):
        return "2026-12-19 14:15"
    return value.isoformat() if isinstance(value, date) else str(value)


@pytest.fixture
def app_context(app: Flask) -> Iterator[None]:
    with app.test_request_context("/"):
        yield


@pytest.mark.parametrize("code", sorted(CATALOG))
@pytest.mark.usefixtures("app_context")
def test_each_code_words_every_parameter_in_both_languages(code: str) -> None:
    params = samples(CATALOG[code])
    for locale in ("en", "zh"):
        with force_locale(locale):
            words = render_problem(code, params)
        assert words is not None
        for value in params.values():
            assert shown(value) in words, (locale, code, words)
        if locale == "zh":  # a unit's label, as in the example A-1203, is not English
            assert not re.search(r"[A-Za-z]", re.sub(r"\bA-1203\b", "", words)), words
            assert re.search(r"[\u4e00-\u9fff]", words), words


def literal_codes(source: str) -> set[str]:
    """The message codes written out in ``source``: a field error's third argument, or
    an error's ``message_code``."""
    codes = set()
    for node in ast.walk(ast.parse(source)):
        if not isinstance(node, ast.Call):
            continue
        given = [k.value for k in node.keywords if k.arg == "message_code"]
        if isinstance(node.func, ast.Name) and node.func.id == "FieldError":
            given += node.args[2:3]
        codes |= {g.value for g in given
                  if isinstance(g, ast.Constant) and isinstance(g.value, str)}
    return codes


def test_every_code_the_engine_gives_is_in_the_catalog() -> None:
    given = {code for path in ENGINE.rglob("*.py")
             for code in literal_codes(path.read_text(encoding="utf-8"))}
    assert given and given <= set(CATALOG), given - set(CATALOG)
    # The codes built from a value: the channel of the earlier ballot, the filing's authority.
    assert {"ballots.voted_paper", "ballots.voted_online", "meetings.filing_recorded.street_office",
            "meetings.filing_recorded.housing_department"} <= set(CATALOG)


@pytest.mark.usefixtures("app_context")
def test_a_time_in_a_message_is_on_the_office_clock_never_utc() -> None:
    used = BallotUsed("this ballot link was used on 2026-12-19 06:15 UTC; each link votes once",
                      message_code="ballots.link_used_at", params={"at": MOMENT})
    with force_locale("zh"):
        assert problem_text(used) == "此投票連結已於 2026-12-19 14:15 使用；每個連結只可投票一次。"
    with force_locale("en"):
        assert "2026-12-19 14:15;" in problem_text(used) and "UTC" not in problem_text(used)


@pytest.mark.usefixtures("app_context")
def test_an_error_without_a_known_code_keeps_the_engines_words() -> None:
    assert worded(FieldError(("x",), "say why")) == "say why"
    assert render_problem("no.such_code", {}) is None
    assert render_problem("meetings.group_even", {}) is None  # its count is missing
    assert problem_text(AlreadyVoted("the owner has voted", message_code="ballots.voted_paper",
                                     params={"unit": "A-103"})) == "the owner has voted"
    odd = FieldError(("owner_members",), "the preparatory group needs an odd number of members; "
                     "it has 2", "meetings.group_even", {"count": 2})
    with force_locale("zh"):
        assert worded(odd) == "籌備組的成員人數須為單數；現有 2 人。"


@pytest.mark.usefixtures("app_context")
def test_the_rest_error_body_carries_the_code_and_parameters() -> None:
    voted = AlreadyVoted("the owner of A-103 has voted", message_code="ballots.voted_paper",
                         params={"unit": "A-103", "through": "A-104"})
    assert error_body(voted) == {
        "code": "already_voted", "message": "the owner of A-103 has voted",
        "message_code": "ballots.voted_paper", "params": {"unit": "A-103", "through": "A-104"},
        "errors": []}
    used = error_body(BallotUsed("used", message_code="ballots.link_used_at",
                                 params={"at": MOMENT}))
    assert used["params"] == {"at": "2026-12-19T06:15:00+00:00"}
    invalid = error_body(FormInvalid([FieldError(
        ("run_off_winners",), "tied", "meetings.run_off_result",
        {"tied": "1, 2", "area": Decimal("80.50"), "headcount": 7, "left": 1, "seats": 5})]))
    assert invalid["errors"] == [{
        "field": "run_off_winners", "message": "tied", "code": "meetings.run_off_result",
        "params": {"tied": "1, 2", "area": "80.50", "headcount": 7, "left": 1, "seats": 5}}]


def codes_in(phrase: object) -> set[str]:
    """Every code in a phrase, its nested phrases included."""
    if isinstance(phrase, list):
        return {code for item in phrase for code in codes_in(item)}
    if isinstance(phrase, dict) and "code" in phrase:
        return {phrase["code"], *codes_in(list(phrase["params"].values()))}
    return set()


@pytest.mark.parametrize("matter", list(Matter))
@pytest.mark.parametrize("votes", ["", "甲:A 乙:D 開發商:X", "甲:A 乙:A 丙:S"])
@pytest.mark.usefixtures("app_context")
def test_every_tally_explanation_reads_in_chinese(matter: Matter, votes: str) -> None:
    estate = units(("甲", "50.00"), ("甲", "10.00"), ("乙", "25.00"), ("丙", "15.00"),
                   ("開發商", "30.00", UnitStatus.UNSOLD))
    sentences = explain_codes(tally(matter, estate, ballots(votes)))
    assert codes_in(sentences) <= set(CATALOG)
    with force_locale("zh"):
        for sentence in sentences:
            words = render_problem(sentence["code"], sentence["params"])
            assert words and not re.search(r"[A-Za-z]", words), words
