"""Petitions (聯名提議) for an extraordinary meeting: ≥ 20 % of the area AND of the headcount.

The signatures are one per unit signed by its owners of record. The headcount
is the tally's (``engine.meetings.electorate``): one person per owner set,
whatever number of units they sign for, and the developer's units as one; the
area is the exclusive floor area of every unit signed for, against the area of
all the estate's units.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Sequence
from decimal import Decimal
from fractions import Fraction

from sqlalchemy import select, update
from sqlalchemy.orm import Session

from engine.common import audit
from engine.common.errors import Conflict, FieldError, FormInvalid, NotFound
from engine.meetings.electorate import electorate
from engine.meetings.general_meeting import choose_convener
from engine.meetings.models import Petition, PetitionSignature
from engine.workflow.instances import start_instance
from engine.workflow.models import ProcessInstance
from engine.workflow.runtime import Runtime

__all__ = ["PETITION_SHARE", "check_petition", "petition_reaches", "record_petition",
           "start_extraordinary_meeting"]

PETITION_SHARE = Fraction(1, 5)


def petition_reaches(signed: int | Decimal, total: int | Decimal) -> bool:
    """Whether ``signed`` is at least 20 % of ``total`` (exactly: no float rounding)."""
    return bool(total) and Fraction(signed) / Fraction(total) >= PETITION_SHARE


def record_petition(session: Session, rt: Runtime, *, estate_id: int, purpose: str,
                    signed_unit_ids: Sequence[int], actor: str | None) -> Petition:
    """Record owners' petition with the units signed for, and whether it reaches 20 % of both.

    A petition short of either threshold is recorded too: it is what the owners
    handed in; it cannot start a meeting.
    """
    errors = []
    if not purpose.strip():
        errors.append(FieldError(("purpose",), "say what the owners want the meeting for",
                                 "petitions.purpose_missing"))
    voters = electorate(session, estate_id)
    foreign = sorted({u for u in signed_unit_ids if u not in voters.voter_of})
    if foreign:
        errors.append(FieldError(("signed_unit_ids",),
                                 f"units {foreign} are not units of this estate",
                                 "petitions.units_foreign",
                                 {"units": ", ".join(map(str, foreign))}))
    twice = sorted(voters.labels[unit] for unit, times in Counter(signed_unit_ids).items()
                   if times > 1 and unit in voters.voter_of)
    if twice:
        errors.append(FieldError(("signed_unit_ids",),
                                 f"{', '.join(twice)} signed more than once: a unit signs once",
                                 "petitions.signed_twice", {"units": ", ".join(twice)}))
    if not signed_unit_ids and not foreign:
        errors.append(FieldError(("signed_unit_ids",), "tick the units the owners signed for",
                                 "petitions.none_signed"))
    if errors:
        raise FormInvalid(errors)
    area_of = {int(unit.id): unit.area for unit in voters.units}
    signers = {voters.voter_of[unit] for unit in signed_unit_ids}  # a voter counts once
    area_signed = sum((area_of[unit] for unit in signed_unit_ids), Decimal(0))
    area_total = sum(area_of.values(), Decimal(0))
    total = voters.headcount
    petition = Petition(estate_id=estate_id, purpose=purpose.strip(), recorded_at=rt.clock.now(),
                        recorded_by=actor, headcount_signed=len(signers), headcount_total=total,
                        area_signed=area_signed, area_total=area_total,
                        meets_threshold=(petition_reaches(len(signers), total)
                                         and petition_reaches(area_signed, area_total)))
    petition.signatures = [PetitionSignature(voter=voters.voter_of[unit], unit_id=unit)
                           for unit in sorted(signed_unit_ids)]
    session.add(petition)
    session.flush()
    audit.record(session, rt, kind="petition_recorded", actor=actor, process_id="general_meeting",
                 data={"petition_id": petition.id, "signed": len(signers), "total": total,
                       "area_signed": str(area_signed), "area_total": str(area_total),
                       "meets_threshold": petition.meets_threshold})
    return petition


def start_extraordinary_meeting(session: Session, rt: Runtime, *, petition_id: int,
                                actor: str | None) -> ProcessInstance:
    """Start a general meeting on a petition; refused below 20 % of the area or the headcount.

    The convener is proposed from whether the estate has an owners' committee; the
    agenda form may choose the residents' committee or the street office instead.

    One petition calls one meeting: a second press of "Start" is refused, and two
    presses at once wait for each other on the petition's row.
    """
    # A no-op write takes the row (PostgreSQL) or the database (SQLite) before the check.
    locked = session.execute(update(Petition).where(Petition.id == petition_id)
                             .values(id=Petition.id).execution_options(synchronize_session=False))
    petition = session.get(Petition, petition_id)
    if petition is None or not locked.rowcount:  # type: ignore[attr-defined]
        raise NotFound(f"no petition {petition_id}")
    check_petition(petition)
    business_key = f"petition-{petition.id}"
    started = session.scalar(select(ProcessInstance.id).where(
        ProcessInstance.process_id == "general_meeting",
        ProcessInstance.business_key == business_key))
    if started is not None:
        raise Conflict(f"a meeting was already started on petition {petition.id} "
                       f"(instance {started})")
    convener = choose_convener(session, rt, estate_id=petition.estate_id, kind="extraordinary")
    return start_instance(session, rt, process_id="general_meeting", actor=actor,
                          business_key=business_key,
                          data={"estate_id": petition.estate_id, "meeting_kind": "extraordinary",
                                "petition_id": petition.id, "convener": convener})


def check_petition(petition: Petition) -> None:
    """Refuse a petition of owners holding less than 20 % of the area or of the headcount."""
    if petition.area_signed is None or petition.area_total is None:
        raise FormInvalid([FieldError(("petition_id",), (
            "this petition was recorded before the area signed for was counted; record it "
            "again with every unit signed for"), "petitions.area_not_counted")])
    if petition.meets_threshold:
        return
    needed_heads = -(-petition.headcount_total * PETITION_SHARE.numerator
                     // PETITION_SHARE.denominator)
    needed_area = petition.area_total * PETITION_SHARE.numerator / PETITION_SHARE.denominator
    raise FormInvalid([FieldError(("petition_id",), (
        f"an extraordinary meeting needs owners holding at least 20 % of the area "
        f"({needed_area:.2f} of {petition.area_total:.2f} m²) and at least 20 % of the "
        f"headcount ({needed_heads} of {petition.headcount_total}); its signers hold "
        f"{petition.area_signed:.2f} m² and count as {petition.headcount_signed}"),
        "petitions.below_threshold",
        {"needed_area": f"{needed_area:.2f}", "total_area": f"{petition.area_total:.2f}",
         "needed_heads": needed_heads, "total_heads": petition.headcount_total,
         "signed_area": f"{petition.area_signed:.2f}",
         "signed_heads": petition.headcount_signed})])
