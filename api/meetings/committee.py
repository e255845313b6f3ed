"""Owners' committee pages (P5): the committees being formed or sitting, and one's status."""

from __future__ import annotations

from flask import Blueprint, render_template
from flask.typing import ResponseReturnValue

from api.web.auth import FRONT_DESK, roles_required, signed_in_viewer
from api.web.database import db, system
from engine.common.errors import NotFound
from engine.meetings.lists import committees_of
from engine.meetings.views import committee_status

__all__ = ["blueprint"]

blueprint = Blueprint("committees", __name__)

# Who runs owners' committees and meetings for the office: customer service and supervisors.


@blueprint.get("/committees")
@roles_required(*FRONT_DESK)
def index() -> ResponseReturnValue:
    return render_template("committees/index.html",
                           committees=committees_of(db(), viewer=signed_in_viewer()),
                           now=system().rt.clock.now())


@blueprint.get("/committees/<int:committee_id>")
@roles_required(*FRONT_DESK)
def show(committee_id: int) -> ResponseReturnValue:
    status = committee_status(db(), committee_id=committee_id)
    if not signed_in_viewer().sees_estate(status.estate_id):
        raise NotFound(f"no committee {committee_id}")
    now = system().rt.clock.now()
    due = status.filing_due_at
    overdue = due is not None and status.filed_at is None and due < now
    return render_template("committees/show.html", status=status, overdue=overdue, now=now)
