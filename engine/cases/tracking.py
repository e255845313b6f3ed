"""What an owner sees with a tracking code: the state of the case, never who raised it."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import select
from sqlalchemy.orm import Session

from engine.cases.models import Case
from engine.common.errors import FieldError, FormInvalid, NotFound
from engine.common.numbering import TRACKING_ALPHABET

__all__ = ["PUBLIC_STATUSES", "PublicCaseStatus", "normalise_tracking_code", "track_case"]

TRACKING_CODE_LENGTH = 10
PUBLIC_STATUSES = ("open", "replied", "closed")


@dataclass(frozen=True)
class PublicCaseStatus:
    """The public face of a case: no name, phone, address or description."""

    number: str
    type: str
    category: str
    received_at: datetime
    status: str  # one of PUBLIC_STATUSES


def normalise_tracking_code(code: str) -> str:
    """Return the code as stored (upper case, no spaces or dashes), or raise ``FormInvalid``."""
    normal = "".join(code.split()).replace("-", "").upper()
    if len(normal) != TRACKING_CODE_LENGTH or any(c not in TRACKING_ALPHABET for c in normal):
        raise FormInvalid([FieldError(("code",), "not a tracking code")])
    return normal


def track_case(session: Session, *, code: str) -> PublicCaseStatus:
    """Look a case up by its tracking code; an unknown code is ``NotFound``, nothing more."""
    case = session.scalar(select(Case).where(Case.tracking_code == normalise_tracking_code(code)))
    if case is None:
        raise NotFound("no case has this tracking code")
    return PublicCaseStatus(number=case.number, type=case.type, category=case.category,
                            received_at=case.received_at, status=_public_status(case))


def _public_status(case: Case) -> str:
    if case.status == "closed" or case.closed_at is not None:
        return "closed"
    return "replied" if case.first_reply_at is not None else "open"
