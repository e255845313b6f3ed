"""Service tasks of the committee formation (P5) and the general meeting (P6).

Each one runs inside the engine operation that reached it (``current()``) and
returns plain JSON for the process data. A refusal is a ``FormInvalid`` for
the form just submitted: the submission is refused whole and the task stays.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import date, datetime
from typing import Any

from sqlalchemy.orm import Session

from engine.common.errors import FieldError, FormInvalid, NotFound
from engine.directory.models import Estate, Owner
from engine.meetings import committee
from engine.meetings import general_meeting as meetings
from engine.meetings.electorate import electorate
from engine.meetings.models import Committee, Petition
from engine.meetings.petitions import check_petition
from engine.meetings.votes.tally import ITEMS, Matter
from engine.workflow.unit_of_work import current

__all__ = ["MEETING_SERVICES"]


def open_committee(estate_id: int) -> int:
    work = current()
    return committee.open_committee(work.session, work.rt, estate_id=estate_id,
                                    instance_id=work.instance.id).id


def record_preparatory_group(committee_id: int, owner_members: str, other_members: str) -> int:
    """Record the group from the form: owners one per line by unit, others as "name, for whom"."""
    work = current()
    estate_id = _committee(committee_id).estate_id
    owners = [(owner, name or default) for owner, name, default in
              owner_lines(work.session, estate_id, owner_members, field="owner_members")]
    others = []
    for line in _lines(other_members):
        name, _, represents = line.replace("，", ",").partition(",")
        others.append((name.strip(), represents.strip()))
    return len(committee.record_preparatory_group(work.session, work.rt,
                                                  committee_id=committee_id, owners=owners,
                                                  others=others, actor=work.actor))


def record_candidates(committee_id: int, candidates: str) -> int:
    """Record the candidates from the form: one per line, the unit then the statement."""
    work = current()
    estate_id = _committee(committee_id).estate_id
    nominated = [(owner, statement) for owner, statement, _ in
                 owner_lines(work.session, estate_id, candidates, field="candidates")]
    return len(committee.record_candidates(work.session, work.rt, committee_id=committee_id,
                                           candidates=nominated, actor=work.actor))


def notify_first_meeting(committee_id: int, meeting_at: str, notice_text: str,
                         residents_committee_notified: bool) -> dict[str, Any]:
    """Notice the first general meeting, which elects the committee candidate by candidate."""
    work = current()
    forming = _committee(committee_id)
    if not residents_committee_notified:
        raise FormInvalid([FieldError(("residents_committee_notified",),
                                      "the residents' committee is told of the first meeting too",
                                      "meetings.residents_committee_not_told")])
    matters = [(title, Matter.ELECT_COMMITTEE.value, candidate)
               for title, candidate in committee.candidate_matters(forming)]
    meeting = meetings.schedule_meeting(
        work.session, work.rt, estate_id=forming.estate_id, kind="first",
        meeting_at=_moment(meeting_at), notice_text=notice_text, matters=matters,
        instance_id=work.instance.id, committee_id=committee_id,
        residents_committee_notified=True, actor=work.actor)
    return _meeting(meeting)


def confirm_agenda(estate_id: int, meeting_kind: str, petition_id: int, ordinary_matters: str = "",
                   special_matters: str = "", convener: str = "", **items: str) -> list[list[str]]:
    """Check the grounds, the convener and the agenda; an extraordinary meeting needs a petition.

    ``items`` are the form's matters, one a line, under the key of their item of
    art. 278. Returns the agenda as [title, matter key] pairs in the order of
    the items. ``ordinary_matters`` and ``special_matters`` are what instances
    begun before the items were named still pass.
    """
    work = current()
    if work.session.get(Estate, estate_id) is None:
        raise FormInvalid([FieldError(("estate_id",), f"there is no estate {estate_id}")])
    if meeting_kind == "extraordinary":
        petition = work.session.get(Petition, petition_id) if petition_id else None
        if petition is None or petition.estate_id != estate_id:
            raise FormInvalid([FieldError(("petition_id",), (
                "an extraordinary meeting is called on a recorded petition of this estate's "
                "owners"))])
        check_petition(petition)
    meetings.choose_convener(work.session, work.rt, estate_id=estate_id, kind=meeting_kind,
                             chosen=convener)
    unknown = sorted(set(items) - {matter.value for matter in ITEMS})
    if unknown:  # a process passing a key the tally does not know is a modelling error
        raise FormInvalid([FieldError((key,), "this is no item of Civil Code art. 278")
                           for key in unknown])
    agenda = [[title, Matter.ORDINARY.value] for title in _lines(ordinary_matters)]
    agenda += [[title, Matter.SPECIAL.value] for title in _lines(special_matters)]
    agenda += [[title, matter.value] for matter in ITEMS
               for title in _lines(items.get(matter.value, ""))]
    if not agenda:
        raise FormInvalid([FieldError((ITEMS[0].value,), "put at least one matter on the agenda",
                                      "meetings.agenda_empty")])
    return agenda


def notify_general_meeting(estate_id: int, meeting_kind: str, petition_id: int, meeting_at: str,
                           notice_text: str, agenda: list[list[str]],
                           convener: str = "") -> dict[str, Any]:
    """Notice the meeting; instances begun before conveners were named pass none (the default)."""
    work = current()
    matters = [(title, matter_class, None) for title, matter_class in agenda]
    meeting = meetings.schedule_meeting(
        work.session, work.rt, estate_id=estate_id, kind=meeting_kind,
        meeting_at=_moment(meeting_at), notice_text=notice_text, matters=matters,
        instance_id=work.instance.id, petition_id=petition_id or None, convener=convener,
        actor=work.actor)
    return _meeting(meeting)


def tally_votes(meeting_id: int) -> dict[str, Any]:
    work = current()
    return meetings.tally_meeting(work.session, work.rt, meeting_id=meeting_id, actor=work.actor)


def elect_committee(committee_id: int, meeting_id: int, chair: int, vice_chair: int,
                    term_years: int, filing_within: str, seats: int = 0,
                    run_off_winners: list[int] | None = None,
                    members: list[int] | None = None) -> dict[str, Any]:
    """Seat the committee by the meeting's ranking.

    An instance begun before the ranking passes the ``members`` staff chose; their
    number is taken as the committee's size, and the ranking fills it.
    """
    work = current()
    elected = committee.elect_committee(
        work.session, work.rt, committee_id=committee_id, meeting_id=meeting_id,
        seats=seats or len(members or ()), chair=chair, vice_chair=vice_chair,
        term_years=term_years, run_off_winners=run_off_winners or (),
        filing_within=filing_within, actor=work.actor)
    assert elected.elected_at is not None and elected.filing_due_at is not None
    return {"elected_at": elected.elected_at.isoformat(),
            "filing_due_at": elected.filing_due_at.isoformat()}


def remind_filing(committee_id: int, authority: str = "") -> dict[str, Any]:
    work = current()
    return committee.record_filing_alert(work.session, work.rt, committee_id=committee_id,
                                         kind="committee_filing_reminder", authority=authority)


def report_filing_overdue(committee_id: int, authority: str = "") -> dict[str, Any]:
    work = current()
    return committee.record_filing_alert(work.session, work.rt, committee_id=committee_id,
                                         kind="committee_filing_overdue", authority=authority)


def record_authority_filing(committee_id: int, authority: str, authority_name: str,
                            reference: str, filed_on: str) -> str:
    """Record the filing with one authority from its form; returns the day it was received."""
    work = current()
    try:
        day = date.fromisoformat(filed_on.strip())
    except ValueError:
        raise FormInvalid([FieldError((f"{authority}_filed_on",), (
            "give the date the authority received the filing as YYYY-MM-DD"),
            "meetings.filing_date_unreadable")]) from None
    filing = committee.record_authority_filing(
        work.session, work.rt, committee_id=committee_id, authority=authority,
        authority_name=authority_name, reference=reference, filed_on=day, actor=work.actor)
    return filing.filed_on.isoformat()


def record_filing(committee_id: int, reference: str, authority: str) -> str:
    """Record the one filing of an instance begun on the single-filing diagram."""
    work = current()
    filed = committee.record_filing(work.session, work.rt, committee_id=committee_id,
                                    reference=reference, authority=authority, actor=work.actor)
    assert filed.filed_at is not None
    return filed.filed_at.isoformat()


def archive_committee(committee_id: int) -> str:
    work = current()
    archived = committee.archive_committee(work.session, work.rt, committee_id=committee_id,
                                           actor=work.actor)
    assert archived.archived_at is not None
    return archived.archived_at.isoformat()


def publish_minutes(meeting_id: int, minutes: str) -> str:
    work = current()
    published = meetings.publish_minutes(work.session, work.rt, meeting_id=meeting_id,
                                         minutes=minutes, actor=work.actor)
    assert published.minutes_published_at is not None
    return published.minutes_published_at.isoformat()


def archive_meeting(meeting_id: int) -> str:
    work = current()
    archived = meetings.archive_meeting(work.session, work.rt, meeting_id=meeting_id,
                                        actor=work.actor)
    assert archived.archived_at is not None
    return archived.archived_at.isoformat()


def owner_lines(session: Session, estate_id: int, text: str, *,
                field: str) -> list[tuple[int, str, str]]:
    """Read "A-1203 rest of the line" lines: (the owner the unit votes as, the rest, their name)."""
    voters = electorate(session, estate_id)
    by_label = {label.casefold(): unit for unit, label in voters.labels.items()}
    found, errors = [], []
    for number, line in enumerate(_lines(text), 1):
        label, _, rest = line.partition(" ")
        unit = by_label.get(label.casefold())
        if unit is None:
            errors.append(FieldError((field,), f"line {number}: there is no unit {label!r} in "
                                               "this estate; start the line with the unit, "
                                               "e.g. A-1203", "meetings.line_unit_unknown",
                                     {"line": number, "unit": label}))
            continue
        # A unit held jointly names its first owner on record; the line gives the name.
        owner = session.get(Owner, voters.voter_of_unit(unit).owner_ids[0])
        assert owner is not None  # the electorate read it
        if owner.is_developer:
            errors.append(FieldError((field,), f"line {number}: {label} is still the "
                                               "developer's; name an owner's unit",
                                     "meetings.line_unit_developers",
                                     {"line": number, "unit": label}))
            continue
        found.append((owner.id, rest.strip(), owner.name))
    if errors:
        raise FormInvalid(errors)
    return found


def _lines(text: str) -> list[str]:
    return [line.strip() for line in text.splitlines() if line.strip()]


def _committee(committee_id: int) -> Committee:
    found = current().session.get(Committee, committee_id)
    if found is None:
        raise NotFound(f"no committee {committee_id}")
    return found


def _moment(text: str) -> datetime:
    """Read the meeting time: ISO 8601, in office time unless it names its offset."""
    try:
        moment = datetime.fromisoformat(text.strip())
    except ValueError:
        raise FormInvalid([FieldError(("meeting_at",), (
            "give the date and time of the meeting as YYYY-MM-DD HH:MM, "
            "e.g. 2026-04-18 09:30"), "meetings.meeting_at_unreadable")]) from None
    return moment if moment.tzinfo else moment.replace(tzinfo=current().rt.office_zone)


def _meeting(meeting: Any) -> dict[str, Any]:
    return {"meeting_id": meeting.id, "round": meeting.round,
            "meeting_at": meeting.meeting_at.isoformat(),
            "notice_sent_at": meeting.notice_sent_at.isoformat(), "convener": meeting.convener}


MEETING_SERVICES: dict[str, Callable[..., Any]] = {
    "open_committee": open_committee,
    "record_preparatory_group": record_preparatory_group,
    "record_candidates": record_candidates,
    "notify_first_meeting": notify_first_meeting,
    "confirm_agenda": confirm_agenda,
    "notify_general_meeting": notify_general_meeting,
    "tally_votes": tally_votes,
    "elect_committee": elect_committee,
    "remind_filing": remind_filing,
    "report_filing_overdue": report_filing_overdue,
    "record_authority_filing": record_authority_filing,
    "record_filing": record_filing,
    "archive_committee": archive_committee,
    "publish_minutes": publish_minutes,
    "archive_meeting": archive_meeting,
}
