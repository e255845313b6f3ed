"""Register owner cases from any channel and start their handling (process P1)."""

from __future__ import annotations

from collections.abc import Set
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from engine.cases.models import CASE_TYPES, CATEGORIES, CHANNELS, URGENCIES, Case
from engine.common import audit
from engine.common.errors import FieldError, FormInvalid
from engine.common.numbering import next_number, tracking_code
from engine.directory.models import Department, Unit
from engine.workflow.instances import start_instance
from engine.workflow.runtime import Runtime
from engine.workflow.starters import check_starter

OWNER_CASE = "owner_case"


@dataclass(frozen=True)
class Complainant:
    name: str
    phone: str = ""
    address: str = ""


def register_case(session: Session, rt: Runtime, *, channel: str, type: str, category: str,
                  description: str, complainant: Complainant, unit_id: int | None = None,
                  received_at: datetime | None = None, urgency: str = "normal",
                  estate_id: int | None = None, actor: str | None,
                  roles: Set[str] | None = None) -> Case:
    """Record what an owner raised and start its handling; any channel, any hour.

    The case belongs to its unit's estate; ``estate_id`` places a case raised
    without a unit (a common area, an anonymous call). ``roles`` are those of
    the person registering it, who must be one of the owner case's starters;
    None: the office itself raises it (a complaint in a survey).
    """
    if roles is not None:
        check_starter(session, rt, process_id=OWNER_CASE, roles=roles)
    unit = session.get(Unit, unit_id) if unit_id is not None else None
    _check(channel=channel, type=type, category=category, urgency=urgency,
           description=description, complainant=complainant, unit_id=unit_id,
           unit_found=unit is not None, received_at=received_at)
    now = rt.clock.now()
    received = received_at or now
    case = Case(number=next_number(session, "C", received.year), tracking_code=tracking_code(),
                type=type, channel=channel, category=category, urgency=urgency,
                description=description.strip(), unit_id=unit_id,
                estate_id=unit.building.estate_id if unit is not None else estate_id,
                complainant_name=complainant.name.strip(), complainant_phone=complainant.phone,
                complainant_address=complainant.address.strip(), received_at=received,
                registered_by=actor)
    session.add(case)
    session.flush()
    audit.record(session, rt, kind="case_registered", actor=actor,
                 data={"case_id": case.id, "number": case.number, "channel": channel})
    instance = start_instance(session, rt, process_id=OWNER_CASE, actor=actor,
                              business_key=case.number, data=start_data(case, unit))
    case.instance_id = instance.id
    return case


def start_data(case: Case, unit: Unit | None) -> dict[str, Any]:
    return {
        "case_id": case.id, "case_number": case.number, "channel": case.channel,
        "type": case.type, "category": case.category, "urgency": case.urgency,
        "description": case.description, "complainant_name": case.complainant_name,
        "complainant_phone": case.complainant_phone,
        "complainant_address": case.complainant_address,
        "unit_label": unit.label if unit else "",
        "received_at": case.received_at.isoformat(), "reopen_count": 0,
        "escalation_final_round": False,
    }


def contact_directory(session: Session) -> list[dict[str, str]]:
    """The office's published phone numbers (seed rule 1), as letters and notices print them."""
    return [{"code": d.code, "name": d.name, "name_zh": d.name_zh, "phone": d.phone}
            for d in session.scalars(select(Department).where(Department.phone != "")
                                     .order_by(Department.id))]


def _check(*, channel: str, type: str, category: str, urgency: str, description: str,
           complainant: Complainant, unit_id: int | None, unit_found: bool,
           received_at: datetime | None) -> None:
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
    if unit_id is not None and not unit_found:
        errors.append(FieldError(("unit",), f"there is no unit {unit_id}"))
    if received_at is not None and received_at.tzinfo is None:
        errors.append(FieldError(("received_at",), "give the time with its time zone"))
    if errors:
        raise FormInvalid(errors)
