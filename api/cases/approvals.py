"""Supervisor approvals: escalations waiting for a decision, oldest first, each with its form.

The decision form is the review task's own schema (``supervisor_review``), so
what the page accepts is exactly what the process validates.
"""

from __future__ import annotations

import re

from flask import Blueprint, flash, redirect, render_template, request, url_for
from flask.typing import ResponseReturnValue
from flask_babel import gettext
from markupsafe import Markup
from werkzeug.datastructures import MultiDict

from api.web.auth import roles_required, signed_in_viewer
from api.web.database import db, system
from api.web.i18n import N_, reader_language
from api.web.webforms import FieldError, parse_submission, render_form
from api.workflow.pages.assignment import completed_message
from engine.cases.approvals import PendingApproval, pending_approvals
from engine.common.errors import FormInvalid, TaskNotReady
from engine.workflow.tasks.complete import complete_task
from engine.workflow.tasks.view import open_task
from engine.workflow.viewer import SUPERVISOR

__all__ = ["blueprint"]

blueprint = Blueprint("approvals", __name__)

# The engine's schema messages are English; the form's two fields get ours.
MESSAGES = {
    "supervisor_decision": N_("Choose a decision."),
    "supervisor_instruction": N_("Write the instruction for customer service: it is needed "
                                 "when you return or resolve the case."),
}
DONE = {
    "pass_up": N_("Case %(number)s is passed up to the superior."),
    "return": N_("Case %(number)s is returned to customer service with your instruction."),
    "resolve": N_("Case %(number)s is resolved: customer service carries out your instruction."),
}
IDS = re.compile(r'(\b(?:id|for|aria-describedby|aria-labelledby)="|href="#)([^"]*)"')


@blueprint.get("/approvals")
@roles_required(SUPERVISOR)
def index() -> ResponseReturnValue:
    return _page()


@blueprint.post("/approvals/<task_id>")
@roles_required(SUPERVISOR)
def decide(task_id: str) -> ResponseReturnValue:
    session, rt, viewer = db(), system().rt, signed_in_viewer()
    try:
        task = open_task(session, rt, task_id=task_id, viewer=viewer)
        if request.form.get("confirm") != "yes":
            # A decision is taken once and for good: a stray click records nothing.
            return _page(failed=task_id, form=request.form, unconfirmed=True), 422
        data, unreadable = parse_submission(task.schema or {}, request.form)
        if unreadable:
            raise FormInvalid(unreadable)
        complete_task(session, rt, task_id=task_id, data=data, actor=viewer.username,
                      roles=set(viewer.roles))
    except FormInvalid as refused:
        return _page(failed=task_id, form=request.form, errors=refused.errors), 422
    except TaskNotReady:
        return _decided_already(task_id)
    number = task.subject.number if task.subject else ""
    done = DONE.get(str(data.get("supervisor_decision")))
    flash(gettext(done, number=number) if done else gettext("Decision recorded."), "success")
    return redirect(url_for("approvals.index"), 303)


def _page(*, failed: str | None = None, form: MultiDict[str, str] | None = None,
          errors: list[FieldError] | None = None, unconfirmed: bool = False) -> str:
    session, rt, viewer = db(), system().rt, signed_in_viewer()
    waiting = pending_approvals(session, rt, viewer=viewer)
    forms = {a.task_id: _decision_form(a, values=form if a.task_id == failed else None,
                                       errors=errors if a.task_id == failed else None)
             for a in waiting}
    return render_template("approvals/index.html", approvals=waiting, forms=forms,
                           failed=failed, unconfirmed=unconfirmed,
                           confirmed=form is not None and form.get("confirm") == "yes",
                           now=rt.clock.now())


def _decision_form(approval: PendingApproval, *, values: MultiDict[str, str] | None,
                   errors: list[FieldError] | None) -> Markup:
    task = open_task(db(), system().rt, task_id=approval.task_id, viewer=signed_in_viewer())
    words, ui = task.form_in(reader_language())
    schema = {k: v for k, v in words.items() if k != "description"}
    html = render_form(schema, ui, values=values or {},
                       errors=[_worded(e) for e in errors or ()])
    # One page holds a form per escalation: keep each form's ids its own.
    return Markup(IDS.sub(lambda m: f'{m.group(1)}t{approval.task_id[:8]}-{m.group(2)}"',
                          str(html)))


def _worded(error: FieldError) -> FieldError:
    message = MESSAGES.get(error.field)
    return FieldError(error.path, gettext(message)) if message else error


def _decided_already(task_id: str) -> ResponseReturnValue:
    """Someone decided first: say who and when, in the reader's language and office time."""
    db().rollback()
    return render_template("approvals/decided.html", note=completed_message(task_id)), 409
