"""The staff inbox: open tasks by scope, filtered, sorted and paged, with the tab counts.

Everything here reads the indexed ``human_tasks`` table; no workflow is
loaded and no instance state is joined, so a page costs the same at 100,000
instances as at ten. Only the page's own instances are looked up, by primary
key, to mark the tasks an incident has stopped.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import datetime, timedelta, tzinfo
from typing import Any, Literal, get_args

from sqlalchemy import ColumnElement, Select, and_, func, or_, select, true, union_all
from sqlalchemy.orm import Session, aliased

from engine.common.clock import office_zone
from engine.common.errors import FieldError, FormInvalid, PermissionDenied
from engine.common.paging import Page
from engine.workflow.models import HumanTask, ProcessInstance
from engine.workflow.viewer import Viewer

Scope = Literal["mine", "roles", "all"]
DueState = Literal["overdue", "due_today", "no_due"]
Sort = Literal["due", "-due", "offered", "-offered"]

MAX_PER_PAGE = 100


@dataclass(frozen=True)
class TaskFilters:
    """What the inbox may be narrowed to; ``None`` leaves a filter off."""

    process_id: str | None = None
    category: str | None = None
    building: str | None = None
    due: DueState | None = None
    text: str | None = None  # part of the case number or of the task title
    day_zone: tzinfo = field(default_factory=office_zone)  # "due today" ends at its midnight


@dataclass(frozen=True)
class TaskSummary:
    """One inbox row."""

    id: str
    instance_id: int
    process_id: str
    element_id: str
    title: str
    role: str | None
    assignee: str | None
    case_id: int | None
    case_number: str | None
    subject_label: str | None  # what a task that is not a case's works on (unit, work order)
    category: str | None
    building: str | None
    estate_id: int | None
    offered_at: datetime
    due_at: datetime | None
    overdue: bool
    claimed_at: datetime | None
    blocked: bool = False  # an incident stopped its instance: nobody may complete it now

    @classmethod
    def of(cls, row: HumanTask, now: datetime, *, blocked: bool = False) -> TaskSummary:
        return cls(id=row.id, instance_id=row.instance_id, process_id=row.process_id,
                   element_id=row.element_id, title=row.title, role=row.role,
                   assignee=row.assignee, case_id=row.case_id, case_number=row.case_number,
                   subject_label=row.subject_label, category=row.category,
                   building=row.building, estate_id=row.estate_id,
                   offered_at=row.created_at, due_at=row.due_at,
                   overdue=row.due_at is not None and row.due_at < now,
                   claimed_at=row.claimed_at, blocked=blocked)


def summaries_of(session: Session, rows: Iterable[HumanTask], now: datetime
                 ) -> list[TaskSummary]:
    """Summarise task rows, marking those whose instance an incident stopped."""
    rows = list(rows)
    ids = {row.instance_id for row in rows}
    stopped = set(session.scalars(select(ProcessInstance.id).where(
        ProcessInstance.id.in_(ids), ProcessInstance.status == "error"))) if ids else set()
    return [TaskSummary.of(row, now, blocked=row.instance_id in stopped) for row in rows]


def summary_of(session: Session, row: HumanTask, now: datetime) -> TaskSummary:
    return summaries_of(session, [row], now)[0]


TaskPage = Page[TaskSummary]


@dataclass(frozen=True)
class InboxCounts:
    """The tab badges; ``all`` is None for viewers who may not see every task."""

    mine: int
    roles: int
    all: int | None
    overdue: int  # in the widest scope the viewer may see


def list_tasks(session: Session, *, viewer: Viewer, scope: Scope = "roles",
               filters: TaskFilters | None = None, sort: Sort = "due", page: int = 1,
               per_page: int = 25, now: datetime) -> TaskPage:
    """Return one page of the viewer's open tasks in ``scope``."""
    _check_choice("scope", scope, Scope)
    _check_choice("sort", sort, Sort)
    page, per_page = max(1, page), min(max(1, per_page), MAX_PER_PAGE)
    task, visible = _visible(viewer, scope, _filter_clauses(filters or TaskFilters(), now))
    total = _count(session, visible)
    rows: Iterable[HumanTask] = session.scalars(visible.order_by(*_ordering(sort, task))
                                                .offset((page - 1) * per_page).limit(per_page))
    return TaskPage(summaries_of(session, rows, now), total, page, per_page)


def inbox_counts(session: Session, *, viewer: Viewer, now: datetime) -> InboxCounts:
    """Count the tasks behind each tab with one cheap COUNT each."""
    widest: Scope = "all" if viewer.is_supervisor else "roles"

    def count(scope: Scope, *extra: ColumnElement[bool]) -> int:
        return _count(session, _visible(viewer, scope, list(extra))[1])

    return InboxCounts(
        mine=count("mine"), roles=count("roles"),
        all=count("all") if viewer.is_supervisor else None,
        overdue=count(widest, HumanTask.due_at < now))


def estate_clause(viewer: Viewer) -> ColumnElement[bool]:
    """Tasks of the viewer's estate and of no estate; every task for company-wide staff."""
    if viewer.estate_id is None:
        return true()
    return or_(HumanTask.estate_id == viewer.estate_id, HumanTask.estate_id.is_(None))


def _visible(viewer: Viewer, scope: Scope, extra: list[ColumnElement[bool]]
             ) -> tuple[Any, Select[Any]]:
    """The tasks the viewer may see in ``scope`` that pass ``extra``: the entity to sort
    by, and the query.

    One OR over assignee, role and estate defeats every index, so the inbox would read
    every open task of the company. Instead each branch of the scope matches one index,
    the branches never overlap, and their rows are put together as they are: the inbox
    reads only the tasks the viewer may see, however many other estates have.
    """
    branches = [select(HumanTask).where(branch, *extra)
                for branch in _scope_branches(viewer, scope)]
    if len(branches) == 1:
        return HumanTask, branches[0]
    task = aliased(HumanTask, union_all(*branches).subquery("visible"))
    return task, select(task)


def _scope_branches(viewer: Viewer, scope: Scope) -> list[ColumnElement[bool]]:
    """Conditions that together are the scope, no task matching two of them."""
    mine = HumanTask.assignee == viewer.username
    if scope == "mine":
        return [mine]  # what I hold I may see, whatever its estate
    if scope == "all" and not viewer.is_supervisor:
        raise PermissionDenied("only supervisors see every task")
    if scope == "all" and viewer.estate_id is None:
        return [true()]
    estates = ([HumanTask.estate_id.is_(None)] if viewer.estate_id is None else
               [HumanTask.estate_id == viewer.estate_id, HumanTask.estate_id.is_(None)])
    if scope == "all":
        others = HumanTask.assignee.is_distinct_from(viewer.username)
        return [mine, *(and_(others, estate) for estate in estates)]
    unassigned = HumanTask.assignee.is_(None)
    roles = [HumanTask.role.in_(sorted(viewer.roles)), HumanTask.role.is_(None)]
    if viewer.estate_id is None:
        return [mine, *(and_(unassigned, role) for role in roles)]
    return [mine, *(and_(unassigned, estate, or_(*roles)) for estate in estates)]


def _filter_clauses(filters: TaskFilters, now: datetime) -> list[ColumnElement[bool]]:
    clauses: list[ColumnElement[bool]] = []
    for column, value in ((HumanTask.process_id, filters.process_id),
                          (HumanTask.category, filters.category),
                          (HumanTask.building, filters.building)):
        if value:
            clauses.append(column == value)
    if filters.due is not None:
        _check_choice("due", filters.due, DueState)
        clauses.append(_due_clause(filters.due, now, filters.day_zone))
    text = (filters.text or "").strip()
    if text:
        pattern = "%" + text.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_") + "%"
        clauses.append(or_(HumanTask.case_number.ilike(pattern, escape="\\"),
                           HumanTask.subject_label.ilike(pattern, escape="\\"),
                           HumanTask.title.ilike(pattern, escape="\\")))
    return clauses


def _due_clause(due: DueState, now: datetime, zone: tzinfo) -> ColumnElement[bool]:
    if due == "overdue":
        return HumanTask.due_at < now
    if due == "no_due":
        return HumanTask.due_at.is_(None)
    local = now.astimezone(zone)
    midnight = (local + timedelta(days=1)).replace(hour=0, minute=0, second=0, microsecond=0)
    return and_(HumanTask.due_at >= now, HumanTask.due_at < midnight)


def _ordering(sort: Sort, task: Any = HumanTask) -> list[Any]:
    descending = sort.startswith("-")
    if sort.endswith("offered"):
        # No NULLS LAST here: offered time is never null, and PostgreSQL then walks its index.
        offered = task.created_at.desc() if descending else task.created_at.asc()
        return [offered, task.id.asc()]
    due = task.due_at.desc() if descending else task.due_at.asc()
    # Ties break on offered time then id, so paging never repeats or skips a row.
    return [due.nulls_last(), task.created_at.asc(), task.id.asc()]


def _count(session: Session, visible: Select[Any]) -> int:
    return session.scalar(select(func.count()).select_from(visible.subquery())) or 0


def _check_choice(field: str, value: object, choices: Any) -> None:
    allowed = get_args(choices)
    if value not in allowed:
        raise FormInvalid([FieldError((field,), f"must be one of: {', '.join(allowed)}")])
