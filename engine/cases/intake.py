"""Cases owners raise themselves on the public page: checked against the directory, then registered.

The page hands over what the owner typed; this module finds the unit they
named in the chosen estate, checks the description is long enough to act on
and that the way they asked to be answered can reach them, and registers the
case through ``register_case`` like any other, with the channel "web".
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from sqlalchemy import select
from sqlalchemy.orm import Session

from engine.cases.models import CASE_TYPES, CATEGORIES, REPLY_CHANNELS, Case
from engine.cases.registration import Complainant, register_case
from engine.common.errors import FieldError, FormInvalid
from engine.directory.models import Building, Estate, Unit
from engine.workflow.runtime import Runtime

__all__ = ["EstateChoice", "OwnerRequest", "check_owner_request", "estates", "find_unit",
           "minimum_description", "raise_owner_case"]

# Chinese says in ten characters what English needs some twenty letters for.
MIN_DESCRIPTION = {"zh": 10, "en": 20}
MAX_DESCRIPTION = 10000
HAN = re.compile(r"[\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff]")
PHONE = re.compile(r"\+?[\d\s()-]+")
EMAIL = re.compile(r"[^@\s]+@[^@\s.]+(\.[^@\s.]+)+")
# What separates a building from its flat as owners write it: A-1203, A 1203, A座1203室.
UNIT_MARKS = re.compile(r"[\s\-_/#座棟栋室樓楼]")


@dataclass(frozen=True)
class OwnerRequest:
    """The public form as the owner typed it."""

    type: str
    category: str
    estate_id: int | None
    unit: str  # as the owner writes it ("A-1203"); "" for a common area
    description: str
    name: str
    phone: str = ""
    email: str = ""
    address: str = ""
    reply_channel: str = "phone"


@dataclass(frozen=True)
class EstateChoice:
    id: int
    name: str


def estates(session: Session) -> list[EstateChoice]:
    """The estates an owner chooses from, by name."""
    return [EstateChoice(e.id, e.name) for e in session.scalars(select(Estate)
                                                               .order_by(Estate.name))]


def minimum_description(text: str) -> int:
    """The fewest characters a description in the text's own language must have."""
    return MIN_DESCRIPTION["zh" if HAN.search(text) else "en"]


def find_unit(session: Session, *, estate_id: int, typed: str) -> Unit | None:
    """The unit of the estate the owner named, by its label or, when unambiguous, its number."""
    wanted = _plain(typed)
    digits = re.search(r"\d+$", wanted)
    if not wanted or digits is None:
        return None
    candidates = list(session.scalars(
        select(Unit).join(Building).where(Building.estate_id == estate_id,
                                          Unit.number.like(f"%{digits.group()}"))))
    by_label = [u for u in candidates if _plain(u.label) == wanted]
    if by_label:
        return by_label[0]
    by_number = [u for u in candidates if _plain(u.number) == wanted]
    return by_number[0] if len(by_number) == 1 else None


def check_owner_request(session: Session, request: OwnerRequest) -> list[FieldError]:
    """Everything wrong with the request, without registering anything."""
    return _check(session, request)[0]


def raise_owner_case(session: Session, rt: Runtime, request: OwnerRequest) -> Case:
    """Register what an owner raised on the public page, or raise ``FormInvalid`` with it all."""
    errors, unit = _check(session, request)
    if errors:
        raise FormInvalid(errors)
    return register_case(
        session, rt, channel="web", type=request.type, category=request.category,
        description=request.description,
        complainant=Complainant(request.name, request.phone.strip(), request.address,
                                request.email),
        unit_id=unit.id if unit is not None else None, estate_id=request.estate_id,
        reply_channel=request.reply_channel, actor=None, roles=None)


def _check(session: Session, r: OwnerRequest) -> tuple[list[FieldError], Unit | None]:
    errors = [FieldError((name,), f"must be one of: {', '.join(allowed)}")
              for name, value, allowed in (("type", r.type, CASE_TYPES),
                                           ("category", r.category, CATEGORIES),
                                           ("reply_channel", r.reply_channel, REPLY_CHANNELS))
              if value not in allowed]
    unit = None
    if r.estate_id is None or session.get(Estate, r.estate_id) is None:
        errors.append(FieldError(("estate",), "choose the estate"))
    elif r.unit.strip():
        unit = find_unit(session, estate_id=r.estate_id, typed=r.unit)
        if unit is None:
            errors.append(FieldError(("unit",), f"the estate has no unit {r.unit.strip()!r}"))
    text = r.description.strip()
    if not minimum_description(text) <= len(text) <= MAX_DESCRIPTION:
        errors.append(FieldError(("description",), "too short or too long"))
    if not r.name.strip() or len(r.name.strip()) > 200:
        errors.append(FieldError(("name",), "the owner's name is needed"))
    errors += _contact_errors(r)
    return errors, unit


def _contact_errors(r: OwnerRequest) -> list[FieldError]:
    errors = []
    phone, email, address = r.phone.strip(), r.email.strip(), r.address.strip()
    if phone and not (PHONE.fullmatch(phone) and 7 <= sum(c.isdigit() for c in phone) <= 15):
        errors.append(FieldError(("phone",), "not a phone number"))
    if email and not (EMAIL.fullmatch(email) and len(email) <= 200):
        errors.append(FieldError(("email",), "not an e-mail address"))
    if len(address) > 300:
        errors.append(FieldError(("address",), "at most 300 characters"))
    if not (phone or email):
        errors.append(FieldError(("contact",), "give a phone number or an e-mail address"))
    needed = {"phone": phone, "email": email, "letter": address}.get(r.reply_channel, "x")
    if not needed:
        field = "address" if r.reply_channel == "letter" else r.reply_channel
        errors.append(FieldError((field,), f"a reply by {r.reply_channel} needs it"))
    return errors


def _plain(unit: str) -> str:
    return UNIT_MARKS.sub("", unit.upper())
