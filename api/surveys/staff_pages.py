"""The staff's survey pages: the campaigns, one campaign's collection, its paper forms.

Any signed-in staff member may follow a campaign; the collection's own work —
printing the forms, entering paper and follow-up answers, confirming the
owners' free text — is the survey desk's (customer service and supervisors).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from flask import flash, redirect, render_template, request, url_for
from flask.typing import ResponseReturnValue
from flask_babel import gettext

from api.surveys.blueprint import SURVEY_DESK, blueprint
from api.surveys.questions import (
    messages_by_field,
    posted_answers,
    questions_of,
    scale_of,
    too_long,
)
from api.web.auth import login_required, roles_required, signed_in_viewer
from api.web.database import db, system
from api.web.i18n import N_
from engine.cases.models import CATEGORIES
from engine.common.errors import Conflict, FormInvalid, NotFound, SurveyCodeUsed
from engine.common.privacy import mask_phone, mask_phones_in, sees_personal_data
from engine.surveys.campaigns import (
    accepts_staff_entries,
    campaign_by_number,
    campaign_return_rate,
)
from engine.surveys.feedback import confirm_item, feedback_items
from engine.surveys.models import FEEDBACK_KINDS, SurveyCampaign
from engine.surveys.report import campaign_report, list_campaigns
from engine.surveys.responses import STAFF_CHANNELS, enter_response, non_respondents, paper_forms
from engine.surveys.sample import EXCLUSION_REASONS

__all__ = ["campaign_of", "on_survey_desk", "private_report"]

STATES = {
    "planned": N_("Planned"), "sampled": N_("Sampled"), "collecting": N_("Collecting answers"),
    "follow_up": N_("Following up"), "tabulated": N_("Tabulated"),
    "categorised": N_("Categorised"), "published": N_("Published"),
}
CHANNELS = {"link": N_("Online"), "paper": N_("Paper form"), "follow_up": N_("Follow-up")}
KINDS = {"opinion": N_("Opinion"), "suggestion": N_("Suggestion"), "complaint": N_("Complaint")}
EXCLUDED = {"undelivered": N_("not delivered yet"), "unsold": N_("unsold (held by the developer)"),
            "vacant": N_("vacant (no owner on record)")}


def on_survey_desk() -> bool:
    return bool(signed_in_viewer().roles & set(SURVEY_DESK))


def campaign_of(number: str) -> SurveyCampaign:
    """The campaign of this number, if the viewer's estate may see it."""
    return campaign_by_number(db(), number, viewer=signed_in_viewer())


def survey_label(kind: str, code: str) -> str:
    message = {"state": STATES, "channel": CHANNELS, "kind": KINDS,
               "excluded": EXCLUDED}[kind].get(code)
    return gettext(message) if message else code


blueprint.add_app_template_global(survey_label)


@blueprint.get("/surveys")
@login_required
def index() -> ResponseReturnValue:
    session, who = db(), signed_in_viewer()
    rows = [row for row in list_campaigns(session) if who.sees_estate(row.estate_id)]
    rates = {row.id: campaign_return_rate(session, row.id)
             for row in rows if row.units_total and row.state != "planned"}
    return render_template("surveys/index.html", campaigns=rows, rates=rates)


@blueprint.get("/surveys/<number>")
@login_required
def show(number: str) -> ResponseReturnValue:
    return _campaign_page(campaign_of(number))


@blueprint.post("/surveys/<number>/responses")
@roles_required(*SURVEY_DESK)
def enter(number: str) -> ResponseReturnValue:
    row = campaign_of(number)
    code, channel = request.form.get("code", "").strip(), request.form.get("channel", "")
    answers = posted_answers(row.questionnaire, request.form)
    try:
        if not code:
            raise FormInvalid([])
        response = enter_response(db(), system().rt, campaign_id=row.id, answers=answers,
                                  channel=channel, actor=signed_in_viewer().username, code=code)
    except FormInvalid as refused:
        errors = {**messages_by_field(e for e in refused.errors if e.field != "channel"),
                  **too_long(row.questionnaire, request.form)}
        if not code:
            errors = {"code": gettext("Type the code printed on the form."), **errors}
        if any(e.field == "channel" for e in refused.errors):
            errors["channel"] = gettext("Choose how the answer came in.")
        return _campaign_page(row, entry=request.form, errors=errors), 422
    except NotFound:
        errors = {"code": gettext("No form of this survey has this code.")}
        return _campaign_page(row, entry=request.form, errors=errors), 404
    except SurveyCodeUsed:
        errors = {"code": gettext("This form has been answered already: a unit answers once.")}
        return _campaign_page(row, entry=request.form, errors=errors), 409
    except Conflict:
        flash(gettext("This survey no longer takes answers: its collection is closed."),
              "error")
        return _campaign_page(row), 409
    flash(gettext("The answer of unit %(unit)s is recorded.", unit=response.unit.label),
          "success")
    return redirect(url_for("surveys.show", number=number), 303)


@blueprint.post("/surveys/<number>/feedback/<int:item_id>")
@roles_required(*SURVEY_DESK)
def confirm(number: str, item_id: int) -> ResponseReturnValue:
    row = campaign_of(number)
    if item_id not in {item.id for item in feedback_items(db(), row.id)}:
        raise NotFound(f"survey {number} has no feedback item {item_id}")
    try:
        confirm_item(db(), system().rt, item_id=item_id, kind=request.form.get("kind", ""),
                     category=request.form.get("category") or None,
                     actor=signed_in_viewer().username)
    except (FormInvalid, Conflict):
        flash(gettext("That item could not be confirmed: choose a kind and a category; a "
                      "complaint that has opened a case stays a complaint."), "error")
        return _campaign_page(row), 422
    flash(gettext("Item confirmed."), "success")
    return redirect(url_for("surveys.show", number=number, _anchor="feedback"), 303)


@blueprint.get("/surveys/<number>/paper-forms")
@roles_required(*SURVEY_DESK)
def printable_forms(number: str) -> ResponseReturnValue:
    row = campaign_of(number)
    try:
        forms = paper_forms(db(), row.id)
    except Conflict:
        flash(gettext("The paper forms can be printed once the survey has been distributed."),
              "info")
        return redirect(url_for("surveys.show", number=number), 303)
    return render_template("surveys/paper_forms.html", campaign=row, forms=forms,
                           questions=questions_of(row.questionnaire),
                           scale=scale_of(row.questionnaire))


@dataclass(frozen=True)
class WaitingUnit:
    """A sampled unit without an answer, its owner's phone as the viewer may read it."""

    label: str
    owner: str
    phone: str
    reminders_recorded: int


def waiting_units(row: SurveyCampaign, *, whole: bool) -> list[WaitingUnit]:
    """The units still to answer; phone numbers masked unless the viewer answers owners."""
    waiting = []
    for sampled in non_respondents(db(), row.id):
        owner = sampled.unit.owners[0] if sampled.unit.owners else None
        phone = owner.phone if owner else ""
        waiting.append(WaitingUnit(sampled.unit.label, owner.name if owner else "",
                                   phone if whole else mask_phone(phone),
                                   sampled.reminders_recorded))
    return waiting


def private_report(report: dict[str, Any], *, whole: bool) -> dict[str, Any]:
    """The report with phone numbers typed into owners' free text masked unless ``whole``."""
    if whole:
        return report
    feedback = report["feedback"]
    items = [{**item, "text": mask_phones_in(item["text"])} for item in feedback["items"]]
    return {**report, "feedback": {**feedback, "items": items}}


def _campaign_page(row: SurveyCampaign, *, entry: Any = None,
                   errors: dict[str, str] | None = None) -> str:
    whole = sees_personal_data(signed_in_viewer().roles)
    report = private_report(campaign_report(db(), row.id, zone=system().rt.office_zone),
                            whole=whole)
    return render_template(
        "surveys/show.html", campaign=row, report=report, desk=on_survey_desk(),
        waiting=waiting_units(row, whole=whole), whole=whole,
        open_for_entry=accepts_staff_entries(row),
        questions=questions_of(row.questionnaire), scale=scale_of(row.questionnaire),
        entry=entry or {}, errors=errors or {}, channels=STAFF_CHANNELS,
        kinds=FEEDBACK_KINDS, categories=CATEGORIES, excluded=excluded_units(row))


def excluded_units(row: SurveyCampaign) -> list[tuple[str, int]]:
    """The units left out of the sample, by reason in the sampler's order, none left blank."""
    return [(reason, row.units_excluded[reason]) for reason in EXCLUSION_REASONS
            if row.units_excluded.get(reason)]
