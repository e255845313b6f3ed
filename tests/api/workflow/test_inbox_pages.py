"""The inbox page: tabs and counts per role, filters, paging, claim, release and reassign."""

from __future__ import annotations

import re
from datetime import timedelta

import pytest
from flask import Flask
from flask.testing import FlaskClient

from engine.common.clock import FrozenClock
from engine.system import System
from tests.api.conftest import sign_in, text
from tests.support.cases import CaseDriver
from tests.support.inbox_pages import add_staff, assignee, claim, events, post, set_due

TAB = re.compile(r'<a class="tab" href="[^"]*scope=(\w+)"[^>]*>[^<]*'
                 r'<span class="tab__count">(\d+)</span>')


@pytest.fixture
def office(shipped: System, clock: FrozenClock) -> System:
    """Two clerks, a cleaner and a supervisor (who also does customer service)."""
    add_staff(shipped, clock, "clerk", "customer_service", name="李小華")
    add_staff(shipped, clock, "amy", "customer_service", name="張美玲")
    add_staff(shipped, clock, "cleaner", "cleaning", name="黃志強")
    add_staff(shipped, clock, "boss", "supervisor", "customer_service", name="周文傑")
    return shipped


def signed_in(app: Flask, username: str, **headers: str) -> FlaskClient:
    client = app.test_client()
    if headers:
        client.environ_base.update({f"HTTP_{k.upper().replace('-', '_')}": v
                                    for k, v in headers.items()})
    sign_in(client, username)
    return client


def tabs(html: str) -> dict[str, int]:
    return {scope: int(count) for scope, count in TAB.findall(html)}


def rows(html: str) -> list[str]:
    return re.findall(r'<tr class="task[^"]*" id="task-([^"]+)"', html)


def test_each_role_sees_its_tabs_and_counts(app: Flask, office: System) -> None:
    cases = [CaseDriver.register(office) for _ in range(3)]
    claim(office, cases[0].task_id("triage"), "clerk")

    clerk = text(signed_in(app, "clerk").get("/inbox"))
    assert tabs(clerk) == {"mine": 1, "roles": 3}  # no All tab for a clerk
    assert len(rows(clerk)) == 3
    mine = text(signed_in(app, "clerk").get("/inbox?scope=mine"))
    assert rows(mine) == [cases[0].task_id("triage")]

    amy = text(signed_in(app, "amy").get("/inbox"))
    assert tabs(amy) == {"mine": 0, "roles": 2}  # the clerk's claimed task is no longer offered

    cleaner = signed_in(app, "cleaner").get("/inbox")
    assert tabs(text(cleaner)) == {"mine": 0, "roles": 0}
    assert "All caught up" in text(cleaner)

    boss = text(signed_in(app, "boss").get("/inbox?scope=all"))
    assert tabs(boss) == {"mine": 0, "roles": 2, "all": 3}
    assert len(rows(boss)) == 3


def test_only_supervisors_may_see_every_task(app: Flask, office: System) -> None:
    CaseDriver.register(office)
    assert signed_in(app, "clerk").get("/inbox?scope=all").status_code == 403
    assert signed_in(app, "boss").get("/inbox?scope=all").status_code == 200


def test_the_overdue_count_and_the_due_badge(app: Flask, office: System,
                                             clock: FrozenClock) -> None:
    late, soon = (CaseDriver.register(office).task_id("triage") for _ in range(2))
    set_due(office, late, clock.now() - timedelta(hours=3))
    set_due(office, soon, clock.now() + timedelta(hours=2))

    html = text(signed_in(app, "clerk").get("/inbox"))
    assert re.search(r'class="overdue-count__n">1</span>', html)
    assert rows(html) == [late, soon]  # soonest due first
    late_row = html[html.index(f'id="task-{late}"'):html.index(f'id="task-{soon}"')]
    assert "badge-overdue" in late_row
    assert "2026-03-02 14:00" in late_row  # 06:00 UTC on the office's clock (UTC+8)
    assert 'title="in 2 h"' in html


def test_filters_keep_their_values_and_narrow_the_list(app: Flask, office: System,
                                                       clock: FrozenClock) -> None:
    noisy = CaseDriver.register(office, category="noise").task_id("triage")
    dirty = CaseDriver.register(office, category="hygiene").task_id("triage")
    set_due(office, noisy, clock.now() - timedelta(minutes=5))
    set_due(office, dirty, clock.now() - timedelta(minutes=5))

    html = text(signed_in(app, "clerk").get("/inbox?scope=roles&category=noise&due=overdue"))
    assert rows(html) == [noisy]
    assert '<option value="noise" selected>Noise</option>' in html
    assert '<option value="overdue" selected>Overdue</option>' in html
    assert '<input type="hidden" name="scope" value="roles">' in html
    # Tabs carry the filters with them.
    assert "/inbox?scope=mine&amp;category=noise&amp;due=overdue" in html

    empty = text(signed_in(app, "clerk").get("/inbox?category=parking"))
    assert rows(empty) == []
    assert "No task matches these filters" in empty


def test_paging_shows_where_one_is_and_keeps_the_sort(app: Flask, office: System,
                                                      clock: FrozenClock) -> None:
    for _ in range(27):
        CaseDriver.register(office)
        clock.advance(timedelta(minutes=1))
    client = signed_in(app, "clerk")

    first = text(client.get("/inbox?sort=offered"))
    assert "Showing 1–25 of 27" in first
    assert len(rows(first)) == 25
    assert 'href="/inbox?sort=offered&amp;page=2"' in first
    assert '<option value="offered" selected>' in first

    second = text(client.get("/inbox?sort=offered&page=2"))
    assert "Showing 26–27 of 27" in second
    assert len(rows(second)) == 2
    assert set(rows(second)).isdisjoint(rows(first))
    assert 'rel="prev" href="/inbox?sort=offered&amp;page=1"' in second


def test_claim_takes_the_task_with_an_audit_event_and_a_message(app: Flask,
                                                                office: System) -> None:
    task = CaseDriver.register(office).task_id("triage")
    client = signed_in(app, "clerk")

    response = post(client, f"/tasks/{task}/claim", {"next": "/inbox?scope=roles"})
    assert response.status_code == 303
    assert response.headers["Location"] == "/inbox?scope=roles"
    assert assignee(office, task) == "clerk"
    [event] = events(office, "task_claimed")
    assert (event.actor, event.task_id, event.data["to"]) == ("clerk", task, "clerk")
    assert "You now hold “Triage”." in text(client.get("/inbox?scope=roles"))


def test_a_claim_someone_won_first_says_who(app: Flask, office: System) -> None:
    task = CaseDriver.register(office).task_id("triage")
    claim(office, task, "amy")

    page = post(signed_in(app, "clerk"), f"/tasks/{task}/claim", follow=True)
    assert page.status_code == 200
    assert "This task is already claimed by 張美玲." in text(page)
    assert assignee(office, task) == "amy"
    assert len(events(office, "task_claimed")) == 1


def test_release_gives_the_task_back_to_its_role(app: Flask, office: System) -> None:
    task = CaseDriver.register(office).task_id("triage")
    claim(office, task, "clerk")

    page = post(signed_in(app, "clerk"), f"/tasks/{task}/release", follow=True)
    assert "“Triage” is back with its role." in text(page)
    assert assignee(office, task) is None
    [event] = events(office, "task_released")
    assert (event.actor, event.data["from"]) == ("clerk", "clerk")


def test_only_the_holder_or_a_supervisor_may_release(app: Flask, office: System) -> None:
    task = CaseDriver.register(office).task_id("triage")
    claim(office, task, "amy")

    refused = post(signed_in(app, "clerk"), f"/tasks/{task}/release")
    assert refused.status_code == 403
    assert "This task is offered to another role, person or estate." in text(refused)
    assert assignee(office, task) == "amy"

    assert post(signed_in(app, "boss"), f"/tasks/{task}/release").status_code == 303
    assert assignee(office, task) is None


def test_a_supervisor_reassigns_to_an_eligible_user(app: Flask, office: System) -> None:
    task = CaseDriver.register(office).task_id("triage")
    claim(office, task, "clerk")
    boss = signed_in(app, "boss")

    inbox = text(boss.get("/inbox?scope=all"))
    picker = inbox[inbox.index(f'id="reassign-{task}"'):]
    picker = picker[:picker.index("</select>")]
    holders, others = picker.split("<optgroup", 2)[1:]
    assert '<option value="amy">張美玲</option>' in holders
    assert 'value="cleaner"' in others and 'value="cleaner"' not in holders  # not their role
    assert 'value="clerk"' not in picker    # holds it already

    page = post(boss, f"/tasks/{task}/reassign", {"to": "amy"}, follow=True)
    assert "“Triage” now goes to 張美玲." in text(page)
    assert assignee(office, task) == "amy"
    [event] = events(office, "task_reassigned")
    assert (event.actor, event.data["from"], event.data["to"]) == ("boss", "clerk", "amy")

    unfit = post(boss, f"/tasks/{task}/reassign", {"to": "nobody"}, follow=True)
    assert "That person cannot take this task" in text(unfit)
    assert assignee(office, task) == "amy"


def test_reassigning_to_someone_without_the_role_asks_first(app: Flask, office: System) -> None:
    task = CaseDriver.register(office).task_id("triage")
    boss = signed_in(app, "boss")
    asked = post(boss, f"/tasks/{task}/reassign", {"to": "cleaner", "next": "/inbox?scope=all"})
    assert asked.status_code == 200 and assignee(office, task) is None
    page = text(asked)
    assert "Reassign to someone without the role?" in page
    assert 'name="despite_role" value="1"' in page and 'value="cleaner"' in page

    done = post(boss, f"/tasks/{task}/reassign",
                {"to": "cleaner", "despite_role": "1", "next": "/inbox?scope=all"},
                follow=True)
    assert "now goes to" in text(done) and assignee(office, task) == "cleaner"
    [event] = events(office, "task_reassigned")
    assert event.data["without_role"] == "customer_service"


def test_clerks_may_not_reassign(app: Flask, office: System) -> None:
    task = CaseDriver.register(office).task_id("triage")
    response = post(signed_in(app, "clerk"), f"/tasks/{task}/reassign", {"to": "amy"})
    assert response.status_code == 403
    assert assignee(office, task) is None
    assert events(office, "task_reassigned") == []


def test_someone_outside_the_role_may_not_claim(app: Flask, office: System) -> None:
    task = CaseDriver.register(office).task_id("triage")
    response = post(signed_in(app, "cleaner"), f"/tasks/{task}/claim")
    assert response.status_code == 403
    assert assignee(office, task) is None
    assert events(office, "task_claimed") == []


def test_a_post_without_its_csrf_token_is_refused(app: Flask, office: System) -> None:
    task = CaseDriver.register(office).task_id("triage")
    response = signed_in(app, "clerk").post(f"/tasks/{task}/claim")
    assert response.status_code == 400
    assert assignee(office, task) is None


def test_the_inbox_in_chinese_has_no_english_interface_text(app: Flask, office: System,
                                                            clock: FrozenClock) -> None:
    task = CaseDriver.register(office).task_id("triage")
    set_due(office, task, clock.now() - timedelta(hours=1))
    clock.advance(timedelta(hours=2))
    html = text(signed_in(app, "boss", accept_language="zh-TW").get("/inbox?scope=all"))
    for chinese in ("待辦事項", "我的角色", "全部", "認領", "改派", "逾期", "分流", "環境衛生",
                    "2 小時前", "未認領", "派發時間"):
        assert chinese in html, chinese
    for english in ("Inbox", "My roles", ">Claim<", ">Reassign<", "Overdue", "Triage",
                    "Hygiene", "h ago", "Unclaimed", "Sort by", "Any category"):
        assert english not in html, english
