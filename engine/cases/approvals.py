"""Escalations waiting for a supervisor (process P2, task ``supervisor_review``).

Approving, returning or resolving one is an ordinary completion of its task
(``engine.workflow.tasks.complete.complete_task``) with the form
``forms/escalation/supervisor_review.schema.json``:

- ``supervisor_decision="pass_up"``: the superior decides (task
  ``superior_decide``, role ``superior``): an instruction, a referral to the
  competent authority or the final position (``engine/cases/outcomes.py``);
- ``supervisor_decision="return"`` with ``supervisor_instruction``: the case
  goes back to customer service's triage, the instruction in
  ``escalation_instruction``;
- ``supervisor_decision="resolve"`` with ``supervisor_instruction``: customer
  service carries the instruction out (task ``carry_out_instruction``).

A supervisor who does not act within ``supervisor_limit`` (PT4H by default)
is escalated past: the boundary timer hands the case to the superior.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta
from uuid import UUID

from sqlalchemy import select
from sqlalchemy.orm import Session

from engine.common.errors import PermissionDenied
from engine.workflow.instances import load_workflow
from engine.workflow.models import HumanTask, ProcessInstance
from engine.workflow.runtime import Runtime
from engine.workflow.tasks.inbox import estate_clause
from engine.workflow.viewer import Viewer

ESCALATION = "escalation"
REVIEW = "supervisor_review"


@dataclass(frozen=True)
class PendingApproval:
    task_id: str
    case_id: int | None
    case_number: str | None
    category: str | None
    building: str | None
    reason: str            # the handler's reason, or the rule's, for escalating
    assignee: str | None
    offered_at: datetime
    due_at: datetime | None
    overdue: bool
    waited: timedelta


def pending_approvals(session: Session, rt: Runtime, *, viewer: Viewer
                      ) -> list[PendingApproval]:
    """Open escalation reviews of the viewer's estate, oldest first."""
    if not viewer.is_supervisor:
        raise PermissionDenied("only supervisors review escalations")
    rows = list(session.scalars(
        select(HumanTask).where(HumanTask.process_id == ESCALATION,
                                HumanTask.element_id == REVIEW, estate_clause(viewer))
        .order_by(HumanTask.created_at, HumanTask.id)))
    reasons = _reasons(session, rt, rows)
    now = rt.clock.now()
    return [PendingApproval(task_id=r.id, case_id=r.case_id, case_number=r.case_number,
                            category=r.category, building=r.building,
                            reason=reasons.get(r.id, ""), assignee=r.assignee,
                            offered_at=r.created_at, due_at=r.due_at,
                            overdue=r.due_at is not None and r.due_at < now,
                            waited=now - r.created_at) for r in rows]


def _reasons(session: Session, rt: Runtime, rows: list[HumanTask]) -> dict[str, str]:
    """Read each review's ``escalation_reason`` from its task data.

    The reason is written by triage or by a rule of the diagram (a work order
    far past due, three dissatisfied replies), and only the task data holds
    every kind. The list stays short: an unanswered review moves on after
    ``supervisor_limit``, so one workflow load per waiting review is affordable.
    """
    reasons: dict[str, str] = {}
    for instance_id in dict.fromkeys(r.instance_id for r in rows):
        instance = session.get(ProcessInstance, instance_id)
        if instance is None:
            continue
        workflow = load_workflow(session, rt, instance)
        for row in (r for r in rows if r.instance_id == instance_id):
            task = workflow.get_task_from_id(UUID(row.id))
            reason = task.data.get("escalation_reason") if task is not None else None
            reasons[row.id] = reason if isinstance(reason, str) else ""
    return reasons
