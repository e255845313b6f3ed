"""General meeting pages (P5's first meeting, P6): notice, agenda, live participation, results,
paper ballots entered by staff, the one-time ballot links, and owners' petitions.

Participation is drawn as inline SVG bars against the 2/3 line (no inline
script or style: the CSP forbids both); htmx polls its fragment while the vote is open.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from fractions import Fraction

from flask import Blueprint, current_app, flash, redirect, render_template, request, url_for
from flask.typing import ResponseReturnValue
from flask_babel import gettext
from werkzeug.datastructures import MultiDict

from api.web.auth import FRONT_DESK, roles_required, signed_in_viewer
from api.web.database import db, system
from api.web.engine_messages import problem_text, worded
from api.web.i18n import N_
from engine.common.errors import Conflict, FieldError, FormInvalid, NotFound, VoteInputError
from engine.directory.ordering import unit_order
from engine.meetings.ballots import (
    VOTES,
    ballot_links,
    issue_ballot_tokens,
    record_paper_ballot,
    reissue_ballot_token,
)
from engine.meetings.electorate import electorate
from engine.meetings.general_meeting import NOTICE_PERIOD, Participation, participation
from engine.meetings.lists import PetitionView, estates_of, meetings_of, petition_view
from engine.meetings.petitions import PETITION_SHARE, record_petition, start_extraordinary_meeting
from engine.meetings.views import MeetingView, meeting_view
from engine.meetings.votes.figures import figure
from engine.meetings.votes.tally import AGREEMENT, PARTICIPATION, Matter
from engine.workflow.starters import check_starter
from engine.workflow.viewer import SUPERVISOR

__all__ = ["ParticipationBar", "blueprint", "participation_bars"]

blueprint = Blueprint("meetings", __name__)

POLL_SECONDS = 5
VOTE_ERROR = N_("Choose a vote on this matter.")


@dataclass(frozen=True)
class ParticipationBar:
    measure: str  # area, headcount
    value: str | int  # as the tally writes figures: areas in fixed point
    base: str | int
    ok: bool
    fraction: str  # the line, e.g. 2/3
    percent: float  # taken part, of the whole
    line: float  # where the line is drawn, in percent
    needed: str | int  # headcount rounded up to whole owners, area to 0.01 m²


@blueprint.get("/meetings")
@roles_required(*FRONT_DESK)
def index() -> ResponseReturnValue:
    session, seen = db(), signed_in_viewer()
    return render_template("meetings/index.html", meetings=meetings_of(session, viewer=seen),
                           estates=estates_of(session, viewer=seen))


@blueprint.get("/meetings/<int:meeting_id>")
@roles_required(*FRONT_DESK)
def show(meeting_id: int) -> ResponseReturnValue:
    view = _meeting(meeting_id)
    ahead = view.meeting_at - view.notice_sent_at
    thresholds = {matter.value: AGREEMENT[matter] for matter in Matter}
    items = {matter.value: matter.item for matter in Matter}
    petition = (petition_view(db(), petition_id=view.petition_id)
                if view.petition_id is not None else None)
    return render_template("meetings/show.html", view=view, notice_days=ahead.days,
                           petition=petition, share=int(PETITION_SHARE * 100),
                           notice_ok=ahead >= NOTICE_PERIOD,
                           notice_period=NOTICE_PERIOD.days, thresholds=thresholds, items=items,
                           participation_threshold=PARTICIPATION,
                           bars=participation_bars(view.participation),
                           voter_units=sum(len(voter.units) for voter in view.voters),
                           poll=POLL_SECONDS if view.state == "voting" else None)


@blueprint.get("/meetings/<int:meeting_id>/participation")
@roles_required(*FRONT_DESK)
def live(meeting_id: int) -> ResponseReturnValue:
    view = _meeting(meeting_id)
    return render_template("meetings/_participation.html", view=view,
                           bars=participation_bars(participation(db(), meeting_id=meeting_id)),
                           poll=POLL_SECONDS if view.state == "voting" else None)


@blueprint.route("/meetings/<int:meeting_id>/paper-ballot", methods=["GET", "POST"])
@roles_required(*FRONT_DESK)
def paper_ballot(meeting_id: int) -> ResponseReturnValue:
    view = _meeting(meeting_id)
    if request.method == "GET":
        return _paper_page(view)
    form = request.form
    votes: dict[int | str, str] = {m.id: form[f"vote-{m.id}"] for m in view.agenda
                                   if form.get(f"vote-{m.id}")}
    try:
        unit_id = int(form.get("unit_id", ""))
    except ValueError:
        return _paper_page(view, form=form, errors={"unit_id": gettext("Choose the unit.")}), 422
    try:
        record_paper_ballot(db(), system().rt, meeting_id=meeting_id, unit_id=unit_id,
                            votes=votes, actor=signed_in_viewer().username)
    except FormInvalid as refused:
        return _paper_page(view, form=form, errors=_field_messages(refused.errors)), 422
    except VoteInputError as refused:
        return _paper_page(view, form=form, errors={"unit_id": problem_text(refused)}), 422
    except Conflict as refused:
        return _paper_page(view, form=form, refusal=problem_text(refused)), 409
    label = electorate(db(), view.estate_id).labels[unit_id]
    flash(gettext("The paper ballot of %(unit)s is recorded.", unit=label), "success")
    return redirect(url_for("meetings.paper_ballot", meeting_id=meeting_id), 303)


@blueprint.route("/meetings/<int:meeting_id>/ballot-links", methods=["GET", "POST"])
@roles_required(*FRONT_DESK)
def links(meeting_id: int) -> ResponseReturnValue:
    """Issue the links (confirmed); a supervisor reads them, and gives one unit a new one."""
    view = _meeting(meeting_id)
    labels = electorate(db(), view.estate_id).labels
    refusal, unconfirmed = None, False
    if request.method == "POST":
        if request.form.get("confirm") != "yes":
            unconfirmed = True
        else:
            try:
                tokens = issue_ballot_tokens(db(), system().rt, meeting_id=meeting_id,
                                             key=_link_key())
            except Conflict as refused:
                refusal = problem_text(refused)
            else:
                flash(gettext("Ballot links issued: %(count)d.", count=len(tokens)) if tokens
                      else gettext("Every unit has its ballot link already; none was issued "
                                   "now."), "success")
                return redirect(url_for("meetings.links", meeting_id=meeting_id), 303)
    supervisor = SUPERVISOR in signed_in_viewer().roles
    issued = _links(view, labels, purpose="viewed") if supervisor else []
    status = 409 if refusal else 422 if unconfirmed else 200
    return render_template("meetings/links.html", view=view, issued=issued,
                           supervisor=supervisor, refusal=refusal, unconfirmed=unconfirmed,
                           units=len(labels)), status


@blueprint.get("/meetings/<int:meeting_id>/ballot-links/print")
@roles_required(SUPERVISOR)
def links_print(meeting_id: int) -> ResponseReturnValue:
    """One slip per unit, in the units' natural order, to print on A4 and hand out."""
    view = _meeting(meeting_id)
    labels = electorate(db(), view.estate_id).labels
    return render_template("meetings/links_print.html", view=view,
                           slips=_links(view, labels, purpose="printed"))


@blueprint.post("/meetings/<int:meeting_id>/ballot-links/<int:unit_id>")
@roles_required(SUPERVISOR)
def reissue_link(meeting_id: int, unit_id: int) -> ResponseReturnValue:
    view = _meeting(meeting_id)
    labels = electorate(db(), view.estate_id).labels
    back = redirect(url_for("meetings.links", meeting_id=meeting_id), 303)
    if unit_id not in labels:
        raise NotFound(f"no unit {unit_id} at this meeting")
    if request.form.get("confirm") != "yes":
        flash(gettext("Tick the box to confirm a new link for %(unit)s; nothing was changed.",
                      unit=labels[unit_id]), "error")
        return back
    try:
        reissue_ballot_token(db(), system().rt, meeting_id=meeting_id, unit_id=unit_id,
                             key=_link_key(), actor=signed_in_viewer().username)
    except Conflict as refused:
        flash(problem_text(refused), "error")
        return back
    flash(gettext("%(unit)s has a new ballot link; its old link no longer works.",
                  unit=labels[unit_id]), "success")
    return back


def _links(view: MeetingView, labels: dict[int, str], *,
           purpose: str) -> list[tuple[int, str, str | None, bool]]:
    """(unit id, unit, link or None, used) in the units' natural order."""
    found = ballot_links(db(), system().rt, meeting_id=view.id, key=_link_key(),
                         actor=signed_in_viewer().username, purpose=purpose)
    rows = [(link.unit_id, labels[link.unit_id],
             url_for("ballot.paper", token=link.token, _external=True) if link.token else None,
             link.used_at is not None) for link in found if link.unit_id in labels]
    return sorted(rows, key=lambda row: unit_order(row[1]))


def _link_key() -> bytes:
    secret = current_app.secret_key or ""
    return secret if isinstance(secret, bytes) else secret.encode()


@blueprint.route("/estates/<int:estate_id>/petition", methods=["GET", "POST"])
@roles_required(*FRONT_DESK)
def petition(estate_id: int) -> ResponseReturnValue:
    if not signed_in_viewer().sees_estate(estate_id):
        raise NotFound(f"no estate {estate_id}")
    labels = electorate(db(), estate_id).labels
    if request.method == "GET":
        return _petition_form(estate_id, labels)
    signed = [int(u) for u in request.form.getlist("unit_id") if u.isdigit()]
    try:
        recorded = record_petition(db(), system().rt, estate_id=estate_id,
                                   purpose=request.form.get("purpose", ""),
                                   signed_unit_ids=signed, actor=signed_in_viewer().username)
    except FormInvalid as refused:
        return _petition_form(estate_id, labels, form=request.form,
                              errors=_field_messages(refused.errors)), 422
    flash(gettext("The petition is recorded."), "success")
    return redirect(url_for("meetings.petition_show", petition_id=recorded.id), 303)


@blueprint.get("/petitions/<int:petition_id>")
@roles_required(*FRONT_DESK)
def petition_show(petition_id: int) -> ResponseReturnValue:
    return _petition_page(_petition(petition_id))


@blueprint.post("/petitions/<int:petition_id>/meeting")
@roles_required(SUPERVISOR)
def start_meeting(petition_id: int) -> ResponseReturnValue:
    found, viewer = _petition(petition_id), signed_in_viewer()
    check_starter(db(), system().rt, process_id="general_meeting", roles=viewer.roles)
    try:
        start_extraordinary_meeting(db(), system().rt, petition_id=petition_id,
                                    actor=viewer.username)
    except FormInvalid as refused:
        return _petition_page(found, refusal="; ".join(worded(e) for e in refused.errors)), 422
    except Conflict:  # pressed twice, or by two supervisors at once
        return _petition_page(found, refusal=gettext(
            "A meeting was already started on this petition: find it in the inbox.")), 409
    flash(gettext("An extraordinary general meeting is started: prepare its agenda from the "
                  "inbox."), "success")
    return redirect(url_for("inbox.index"), 303)


def participation_bars(live: Participation) -> list[ParticipationBar]:
    """Each measure's share taken part, in percent of the whole, and where the 2/3 line is."""
    bars = []
    for measure, check in (("area", live.area), ("headcount", live.headcount)):
        value, base = Fraction(check.value), Fraction(check.base)
        needed, line = check.threshold.needed(check.base), check.threshold.fraction
        bars.append(ParticipationBar(
            measure=measure, value=figure(check.value), base=figure(check.base), ok=check.ok,
            fraction=str(line), percent=round(float(value / base * 100), 1) if base else 0.0,
            line=round(float(line * 100), 2),
            needed=(math.ceil(needed) if measure == "headcount"
                    else f"{math.ceil(needed * 100) / 100:.2f}")))
    return bars


def _meeting(meeting_id: int) -> MeetingView:
    view = meeting_view(db(), meeting_id=meeting_id)
    if not signed_in_viewer().sees_estate(view.estate_id):
        raise NotFound(f"no meeting {meeting_id}")
    return view


def _petition(petition_id: int) -> PetitionView:
    found = petition_view(db(), petition_id=petition_id)
    if found is None or not signed_in_viewer().sees_estate(found.estate_id):
        raise NotFound(f"no petition {petition_id}")
    return found


def _field_messages(errors: list[FieldError]) -> dict[str, str]:
    """Field name -> message; a vote left out or mistyped gets our own words."""
    messages: dict[str, str] = {}
    for error in errors:
        words = gettext(VOTE_ERROR) if error.path[:1] == ("votes",) else worded(error)
        messages.setdefault(error.field, words)
    return messages


def _paper_page(view: MeetingView, *, form: MultiDict[str, str] | None = None,
                errors: dict[str, str] | None = None, refusal: str | None = None) -> str:
    labels = electorate(db(), view.estate_id).labels
    return render_template("meetings/paper_ballot.html", view=view, form=form or MultiDict(),
                           errors=errors or {}, refusal=refusal, votes=VOTES,
                           units=sorted(labels.items(), key=lambda u: unit_order(u[1])))


def _petition_form(estate_id: int, labels: dict[int, str], *,
                   form: MultiDict[str, str] | None = None,
                   errors: dict[str, str] | None = None) -> str:
    form = form or MultiDict()
    return render_template("meetings/petition_form.html", estate_id=estate_id, form=form,
                           chosen={int(u) for u in form.getlist("unit_id") if u.isdigit()},
                           errors=errors or {}, share=int(PETITION_SHARE * 100),
                           units=sorted(labels.items(), key=lambda u: unit_order(u[1])))


def _petition_page(found: PetitionView, *, refusal: str | None = None) -> str:
    labels = electorate(db(), found.estate_id).labels
    return render_template("meetings/petition.html", petition=found, refusal=refusal,
                           signed_units=sorted((labels[u] for u in found.unit_ids), key=unit_order),
                           share=int(PETITION_SHARE * 100),
                           may_start=SUPERVISOR in signed_in_viewer().roles)
