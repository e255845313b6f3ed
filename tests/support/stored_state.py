"""Read every stored instance back and check that its parts agree with one another.

An instance is stored three ways in one transaction: SpiffWorkflow's state,
the tables derived from it (open tasks, timers) and the audit log. After a
crash they must still tell one story: a change is in all three or in none.
"""

from __future__ import annotations

from collections import Counter, defaultdict
from dataclasses import dataclass, field
from typing import Any

from SpiffWorkflow.task import TaskState
from sqlalchemy import select

from engine.common.audit import AuditEvent
from engine.system import System
from engine.workflow.derived import timer_due
from engine.workflow.instances import load_workflow
from engine.workflow.models import HumanTask, ProcessInstance, Timer


@dataclass
class StoredState:
    """What the database holds about every instance, and where it disagrees with itself."""

    problems: list[str] = field(default_factory=list)
    statuses: dict[int, str] = field(default_factory=dict)
    # User task id -> the task's data as the stored state has it, once completed.
    completed: dict[str, dict[str, Any]] = field(default_factory=dict)
    open: set[str] = field(default_factory=set)  # user task ids the state holds ready


def read_back(system: System) -> StoredState:
    """Deserialise every instance and compare it with its derived rows and audit events."""
    found = StoredState()
    with system.sessions() as session:
        rows: dict[int, set[str]] = defaultdict(set)
        for task_id, instance_id in session.execute(
                select(HumanTask.id, HumanTask.instance_id)):
            rows[instance_id].add(task_id)
        timers: dict[int, Counter[str]] = defaultdict(Counter)
        for task_id, instance_id in session.execute(select(Timer.task_id, Timer.instance_id)):
            timers[instance_id][task_id] += 1
        done: dict[int, Counter[str]] = defaultdict(Counter)
        for event in session.scalars(select(AuditEvent)
                                     .where(AuditEvent.kind == "task_completed")):
            done[event.instance_id or 0][event.task_id or ""] += 1
        for instance in session.scalars(select(ProcessInstance).order_by(ProcessInstance.id)):
            found.statuses[instance.id] = instance.status
            try:
                workflow = load_workflow(session, system.rt, instance)
            except Exception as error:  # a state that no longer loads is the finding itself
                found.problems.append(f"instance {instance.id}: state does not load: {error!r}")
                continue
            ready = {str(t.id) for t in workflow.get_tasks(state=TaskState.READY, manual=True)}
            finished = {str(t.id): t.data for t in
                        workflow.get_tasks(state=TaskState.COMPLETED, manual=True)}
            waiting = Counter(str(t.id) for t in workflow.get_tasks(state=TaskState.WAITING)
                              if timer_due(t, system.rt.clock.now()) is not None)
            found.open |= ready
            found.completed.update(finished)
            found.problems += _disagreements(
                instance.id, status=instance.status, finished_flow=workflow.completed,
                ready=ready, rows=rows[instance.id], finished=set(finished),
                audited=done[instance.id], waiting=waiting, timers=timers[instance.id])
    return found


def _disagreements(instance_id: int, *, status: str, finished_flow: bool, ready: set[str],
                   rows: set[str], finished: set[str], audited: Counter[str],
                   waiting: Counter[str], timers: Counter[str]) -> list[str]:
    where = f"instance {instance_id}"
    problems = []
    if ready != rows:
        problems.append(f"{where}: ready in the state but not open in human_tasks: "
                        f"{sorted(ready - rows)}; open but not ready: {sorted(rows - ready)}")
    if finished != set(audited):
        problems.append(f"{where}: completed without an audit event: "
                        f"{sorted(finished - set(audited))}; audited but not completed: "
                        f"{sorted(set(audited) - finished)}")
    twice = sorted(task for task, count in audited.items() if count > 1)
    if twice:
        problems.append(f"{where}: completed more than once: {twice}")
    if waiting != timers:
        problems.append(f"{where}: timers in the state {dict(waiting)} but in the timers "
                        f"table {dict(timers)}")
    if finished_flow != (status == "completed"):
        problems.append(f"{where}: status {status!r} but the workflow "
                        f"{'has' if finished_flow else 'has not'} finished")
    return problems
