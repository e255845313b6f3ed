"""The staff inbox: my tasks, my roles' tasks and (supervisors) all, filtered, sorted, paged."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, cast

from flask import Blueprint, render_template, request
from flask.typing import ResponseReturnValue

from api.web.auth import current_user, login_required
from api.web.database import db, system
from api.web.i18n import reads_chinese
from api.web.labels import LABELS
from api.workflow.labels import PROCESSES
from engine.directory.lookups import (
    Person,
    building_codes,
    display_names,
    eligible_assignees,
    role_names,
)
from engine.workflow.tasks.inbox import (
    DueState,
    Scope,
    Sort,
    TaskFilters,
    TaskSummary,
    inbox_counts,
    list_tasks,
)
from engine.workflow.viewer import Viewer

__all__ = ["PER_PAGE", "blueprint"]

PER_PAGE = 25
SCOPES: tuple[Scope, ...] = ("mine", "roles", "all")
SORTS: tuple[Sort, ...] = ("due", "offered")
DUE_STATES: tuple[DueState, ...] = ("overdue", "due_today", "no_due")

blueprint = Blueprint("inbox", __name__)


@dataclass(frozen=True)
class Row:
    """One task as the inbox shows it, with what this viewer may do to it."""

    task: TaskSummary
    may_claim: bool
    may_release: bool
    assignees: list[Person]  # whom a supervisor may hand it to; empty for everyone else
    others: list[Person]     # the estate's other staff: offered too, with a warning


@blueprint.get("/inbox")
@login_required
def index() -> ResponseReturnValue:
    user = current_user()
    assert user is not None  # login_required
    viewer, now, args = Viewer.of(user), system().rt.clock.now(), request.args
    scope = cast(Scope, _choice(args.get("scope"), SCOPES, "roles"))
    filters = TaskFilters(
        process_id=args.get("process") or None, category=args.get("category") or None,
        building=args.get("building") or None,
        due=cast(DueState | None, _choice(args.get("due"), DUE_STATES, None)),
        day_zone=system().rt.office_zone)
    sort = cast(Sort, _choice(args.get("sort"), SORTS, "due"))
    page = list_tasks(db(), viewer=viewer, scope=scope, filters=filters, sort=sort,
                      page=_page_number(args.get("page")), per_page=PER_PAGE, now=now)
    counts = inbox_counts(db(), viewer=viewer, now=now)
    rows = _rows(page.items, viewer)
    return render_template(
        "inbox/index.html", page=page, rows=rows, counts=counts, scope=scope, sort=sort,
        filters=filters, filtered=any((filters.process_id, filters.category, filters.building,
                                       filters.due)),
        viewer=viewer, names=display_names(db(), (t.assignee for t in page.items)),
        roles=role_names(db(), chinese=reads_chinese()), choices=_filter_choices(viewer),
        query=_query(args))


def _rows(tasks: list[TaskSummary], viewer: Viewer) -> list[Row]:
    # A page holds a handful of (role, estate) pairs: ask for each pair's people once.
    people: dict[tuple[str | None, int | None], tuple[list[Person], list[Person]]] = {}
    rows = []
    for task in tasks:
        supervises = viewer.is_supervisor and viewer.sees_estate(task.estate_id)
        offered = viewer.sees_estate(task.estate_id) and (task.role is None
                                                          or task.role in viewer.roles)
        key = (task.role, task.estate_id)
        if supervises and key not in people:
            people[key] = _assignable(task.role, task.estate_id)
        holders, others = people[key] if supervises else ([], [])
        rows.append(Row(task=task, may_claim=task.assignee is None and offered,
                        may_release=task.assignee is not None
                        and (task.assignee == viewer.username or supervises),
                        assignees=holders, others=others))
    return rows


def _assignable(role: str | None, estate_id: int | None) -> tuple[list[Person], list[Person]]:
    """Who holds the task's role, and everyone else of the estate (covering is normal)."""
    holders = eligible_assignees(db(), role=role, estate_id=estate_id)
    if role is None:
        return holders, []
    named = {p.username for p in holders}
    return holders, [p for p in eligible_assignees(db(), role=None, estate_id=estate_id)
                     if p.username not in named]


def _filter_choices(viewer: Viewer) -> dict[str, Any]:
    return {"processes": list(PROCESSES), "categories": list(LABELS["category"]),
            "buildings": building_codes(db(), estate_id=viewer.estate_id),
            "due": DUE_STATES}


def _query(args: Any) -> dict[str, str]:
    """The filters and sort as given, to carry into tab, sort and paging links."""
    keys = ("scope", "process", "category", "building", "due", "sort")
    return {key: args[key] for key in keys if args.get(key)}


def _choice(value: str | None, allowed: tuple[str, ...], default: str | None) -> str | None:
    # "all" is passed on even to those who may not see it: the engine answers 403.
    return value if value in allowed else default


def _page_number(value: str | None) -> int:
    try:
        return max(1, int(value or 1))
    except ValueError:
        return 1
