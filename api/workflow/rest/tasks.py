"""``/api/v1/tasks``: the inbox, one task with its form, claim, release, assign, complete.

Every answer about one task carries its ``ETag``; a completion sent with
``If-Match`` is refused with 412 once the task has changed. Without
``If-Match`` only the ready-state check decides (200, or 409 if it was done).
"""

from __future__ import annotations

from collections.abc import Collection
from typing import Any
from uuid import UUID

from flask import request
from flask.views import MethodView

from api.rest import Resource
from api.rest.access import current_viewer, requires
from api.rest.schemas.common import ErrorRead
from api.web.database import db, system
from api.web.i18n import reader_language
from api.workflow.schemas.tasks import (
    CompletionRead,
    TaskAssignCreate,
    TaskCompleteCreate,
    TaskListArgs,
    TaskPageRead,
    TaskRead,
    TaskSummaryRead,
)
from engine.workflow.tasks.assignment import claim_task, reassign_task, release_task
from engine.workflow.tasks.inbox import TaskFilters, TaskPage, TaskSummary, list_tasks
from engine.workflow.tasks.versions import Completion, complete_task_at_version, task_version
from engine.workflow.tasks.view import open_task
from engine.workflow.viewer import SUPERVISOR

blueprint = Resource("tasks", __name__, path="/tasks",
                     description="Open tasks: list, read with the form, claim, release, "
                                 "assign, complete.")

TASK = "/<uuid:task_id>"
ETAG = {"ETag": {"description": "the task's version; send it back in If-Match",
                 "schema": {"type": "string"}}}
IF_MATCH = {"in": "header", "name": "If-Match", "required": False, "schema": {"type": "string"},
            "description": "the ETag the task was read with: a changed task answers 412"}
Headers = dict[str, str]


@blueprint.route("")
class Tasks(MethodView):
    @blueprint.arguments(TaskListArgs, location="query")
    @blueprint.response(200, TaskPageRead)
    def get(self, args: dict[str, Any]) -> TaskPage:
        """List open tasks in a scope, filtered, sorted and paged"""
        filters = TaskFilters(process_id=args.get("process_id"), category=args.get("category"),
                              building=args.get("building"), due=args.get("due"),
                              text=args.get("text"), day_zone=system().rt.office_zone)
        return list_tasks(db(), viewer=current_viewer(), scope=args["scope"], filters=filters,
                          sort=args["sort"], page=args["page"], per_page=args["per_page"],
                          now=system().rt.clock.now())


@blueprint.route(TASK)
class Task(MethodView):
    @blueprint.response(200, TaskRead, headers=ETAG)
    def get(self, task_id: UUID) -> tuple[dict[str, Any], Headers]:
        """Read a task with its form as `{"schema", "ui"}`, its data and its case

        The form's titles, descriptions and choice labels are in the caller's
        language (`Accept-Language`: Chinese or English)."""
        view = open_task(db(), system().rt, task_id=str(task_id), viewer=current_viewer())
        schema, ui = view.form_in(reader_language())
        form = {"name": view.form, "schema": schema, "ui": ui} if view.form else None
        return ({"task": view.task, "form": form, "data": view.data, "values": view.values,
                 "case": view.subject, "history": view.history, "may_complete": view.may_complete},
                _etag(task_id))


@blueprint.route(f"{TASK}/claim")
class Claim(MethodView):
    @blueprint.response(200, TaskSummaryRead, headers=ETAG)
    def post(self, task_id: UUID) -> tuple[TaskSummary, Headers]:
        """Take an unassigned task of one's role"""
        return claim_task(db(), system().rt, task_id=str(task_id), viewer=current_viewer()), \
            _etag(task_id)


@blueprint.route(f"{TASK}/release")
class Release(MethodView):
    @blueprint.response(200, TaskSummaryRead, headers=ETAG)
    def post(self, task_id: UUID) -> tuple[TaskSummary, Headers]:
        """Give a claimed task back to its role"""
        return release_task(db(), system().rt, task_id=str(task_id), viewer=current_viewer()), \
            _etag(task_id)


@blueprint.route(f"{TASK}/assign")
class Assign(MethodView):
    @requires(SUPERVISOR)
    @blueprint.arguments(TaskAssignCreate)
    @blueprint.response(200, TaskSummaryRead, headers=ETAG)
    def post(self, body: dict[str, Any], task_id: UUID) -> tuple[TaskSummary, Headers]:
        """Hand a task to a named user of its estate (one without its role: `despite_role`)"""
        return reassign_task(db(), system().rt, task_id=str(task_id), viewer=current_viewer(),
                             to=body["assignee"], despite_role=body["despite_role"]), \
            _etag(task_id)


@blueprint.route(f"{TASK}/complete")
class Complete(MethodView):
    @blueprint.doc(parameters=[IF_MATCH])
    @blueprint.arguments(TaskCompleteCreate)
    @blueprint.response(200, CompletionRead)
    @blueprint.alt_response(409, schema=ErrorRead, description="the task is no longer "
                            "ready, or an incident stopped its case (`case_stopped`)")
    @blueprint.alt_response(412, schema=ErrorRead, description="If-Match names an old version")
    @blueprint.alt_response(422, schema=ErrorRead, description="field errors in `errors`")
    def post(self, body: dict[str, Any], task_id: UUID) -> Completion:
        """Complete a task with its form's data and run the process on"""
        viewer = current_viewer()
        return complete_task_at_version(db(), system().rt, task_id=str(task_id),
                                        data=body["data"], actor=viewer.username,
                                        roles=set(viewer.roles), versions=_if_match())


def _etag(task_id: UUID) -> Headers:
    return {"ETag": f'"{task_version(db(), str(task_id))}"'}


def _if_match() -> Collection[str] | None:
    """The versions If-Match accepts; None without the header or with ``*``."""
    if not request.headers.get("If-Match") or request.if_match.star_tag:
        return None
    return request.if_match.as_set()  # strong comparison: a weak tag never matches
