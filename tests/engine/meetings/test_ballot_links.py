"""Ballot links derived from a stored nonce: read again alike, never stored, one replaced alone."""

from __future__ import annotations

from datetime import timedelta

import pytest
from sqlalchemy import select
from sqlalchemy.orm import Session

from engine.common.errors import BallotUsed, NotFound
from engine.directory.models import Estate
from engine.meetings.ballots import (
    ballot_links,
    ballot_paper,
    cast_online_ballot,
    issue_ballot_tokens,
    reissue_ballot_token,
)
from engine.meetings.general_meeting import schedule_meeting
from engine.meetings.models import BallotToken, Meeting
from engine.system import System
from tests.support.meetings import owners_estate, unit_ids

KEY = b"the app's secret key"


@pytest.fixture
def estate(system: System) -> Estate:
    return owners_estate(system)


def meeting(session: Session, system: System, estate: Estate) -> Meeting:
    return schedule_meeting(session, system.rt, estate_id=estate.id, kind="annual",
                            meeting_at=system.rt.clock.now() + timedelta(days=15),
                            notice_text="AGM", matters=[("Report", "ordinary", None)],
                            instance_id=None, actor="clerk")


def test_links_are_read_again_alike_and_not_stored(session: Session, system: System,
                                                   estate: Estate) -> None:
    held = meeting(session, system, estate)
    issued = issue_ballot_tokens(session, system.rt, meeting_id=held.id, key=KEY)

    read = {link.unit_id: link.token for link in
            ballot_links(session, system.rt, meeting_id=held.id, key=KEY, actor="boss")}

    assert read == issued
    stored = session.scalars(select(BallotToken)).all()
    assert all(row.nonce and row.nonce not in issued.values() for row in stored)
    assert not set(issued.values()) & {row.token_hash for row in stored}
    # Another key derives other links, which open nothing.
    other = ballot_links(session, system.rt, meeting_id=held.id, key=b"another", actor="boss")
    with pytest.raises(NotFound):
        ballot_paper(session, system.rt, token=str(other[0].token))


def test_a_new_link_replaces_one_units_link_only_until_it_is_used(
        session: Session, system: System, estate: Estate) -> None:
    held = meeting(session, system, estate)
    first, second = unit_ids(system, estate)[:2]
    issued = issue_ballot_tokens(session, system.rt, meeting_id=held.id, key=KEY)

    new = reissue_ballot_token(session, system.rt, meeting_id=held.id, unit_id=first, key=KEY,
                               actor="boss")

    assert new != issued[first]
    with pytest.raises(NotFound):
        ballot_paper(session, system.rt, token=issued[first])
    assert ballot_paper(session, system.rt, token=new).unit == "A-101"
    read = {link.unit_id: link.token for link in
            ballot_links(session, system.rt, meeting_id=held.id, key=KEY, actor="boss")}
    assert read[first] == new and read[second] == issued[second]
    cast_online_ballot(session, system.rt, token=new,
                       votes={m.id: "agree" for m in held.matters})
    with pytest.raises(BallotUsed):
        reissue_ballot_token(session, system.rt, meeting_id=held.id, unit_id=first, key=KEY,
                             actor="boss")
