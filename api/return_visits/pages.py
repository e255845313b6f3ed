"""The staff's return-visit pages: the months and their coverage, one month in full,
opening a month by hand and the estates' call scripts.

Any staff member may follow the rounds; opening a month and writing the call
script are the supervisor's.
"""

from __future__ import annotations

from flask import Blueprint, abort, flash, redirect, render_template, request, url_for
from flask.typing import ResponseReturnValue
from flask_babel import gettext
from sqlalchemy import select

from api.web.auth import login_required, roles_required, signed_in_viewer
from api.web.database import db, system
from api.web.engine_messages import problem_text, worded
from engine.common.errors import FormInvalid, LiaisonError
from engine.directory.models import Estate
from engine.return_visits.models import CallScript
from engine.return_visits.orders import Month
from engine.return_visits.rounds import start_round
from engine.return_visits.views import month_view, rounds_overview
from engine.workflow.viewer import SUPERVISOR

__all__ = ["blueprint"]

blueprint = Blueprint("return_visits", __name__)
SCRIPT_LIMIT = 2000


def _month(text: str) -> Month:
    try:
        return Month.parse(text)
    except FormInvalid:
        abort(404)


def _last_month() -> Month:
    rt = system().rt
    return Month.of(rt.clock.now(), rt.office_zone).previous


@blueprint.get("/return-visits")
@login_required
def index() -> ResponseReturnValue:
    rounds = rounds_overview(db())
    opened = {line.month for line in rounds}
    last = str(_last_month())
    return render_template("return_visits/index.html", rounds=rounds,
                           suggested=last if last not in opened else "",
                           may_open=SUPERVISOR in signed_in_viewer().roles)


@blueprint.post("/return-visits")
@roles_required(SUPERVISOR)
def open_month() -> ResponseReturnValue:
    """Open a month's round by hand; a month opened already or not over is refused."""
    text = request.form.get("month", "").strip()
    try:
        month = Month.parse(text)
        row = start_round(db(), system().rt, month=month, actor=signed_in_viewer().username)
    except FormInvalid as error:
        db().rollback()
        flash(" ".join(worded(e) for e in error.errors), "error")
        return redirect(url_for("return_visits.index"))
    except LiaisonError as error:
        db().rollback()
        flash(problem_text(error), "error")
        return redirect(url_for("return_visits.index"))
    flash(gettext("The return visits of %(month)s are open: %(sampled)s of %(orders)s completed "
                  "work orders to visit.", month=row.month, sampled=row.sampled,
                  orders=row.completed_orders), "success")
    return redirect(url_for("return_visits.month", month=row.month))


@blueprint.get("/return-visits/<month>")
@login_required
def month(month: str) -> ResponseReturnValue:
    try:
        view = month_view(db(), _month(month))
    except LiaisonError:
        abort(404)
    return render_template("return_visits/month.html", view=view)


@blueprint.get("/return-visits/script")
@roles_required(SUPERVISOR)
def script() -> ResponseReturnValue:
    return render_template("return_visits/script.html", estates=_scripts(), limit=SCRIPT_LIMIT)


@blueprint.post("/return-visits/script")
@roles_required(SUPERVISOR)
def save_script() -> ResponseReturnValue:
    """Save one estate's call script; an empty one goes back to the office's default."""
    session, viewer = db(), signed_in_viewer()
    estate = session.get(Estate, request.form.get("estate_id", type=int) or 0)
    if estate is None or not viewer.sees_estate(estate.id):
        abort(404)
    text = request.form.get("text", "").strip()
    if len(text) > SCRIPT_LIMIT:
        flash(gettext("The call script is %(length)s characters long; at most %(limit)s fit.",
                      length=len(text), limit=SCRIPT_LIMIT), "error")
        return render_template("return_visits/script.html", estates=_scripts(),
                               limit=SCRIPT_LIMIT, typed={estate.id: text}), 422
    row = session.get(CallScript, estate.id)
    if not text:
        if row is not None:
            session.delete(row)
    elif row is None:
        session.add(CallScript(estate_id=estate.id, text=text, updated_by=viewer.username,
                               updated_at=system().rt.clock.now()))
    else:
        row.text, row.updated_by = text, viewer.username
        row.updated_at = system().rt.clock.now()
    flash(gettext("The call script of %(estate)s is saved.", estate=estate.name), "success")
    return redirect(url_for("return_visits.script"))


def _scripts() -> list[tuple[Estate, str, CallScript | None]]:
    session, viewer = db(), signed_in_viewer()
    scripts = {row.estate_id: row for row in session.scalars(select(CallScript))}
    return [(estate, scripts[estate.id].text if estate.id in scripts else "",
             scripts.get(estate.id))
            for estate in session.scalars(select(Estate).order_by(Estate.id))
            if viewer.sees_estate(estate.id)]
