"""One return visit: what the visitor sees, what they record, and a dissatisfied owner's case.

A visit is reached when one of its (at most three) attempts reached the owner;
three failed attempts make it unreachable. A dissatisfied owner's case reopens
and goes back to the department that did the job; an order with no case behind
it (a routine repair) gets a new case, linked from the visit.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from engine.cases.models import Case
from engine.cases.registration import (
    OWNER_CASE,
    REOPENED_BY_VISIT,
    Complainant,
    register_case,
    start_data,
)
from engine.cases.services import record_step
from engine.common import audit
from engine.common.errors import FieldError, FormInvalid, NotFound
from engine.directory.models import Estate, User
from engine.return_visits.models import METHODS, SATISFACTION, CallScript, ReturnVisit
from engine.return_visits.rounds import VISIT_PROCESS, VISITS_DONE_MESSAGE
from engine.workflow.instances import start_instance
from engine.workflow.messages import deliver_message
from engine.workflow.runtime import Runtime

__all__ = ["ATTEMPTS", "call_script", "look_up_visit", "record_visit",
           "reopen_for_visit", "visit_of", "visit_problems"]

ATTEMPTS = 3


def visit_of(session: Session, visit_id: object) -> ReturnVisit:
    visit = session.get(ReturnVisit, visit_id) if isinstance(visit_id, int) else None
    if visit is None:
        raise NotFound(f"there is no return visit {visit_id}",
                       message_code="return_visits.unknown_visit", params={"id": str(visit_id)})
    return visit


def call_script(session: Session, estate_id: int | None) -> str:
    """The estate's script as its supervisor wrote it; empty until one is written."""
    script = session.get(CallScript, estate_id) if estate_id is not None else None
    return script.text if script is not None else ""


def _estate_of(session: Session, case: Case | None) -> int | None:
    if case is not None and case.estate_id is not None:
        return case.estate_id
    return session.scalars(select(Estate.id).order_by(Estate.id)).first()


def look_up_visit(session: Session, visit_id: int) -> dict[str, Any]:
    """What the visit's form shows: the order, who did what and when, whom to call, the script."""
    visit = visit_of(session, visit_id)
    order = visit.work_order
    case = session.get(Case, order.case_id) if order.case_id is not None else None
    owner = case.unit.owners[0] if case is not None and case.unit and case.unit.owners else None
    handler = session.scalars(select(User.display_name)
                              .where(User.username == order.handled_by)).first()
    return {
        "order_number": order.number,
        "case_number": case.number if case is not None else "",
        "unit": case.unit.label if case is not None and case.unit is not None else "",
        "owner": case.complainant_name if case is not None else (owner.name if owner else ""),
        "phone": case.complainant_phone if case is not None else "",
        "reported": case.description if case is not None else order.description,
        "department": order.department,
        "handled_by": handler or order.handled_by or "",
        "dispatched_at": order.dispatched_at.isoformat(),
        "completed_at": order.completed_at.isoformat() if order.completed_at else None,
        "handling": order.method,
        "call_script": call_script(session, _estate_of(session, case)),
        "estate_id": _estate_of(session, case),
    }


def _attempts(submitted: Mapping[str, Any]) -> list[tuple[int, object, object]]:
    return [(n, submitted.get(f"attempt_{n}_at"), submitted.get(f"attempt_{n}_reached"))
            for n in range(1, ATTEMPTS + 1)]


def visit_problems(session: Session, data: Mapping[str, Any],
                   submitted: Mapping[str, Any]) -> list[FieldError]:
    """The attempts in order, the last one reached or three failed; a reached owner rated."""
    del session, data
    errors: list[FieldError] = []
    given = [(n, at, reached) for n, at, reached in _attempts(submitted) if at]
    numbers = [n for n, _, _ in given]
    if not given:
        return [FieldError(("attempt_1_at",), "record when you first tried to reach the owner",
                           code="return_visits.first_attempt")]
    if numbers != list(range(1, len(given) + 1)):
        missing = next(n for n in range(1, ATTEMPTS + 1) if n not in numbers)
        errors.append(FieldError((f"attempt_{missing}_at",), "record the attempts in order, "
                                 "without a gap", code="return_visits.attempt_gap"))
    times = [str(at) for _, at, _ in given]
    if times != sorted(times):
        errors.append(FieldError((f"attempt_{given[-1][0]}_at",), "each attempt comes after the "
                                 "one before", code="return_visits.attempt_order"))
    reached = [n for n, _, hit in given if hit is True]
    if reached and reached[0] != given[-1][0]:
        errors.append(FieldError((f"attempt_{reached[0] + 1}_at",), "the owner was reached at "
                                 "an earlier attempt; leave the later ones empty",
                                 code="return_visits.after_reached"))
    satisfaction = submitted.get("satisfaction")
    if reached and satisfaction not in SATISFACTION:
        errors.append(FieldError(("satisfaction",), "the owner was reached: record how "
                                 "satisfied they are", code="return_visits.rate"))
    if not reached and len(given) < ATTEMPTS:
        errors.append(FieldError((f"attempt_{len(given) + 1}_at",), "the owner was not reached "
                                 "yet: save a draft and try again, or record three attempts",
                                 code="return_visits.try_again", params={"attempts": ATTEMPTS}))
    if not reached and satisfaction:
        errors.append(FieldError(("satisfaction",), "the owner was not reached, so there is no "
                                 "rating to record", code="return_visits.no_rating"))
    if satisfaction == "dissatisfied" and not str(submitted.get("remarks") or "").strip():
        errors.append(FieldError(("remarks",), "write down what the owner is dissatisfied with",
                                 code="return_visits.remarks_needed"))
    if submitted.get("visit_method") not in METHODS:
        errors.append(FieldError(("visit_method",), "choose how the visit was made",
                                 code="return_visits.method"))
    return errors


def record_visit(session: Session, rt: Runtime, *, visit_id: int, method: str,
                 attempts: Sequence[Mapping[str, Any]], satisfaction: str | None, remarks: str,
                 spoken_to: str, actor: str | None) -> ReturnVisit:
    """Write the visit down; the last visit of the round tells the round it may close.

    Whoever did the job does not check it: a handler who claimed the visit after its
    visitor released it is refused, and nothing is written.
    """
    visit = visit_of(session, visit_id)
    if actor is not None and actor == visit.handled_by:
        raise FormInvalid([FieldError((), "you handled this work order; someone else visits "
                                      "the owner about it", code="return_visits.own_order")])
    tried = [{"at": str(a["at"]), "reached": a.get("reached") is True}
             for a in attempts if a.get("at")]
    reached = any(a["reached"] for a in tried)
    visit.method, visit.attempts = method, tried
    visit.state = "visited" if reached else "unreachable"
    visit.satisfaction = satisfaction if reached else None
    visit.remarks, visit.spoken_to = (remarks or "").strip(), (spoken_to or "").strip()
    visit.recorded_by, visit.recorded_at = actor, rt.clock.now()
    session.flush()
    audit.record(session, rt, kind="return_visit_recorded", actor=actor,
                 instance_id=visit.instance_id, process_id=VISIT_PROCESS,
                 data={"visit_id": visit.id, "state": visit.state,
                       "satisfaction": visit.satisfaction})
    still_open = session.scalars(select(ReturnVisit.id).where(
        ReturnVisit.round_id == visit.round_id, ReturnVisit.state == "open")).first()
    if still_open is None and visit.round.instance_id is not None \
            and visit.round.state == "open":
        deliver_message(session, rt, instance_id=visit.round.instance_id,
                        name=VISITS_DONE_MESSAGE, actor=actor)
    return visit


def reopen_for_visit(session: Session, rt: Runtime, *, visit_id: int,
                     actor: str | None) -> Case:
    """Give the job back to its department: the order's case reopens, or a new case is raised."""
    visit = visit_of(session, visit_id)
    order = visit.work_order
    words = visit.remarks or "-"
    handling = {"reopened_department": order.department,
                "return_visit": {"visit_id": visit.id, "work_order": order.number,
                                 "remarks": words}}
    case = session.get(Case, order.case_id) if order.case_id is not None else None
    if case is None:
        case = register_case(
            session, rt, channel="return_visit", type="complaint", category="facilities",
            description=f"{order.number}: {words}", reply_channel="phone",
            complainant=Complainant(name=visit.spoken_to or "-"),
            estate_id=_estate_of(session, None), actor=actor, start_event=REOPENED_BY_VISIT,
            extra_data=handling)
    else:
        case.status, case.closed_at = "open", None
        data = {**start_data(case, case.unit), **handling,
                "description": f"{case.description}\n\n{words}"}
        case.instance_id = start_instance(session, rt, process_id=OWNER_CASE, actor=actor,
                                          business_key=case.number,
                                          start_event=REOPENED_BY_VISIT, data=data).id
    record_step(session, case.id, kind="reopened_by_return_visit", step="Return visit",
                actor=actor, at=rt.clock.now(),
                data={"work_order": order.number, "remarks": words,
                      "satisfaction": visit.satisfaction})
    visit.reopened_case_id = case.id
    session.flush()
    return case


