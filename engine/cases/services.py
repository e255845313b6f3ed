"""Service tasks of the owner case: work orders, replies and letters, the archive."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from sqlalchemy import event, select
from sqlalchemy.orm import Session

from engine.cases.models import ArchiveEntry, Case, CaseRecord, ReplyLetter, WorkOrder
from engine.cases.registration import contact_directory
from engine.common import audit
from engine.common.errors import FieldError, FormInvalid, LiaisonError, NotFound, ScriptError
from engine.common.numbering import next_number
from engine.workflow.extensions import CompletedStep
from engine.workflow.unit_of_work import current

# Where the archive finds the handling method, in the order the steps happen.
METHOD_KEYS = ("handling_method", "notified_party", "rectification_notes", "explanation",
               "supervisor_instruction", "superior_instruction", "praise_passed_on",
               "suggestion_reasons", "final_position")


def create_work_order(department: str, description: str, case_id: int | None = None
                      ) -> dict[str, Any]:
    """Dispatch a work order; a routine repair's has no case behind it, so no case record."""
    work = current()
    now = work.rt.clock.now()
    order = WorkOrder(number=next_number(work.session, "W", now.year), case_id=case_id,
                      department=department, description=description, dispatched_at=now)
    work.session.add(order)
    work.session.flush()
    if case_id is not None:
        _record(work.session, case_id, "work_order_dispatched", f"Work order {order.number}",
                {"work_order": order.number, "department": department})
    return {"id": order.id, "number": order.number, "department": department}


def complete_work_order(work_order_id: int, result: str, method: str) -> dict[str, Any]:
    work = current()
    order = work.session.get(WorkOrder, work_order_id)
    if order is None:
        raise ScriptError(f"there is no work order {work_order_id}")
    order.status, order.result, order.method = "done", result, method
    order.completed_at, order.handled_by = work.rt.clock.now(), work.actor
    return {"id": order.id, "number": order.number, "status": order.status}


def record_reply(case_id: int, channel: str, text: str, letter_text: str = "") -> dict[str, Any]:
    """Note the reply to the complainant; a letter case gets its printable reply letter."""
    work = current()
    case = _case(work.session, case_id)
    now = work.rt.clock.now()
    case.first_reply_at = case.first_reply_at or now
    case.replied_by_channel = channel
    letter_id = None
    if channel == "letter":
        letter = ReplyLetter(case_id=case.id, body=letter_text or text,
                             addressee=case.complainant_name, address=case.complainant_address,
                             contacts=contact_directory(work.session), written_by=work.actor,
                             written_at=now)
        work.session.add(letter)
        work.session.flush()
        letter_id = letter.id
    return {"channel": channel, "letter_id": letter_id, "replied_at": now.isoformat()}


def archive_case(case_id: int) -> dict[str, Any]:
    """Archive the handling method and result with every step, and close the case."""
    work = current()
    case = _case(work.session, case_id)
    records = list(work.session.scalars(select(CaseRecord).where(CaseRecord.case_id == case_id)
                                        .order_by(CaseRecord.id)))
    method = _joined(records, METHOD_KEYS)
    result = _joined(records, ("handling_result", "authority_answer", "reply_text"))
    satisfied = next((r.data["satisfied"] for r in reversed(records)
                      if isinstance(r.data.get("satisfied"), bool)), None)
    now = work.rt.clock.now()
    entry = ArchiveEntry(case_id=case_id, archived_at=now, archived_by=work.actor,
                         method=method, result=result, satisfied=satisfied,
                         steps=[{"step": r.step, "kind": r.kind, "actor": r.actor,
                                 "at": r.at.isoformat()} for r in records])
    work.session.add(entry)
    case.status, case.closed_at = "closed", now
    # A work order overtaken by an escalation was never completed; say so instead of "open".
    for order in work.session.scalars(select(WorkOrder).where(WorkOrder.case_id == case_id,
                                                              WorkOrder.status == "open")):
        order.status = "escalated"
    work.session.flush()
    audit.record(work.session, work.rt, kind="case_archived", actor=work.actor,
                 instance_id=work.instance.id, process_id=work.instance.process_id,
                 data={"case_id": case_id, "archive_entry": entry.id})
    return {"archive_entry_id": entry.id, "closed_at": now.isoformat()}


def correct_archive_entry(session: Session, rt: Any, *, entry_id: int, method: str,
                          result: str, reason: str, actor: str | None) -> ArchiveEntry:
    """Correct an archived handling record by adding an entry that supersedes it."""
    old = session.get(ArchiveEntry, entry_id)
    if old is None:
        raise NotFound(f"no archive entry {entry_id}")
    if not reason.strip():
        raise FormInvalid([FieldError(("reason",), "say why the record is corrected",
                                      "cases.correction_reason_missing")])
    entry = ArchiveEntry(case_id=old.case_id, supersedes_id=old.id, archived_at=rt.clock.now(),
                         archived_by=actor, method=method, result=result,
                         satisfied=old.satisfied, steps=old.steps, correction_reason=reason)
    session.add(entry)
    session.flush()
    audit.record(session, rt, kind="archive_corrected", actor=actor,
                 data={"case_id": old.case_id, "supersedes": old.id, "entry": entry.id,
                       "reason": reason})
    return entry


def record_step(session: Session, case_id: int, *, kind: str, step: str, actor: str | None,
                at: Any, data: dict[str, Any]) -> None:
    session.add(CaseRecord(case_id=case_id, at=at, actor=actor, kind=kind, step=step,
                           data=data))


def record_task_step(session: Session, step: CompletedStep) -> None:
    """Every step of a case leaves a written record (seed rule 7)."""
    case_id = step.data.get("case_id")
    if isinstance(case_id, int):
        record_step(session, case_id, kind="task", step=step.task.title, actor=step.actor,
                    at=step.at, data={"element_id": step.task.element_id, **step.submitted})


def _record(session: Session, case_id: int, kind: str, step: str, data: dict[str, Any]) -> None:
    work = current()
    record_step(session, case_id, kind=kind, step=step, actor=work.actor,
                at=work.rt.clock.now(), data=data)


def _case(session: Session, case_id: int) -> Case:
    case = session.get(Case, case_id)
    if case is None:
        raise ScriptError(f"there is no case {case_id}")
    return case


def _joined(records: list[CaseRecord], keys: tuple[str, ...]) -> str:
    parts: list[str] = []
    for record in records:
        for key in keys:
            value = record.data.get(key)
            if isinstance(value, str) and value.strip() and value.strip() not in parts:
                parts.append(value.strip())
    return "; ".join(parts)


CASE_SERVICES: dict[str, Callable[..., Any]] = {
    "create_work_order": create_work_order,
    "complete_work_order": complete_work_order,
    "record_reply": record_reply,
    "archive_case": archive_case,
}


@event.listens_for(ArchiveEntry, "before_update")
@event.listens_for(ArchiveEntry, "before_delete")
def _archive_is_immutable(_mapper: Any, _connection: Any, entry: ArchiveEntry) -> None:
    raise LiaisonError(f"archive entry {entry.id} is never changed; add a correcting entry")
