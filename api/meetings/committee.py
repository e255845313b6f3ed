"""Owners' committee pages (P5): the committees being formed or sitting, and one's status."""

from __future__ import annotations

from datetime import datetime

from flask import Blueprint, render_template
from flask.typing import ResponseReturnValue

from api.web.auth import current_user, roles_required
from api.web.database import db, system
from engine.common.errors import NotFound
from engine.meetings.committee import committee_status
from engine.meetings.lists import committees_of
from engine.workflow.viewer import Viewer

__all__ = ["MEETING_DESK", "blueprint", "viewer"]

blueprint = Blueprint("committees", __name__)

# Who runs owners' committees and meetings for the office: customer service and supervisors.
MEETING_DESK = ("customer_service", "supervisor")


def viewer() -> Viewer:
    user = current_user()
    assert user is not None  # behind roles_required
    return Viewer.of(user)


@blueprint.get("/committees")
@roles_required(*MEETING_DESK)
def index() -> ResponseReturnValue:
    return render_template("committees/index.html",
                           committees=committees_of(db(), viewer=viewer()),
                           now=system().rt.clock.now())


@blueprint.get("/committees/<int:committee_id>")
@roles_required(*MEETING_DESK)
def show(committee_id: int) -> ResponseReturnValue:
    status = committee_status(db(), committee_id=committee_id)
    if not viewer().sees_estate(status["estate_id"]):
        raise NotFound(f"no committee {committee_id}")
    moments = {key: _moment(status[key]) for key in
               ("elected_at", "term_ends_at", "filing_due_at", "filed_at", "archived_at")}
    now = system().rt.clock.now()
    due = moments["filing_due_at"]
    overdue = due is not None and moments["filed_at"] is None and due < now
    return render_template("committees/show.html", status=status, moments=moments,
                           overdue=overdue, now=now)


def _moment(text: str | None) -> datetime | None:
    return datetime.fromisoformat(text) if text else None
