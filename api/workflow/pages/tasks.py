"""The task page: the task's form beside its case, submitted, saved as a draft or refused.

A submission that fails validation comes back (422) with the field errors and
exactly what was typed; one for a task someone else completed meanwhile comes
back (409) saying who and when, with what was typed still shown; one for a
task whose case an incident stopped comes back (409) naming the incident.
"""

from __future__ import annotations

from typing import Any

from flask import Blueprint, current_app, flash, redirect, render_template, request, url_for
from flask.typing import ResponseReturnValue
from flask_babel import gettext
from werkzeug.datastructures import MultiDict

from api.web.auth import current_user, login_required, signed_in_viewer
from api.web.database import db, system
from api.web.engine_messages import problem_text
from api.web.field_messages import for_people
from api.web.i18n import reader_language, reads_chinese
from api.web.webforms import FieldError, parse_submission, render_form
from api.workflow.labels import element_name
from api.workflow.pages.assignment import completed_message
from engine.common.errors import CaseStopped, Conflict, FormInvalid, TaskNotReady
from engine.directory.lookups import display_names, role_names
from engine.workflow.tasks.complete import complete_task
from engine.workflow.tasks.completions import completion_of
from engine.workflow.tasks.drafts import save_draft
from engine.workflow.tasks.view import TaskView, open_task

__all__ = ["blueprint", "case_url", "stopped_message"]

blueprint = Blueprint("tasks", __name__)


@blueprint.get("/tasks/<task_id>")
@login_required
def show(task_id: str) -> ResponseReturnValue:
    try:
        view = open_task(db(), system().rt, task_id=task_id, viewer=signed_in_viewer())
    except TaskNotReady:
        return _done_elsewhere(task_id, None)
    return _page(view, values=view.values)


@blueprint.post("/tasks/<task_id>")
@login_required
def submit(task_id: str) -> ResponseReturnValue:
    user, form = current_user(), request.form
    assert user is not None  # login_required
    try:
        view = open_task(db(), system().rt, task_id=task_id, viewer=signed_in_viewer())
    except TaskNotReady:
        return _done_elsewhere(task_id, form)
    data, problems = parse_submission(view.schema or {}, form, tz=_zone())
    if form.get("action") == "draft":
        save_draft(db(), system().rt, task_id=task_id, viewer=signed_in_viewer(), data=data)
        flash(gettext("Draft saved."), "success")
        return redirect(url_for("tasks.show", task_id=task_id), 303)
    if problems:
        return _page(view, values=form, errors=problems), 422
    try:
        complete_task(db(), system().rt, task_id=task_id, data=data, actor=user.username,
                      roles=user.role_codes)
    except FormInvalid as invalid:
        db().rollback()  # nothing of the refused attempt may linger into the re-render
        return _page(view, values=form, errors=for_people(invalid.errors)), 422
    except TaskNotReady:
        db().rollback()
        return _done_elsewhere(task_id, form)
    except CaseStopped:
        db().rollback()  # the page says which incident stopped the case; what was typed stays
        return _page(view, values=form), 409
    except Conflict as refused:  # a step the task carries out refused, e.g. a survey below 75 %
        db().rollback()
        return _page(view, values=form, errors=[FieldError((), problem_text(refused))]), 409
    flash(gettext("Done: %(title)s", title=element_name(view.task.title)), "success")
    return redirect(url_for("inbox.index"), 303)


@blueprint.app_template_global()
def stopped_message(incident_id: int | None) -> str:
    """Say that an incident stopped the case, and what has to happen before work goes on."""
    if incident_id is None:
        return gettext("This case is stopped by an incident; a supervisor must retry it "
                       "before this task can be completed.")
    return gettext("This case is stopped by incident %(number)s; a supervisor must retry it "
                   "before this task can be completed.", number="#" + str(incident_id))


@blueprint.app_template_global()
def case_url(number: str | None) -> str | None:
    """The case page's address, once that page exists."""
    if not number:
        return None
    if "cases.show" in current_app.view_functions:
        return url_for("cases.show", number=number)
    return f"/cases/{number}"


def _page(view: TaskView, *, values: Any, errors: list[FieldError] | None = None) -> str:
    schema, ui = view.form_in(reader_language())
    fields = (render_form(schema, ui, values=values, errors=errors,
                          readonly=not view.may_complete, tz=_zone())
              if view.schema else None)
    people = [view.task.assignee, *(h.actor for h in view.history)]
    if view.subject is not None:
        people.append(view.subject.registered_by)
    return render_template("tasks/show.html", view=view, task=view.task, case=view.subject,
                           fields=fields, errors=errors or [], names=display_names(db(), people),
                           roles=role_names(db(), chinese=reads_chinese()),
                           viewer=signed_in_viewer(),
                           case_link=case_url(view.subject.number if view.subject else None))


def _done_elsewhere(task_id: str, form: MultiDict[str, str] | None) -> ResponseReturnValue:
    """Someone completed the task first: say who, and keep what this person typed."""
    completion = completion_of(db(), system().rt, task_id)
    entered = None
    if form is not None and completion is not None and completion.schema is not None:
        schema, ui = completion.form_in(reader_language())
        entered = render_form(schema, ui, values=form, readonly=True, tz=_zone())
    typed = [(k, v) for k, v in (form or MultiDict()).items(multi=True)
             if k not in ("csrf_token", "action") and v.strip()]
    return render_template("tasks/done_elsewhere.html", message=completed_message(task_id),
                           completion=completion, entered=entered,
                           typed=typed if entered is None else []), 409


def _zone() -> str:
    return system().settings.timezone
