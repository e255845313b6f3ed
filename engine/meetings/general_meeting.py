"""General meetings of owners (P5's first meeting, P6): notice, tally, minutes, archive.

A meeting is one round: when participation falls short of 2/3, the next
round is a new meeting with the same matters, a new notice and new ballots;
the failed round stays on record as it was.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta
from fractions import Fraction
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from engine.common import audit
from engine.common.errors import Conflict, FieldError, FormInvalid, NotFound
from engine.meetings.archive import archive
from engine.meetings.electorate import Electorate, electorate
from engine.meetings.models import AgendaMatter, Committee, Meeting, MeetingBallot
from engine.meetings.votes.report import tally_record
from engine.meetings.votes.tally import PARTICIPATION, Ballot, Check, Matter, Vote, tally
from engine.meetings.votes.text import explain
from engine.workflow.runtime import Runtime

__all__ = ["CONVENERS", "KINDS", "NOTICE_PERIOD", "Participation", "archive_meeting",
           "choose_convener", "get_meeting", "participation", "publish_minutes",
           "schedule_meeting", "serving_committee", "tally_meeting"]

NOTICE_PERIOD = timedelta(days=15)  # the notice reaches all owners at least this long before
KINDS = ("first", "annual", "extraordinary")
# Who convenes a meeting: the owners' committee; where the estate has none, the residents'
# committee or the street office (with the office's help); the first meeting, the
# preparatory group that forms the committee.
CONVENERS = ("owners_committee", "residents_committee", "street_office", "preparatory_group")


@dataclass(frozen=True)
class Participation:
    meeting_id: int
    fraction: Fraction  # of the area and of the headcount that must take part
    area: Check
    headcount: Check
    ok: bool


def serving_committee(session: Session, rt: Runtime, *, estate_id: int) -> Committee | None:
    """The estate's elected owners' committee whose term has not ended, if there is one."""
    now = rt.clock.now()
    committees = session.scalars(select(Committee).where(
        Committee.estate_id == estate_id, Committee.state.in_(("elected", "filed", "archived")))
        .order_by(Committee.elected_at.desc()))
    return next((c for c in committees if c.term_ends_at is None or c.term_ends_at > now), None)


def choose_convener(session: Session, rt: Runtime, *, estate_id: int, kind: str,
                    chosen: str = "") -> str:
    """Who convenes a general meeting: ``chosen``, or by default from whether a committee serves.

    Where a committee serves, it convenes; where none does, the residents' committee or
    the street office does, and the owners' committee cannot.
    """
    if kind == "first":
        return "preparatory_group"
    committee = serving_committee(session, rt, estate_id=estate_id)
    if not chosen:
        return "owners_committee" if committee is not None else "residents_committee"
    if chosen not in CONVENERS[:3]:
        raise FormInvalid([FieldError(("convener",), (
            "the owners' committee, the residents' committee or the street office convenes "
            "a general meeting"), "meetings.convener_unknown")])
    if committee is not None and chosen != "owners_committee":
        raise FormInvalid([FieldError(("convener",), (
            "the estate has an owners' committee: it convenes the meeting"),
            "meetings.convener_is_committee")])
    if committee is None and chosen == "owners_committee":
        raise FormInvalid([FieldError(("convener",), (
            "the estate has no owners' committee: the residents' committee or the street "
            "office convenes the meeting, with the office's help"),
            "meetings.convener_no_committee")])
    return chosen


def schedule_meeting(session: Session, rt: Runtime, *, estate_id: int, kind: str,
                     meeting_at: datetime, notice_text: str,
                     matters: Sequence[tuple[str, str, int | None]],
                     instance_id: int | None, committee_id: int | None = None,
                     petition_id: int | None = None, residents_committee_notified: bool = False,
                     convener: str = "", actor: str | None) -> Meeting:
    """Send the notice of a meeting (or of its next round) and open the vote.

    ``matters`` are (title, key of its item of art. 278, candidate id); a next round of the same
    process repeats the failed round's matters instead. The meeting must be
    at least 15 days after the notice. ``convener`` is checked by ``choose_convener``
    ("" for its default).
    """
    if kind not in KINDS:
        raise FormInvalid([FieldError(("meeting_kind",),
                                      f"a meeting is one of {', '.join(KINDS)}")])
    convener = choose_convener(session, rt, estate_id=estate_id, kind=kind, chosen=convener)
    now = rt.clock.now()
    if meeting_at - now < NOTICE_PERIOD:
        earliest = now + NOTICE_PERIOD
        raise FormInvalid([FieldError(("meeting_at",), (
            f"the notice must reach the owners at least {NOTICE_PERIOD.days} days before the "
            f"meeting: noticed {now:%Y-%m-%d %H:%M} UTC, so the meeting can be on "
            f"{earliest:%Y-%m-%d %H:%M} UTC at the earliest"), "meetings.notice_too_late",
            {"days": NOTICE_PERIOD.days, "noticed": now, "earliest": earliest})])
    previous = _latest_round(session, instance_id)
    if previous is not None and previous.state == "voting":
        raise Conflict("this meeting's vote is still open; tally it before a new round",
                       message_code="meetings.vote_still_open")
    if previous is not None and previous.state == "failed":
        matters = [(m.title, m.matter_class, m.candidate_id) for m in previous.matters]
    if not matters:
        raise FormInvalid([FieldError(("rules_of_procedure",),
                                      "a meeting needs at least one matter to vote on",
                                      "meetings.no_matters")])
    keys = {matter.value for matter in Matter}
    unknown = [f'"{title}" is under "{key}", which is no item of Civil Code art. 278'
               for title, key, _ in matters if key not in keys]
    if unknown:
        raise FormInvalid([FieldError(("matters",), problem) for problem in unknown])
    meeting = Meeting(estate_id=estate_id, kind=kind, convener=convener, instance_id=instance_id,
                      committee_id=committee_id, petition_id=petition_id,
                      previous_id=previous.id if previous is not None else None,
                      round=previous.round + 1 if previous is not None else 1, state="voting",
                      meeting_at=meeting_at, notice_sent_at=now, notice_text=notice_text,
                      residents_committee_notified=residents_committee_notified)
    meeting.matters = [AgendaMatter(position=i + 1, title=title, matter_class=Matter(cls).value,
                                    candidate_id=candidate)
                       for i, (title, cls, candidate) in enumerate(matters)]
    session.add(meeting)
    session.flush()
    _note(session, rt, meeting, "meeting_noticed", actor,
          {"meeting_at": meeting_at.isoformat(), "round": meeting.round,
           "matters": len(meeting.matters)})
    return meeting


def tally_meeting(session: Session, rt: Runtime, *, meeting_id: int,
                  actor: str | None) -> dict[str, Any]:
    """Close the vote and tally every matter with its own threshold (``votes.tally.tally``)."""
    meeting = get_meeting(session, meeting_id)
    if meeting.state != "voting":
        raise Conflict(f"the vote of this meeting was closed already ({meeting.state})",
                       message_code="ballots.vote_closed")
    units = electorate(session, meeting.estate_id).units
    results = []
    for matter in meeting.matters:
        ballots = [Ballot(b.voter, Vote(b.vote)) for b in session.scalars(
            select(MeetingBallot).where(MeetingBallot.matter_id == matter.id))]
        counted = tally(Matter(matter.matter_class), units, ballots)
        matter.result, matter.passed = tally_record(counted), counted.passed
        results.append({"matter_id": matter.id, "title": matter.title,
                        "matter_class": matter.matter_class, "candidate_id": matter.candidate_id,
                        "participation_ok": counted.participation_ok, "passed": counted.passed,
                        "explanation": explain(counted)})
    # Every ballot paper covers every matter, so participation is the same for each.
    participation_ok = all(r["participation_ok"] for r in results)
    meeting.state = "tallied" if participation_ok else "failed"
    meeting.tallied_at = rt.clock.now()
    session.flush()
    _note(session, rt, meeting, "meeting_tallied", actor,
          {"participation_ok": participation_ok,
           "passed": [r["matter_id"] for r in results if r["passed"]]})
    return {"meeting_id": meeting.id, "round": meeting.round,
            "participation_ok": participation_ok, "matters": results,
            "elected_candidates": [r["candidate_id"] for r in results
                                   if r["candidate_id"] is not None and r["passed"]]}


def participation(session: Session, *, meeting_id: int,
                  voters: Electorate | None = None) -> Participation:
    """Who has voted so far, by area and headcount, against the 2/3 lines (for the meeting page).

    ``voters`` is the estate's electorate when the caller has read it already.
    """
    meeting = get_meeting(session, meeting_id)
    units = (voters or electorate(session, meeting.estate_id)).units
    voted = sorted(set(session.scalars(select(MeetingBallot.voter)
                                       .where(MeetingBallot.meeting_id == meeting.id))))
    # The vote does not matter for participation; the tally's own checks draw the lines.
    counted = tally(Matter.ORDINARY, units, [Ballot(v, Vote.ABSTAIN) for v in voted])
    checks = {c.measure: c for c in counted.checks if c.stage == "participation"}
    return Participation(meeting_id=meeting.id, fraction=PARTICIPATION.fraction,
                         area=checks["area"], headcount=checks["headcount"],
                         ok=counted.participation_ok)


def publish_minutes(session: Session, rt: Runtime, *, meeting_id: int, minutes: str,
                    actor: str | None) -> Meeting:
    """Record the minutes of a tallied meeting and publish them to the owners."""
    meeting = get_meeting(session, meeting_id)
    if meeting.state != "tallied":
        raise Conflict(f"minutes are recorded once the meeting is tallied; it is {meeting.state}",
                       message_code="meetings.minutes_before_tally")
    if not minutes.strip():
        raise FormInvalid([FieldError(("minutes",), "write the minutes of the meeting",
                                      "meetings.minutes_missing")])
    meeting.minutes, meeting.minutes_published_at = minutes, rt.clock.now()
    meeting.state = "minuted"
    session.flush()
    _note(session, rt, meeting, "minutes_published", actor, {})
    return meeting


def archive_meeting(session: Session, rt: Runtime, *, meeting_id: int,
                    actor: str | None) -> Meeting:
    """Archive a meeting once it is tallied (and, if it was, minuted)."""
    meeting = get_meeting(session, meeting_id)
    archive(session, rt, meeting, after=("minuted", "tallied"),
            refusal=f"a meeting is archived after its tally; it is {meeting.state}")
    _note(session, rt, meeting, "meeting_archived", actor, {})
    return meeting


def get_meeting(session: Session, meeting_id: int) -> Meeting:
    meeting = session.get(Meeting, meeting_id)
    if meeting is None:
        raise NotFound(f"no meeting {meeting_id}")
    return meeting


def _latest_round(session: Session, instance_id: int | None) -> Meeting | None:
    if instance_id is None:
        return None
    return session.scalars(select(Meeting).where(Meeting.instance_id == instance_id)
                           .order_by(Meeting.round.desc()).limit(1)).first()


def _note(session: Session, rt: Runtime, meeting: Meeting, kind: str, actor: str | None,
          data: dict[str, Any]) -> None:
    process = "committee_formation" if meeting.kind == "first" else "general_meeting"
    audit.record(session, rt, kind=kind, actor=actor, instance_id=meeting.instance_id,
                 process_id=process, data={"meeting_id": meeting.id, **data})
