"""The inbox: scopes and their counts, the estate rule, filters, sorting and paging."""

from __future__ import annotations

from datetime import timedelta

import pytest
from sqlalchemy import select

from engine.common.errors import FormInvalid, PermissionDenied
from engine.system import System
from engine.workflow.instances import start_instance
from engine.workflow.models import HumanTask
from engine.workflow.tasks.inbox import MAX_PER_PAGE, InboxCounts, TaskFilters, list_tasks
from engine.workflow.tasks.inbox import inbox_counts as counts_of
from engine.workflow.viewer import Viewer
from tests.support.cases import CaseDriver
from tests.support.people import create_estate, create_user, grant_role, unit_id, viewer_of

TRIAGE = {"triage_decision": "office_handles", "triage_notes": ""}


@pytest.fixture
def office(shipped: System) -> System:
    create_user(shipped, "clerk", "customer_service")
    create_user(shipped, "clerk2", "customer_service")
    create_user(shipped, "boss", "supervisor")
    return shipped


def register(system: System, n: int) -> list[CaseDriver]:
    """Register ``n`` cases a minute apart, so they sort by when they were offered."""
    cases = []
    for _ in range(n):
        cases.append(CaseDriver.register(system))
        system.rt.clock.advance(timedelta(minutes=1))  # type: ignore[attr-defined]
    return cases


def ids(system: System, viewer: Viewer, **options: object) -> list[str]:
    with system.sessions() as session:
        page = list_tasks(session, viewer=viewer, now=system.rt.clock.now(),
                          **options)  # type: ignore[arg-type]
        return [t.id for t in page.items]


def counts(system: System, viewer: Viewer) -> InboxCounts:
    with system.sessions() as session:
        return counts_of(session, viewer=viewer, now=system.rt.clock.now())


def claim(system: System, viewer: Viewer, task_id: str) -> None:
    from engine.workflow.tasks.assignment import claim_task

    with system.sessions() as session:
        claim_task(session, system.rt, task_id=task_id, viewer=viewer)
        session.commit()


def test_each_scope_shows_what_it_says_and_the_tabs_count_it(office: System) -> None:
    triage = [c.task_id("triage") for c in register(office, 3)]
    clerk, clerk2, boss = (viewer_of(office, n) for n in ("clerk", "clerk2", "boss"))
    claim(office, clerk, triage[0])

    assert ids(office, clerk, scope="mine") == [triage[0]]
    assert ids(office, clerk, scope="roles") == triage
    assert ids(office, clerk2, scope="roles") == triage[1:]  # not what clerk holds
    assert ids(office, boss, scope="roles") == []
    assert ids(office, boss, scope="all") == triage
    assert counts(office, clerk) == InboxCounts(mine=1, roles=3, all=None, overdue=0)
    assert counts(office, clerk2) == InboxCounts(mine=0, roles=2, all=None, overdue=0)
    assert counts(office, boss) == InboxCounts(mine=0, roles=0, all=3, overdue=0)
    with pytest.raises(PermissionDenied):
        ids(office, clerk, scope="all")


def test_someone_who_joins_a_role_sees_its_open_tasks_at_once(office: System) -> None:
    case = CaseDriver.register(office)
    create_user(office, "newcomer")
    assert ids(office, viewer_of(office, "newcomer")) == []
    grant_role(office, "newcomer", "customer_service")
    assert ids(office, viewer_of(office, "newcomer")) == [case.task_id("triage")]


def test_staff_of_one_estate_see_nothing_of_another(office: System) -> None:
    north, south = create_estate(office, "North"), create_estate(office, "South")
    in_north = CaseDriver.register(office, unit_id=unit_id(office, north, "A", "1203"))
    office.rt.clock.advance(timedelta(minutes=1))  # type: ignore[attr-defined]
    in_south = CaseDriver.register(office, unit_id=unit_id(office, south, "A", "1203"))
    office.rt.clock.advance(timedelta(minutes=1))  # type: ignore[attr-defined]
    nowhere = CaseDriver.register(office)  # a common area: no estate recorded
    create_user(office, "south_clerk", "customer_service", estate_id=south.id)
    create_user(office, "south_boss", "supervisor", estate_id=south.id)
    south_clerk, south_boss = viewer_of(office, "south_clerk"), viewer_of(office, "south_boss")

    expected = [in_south.task_id("triage"), nowhere.task_id("triage")]
    assert ids(office, south_clerk) == expected
    assert ids(office, south_boss, scope="all") == expected
    assert counts(office, south_boss).all == 2
    assert len(ids(office, viewer_of(office, "clerk"))) == 3  # company-wide staff see all
    assert in_north.task_id("triage") not in ids(office, viewer_of(office, "boss"), scope="all",
                                                 filters=TaskFilters(building="B"))


def test_filters_narrow_by_process_category_building_text_and_due(office: System) -> None:
    estate = create_estate(office, "North", buildings=("A", "B"))
    dirty = CaseDriver.register(office, category="hygiene",
                                unit_id=unit_id(office, estate, "A", "1203"))
    unsafe = CaseDriver.register(office, category="security", urgency="urgent",
                                 unit_id=unit_id(office, estate, "B", "1203"))
    noisy = CaseDriver.register(office, category="noise")
    dirty.do("triage", TRIAGE)    # handle_work_order due in 72 h (cleaning)
    unsafe.do("triage", TRIAGE)   # handle_work_order due in 8 h (security)
    create_user(office, "all_hands", "customer_service", "cleaning", "security")
    viewer = viewer_of(office, "all_hands")
    dirty_id, unsafe_id = dirty.task_id("handle_work_order"), unsafe.task_id("handle_work_order")
    noisy_id = noisy.task_id("triage")

    def only(**filters: object) -> list[str]:
        return ids(office, viewer, filters=TaskFilters(**filters))  # type: ignore[arg-type]

    assert only(category="security") == [unsafe_id]
    assert only(building="A") == [dirty_id]
    assert only(process_id="owner_case") == [unsafe_id, noisy_id, dirty_id]  # by due time
    assert only(process_id="escalation") == []
    assert only(text=noisy.case().number) == [noisy_id]
    assert only(text="work ORDER") == [unsafe_id, dirty_id]  # title, any case
    assert only(text="100%") == []  # wildcards are matched as they are
    assert only(due="no_due") == []  # every step of a case is due (case_sla), triage too
    assert only(due="overdue") == []
    # 16:30 UTC is 00:30 the next day in the office: 8 h after 09:00 UTC falls due "today".
    office.rt.clock.advance(timedelta(hours=7, minutes=30))  # type: ignore[attr-defined]
    # The noisy case's triage, due 09:00 UTC tomorrow (17:00 in the office), is due "today" too.
    assert only(due="due_today") == [unsafe_id, noisy_id]
    office.rt.clock.advance(timedelta(hours=1))  # type: ignore[attr-defined]
    assert only(due="overdue") == [unsafe_id]
    assert only(due="due_today") == [noisy_id]
    assert counts(office, viewer).overdue == 1


def test_sorting_by_due_time_puts_tasks_without_one_last(office: System) -> None:
    dirty = CaseDriver.register(office, category="hygiene")
    office.rt.clock.advance(timedelta(minutes=5))  # type: ignore[attr-defined]
    noisy = CaseDriver.register(office, category="noise")
    office.rt.clock.advance(timedelta(minutes=5))  # type: ignore[attr-defined]
    unsafe = CaseDriver.register(office, category="security", urgency="urgent")
    dirty.do("triage", TRIAGE)
    office.rt.clock.advance(timedelta(minutes=5))  # type: ignore[attr-defined]
    unsafe.do("triage", TRIAGE)
    create_user(office, "all_hands", "customer_service", "cleaning", "security")
    viewer = viewer_of(office, "all_hands")
    dirty_id, unsafe_id = dirty.task_id("handle_work_order"), unsafe.task_id("handle_work_order")
    noisy_id = noisy.task_id("triage")  # due in 24 h
    office.rt.clock.advance(timedelta(minutes=5))  # type: ignore[attr-defined]
    with office.sessions() as session:  # describing a repair has no due time
        repair = start_instance(session, office.rt, process_id="routine_repair", data={},
                                actor="clerk")
        session.commit()
        repair_id = session.scalars(select(HumanTask.id).where(
            HumanTask.instance_id == repair.id)).one()

    assert ids(office, viewer, sort="due") == [unsafe_id, noisy_id, dirty_id, repair_id]
    assert ids(office, viewer, sort="-due") == [dirty_id, noisy_id, unsafe_id, repair_id]
    assert ids(office, viewer, sort="offered") == [noisy_id, dirty_id, unsafe_id, repair_id]
    assert ids(office, viewer, sort="-offered") == [repair_id, unsafe_id, dirty_id, noisy_id]


def test_pages_are_capped_and_cover_every_task_once(office: System) -> None:
    triage = [c.task_id("triage") for c in register(office, 5)]
    clerk = viewer_of(office, "clerk")
    with office.sessions() as session:
        now = office.rt.clock.now()
        pages = [list_tasks(session, viewer=clerk, page=n, per_page=2, now=now)
                 for n in (1, 2, 3)]
        huge = list_tasks(session, viewer=clerk, per_page=10_000, now=now)
    assert [t.id for p in pages for t in p.items] == triage
    assert [(p.total, p.pages) for p in pages] == [(5, 3)] * 3
    assert huge.per_page == MAX_PER_PAGE and len(huge.items) == 5


@pytest.mark.parametrize("options", [{"scope": "everything"}, {"sort": "urgency"},
                                     {"filters": TaskFilters(due="someday")}])  # type: ignore[arg-type]
def test_an_unknown_scope_sort_or_due_state_is_refused(office: System,
                                                       options: dict[str, object]) -> None:
    with pytest.raises(FormInvalid):
        ids(office, viewer_of(office, "clerk"), **options)
