"""The owners' committee (P5): preparatory group, candidates, election, filing, archive.

The committee is filed with two authorities (Regulations art. 16): the district
housing department and the street office, each with the day it received the
filing and its reference; it counts as filed once both are recorded.

Operations take the session explicitly, flush and never commit. A refusal is a
``FormInvalid`` naming the form field it concerns, so a task form shows it
beside that field and nothing of the submission is kept.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from engine.common import audit
from engine.common.errors import Conflict, FieldError, FormInvalid, NotFound
from engine.directory.models import Building, Owner, Unit, ownerships
from engine.meetings.archive import archive
from engine.meetings.models import (
    Candidate,
    Committee,
    CommitteeFiling,
    Meeting,
    PreparatoryMember,
)
from engine.meetings.ranking import Ranking, rank_elected
from engine.workflow.runtime import Runtime
from engine.workflow.timers.iso8601 import after

__all__ = ["AUTHORITIES", "FILING_WITHIN", "MAX_MEMBERS", "MIN_MEMBERS", "archive_committee",
           "elect_committee", "get_committee", "open_committee", "record_authority_filing",
           "record_candidates", "record_filing", "record_filing_alert",
           "record_preparatory_group"]

MIN_MEMBERS, MAX_MEMBERS = 5, 11
FILING_WITHIN = "P30D"  # with each authority, after the election
AUTHORITIES = ("housing_department", "street_office")
OFFICES = ("chair", "vice_chair")


def open_committee(session: Session, rt: Runtime, *, estate_id: int,
                   instance_id: int | None) -> Committee:
    """Start forming an owners' committee for an estate."""
    if not _estate_owners(session, estate_id):
        raise NotFound(f"estate {estate_id} has no owners on record to form a committee")
    committee = Committee(estate_id=estate_id, instance_id=instance_id, state="forming",
                          opened_at=rt.clock.now())
    session.add(committee)
    session.flush()
    return committee


def record_preparatory_group(session: Session, rt: Runtime, *, committee_id: int,
                             owners: Sequence[tuple[int, str]],
                             others: Sequence[tuple[str, str]],
                             actor: str | None) -> list[PreparatoryMember]:
    """Record the preparatory group: an odd number of members, at least half of them owners.

    ``owners`` are (owner id, name); ``others`` (name, whom they represent:
    the residents' committee, the street office).
    """
    committee = _forming(session, committee_id)
    known = _estate_owners(session, committee.estate_id)
    errors = [FieldError(("owner_members",), f"owner {owner_id} holds no unit in this estate",
                         "meetings.owner_not_in_estate", {"owner": owner_id})
              for owner_id, _ in owners if owner_id not in known]
    if len({owner_id for owner_id, _ in owners}) < len(owners):
        errors.append(FieldError(("owner_members",), "an owner is listed twice",
                                 "meetings.owner_listed_twice"))
    count = len(owners) + len(others)
    if count % 2 == 0:
        errors.append(FieldError(("owner_members",),
                                 f"the preparatory group needs an odd number of members; "
                                 f"it has {count}", "meetings.group_even", {"count": count}))
    if len(owners) * 2 < count:
        errors.append(FieldError(("owner_members",),
                                 f"at least half of the preparatory group must be owners; "
                                 f"{len(owners)} of its {count} members are",
                                 "meetings.group_few_owners",
                                 {"owners": len(owners), "count": count}))
    if errors:
        raise FormInvalid(errors)
    rows = [PreparatoryMember(committee_id=committee.id, position=i + 1, name=name,
                              owner_id=owner_id, represents="")
            for i, (owner_id, name) in enumerate(owners)]
    rows += [PreparatoryMember(committee_id=committee.id, position=len(owners) + i + 1,
                               name=name, owner_id=None, represents=represents)
             for i, (name, represents) in enumerate(others)]
    session.add_all(rows)
    session.flush()
    _note(session, rt, committee, "preparatory_group_recorded", actor,
          {"members": count, "owners": len(owners)})
    return rows


def record_candidates(session: Session, rt: Runtime, *, committee_id: int,
                      candidates: Sequence[tuple[int, str]],
                      actor: str | None) -> list[Candidate]:
    """Record the nominated owners, (owner id, statement), numbered in the order given."""
    committee = _forming(session, committee_id)
    known = _estate_owners(session, committee.estate_id)
    errors, seen = [], set()
    for owner_id, _ in candidates:
        if owner_id not in known:
            errors.append(FieldError(("candidates",), f"owner {owner_id} holds no unit in this "
                                                      "estate; only owners can stand",
                                     "meetings.candidate_not_owner", {"owner": owner_id}))
        elif owner_id in seen:
            errors.append(FieldError(("candidates",), f"{known[owner_id]} is nominated twice",
                                     "meetings.candidate_twice", {"name": known[owner_id]}))
        seen.add(owner_id)
    if len(candidates) < MIN_MEMBERS:
        errors.append(FieldError(("candidates",),
                                 f"a committee has at least {MIN_MEMBERS} members, so at least "
                                 f"{MIN_MEMBERS} candidates are needed; {len(candidates)} given",
                                 "meetings.too_few_candidates",
                                 {"least": MIN_MEMBERS, "given": len(candidates)}))
    if errors:
        raise FormInvalid(errors)
    if committee.candidates:
        raise Conflict("the candidates of this committee were announced already",
                       message_code="meetings.candidates_announced")
    rows = [Candidate(committee_id=committee.id, position=i + 1, owner_id=owner_id,
                      name=known[owner_id], statement=statement)
            for i, (owner_id, statement) in enumerate(candidates)]
    session.add_all(rows)
    session.flush()
    _note(session, rt, committee, "candidates_announced", actor, {"candidates": len(rows)})
    return rows


def elect_committee(session: Session, rt: Runtime, *, committee_id: int, meeting_id: int,
                    seats: int, chair: int, vice_chair: int, term_years: int,
                    run_off_winners: Sequence[int] = (), filing_within: str = FILING_WITHIN,
                    actor: str | None) -> Committee:
    """Constitute the committee of ``seats`` members (5–11, odd) from the candidates elected.

    The seats go by the ranking of the meeting rules (``ranking.rank_elected``):
    agreeing area, then agreeing headcount. Candidates tied at the last seat
    go to a run-off; ``run_off_winners`` is its result. ``chair``,
    ``vice_chair`` and the winners are candidate numbers, as on the
    announcement and the ballot paper; the filing with the district housing
    authority falls due ``filing_within`` later.
    """
    committee = _forming(session, committee_id)
    meeting = session.get(Meeting, meeting_id)
    if meeting is None or meeting.committee_id != committee.id or meeting.state != "tallied":
        raise Conflict("the committee is elected from a tallied meeting of its own",
                       message_code="meetings.election_not_tallied")
    if seats % 2 == 0 or not MIN_MEMBERS <= seats <= MAX_MEMBERS:
        raise FormInvalid([FieldError(("seats",), f"a committee has an odd number of members "
                                                  f"from {MIN_MEMBERS} to {MAX_MEMBERS}, "
                                                  f"not {seats}", "meetings.seats_invalid",
                                                  {"least": MIN_MEMBERS, "most": MAX_MEMBERS,
                                                   "seats": seats})])
    ranking = rank_elected(committee, meeting, seats=seats)
    if len(ranking.elected) < seats:
        raise FormInvalid([FieldError(("seats",), (
            f"the meeting elected {len(ranking.elected)} candidates, fewer than {seats} seats"),
            "meetings.too_few_elected", {"elected": len(ranking.elected), "seats": seats})])
    winners = list(dict.fromkeys(run_off_winners))
    errors = _run_off_errors(ranking, winners)
    chosen = [*ranking.seated, *winners]
    for field, who in (("chair", chair), ("vice_chair", vice_chair)):
        if not errors and who not in chosen:
            errors.append(FieldError((field,), "choose the chair and the vice-chair from the "
                                               "committee's members: Nos. "
                                               + ", ".join(map(str, sorted(chosen))),
                                     "meetings.chair_not_member",
                                     {"numbers": ", ".join(map(str, sorted(chosen)))}))
    if chair == vice_chair:
        errors.append(FieldError(("vice_chair",), "the chair cannot also be the vice-chair",
                                 "meetings.chair_is_vice_chair"))
    if errors:
        raise FormInvalid(errors)
    now = rt.clock.now()
    offices = {chair: "chair", vice_chair: "vice_chair"}
    for candidate in committee.candidates:
        candidate.office = (offices.get(candidate.position, "member")
                            if candidate.position in chosen else None)
    committee.state, committee.elected_at = "elected", now
    committee.term_years = term_years
    committee.term_ends_at = after(now, f"P{term_years}Y")
    committee.filing_due_at = after(now, filing_within)
    session.flush()
    _note(session, rt, committee, "committee_elected", actor,
          {"members": chosen, "seats": seats, "run_off": list(ranking.run_off),
           "chair": chair, "vice_chair": vice_chair,
           "filing_due_at": committee.filing_due_at.isoformat()})
    return committee


def _run_off_errors(ranking: Ranking, winners: Sequence[int]) -> list[FieldError]:
    """Refuse a run-off result that is missing, not needed, or not among the tied."""
    if not ranking.run_off:
        if not winners:
            return []
        return [FieldError(("run_off_winners",), "no candidates are tied at the last seat, so "
                                                  "there is no run-off to record",
                           "meetings.no_run_off")]
    tied = ", ".join(f"No. {n}" for n in ranking.run_off)
    stranger = [n for n in winners if n not in ranking.run_off]
    if stranger or len(winners) != ranking.seats_left:
        last = next(c for c in ranking.elected if c.number == ranking.run_off[0])
        return [FieldError(("run_off_winners",), (
            f"{tied} are tied at the last seat, with {last.agree_area:f} m² and "
            f"{last.agree_headcount} owners agreeing each: a run-off between them fills "
            f"{ranking.seats_left} of the {ranking.seats} seats; record the "
            f"{ranking.seats_left} it elected"), "meetings.run_off_result",
            {"tied": ", ".join(map(str, ranking.run_off)), "area": last.agree_area,
             "headcount": last.agree_headcount, "left": ranking.seats_left,
             "seats": ranking.seats})]
    return []


def record_filing_alert(session: Session, rt: Runtime, *, committee_id: int, kind: str,
                        authority: str = "") -> dict[str, Any]:
    """Record a filing reminder, or that a filing is overdue, with the days left.

    ``authority`` is the one whose filing is awaited; instances begun on the
    single-filing diagram pass none.
    """
    committee = get_committee(session, committee_id)
    if committee.filing_due_at is None:
        raise Conflict("the committee has not been elected, so no filing is due",
                       message_code="meetings.filing_not_due")
    left = committee.filing_due_at - rt.clock.now()
    data: dict[str, Any] = {"due_at": committee.filing_due_at.isoformat(), "days_left": left.days}
    if authority:
        data["authority"] = _authority(authority)
    _note(session, rt, committee, kind, None, data)
    return data


def record_authority_filing(session: Session, rt: Runtime, *, committee_id: int, authority: str,
                            authority_name: str, reference: str, filed_on: date,
                            actor: str | None) -> CommitteeFiling:
    """Record the committee's filing with one authority; with both recorded, it is filed."""
    committee = get_committee(session, committee_id)
    authority = _authority(authority)
    if committee.state != "elected" or committee.elected_at is None:
        raise Conflict(f"a committee is filed after its election; it is {committee.state}",
                       message_code="meetings.filing_before_election")
    if any(f.authority == authority for f in committee.filings):
        raise Conflict(f"the filing with the {authority.replace('_', ' ')} is recorded already",
                       message_code=f"meetings.filing_recorded.{authority}")
    errors = []
    if not authority_name.strip():
        errors.append(FieldError((f"{authority}_name",), "name the authority as on its receipt",
                                 "meetings.filing_name_missing"))
    if not reference.strip():
        errors.append(FieldError((f"{authority}_reference",),
                                 "give the reference the authority gave",
                                 "meetings.filing_reference_missing"))
    elected_on = committee.elected_at.astimezone(rt.office_zone).date()
    today = rt.clock.now().astimezone(rt.office_zone).date()
    if not elected_on <= filed_on <= today:
        errors.append(FieldError((f"{authority}_filed_on",), (
            f"the filing is received between the election ({elected_on:%Y-%m-%d}) and today "
            f"({today:%Y-%m-%d})"), "meetings.filing_date_out_of_range",
            {"elected_on": elected_on, "today": today}))
    if errors:
        raise FormInvalid(errors)
    filing = CommitteeFiling(committee_id=committee.id, authority=authority,
                             authority_name=authority_name.strip(), reference=reference.strip(),
                             filed_on=filed_on, recorded_at=rt.clock.now(), recorded_by=actor)
    committee.filings.append(filing)
    assert committee.filing_due_at is not None  # set on election
    due_on = committee.filing_due_at.astimezone(rt.office_zone).date()
    _note(session, rt, committee, "committee_filing_recorded", actor,
          {"authority": authority, "reference": filing.reference,
           "filed_on": filed_on.isoformat(), "in_time": filed_on <= due_on})
    if {f.authority for f in committee.filings} == set(AUTHORITIES):
        committee.state, committee.filed_at = "filed", rt.clock.now()
        _note(session, rt, committee, "committee_filed", actor,
              {"references": {f.authority: f.reference for f in committee.filings},
               "in_time": all(f.filed_on <= due_on for f in committee.filings)})
    session.flush()
    return filing


def record_filing(session: Session, rt: Runtime, *, committee_id: int, reference: str,
                  authority: str, actor: str | None) -> Committee:
    """Record the one filing of an instance begun on the single-filing diagram.

    Those instances file with the district housing department only, as the rule
    they started under had it; the committee page shows the street office's
    filing as not recorded.
    """
    committee = get_committee(session, committee_id)
    if committee.state != "elected":
        raise Conflict(f"a committee is filed once, after its election; it is {committee.state}",
                       message_code="meetings.filing_before_election")
    if not reference.strip():
        raise FormInvalid([FieldError(("filing_reference",),
                                      "give the reference the housing authority gave")])
    now = rt.clock.now()
    committee.filings.append(CommitteeFiling(
        authority="housing_department", authority_name=authority.strip(),
        reference=reference.strip(), filed_on=now.astimezone(rt.office_zone).date(),
        recorded_at=now, recorded_by=actor))
    committee.state, committee.filed_at = "filed", now
    committee.filing_reference, committee.filing_authority = reference.strip(), authority
    session.flush()
    assert committee.filing_due_at is not None  # set on election
    _note(session, rt, committee, "committee_filed", actor,
          {"reference": committee.filing_reference,
           "in_time": committee.filed_at <= committee.filing_due_at})
    return committee


def archive_committee(session: Session, rt: Runtime, *, committee_id: int,
                      actor: str | None) -> Committee:
    """Archive a committee once it is filed (with both authorities, or on the old diagram)."""
    committee = get_committee(session, committee_id)
    archive(session, rt, committee, after=("filed",),
            refusal="a committee is archived once it is filed")
    _note(session, rt, committee, "committee_archived", actor, {})
    return committee


def candidate_matters(committee: Committee) -> list[tuple[str, int]]:
    """One matter per candidate, under art. 278 item 3: each is elected by more than half."""
    return [(f"No. {c.position} {c.name}: elect to the owners' committee 選舉為業主委員會委員",
             c.id)
            for c in committee.candidates]


def _estate_owners(session: Session, estate_id: int) -> dict[int, str]:
    """Owner id -> name of every owner holding a unit of the estate (not the developer)."""
    rows = session.execute(
        select(Owner.id, Owner.name).join(ownerships, ownerships.c.owner_id == Owner.id)
        .join(Unit, Unit.id == ownerships.c.unit_id).join(Building)
        .where(Building.estate_id == estate_id, Owner.is_developer.is_(False)).distinct())
    return {owner_id: name for owner_id, name in rows}


def _authority(authority: str) -> str:
    if authority not in AUTHORITIES:
        raise FormInvalid([FieldError(("authority",), (
            "a committee is filed with the district housing department and the street office"))])
    return authority


def get_committee(session: Session, committee_id: int) -> Committee:
    committee = session.get(Committee, committee_id)
    if committee is None:
        raise NotFound(f"no committee {committee_id}")
    return committee


def _forming(session: Session, committee_id: int) -> Committee:
    committee = get_committee(session, committee_id)
    if committee.state != "forming":
        raise Conflict(f"the committee is {committee.state}, no longer being formed",
                       message_code="meetings.committee_formed")
    return committee


def _note(session: Session, rt: Runtime, committee: Committee, kind: str, actor: str | None,
          data: dict[str, Any]) -> None:
    audit.record(session, rt, kind=kind, actor=actor, instance_id=committee.instance_id,
                 process_id="committee_formation", data={"committee_id": committee.id, **data})
