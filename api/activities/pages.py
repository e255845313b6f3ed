"""The staff's activity pages: upcoming and past activities with the year's festival calendar,
and one activity from plan to write-up.

Any staff member may follow the activities; the work on them is done in the inbox.
"""

from __future__ import annotations

from flask import Blueprint, abort, render_template
from flask.typing import ResponseReturnValue

from api.web.auth import login_required
from api.web.database import db, system
from engine.activities.festivals import chosen_festivals
from engine.activities.schedule import festival_starts
from engine.activities.views import activities_overview, activity_view
from engine.common.errors import NotFound

__all__ = ["blueprint"]

blueprint = Blueprint("activities", __name__)
MAX_ID = 2 ** 63 - 1


@blueprint.get("/activities")
@login_required
def index() -> ResponseReturnValue:
    rt, settings = system().rt, system().settings
    now = rt.clock.now()
    upcoming, past = activities_overview(db(), now)
    year = now.astimezone(rt.office_zone).year
    calendar = festival_starts(chosen_festivals(settings), settings.festival_lead_days, rt,
                               year)
    return render_template("activities/index.html", upcoming=upcoming, past=past, year=year,
                           calendar=calendar, lead_days=settings.festival_lead_days)


@blueprint.get("/activities/<int:activity_id>")
@login_required
def show(activity_id: int) -> ResponseReturnValue:
    if activity_id > MAX_ID:  # past the column's range: no such activity, not a database error
        abort(404)
    try:
        view = activity_view(db(), activity_id)
    except NotFound:
        abort(404)
    return render_template("activities/show.html", view=view)
