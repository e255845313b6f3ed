"""Petitions for an extraordinary general meeting: owners holding ≥ 20 % of the headcount.

The headcount is the tally's (``engine.meetings.electorate``): one person per owner
set, whatever number of units they sign for, and the developer's units as one.
"""

from __future__ import annotations

from collections.abc import Sequence
from fractions import Fraction

from sqlalchemy import select, update
from sqlalchemy.orm import Session

from engine.common import audit
from engine.common.errors import Conflict, FieldError, FormInvalid, NotFound
from engine.meetings.electorate import electorate
from engine.meetings.models import Petition, PetitionSignature
from engine.workflow.instances import start_instance
from engine.workflow.models import ProcessInstance
from engine.workflow.runtime import Runtime

__all__ = ["PETITION_SHARE", "record_petition", "start_extraordinary_meeting"]

PETITION_SHARE = Fraction(1, 5)


def record_petition(session: Session, rt: Runtime, *, estate_id: int, purpose: str,
                    signed_unit_ids: Sequence[int], actor: str | None) -> Petition:
    """Record owners' petition with the units they signed for, and whether it reaches 20 %.

    A petition short of the threshold is recorded too: it is what the owners
    handed in; it cannot start a meeting.
    """
    if not purpose.strip():
        raise FormInvalid([FieldError(("purpose",), "say what the owners want the meeting for")])
    voters = electorate(session, estate_id)
    foreign = [u for u in signed_unit_ids if u not in voters.voter_of]
    if foreign:
        raise FormInvalid([FieldError(("signed_unit_ids",),
                                      f"units {foreign} are not units of this estate")])
    signers: dict[str, int] = {}
    for unit_id in signed_unit_ids:  # a voter signing for two units still counts once
        signers.setdefault(voters.voter_of[unit_id], unit_id)
    total = voters.headcount
    petition = Petition(estate_id=estate_id, purpose=purpose.strip(), recorded_at=rt.clock.now(),
                        recorded_by=actor, headcount_signed=len(signers), headcount_total=total,
                        meets_threshold=Fraction(len(signers), total) >= PETITION_SHARE)
    petition.signatures = [PetitionSignature(voter=voter, unit_id=unit)
                           for voter, unit in signers.items()]
    session.add(petition)
    session.flush()
    audit.record(session, rt, kind="petition_recorded", actor=actor, process_id="general_meeting",
                 data={"petition_id": petition.id, "signed": len(signers), "total": total,
                       "meets_threshold": petition.meets_threshold})
    return petition


def start_extraordinary_meeting(session: Session, rt: Runtime, *, petition_id: int,
                                actor: str | None) -> ProcessInstance:
    """Start a general meeting on a petition; refused below 20 % of the headcount.

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
    return start_instance(session, rt, process_id="general_meeting", actor=actor,
                          business_key=business_key,
                          data={"estate_id": petition.estate_id, "meeting_kind": "extraordinary",
                                "petition_id": petition.id})


def check_petition(petition: Petition) -> None:
    """Refuse a petition signed by fewer than 20 % of the owners (by headcount)."""
    if not petition.meets_threshold:
        needed = -(-petition.headcount_total * PETITION_SHARE.numerator
                   // PETITION_SHARE.denominator)
        raise FormInvalid([FieldError(("petition_id",), (
            f"an extraordinary meeting needs owners holding at least 20 % of the headcount "
            f"({needed} of {petition.headcount_total}); this petition has "
            f"{petition.headcount_signed}"))])
