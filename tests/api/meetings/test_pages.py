"""Committee and general-meeting pages: the figures the engine holds, shown to the office."""

from __future__ import annotations

import re
from datetime import date, timedelta
from decimal import Decimal

import pytest
from flask import Flask
from flask.testing import FlaskClient
from flask_babel import force_locale, gettext
from markupsafe import escape
from sqlalchemy import func, select
from werkzeug.test import TestResponse

from api.meetings.labels import MEETING_LABELS
from engine.common.audit import AuditEvent
from engine.common.clock import FrozenClock
from engine.directory.models import Estate, Owner, Unit
from engine.meetings.general_meeting import participation, schedule_meeting
from engine.meetings.models import BallotToken, Meeting, MeetingBallot, Petition
from engine.meetings.views import committee_status
from engine.system import System
from engine.workflow.models import HumanTask, ProcessInstance
from tests.api.conftest import add_user, csrf_token, sign_in, text
from tests.support.inbox_pages import post
from tests.support.meetings import (
    LEVY,
    REPORT,
    elected_committee,
    filing,
    noticed_meeting,
    owners_estate,
    unit_ids,
    vote_on_paper,
)


@pytest.fixture
def estate(shipped: System) -> Estate:
    return owners_estate(shipped)


@pytest.fixture
def desk(app: Flask, system: System, clock: FrozenClock) -> FlaskClient:
    """Customer service, signed in."""
    add_user(system, clock, "clerk", roles=("customer_service",))
    client = app.test_client()
    sign_in(client, "clerk")
    return client


@pytest.fixture
def boss(app: Flask, system: System, clock: FrozenClock) -> FlaskClient:
    """A supervisor, signed in."""
    add_user(system, clock, "boss", roles=("supervisor",))
    client = app.test_client()
    sign_in(client, "boss")
    return client


def shown_in(page: str, css_class: str) -> str:
    """The text of the first <dd> with ``css_class``, tags and runs of space removed."""
    match = re.search(rf'<dd class="{css_class}"[^>]*>(.*?)</dd>', page, re.S)
    assert match, f"no .{css_class} on the page"
    return " ".join(re.sub(r"<[^>]+>", " ", match.group(1)).split())


def figures(page: str, css_class: str) -> str:
    """The text of the first element with ``css_class``, tags and runs of space removed."""
    match = re.search(rf'class="{css_class}"[^>]*>(.*?)</', page, re.S)
    assert match, f"no .{css_class} on the page"
    return " ".join(match.group(1).split())


def test_the_committee_page_shows_members_term_and_filing(shipped: System, estate: Estate,
                                                          desk: FlaskClient) -> None:
    formation = elected_committee(shipped, estate)
    committee_id = formation.data()["committee_id"]
    with shipped.sessions() as session:
        status = committee_status(session, committee_id=committee_id)

    page = text(desk.get(f"/committees/{committee_id}"))

    members = page.split('class="plain-list members"', 1)[1].split("</ol>", 1)[0]
    assert [" ".join(m.split()) for m in re.findall(r"<span>(.*?)</span>", members)] == [
        f"No. {m.number} {m.name}" for m in status.members]
    assert ">Chair<" in members and ">Vice-chair<" in members and members.count(">Member<") == 3
    assert figures(page, "term") == "5 years, to 2031-03-17 17:00"
    assert status.term_ends_at is not None and status.term_ends_at.date() == date(2031, 3, 17)
    assert figures(page, "filing-due") == "2026-04-16 17:00"
    assert "Not yet filed" in page and "Overdue" not in page
    assert "李主任" in page and "residents&#39; committee" in page  # the preparatory group
    assert "wants the lifts fixed" in page and page.count("Elected by the meeting") == 6
    # The same 7 owners agreed to all six: they share the first place, a run-off seated five.
    assert [(c.place, c.tied) for c in status.candidates] == [(1, True)] * 6
    assert page.count('<td class="place">1 (tied)</td>') == 6
    assert "Candidates tied at the last seat go to a run-off" in page

    formation.wait(timedelta(days=31))
    page = text(desk.get(f"/committees/{committee_id}"))
    due = page.split('class="filing-due"', 1)[1].split("</dd>", 1)[0]
    assert ">Overdue<" in due
    listed = text(desk.get("/committees"))
    assert f'href="/committees/{committee_id}"' in listed and "Overdue" in listed

    formation.do("file_with_housing_department",
                 filing(shipped, "housing_department", "HA-2026-0417"), actor="boss")
    page = text(desk.get(f"/committees/{committee_id}"))
    housing = page.split('class="filing-housing_department"', 1)[1].split("</dd>", 1)[0]
    assert "HA-2026-0417" in housing and "District housing bureau" in housing
    street = page.split('class="filing-street_office"', 1)[1].split("</dd>", 1)[0]
    assert "Not yet filed" in street  # one of the two: the committee is not filed yet
    assert "Not yet filed" in page.split('class="filed"', 1)[1].split("</dd>", 1)[0]
    task = formation.task_id("file_with_street_office")
    form = text(desk.get(f"/tasks/{task}"))
    assert 'name="street_office_filed_on"' in form and 'type="date"' in form
    future = filing(shipped, "street_office", "JD-2026-0418", days_ago=-2)
    refused = post(desk, f"/tasks/{task}", {"action": "complete", **future})
    assert refused.status_code == 422 and "between the election" in text(refused)
    done = post(desk, f"/tasks/{task}", {"action": "complete",
                                         **filing(shipped, "street_office", "JD-2026-0418")})
    assert done.status_code == 303
    page = text(desk.get(f"/committees/{committee_id}"))
    assert "JD-2026-0418" in page.split('class="filing-street_office"', 1)[1]
    assert "Not yet filed" not in page and "badge-overdue" not in page


def test_the_meeting_page_shows_notice_agenda_and_live_participation(
        shipped: System, estate: Estate, desk: FlaskClient) -> None:
    meeting = noticed_meeting(shipped, estate)
    vote_on_paper(shipped, meeting.meeting_id(), unit_ids(shipped, estate)[:4], "agree")
    with shipped.sessions() as session:
        live = participation(session, meeting_id=meeting.meeting_id())

    page = text(desk.get(f"/meetings/{meeting.meeting_id()}"))

    assert figures(page, "notice-rule") == \
        "15 days before the meeting: at least 15, as required"
    # No committee serves the estate: the residents' committee convened it, never the office.
    convener = str(escape("The residents' committee, with the office's help"))
    assert figures(page, "meeting-convener") == convener
    assert f"Convener: {convener}" in page
    assert str(escape(REPORT)) in page and LEVY in page
    words = " ".join(page.split())
    assert ("Art. 278 item 9: Other major matters of the shared ownership and management · "
            "agreement of more than 1/2") in words
    assert ("Art. 278 item 6: Raising the maintenance fund of the buildings and their "
            "facilities · agreement of at least 3/4") in words
    assert "Special matter" not in words and "Ordinary matter" not in words
    area, headcount = live.area, live.headcount
    assert (area.value, area.base, headcount.value, headcount.base) == (
        Decimal("354.00"), Decimal("885.00"), 4, 10)
    assert f"{area.value:f} of {area.base:f} m² took part (40.0 %); 590.00 m² needed" in page
    assert f"{headcount.value} of {headcount.base} voters took part (40.0 %); 7 needed" \
        in page
    assert page.count('class="bar-line" x1="66.67"') == 2  # the 2/3 line, on both bars
    assert 'hx-trigger="every 5s"' in page

    vote_on_paper(shipped, meeting.meeting_id(), unit_ids(shipped, estate)[4:7], "agree")
    fragment = text(desk.get(f"/meetings/{meeting.meeting_id()}/participation"))
    assert "7 of 10 voters took part (70.0 %)" in fragment
    assert "Both 2/3 lines reached" in fragment and "<html" not in fragment
    assert f'href="/meetings/{meeting.meeting_id()}"' in text(desk.get("/meetings"))


def test_the_meeting_page_shows_who_votes_for_which_units(shipped: System, estate: Estate,
                                                          desk: FlaskClient) -> None:
    with shipped.sessions() as session:
        first, second, third = (session.get_one(Unit, u) for u in unit_ids(shipped, estate)[:3])
        buyer, spouse = first.owners[0], Owner(name="陳太")
        second.owners, third.owners = [buyer, spouse], [spouse, buyer]
        session.commit()
        pair = ", ".join(o.name for o in sorted([buyer, spouse], key=lambda o: o.id))
        buyer_name = buyer.name
    meeting = noticed_meeting(shipped, estate)

    page = text(desk.get(f"/meetings/{meeting.meeting_id()}"))

    listed = page.split('class="card voters"', 1)[1].split("</section>", 1)[0]
    assert "9 voters for 10 units" in listed and "<details" in listed
    rows = [" ".join(re.sub(r"<[^>]+>", " ", row).split())
            for row in re.findall(r'<tr class="voter">(.*?)</tr>', listed, re.S)]
    # A alone and A with a spouse are two voters; the couple's two units are one.
    assert rows[:2] == [f"{buyer_name} A-101 88.50", f"{pair} A-102, A-103 177.00"]
    assert len(rows) == 9


def test_the_meeting_page_names_each_matter_by_its_item_in_the_readers_language(
        app: Flask, shipped: System, estate: Estate, desk: FlaskClient) -> None:
    meeting = noticed_meeting(shipped, estate)
    path = f"/meetings/{meeting.meeting_id()}"
    for language, accept in (("en", "en"), ("zh", "zh-TW")):
        page = " ".join(text(desk.get(path, headers={"Accept-Language": accept})).split())
        with app.test_request_context(), force_locale(language):
            # The item's name as the catalog of the page's language has it.
            for item, key in ((6, "raise_maintenance_fund"), (9, "other_major")):
                name = str(escape(gettext(MEETING_LABELS["matter_class"][key])))
                assert gettext("Art. 278 item %(item)s: %(name)s", item=item, name=name) in page
    english = text(desk.get(path, headers={"Accept-Language": "en"}))
    assert "Other major matters of the shared ownership and management" in english


def test_a_meeting_stored_with_the_old_classes_still_shows_them(
        shipped: System, estate: Estate, desk: FlaskClient) -> None:
    with shipped.sessions() as session:
        held = schedule_meeting(session, shipped.rt, estate_id=estate.id, kind="annual",
                                meeting_at=shipped.rt.clock.now() + timedelta(days=15),
                                notice_text="AGM", matters=[("Report", "ordinary", None),
                                                            ("Fund", "special", None)],
                                instance_id=None, actor="clerk")
        session.commit()
        meeting_id = held.id
    words = " ".join(text(desk.get(f"/meetings/{meeting_id}")).split())
    assert "Ordinary matter · agreement of more than 1/2" in words
    assert "Special matter · agreement of at least 3/4" in words


def test_the_results_carry_the_tally_explanation(shipped: System, estate: Estate,
                                                 desk: FlaskClient) -> None:
    meeting = noticed_meeting(shipped, estate)
    units = unit_ids(shipped, estate)
    vote_on_paper(shipped, meeting.meeting_id(), units[:5], "agree")
    vote_on_paper(shipped, meeting.meeting_id(), units[5:8], "disagree")
    meeting.wait(timedelta(days=15, seconds=1))
    meeting.do("close_the_vote", {})
    results = [m.result for m in meeting.meeting().agenda]
    # The record keeps the English sentences for the minutes, and their codes for the page.
    assert all(r and len(r["explanation_codes"]) == len(r["explanation"]) for r in results)

    page = text(desk.get(f"/meetings/{meeting.meeting_id()}"))

    explanation = re.findall(r'<div class="explanation">(.*?)</div>', page, re.S)
    assert len(explanation) == 2 and "Passed: participation and agreement are both met." in page
    assert ("<p>Agreement by area: 442.50 m² of the 708.00 m² taking part agreed; at least 3/4 "
            "of 708.00 m² is needed, that is at least 531 m²: not met.</p>") in explanation[0]
    assert "<p>Not passed; not met: Agreement by area, Agreement by headcount.</p>" in page
    # 5 of the 8 taking part agreed: enough for item 9, short of item 6's 3/4.
    assert page.count(">Passed<") == 1 and page.count(">Not passed<") == 1
    assert "hx-trigger" not in page  # the vote is closed: nothing left to poll

    chinese = text(desk.get(f"/meetings/{meeting.meeting_id()}",
                            headers={"Accept-Language": "zh-TW"}))
    assert "面積參與" in chinese and 'class="explanation" lang="en"' not in chinese
    assert "不通過；不符合：面積同意、人數同意。" in chinese
    assert "選票：同意 5 票（442.50 平方米）、不同意 3 票（265.50 平方米）" in chinese
    assert "UTC" not in chinese
    assert "召集人：居民委員會（管理處協助）" in chinese

    meeting.do("record_minutes", {"minutes": "The report was approved; the levy was not."})
    minuted = text(desk.get(f"/meetings/{meeting.meeting_id()}"))
    convener = str(escape("The residents' committee, with the office's help"))
    assert f'class="minutes-convener">Meeting convened by {convener}<' in minuted


def paper(client: FlaskClient, meeting_id: int, data: dict[str, object]) -> TestResponse:
    path = f"/meetings/{meeting_id}/paper-ballot"
    return client.post(path, data={"csrf_token": csrf_token(client, path), **data})


def test_a_paper_ballot_is_stored_once_per_owner(shipped: System, estate: Estate,
                                                 desk: FlaskClient) -> None:
    meeting = noticed_meeting(shipped, estate)
    matters = [m.id for m in meeting.meeting().agenda]
    unit = unit_ids(shipped, estate)[0]

    missing = paper(desk, meeting.meeting_id(), {"unit_id": unit,
                                                 f"vote-{matters[0]}": "agree"})
    assert missing.status_code == 422
    assert text(missing).count("Choose a vote on this matter.") == 1
    assert 'value="agree" checked' in text(missing)  # the choice made is kept
    assert paper(desk, meeting.meeting_id(), {"unit_id": ""}).status_code == 422

    stored = paper(desk, meeting.meeting_id(), {"unit_id": unit, f"vote-{matters[0]}": "agree",
                                                f"vote-{matters[1]}": "disagree"})
    assert stored.status_code == 303
    assert "The paper ballot of A-101 is recorded." in text(desk.get(stored.headers["Location"]))
    with shipped.sessions() as session:
        ballots = session.execute(select(MeetingBallot.matter_id, MeetingBallot.vote,
                                         MeetingBallot.channel, MeetingBallot.entered_by)
                                  .order_by(MeetingBallot.matter_id)).all()
    assert [tuple(b) for b in ballots] == [(matters[0], "agree", "paper", "clerk"),
                                           (matters[1], "disagree", "paper", "clerk")]

    again = paper(desk, meeting.meeting_id(), {"unit_id": unit, f"vote-{matters[0]}": "abstain",
                                               f"vote-{matters[1]}": "abstain"})
    assert again.status_code == 409
    assert "has voted at this meeting already" in text(again)
    with shipped.sessions() as session:
        assert session.scalar(select(func.count()).select_from(MeetingBallot)) == 2


LINK = re.compile(r'<td>(A-\d+)</td>\s*<td class="mono link">http://localhost/ballot/([^<]+)<')


def issue(client: FlaskClient, path: str, **form: str) -> TestResponse:
    return client.post(path, data={"csrf_token": csrf_token(client, path), **form})


def audited(shipped: System, kind: str) -> list[str | None]:
    with shipped.sessions() as session:
        return list(session.scalars(select(AuditEvent.actor).where(AuditEvent.kind == kind)))


def test_ballot_links_are_issued_on_confirmation_and_listed_for_a_supervisor(
        shipped: System, estate: Estate, desk: FlaskClient, boss: FlaskClient) -> None:
    meeting = noticed_meeting(shipped, estate)
    path = f"/meetings/{meeting.meeting_id()}/ballot-links"

    unconfirmed = issue(desk, path)
    assert unconfirmed.status_code == 422 and "no links were issued" in text(unconfirmed)
    with shipped.sessions() as session:
        assert session.scalar(select(func.count()).select_from(BallotToken)) == 0

    assert issue(desk, path, confirm="yes").status_code == 303
    assert "/ballot/" not in text(desk.get(path))  # customer service does not read them
    first = LINK.findall(text(boss.get(path)))
    assert [unit for unit, _ in first] == [f"A-{n}" for n in range(101, 111)]
    assert len({token for _, token in first}) == 10
    assert LINK.findall(text(boss.get(path))) == first  # the same links, read again
    assert desk.get(f"/ballot/{first[0][1]}").status_code == 200
    assert audited(shipped, "ballot_links_viewed") == ["boss", "boss"]

    assert issue(desk, path, confirm="yes").status_code == 303
    assert "none was issued now" in text(desk.get(path))
    assert LINK.findall(text(boss.get(path))) == first


def test_the_printed_slips_are_for_supervisors_in_unit_order(
        shipped: System, estate: Estate, desk: FlaskClient, boss: FlaskClient) -> None:
    meeting = noticed_meeting(shipped, estate)
    path = f"/meetings/{meeting.meeting_id()}/ballot-links"
    issue(desk, path, confirm="yes")

    assert desk.get(path + "/print").status_code == 403
    slips = text(boss.get(path + "/print"))

    units = re.findall(r'<p class="slip-unit">Unit: <strong>([^<]+)</strong>', slips)
    assert units == [f"A-{n}" for n in range(101, 111)]
    assert slips.count('class="slip-link">http://localhost/ballot/') == 10
    assert 'class="ballot-slips"' in slips or "ballot-slips" in slips
    assert audited(shipped, "ballot_links_printed") == ["boss"]


def test_a_new_link_for_one_unit_stops_its_old_link(
        shipped: System, estate: Estate, desk: FlaskClient, boss: FlaskClient) -> None:
    meeting = noticed_meeting(shipped, estate)
    path = f"/meetings/{meeting.meeting_id()}/ballot-links"
    issue(boss, path, confirm="yes")
    before = dict(LINK.findall(text(boss.get(path))))
    unit = unit_ids(shipped, estate)[0]

    assert issue(desk, f"{path}/{unit}", confirm="yes").status_code == 403
    unconfirmed = issue(boss, f"{path}/{unit}")
    assert unconfirmed.status_code == 303
    assert "nothing was changed" in text(boss.get(path))
    assert dict(LINK.findall(text(boss.get(path)))) == before

    assert issue(boss, f"{path}/{unit}", confirm="yes").status_code == 303
    after = dict(LINK.findall(text(boss.get(path))))
    assert "its old link no longer works" in text(boss.get(path)) or after != before
    changed = [label for label in before if before[label] != after[label]]
    assert len(changed) == 1
    assert desk.get(f"/ballot/{before[changed[0]]}").status_code == 404
    assert desk.get(f"/ballot/{after[changed[0]]}").status_code == 200
    assert audited(shipped, "ballot_link_reissued") == ["boss"]


def test_a_petition_meeting_20_percent_starts_a_meeting_for_a_supervisor(
        shipped: System, estate: Estate, desk: FlaskClient, boss: FlaskClient) -> None:
    units = unit_ids(shipped, estate)
    path = f"/estates/{estate.id}/petition"

    def petition(client: FlaskClient, signed: list[int],
                 purpose: str = "Replace the company") -> TestResponse:
        return client.post(path, data={"csrf_token": csrf_token(client, path),
                                       "purpose": purpose, "unit_id": signed})

    empty = petition(desk, units[:1], purpose=" ")
    assert empty.status_code == 422 and "Say what the owners want" in text(empty)
    assert f'value="{units[0]}" checked' in text(empty)

    short = petition(desk, units[:1])
    page = text(desk.get(short.headers["Location"]))
    assert shown_in(page, "petition-count") == (
        "1 of 10 owners · threshold 20 %: 2 owners Not reached")
    assert shown_in(page, "petition-area") == (
        "88.50 of 885.00 m² · threshold 20 %: 177.00 m² Not reached")
    assert "Below 20 % of the area or of the headcount" in page
    assert "Start the extraordinary" not in page

    twice = desk.post(path, data={"csrf_token": csrf_token(desk, path), "purpose": "Repairs",
                                  "unit_id": [units[0], units[0]]})
    assert twice.status_code == 422 and "signed more than once" in text(twice)

    enough = petition(desk, units[:2])
    shown = enough.headers["Location"]
    page = text(desk.get(shown))
    assert "Meets 20 % of the area and of the headcount" in page
    assert shown_in(page, "petition-area") == (
        "177.00 of 885.00 m² · threshold 20 %: 177.00 m² Reached")
    assert "the owners' committee convenes it" in page
    start = shown + "/meeting"
    assert desk.post(start, data={"csrf_token": csrf_token(desk, shown)}).status_code == 403

    short_start = short.headers["Location"] + "/meeting"
    refused = boss.post(short_start, data={"csrf_token": csrf_token(boss, shown)})
    assert refused.status_code == 422 and "(2 of 10); its signers hold 88.50 m²" in text(refused)
    started = boss.post(start, data={"csrf_token": csrf_token(boss, shown)})
    assert started.status_code == 303
    with shipped.sessions() as session:
        agenda_task = session.scalars(select(HumanTask.id).where(
            HumanTask.element_id == "prepare_agenda")).one()
    form = text(desk.get(f"/tasks/{agenda_task}"))
    # No committee serves the estate: the residents' committee is proposed, and can be changed.
    assert re.search(r'value="residents_committee"\s+checked', form)
    assert 'value="owners_committee"' in form and 'value="street_office"' in form
    agenda = {"action": "complete", "estate_id": str(estate.id), "meeting_kind": "extraordinary",
              "petition_id": shown.rsplit("/", 1)[1], "convener": "residents_committee",
              "hire_manager": "Replace the company"}
    assert post(desk, f"/tasks/{agenda_task}", agenda).status_code == 303
    with shipped.sessions() as session:
        notice_task = session.scalars(select(HumanTask.id).where(
            HumanTask.element_id == "send_meeting_notice")).one()
    when = (shipped.rt.clock.now() + timedelta(days=16)).astimezone(shipped.rt.office_zone)
    assert post(desk, f"/tasks/{notice_task}", {
        "action": "complete", "meeting_at": when.strftime("%Y-%m-%dT%H:%M"),
        "notice_text": "Extraordinary meeting, estate hall."}).status_code == 303
    with shipped.sessions() as session:
        meeting_id = session.scalars(select(Meeting.id)).one()
    page = text(desk.get(f"/meetings/{meeting_id}"))
    assert shown_in(page, "meeting-petition") == (
        f"Owners' petition No. {shown.rsplit('/', 1)[1]} : 177.00 of 885.00 m² (threshold 20 %: "
        "177.00 m²), 2 of 10 owners (threshold 20 %: 2 owners)")
    again = boss.post(start, data={"csrf_token": csrf_token(boss, shown)})
    assert again.status_code == 409 and "already started on this petition" in text(again)
    with shipped.sessions() as session:
        assert session.scalar(select(func.count()).select_from(Petition)) == 2  # not "twice"
        started = list(session.scalars(select(ProcessInstance.business_key).where(
            ProcessInstance.process_id == "general_meeting")))
    assert started == [f"petition-{shown.rsplit('/', 1)[1]}"]
