"""Form errors reach staff in their own words, not in jsonschema's."""

from __future__ import annotations

from pathlib import Path

from babel.messages.catalog import Catalog
from babel.messages.mofile import write_mo
from flask import Flask
from flask_babel import Babel

from api.web.field_messages import for_people
from engine.common.errors import FieldError
from engine.workflow.forms import FormValidator

EXPECTED_FORM = "This answer is not in the expected form."


def test_an_answer_failing_its_pattern_is_worded_for_staff_in_their_language(
        tmp_path: Path) -> None:
    catalog = Catalog(locale="zh_Hant")
    catalog.add(EXPECTED_FORM, "格式不符合要求。")
    (tmp_path / "zh_Hant" / "LC_MESSAGES").mkdir(parents=True)
    with (tmp_path / "zh_Hant" / "LC_MESSAGES" / "messages.mo").open("wb") as mo:
        write_mo(mo, catalog)
    schema = {"type": "object", "properties": {"phone": {"type": "string",
                                                         "pattern": r"^1[3-9]\d{9}$"}}}
    [error] = FormValidator(schema).iter_errors({"phone": "12345"})
    app = Flask(__name__)
    app.config["BABEL_TRANSLATION_DIRECTORIES"] = str(tmp_path)
    Babel(app, locale_selector=lambda: "zh_Hant")
    with app.test_request_context():
        worded = for_people([FieldError(("phone",), error.message)])
    assert worded == [FieldError(("phone",), "格式不符合要求。")]


def test_a_text_that_says_too_little_is_worded_with_the_form_s_own_numbers() -> None:
    schema = {"type": "object", "properties": {"reply": {"type": "string",
                                                         "x-minText": {"cjk": 3, "latin": 8}}}}
    [error] = FormValidator(schema).iter_errors({"reply": "ok"})
    app = Flask(__name__)
    Babel(app, locale_selector=lambda: "en")
    with app.test_request_context():
        worded = for_people([FieldError(("reply",), error.message)])
    assert worded == [FieldError(("reply",), "Say a little more: at least 3 Chinese characters "
                                             "or 8 letters.")]


def test_a_form_fitting_none_of_its_ways_of_being_answered_says_answers_are_missing() -> None:
    # The return visits' start form: a month and a share, or the scheduled run's time.
    schema = {"type": "object", "anyOf": [{"required": ["month", "percent"]},
                                          {"required": ["scheduled_for"]}]}
    [error] = FormValidator(schema).iter_errors({})
    app = Flask(__name__)
    Babel(app, locale_selector=lambda: "en")
    with app.test_request_context():
        worded = for_people([FieldError((), error.message)])
    assert worded == [FieldError((), "Some answers this form needs are missing.")]
