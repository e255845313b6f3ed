"""The receipt an owner keeps: the case number, the tracking code and what was recorded.

An owner who raised a case on the web prints it from the answer page; one who
wrote a letter gets the same receipt by letter, printed by the office.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from datetime import datetime
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from engine.cases.access import may_read_case
from engine.cases.letters import estate_name
from engine.cases.models import Case
from engine.cases.registration import contact_directory
from engine.common.errors import NotFound
from engine.common.privacy import mask_address, mask_email, mask_phone
from engine.workflow.viewer import Viewer

__all__ = ["Receipt", "receipt_for", "receipt_of"]


@dataclass(frozen=True)
class Receipt:
    number: str
    tracking_code: str
    received_at: datetime
    type: str
    category: str
    channel: str
    reply_channel: str  # the way the owner will be answered
    estate: str
    unit_label: str
    description: str
    name: str
    phone: str
    email: str
    address: str
    contacts: list[dict[str, Any]]  # the office's published numbers


def receipt_of(session: Session, case: Case) -> Receipt:
    """The receipt of a case just registered, whole: its owner reads it."""
    return Receipt(number=case.number, tracking_code=case.tracking_code,
                   received_at=case.received_at, type=case.type, category=case.category,
                   channel=case.channel, reply_channel=case.reply_channel or case.channel,
                   estate=estate_name(session, case),
                   unit_label=case.unit.label if case.unit is not None else "",
                   description=case.description, name=case.complainant_name,
                   phone=case.complainant_phone, email=case.complainant_email,
                   address=case.complainant_address, contacts=contact_directory(session))


def receipt_for(session: Session, *, number: str, viewer: Viewer, whole: bool) -> Receipt:
    """The receipt of case ``number`` for staff to print; not ``whole``, contacts are masked."""
    case = session.scalars(select(Case).where(Case.number == number)).first()
    if case is None or not viewer.sees_estate(case.estate_id) \
            or not may_read_case(session, case, viewer):
        raise NotFound(f"no case {number}")
    receipt = receipt_of(session, case)
    if whole:
        return receipt
    return replace(receipt, phone=mask_phone(receipt.phone), email=mask_email(receipt.email),
                   address=mask_address(receipt.address))
