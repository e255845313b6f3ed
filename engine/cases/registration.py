"""Register owner cases from any channel and start their handling (process P1)."""

from __future__ import annotations

from collections.abc import Mapping, Set
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from engine.cases.models import CASE_TYPES, CATEGORIES, CHANNELS, REPLY_CHANNELS, URGENCIES, Case
from engine.common import audit
from engine.common.errors import FieldError, FormInvalid
from engine.common.numbering import next_number, tracking_code
from engine.directory.models import Department, Unit
from engine.workflow.instances import start_instance
from engine.workflow.runtime import Runtime
from engine.workflow.starters import check_starter

OWNER_CASE = "owner_case"
# The owner case's start events: a case registered, or one a return visit gives back to the
# department that did the job (processes/owner_case.bpmn).
REGISTERED = "case_registered"
REOPENED_BY_VISIT = "reopened_by_return_visit"


@dataclass(frozen=True)
class Complainant:
    name: str
    phone: str = ""
    address: str = ""
    email: str = ""


def register_case(session: Session, rt: Runtime, *, channel: str, type: str, category: str,
                  description: str, complainant: Complainant, unit_id: int | None = None,
                  received_at: datetime | None = None, urgency: str = "normal",
                  estate_id: int | None = None, reply_channel: str | None = None,
                  actor: str | None, roles: Set[str] | None = None,
                  start_event: str = REGISTERED,
                  extra_data: Mapping[str, Any] | None = None) -> Case:
    """Record what an owner raised and start its handling; any channel, any hour.

    The case belongs to its unit's estate; ``estate_id`` places a case raised
    without a unit (a common area, an anonymous call). ``reply_channel`` is how
    the owner asked to be answered (None: by the channel the case came by).
    ``roles`` are those of the person registering it, who must be one of the
    owner case's starters; None: no staff member does (the office itself raises
    it from a survey, or an owner raises it on the public page). ``start_event`` and
    ``extra_data`` start a case that goes straight back to a department (a return visit).
    """
    if roles is not None:
        check_starter(session, rt, process_id=OWNER_CASE, roles=roles)
    unit = session.get(Unit, unit_id) if unit_id is not None else None
    _check(channel=channel, type=type, category=category, urgency=urgency,
           description=description, complainant=complainant, unit_id=unit_id,
           unit_found=unit is not None, received_at=received_at, reply_channel=reply_channel)
    now = rt.clock.now()
    received = received_at or now
    case = Case(number=next_number(session, "C", received.year), tracking_code=tracking_code(),
                type=type, channel=channel, category=category, urgency=urgency,
                description=description.strip(), unit_id=unit_id,
                estate_id=unit.building.estate_id if unit is not None else estate_id,
                complainant_name=complainant.name.strip(), complainant_phone=complainant.phone,
                complainant_address=complainant.address.strip(),
                complainant_email=complainant.email.strip(), reply_channel=reply_channel,
                received_at=received, registered_by=actor)
    session.add(case)
    session.flush()
    audit.record(session, rt, kind="case_registered", actor=actor,
                 data={"case_id": case.id, "number": case.number, "channel": channel})
    instance = start_instance(session, rt, process_id=OWNER_CASE, actor=actor,
                              business_key=case.number, start_event=start_event,
                              data={**start_data(case, unit), **(extra_data or {})})
    case.instance_id = instance.id
    return case


def start_data(case: Case, unit: Unit | None) -> dict[str, Any]:
    return {
        "case_id": case.id, "case_number": case.number, "channel": case.channel,
        "type": case.type, "category": case.category, "urgency": case.urgency,
        "description": case.description, "complainant_name": case.complainant_name,
        "complainant_phone": case.complainant_phone,
        "complainant_address": case.complainant_address,
        "complainant_email": case.complainant_email,
        "preferred_reply_channel": case.reply_channel or case.channel,
        "unit_label": unit.label if unit else "",
        "received_at": case.received_at.isoformat(), "reopen_count": 0,
        "escalation_final_round": False, "reopened_department": None,
    }


def contact_directory(session: Session) -> list[dict[str, str]]:
    """The office's published phone numbers (seed rule 1), as letters and notices print them."""
    return [{"code": d.code, "name": d.name, "name_zh": d.name_zh, "phone": d.phone}
            for d in session.scalars(select(Department).where(Department.phone != "")
                                     .order_by(Department.id))]


def _check(*, channel: str, type: str, category: str, urgency: str, description: str,
           complainant: Complainant, unit_id: int | None, unit_found: bool,
           received_at: datetime | None, reply_channel: str | None) -> None:
    errors = []
    for field, value, allowed in (("channel", channel, CHANNELS), ("type", type, CASE_TYPES),
                                  ("category", category, CATEGORIES),
                                  ("urgency", urgency, URGENCIES)):
        if value not in allowed:
            errors.append(FieldError((field,), f"must be one of: {', '.join(allowed)}"))
    if len(description.strip()) < 2:
        errors.append(FieldError(("description",), "say what the owner raised"))
    if not complainant.name.strip():
        errors.append(FieldError(("complainant", "name"), "the complainant's name is needed"))
    if channel == "letter" and not complainant.address.strip():
        errors.append(FieldError(("complainant", "address"),
                                 "a letter is answered by letter: the postal address is needed"))
    if reply_channel is not None:
        errors += _reply_errors(reply_channel, complainant)
    if unit_id is not None and not unit_found:
        errors.append(FieldError(("unit",), f"there is no unit {unit_id}"))
    if received_at is not None and received_at.tzinfo is None:
        errors.append(FieldError(("received_at",), "give the time with its time zone"))
    if errors:
        raise FormInvalid(errors)


def _reply_errors(reply_channel: str, complainant: Complainant) -> list[FieldError]:
    # The owner is answered the way they asked: that way needs its address.
    if reply_channel not in REPLY_CHANNELS:
        return [FieldError(("reply_channel",), f"must be one of: {', '.join(REPLY_CHANNELS)}")]
    needed = {"phone": complainant.phone, "email": complainant.email,
              "letter": complainant.address}[reply_channel]
    if needed.strip():
        return []
    field = "address" if reply_channel == "letter" else reply_channel
    return [FieldError(("complainant", field), f"a reply by {reply_channel} needs the {field}")]
