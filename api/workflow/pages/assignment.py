"""Claim, release and reassign a task from the inbox or the task page.

Plain POST forms that redirect back with a flash message, so they work
without JavaScript. A claim someone else won, or a task completed meanwhile,
is a message, not an error page; acting outside one's roles is a 403.
"""

from __future__ import annotations

from collections.abc import Callable

from flask import Blueprint, flash, redirect, render_template, request, url_for
from flask.typing import ResponseReturnValue
from flask_babel import gettext

from api.web.auth import current_user, login_required
from api.web.database import db, system
from api.web.errors import error_page
from api.web.i18n import reads_chinese
from api.web.times import local_time
from api.web.urls import safe_next
from api.workflow.labels import element_name
from engine.common.errors import Conflict, FormInvalid, NotFound, PermissionDenied, TaskNotReady
from engine.directory.lookups import display_names, role_names
from engine.workflow.tasks.assignment import claim_task, open_row, reassign_task, release_task
from engine.workflow.tasks.completions import completion_of
from engine.workflow.tasks.inbox import TaskSummary
from engine.workflow.viewer import Viewer

__all__ = ["blueprint", "completed_message"]

blueprint = Blueprint("assignment", __name__)


@blueprint.post("/tasks/<task_id>/claim")
@login_required
def claim(task_id: str) -> ResponseReturnValue:
    return _act(task_id, lambda viewer: claim_task(db(), system().rt, task_id=task_id,
                                                    viewer=viewer),
                lambda task: gettext("You now hold “%(title)s”.", title=element_name(task.title)))


@blueprint.post("/tasks/<task_id>/release")
@login_required
def release(task_id: str) -> ResponseReturnValue:
    return _act(task_id, lambda viewer: release_task(db(), system().rt, task_id=task_id,
                                                      viewer=viewer),
                lambda task: gettext("“%(title)s” is back with its role.",
                                     title=element_name(task.title)))


@blueprint.post("/tasks/<task_id>/reassign")
@login_required
def reassign(task_id: str) -> ResponseReturnValue:
    to = request.form.get("to", "").strip()
    despite_role = request.form.get("despite_role") == "1"
    user = current_user()
    assert user is not None  # login_required
    try:
        return _act(task_id, lambda viewer: reassign_task(
            db(), system().rt, task_id=task_id, viewer=viewer, to=to,
            despite_role=despite_role),
            lambda task: gettext("“%(title)s” now goes to %(name)s.",
                                 title=element_name(task.title),
                                 name=display_names(db(), [to]).get(to, to)),
            confirmable=True)
    except _NeedsConfirmation:
        # Someone without the task's role: say so and let the supervisor decide.
        db().rollback()
        row = open_row(db(), task_id)
        return render_template(
            "inbox/confirm_reassign.html", task_id=task_id, to=to,
            title=element_name(row.title), name=display_names(db(), [to]).get(to, to),
            role=role_names(db(), chinese=reads_chinese()).get(row.role or "", row.role),
            back=safe_next(request.form.get("next")) or url_for("inbox.index"))


class _NeedsConfirmation(Exception):
    """The chosen person lacks the task's role and the supervisor has not confirmed it."""


def _act(task_id: str, change: Callable[[Viewer], TaskSummary],
         done: Callable[[TaskSummary], str], *, confirmable: bool = False) -> ResponseReturnValue:
    user = current_user()
    assert user is not None  # login_required
    back = safe_next(request.form.get("next")) or url_for("inbox.index")
    try:
        task = change(Viewer.of(user))
    except PermissionDenied:
        flash(gettext("This task is offered to another role, person or estate."), "error")
        return error_page(403)
    except TaskNotReady:
        flash(completed_message(task_id), "warning")
        return redirect(url_for("inbox.index"), 303)
    except NotFound:
        return error_page(404)
    except Conflict:
        flash(_held_message(task_id), "warning")
    except FormInvalid as refused:
        if confirmable and all(e.path == ("despite_role",) for e in refused.errors):
            raise _NeedsConfirmation() from refused
        flash(gettext("That person cannot take this task: they do not hold its role, "
                      "work for another estate, or are not active."), "error")
    else:
        flash(done(task), "success")
    return redirect(back, 303)


def completed_message(task_id: str) -> str:
    """Say who completed a task and when, as far as the audit log knows."""
    completion = completion_of(db(), system().rt, task_id)
    if completion is None:
        return gettext("This task is no longer waiting for anyone.")
    name = display_names(db(), [completion.actor]).get(completion.actor or "", completion.actor)
    return gettext("%(name)s already completed this task at %(time)s.",
                   name=name or gettext("The system"), time=local_time(completion.at))


def _held_message(task_id: str) -> str:
    try:
        holder = open_row(db(), task_id).assignee
    except (NotFound, TaskNotReady):
        return completed_message(task_id)
    if holder is None:
        return gettext("Nobody holds this task any more; it is back with its role.")
    name = display_names(db(), [holder]).get(holder, holder)
    return gettext("This task is already claimed by %(name)s.", name=name)
