"""Ballots: one-time online ballot links per unit, and paper ballots entered by staff.

One ballot paper covers every matter of the meeting, and one voter (an owner
set, ``engine.meetings.electorate``) votes once for all of their units: a second
ballot for the same voter, through any unit or channel, is refused. Only a link's sha256 is kept,
with a random nonce: given the app's secret key, the link is derived again from the nonce (an
HMAC), so a supervisor can print the links again (``ballot_links``) without any link being stored.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import secrets
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import datetime
from decimal import Decimal

from sqlalchemy import select, update
from sqlalchemy.orm import Session

from engine.common import audit
from engine.common.errors import (
    AlreadyVoted,
    BallotUsed,
    FieldError,
    FormInvalid,
    NotFound,
    VotingClosed,
)
from engine.meetings.electorate import electorate
from engine.meetings.general_meeting import get_meeting
from engine.meetings.models import BallotToken, Meeting, MeetingBallot
from engine.meetings.votes.tally import Vote
from engine.workflow.runtime import Runtime

__all__ = ["BallotLink", "BallotMatter", "BallotPaper", "ballot_links", "ballot_paper",
           "cast_online_ballot", "issue_ballot_tokens", "record_paper_ballot",
           "reissue_ballot_token"]

VOTES = tuple(v.value for v in Vote)


@dataclass(frozen=True)
class BallotMatter:
    id: int
    title: str
    matter_class: str


@dataclass(frozen=True)
class BallotLink:
    unit_id: int
    token: str | None  # None for a link issued before links could be printed again
    issued_at: datetime
    used_at: datetime | None


@dataclass(frozen=True)
class BallotPaper:
    meeting_id: int
    kind: str
    round: int
    meeting_at: datetime
    notice_text: str
    unit: str  # the unit the link was issued to
    units: list[str]  # every unit the voter's one ballot counts for
    area: Decimal  # of those units, m²
    matters: list[BallotMatter]
    votes: list[str]


def issue_ballot_tokens(session: Session, rt: Runtime, *, meeting_id: int,
                        unit_ids: Iterable[int] | None = None,
                        key: bytes | None = None) -> dict[int, str]:
    """Issue a one-time ballot link token to every unit (or the ones named) that has none.

    The tokens are returned, to print on the notices; only their hashes are stored. With the
    app's secret ``key`` each token is derived from a stored nonce, so ``ballot_links`` can
    give it again; without one, it is random and shown this once.
    """
    meeting = _open(session, get_meeting(session, meeting_id))
    voters = electorate(session, meeting.estate_id)
    wanted = set(voters.voter_of) if unit_ids is None else set(unit_ids)
    for unit_id in wanted:
        voters.voter(unit_id)  # refuses a unit of another estate
    issued = set(session.scalars(select(BallotToken.unit_id)
                                 .where(BallotToken.meeting_id == meeting.id)))
    tokens = {}
    for unit_id in sorted(wanted - issued):
        nonce = secrets.token_urlsafe(24) if key is not None else None
        token = (_derived(key, meeting.id, unit_id, nonce) if key is not None and nonce
                 else secrets.token_urlsafe(24))
        session.add(BallotToken(meeting_id=meeting.id, unit_id=unit_id, token_hash=_hash(token),
                                nonce=nonce, issued_at=rt.clock.now()))
        tokens[unit_id] = token
    session.flush()
    return tokens


def ballot_links(session: Session, rt: Runtime, *, meeting_id: int, key: bytes,
                 actor: str | None, purpose: str = "viewed") -> list[BallotLink]:
    """Every issued link of the meeting, derived again, for a supervisor to read or print.

    Each reading is audited (``purpose``: viewed or printed), with who read them.
    """
    meeting = get_meeting(session, meeting_id)
    rows = session.scalars(select(BallotToken).where(BallotToken.meeting_id == meeting.id)
                           .order_by(BallotToken.unit_id)).all()
    audit.record(session, rt, kind=f"ballot_links_{purpose}", actor=actor,
                 instance_id=meeting.instance_id, process_id=_process(meeting),
                 data={"meeting_id": meeting.id, "links": len(rows)})
    return [BallotLink(unit_id=row.unit_id, issued_at=row.issued_at, used_at=row.used_at,
                       token=_derived(key, meeting.id, row.unit_id, row.nonce)
                       if row.nonce else None) for row in rows]


def reissue_ballot_token(session: Session, rt: Runtime, *, meeting_id: int, unit_id: int,
                         key: bytes, actor: str | None) -> str:
    """Give one unit a new link; its old link stops working. A used link is not replaced."""
    meeting = _open(session, get_meeting(session, meeting_id))
    electorate(session, meeting.estate_id).voter(unit_id)  # refuses a unit of another estate
    row = session.scalars(select(BallotToken).where(BallotToken.meeting_id == meeting.id,
                                                    BallotToken.unit_id == unit_id)
                          .execution_options(populate_existing=True)).first()
    if row is None:
        return issue_ballot_tokens(session, rt, meeting_id=meeting.id, unit_ids=[unit_id],
                                   key=key)[unit_id]
    if row.used_at is not None:
        raise BallotUsed(f"this unit's ballot link was used on {row.used_at:%Y-%m-%d %H:%M} "
                         "UTC; a used link is not replaced",
                         message_code="ballots.used_link_kept", params={"at": row.used_at})
    nonce = secrets.token_urlsafe(24)
    token = _derived(key, meeting.id, unit_id, nonce)
    # Conditional, so a link used at this moment is not replaced under the voter.
    changed = session.execute(update(BallotToken)
                              .where(BallotToken.id == row.id, BallotToken.used_at.is_(None))
                              .values(nonce=nonce, token_hash=_hash(token),
                                      issued_at=rt.clock.now())
                              .execution_options(synchronize_session=False))
    if getattr(changed, "rowcount", 0) != 1:
        raise BallotUsed("this unit's ballot link was used just now; a used link is not replaced",
                         message_code="ballots.link_used_just_now")
    audit.record(session, rt, kind="ballot_link_reissued", actor=actor,
                 instance_id=meeting.instance_id, process_id=_process(meeting),
                 data={"meeting_id": meeting.id, "unit_id": unit_id})
    session.flush()
    return token


def ballot_paper(session: Session, rt: Runtime, *, token: str) -> BallotPaper:
    """What the owner's ballot page shows for a link: the meeting, the unit and the matters."""
    row = _token(session, token)
    meeting = _online(session, rt, get_meeting(session, row.meeting_id))
    voters = electorate(session, meeting.estate_id)
    # One ballot covers every unit the voter votes for, so the page names them all.
    voter = voters.voter_of_unit(row.unit_id)
    return BallotPaper(meeting_id=meeting.id, kind=meeting.kind, round=meeting.round,
                       meeting_at=meeting.meeting_at, notice_text=meeting.notice_text,
                       unit=voters.labels[row.unit_id],
                       units=list(voter.labels), area=voter.area,
                       matters=[BallotMatter(id=m.id, title=m.title, matter_class=m.matter_class)
                                for m in meeting.matters], votes=list(VOTES))


def cast_online_ballot(session: Session, rt: Runtime, *, token: str,
                       votes: Mapping[int | str, str]) -> list[MeetingBallot]:
    """Cast the ballot of a one-time link; the link is spent, a second use refused."""
    row = _token(session, token)
    meeting = _online(session, rt, get_meeting(session, row.meeting_id))
    ballots = _cast(session, rt, meeting, row.unit_id, votes, channel="online", actor=None)
    # Conditional, so two submissions of one link at the same moment cannot both count.
    spent = session.execute(update(BallotToken)
                            .where(BallotToken.id == row.id, BallotToken.used_at.is_(None))
                            .values(used_at=rt.clock.now()).execution_options(
                                synchronize_session=False))
    if getattr(spent, "rowcount", 0) != 1:
        raise BallotUsed("this ballot link was used already; each link votes once",
                         message_code="ballots.link_used")
    return ballots


def record_paper_ballot(session: Session, rt: Runtime, *, meeting_id: int, unit_id: int,
                        votes: Mapping[int | str, str], actor: str | None) -> list[MeetingBallot]:
    """Enter a paper ballot (handed in, posted, or cast at the meeting) for a unit."""
    meeting = _open(session, get_meeting(session, meeting_id))
    return _cast(session, rt, meeting, unit_id, votes, channel="paper", actor=actor)


def _cast(session: Session, rt: Runtime, meeting: Meeting, unit_id: int,
          votes: Mapping[int | str, str], *, channel: str,
          actor: str | None) -> list[MeetingBallot]:
    given = {str(k): v for k, v in votes.items()}
    matters = {str(m.id): m for m in meeting.matters}
    errors = [FieldError(("votes", key), "this matter is not on the meeting's agenda",
                         "ballots.matter_unknown")
              for key in given if key not in matters]
    errors += [FieldError(("votes", key), "vote on every matter on the ballot paper",
                          "ballots.matter_unanswered")
               for key in matters if key not in given]
    errors += [FieldError(("votes", key), f"a vote is one of {', '.join(VOTES)}",
                          "ballots.vote_unknown")
               for key, vote in given.items() if key in matters and vote not in VOTES]
    if errors:
        raise FormInvalid(errors)
    voters = electorate(session, meeting.estate_id)
    voter = voters.voter(unit_id)
    earlier = session.scalars(select(MeetingBallot).where(
        MeetingBallot.meeting_id == meeting.id, MeetingBallot.voter == voter).limit(1)).first()
    if earlier is not None:
        raise AlreadyVoted(f"the owner of {voters.labels[unit_id]} has voted at this meeting "
                           f"already (through {voters.labels[earlier.unit_id]}, "
                           f"{earlier.channel}); the same owners vote once for all of their units",
                           message_code=f"ballots.voted_{earlier.channel}",
                           params={"unit": voters.labels[unit_id],
                                   "through": voters.labels[earlier.unit_id]})
    now = rt.clock.now()
    ballots = [MeetingBallot(meeting_id=meeting.id, matter_id=matters[key].id, unit_id=unit_id,
                             voter=voter, channel=channel, vote=given[key],
                             entered_by=actor if channel == "paper" else None, cast_at=now)
               for key in matters]
    session.add_all(ballots)
    session.flush()
    audit.record(session, rt, kind="ballot_cast", actor=actor, instance_id=meeting.instance_id,
                 process_id=_process(meeting), data={"meeting_id": meeting.id, "unit_id": unit_id,
                                           "channel": channel})
    return ballots


def _token(session: Session, token: str) -> BallotToken:
    row = session.scalars(select(BallotToken).where(BallotToken.token_hash == _hash(token))
                          .execution_options(populate_existing=True)).first()
    if row is None:
        raise NotFound("this ballot link is not known; check the link on the notice",
                       message_code="ballots.link_unknown")
    if row.used_at is not None:
        raise BallotUsed(f"this ballot link was used on {row.used_at:%Y-%m-%d %H:%M} UTC; "
                         "each link votes once", message_code="ballots.link_used_at",
                         params={"at": row.used_at})
    return row


def _open(session: Session, meeting: Meeting) -> Meeting:
    if meeting.state != "voting":
        raise VotingClosed("the vote of this meeting is closed",
                           message_code="ballots.vote_closed")
    return meeting


def _online(session: Session, rt: Runtime, meeting: Meeting) -> Meeting:
    # Online voting ends when the meeting begins; ballots cast there are entered as paper.
    if _open(session, meeting).meeting_at <= rt.clock.now():
        raise VotingClosed("online voting closed when the meeting began",
                           message_code="ballots.online_closed")
    return meeting


def _hash(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def _derived(key: bytes, meeting_id: int, unit_id: int, nonce: str) -> str:
    message = f"ballot-link:{meeting_id}:{unit_id}:{nonce}".encode()
    digest = hmac.new(key, message, hashlib.sha256).digest()
    return base64.urlsafe_b64encode(digest[:24]).decode()


def _process(meeting: Meeting) -> str:
    return "committee_formation" if meeting.kind == "first" else "general_meeting"
