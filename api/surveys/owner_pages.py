"""The owner's side, no sign-in: type the code or follow the link, answer once, be thanked.

A used code, a closed survey and an unknown code each get a page of their
own saying so plainly (409, 410, 404); nothing an owner sends is lost on a
refused form, which comes back with the answers as typed.
"""

from __future__ import annotations

import re

from flask import redirect, render_template, request, url_for
from flask.typing import ResponseReturnValue
from flask_babel import gettext

from api.surveys.blueprint import blueprint
from api.surveys.questions import (
    messages_by_field,
    posted_answers,
    questions_of,
    scale_of,
    too_long,
    words,
)
from api.web import throttle
from api.web.database import db, system
from engine.common.errors import FormInvalid, NotFound, SurveyCodeExpired, SurveyCodeUsed
from engine.surveys.responses import SurveyForm, open_form, submit_by_code

# The code as typed off the paper ("ABCD EFGH 2345"), or a link token, never longer.
MAX_CODE = 80
NO_STORE = {"Cache-Control": "no-store"}

blueprint.add_app_template_global(words)


@blueprint.get("/survey")
def enter_code() -> ResponseReturnValue:
    code = request.args.get("code")
    if code is None:
        return render_template("surveys/code.html", code="", error=None)
    typed = re.sub(r"\s", "", code)[:MAX_CODE]
    if not typed:
        error = gettext("Type the code printed on your survey form.")
        return render_template("surveys/code.html", code="", error=error), 400
    return redirect(url_for("surveys.answer_form", code=typed), 303)


@blueprint.get("/survey/thanks")
def thanks() -> ResponseReturnValue:
    return render_template("surveys/thanks.html")


@blueprint.get("/survey/<code>")
@throttle.lookup
def answer_form(code: str) -> ResponseReturnValue:
    try:
        survey = open_form(db(), system().rt, code[:MAX_CODE])
    except (NotFound, SurveyCodeUsed, SurveyCodeExpired) as refused:
        return _refused(refused, code)
    return _form_page(survey, code, values={}, errors={}), NO_STORE


@blueprint.post("/survey/<code>")
@throttle.lookup
def submit(code: str) -> ResponseReturnValue:
    session, rt = db(), system().rt
    try:
        survey = open_form(session, rt, code[:MAX_CODE])
        submit_by_code(session, rt, code=code[:MAX_CODE],
                       answers=posted_answers(survey.questionnaire, request.form))
    except FormInvalid as refused:
        errors = {**messages_by_field(refused.errors),
                  **too_long(survey.questionnaire, request.form)}
        return _form_page(survey, code, values=request.form, errors=errors), 422, NO_STORE
    except (NotFound, SurveyCodeUsed, SurveyCodeExpired) as refused:
        return _refused(refused, code)
    return redirect(url_for("surveys.thanks"), 303)


def _form_page(survey: SurveyForm, code: str, *, values: object,
               errors: dict[str, str]) -> str:
    return render_template("surveys/form.html", survey=survey, code=code,
                           questions=questions_of(survey.questionnaire),
                           scale=scale_of(survey.questionnaire), values=values, errors=errors)


def _refused(refused: Exception, code: str) -> ResponseReturnValue:
    if isinstance(refused, SurveyCodeUsed):
        return render_template("surveys/refused.html", reason="used"), 409
    if isinstance(refused, SurveyCodeExpired):
        return render_template("surveys/refused.html", reason="closed"), 410
    error = gettext("No survey form has this code. Check it against the code printed on "
                    "your form: letters and digits, dashes and spaces do not matter.")
    return render_template("surveys/code.html", code=code[:MAX_CODE], error=error), 404
