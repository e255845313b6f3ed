"""Claim, release and reassign: who may, one owner at a time, an audit event for each."""

from __future__ import annotations

import threading

import pytest
from sqlalchemy import select

from engine.common.audit import AuditEvent
from engine.common.errors import Conflict, FormInvalid, LiaisonError, PermissionDenied, TaskNotReady
from engine.system import System
from engine.workflow.models import HumanTask
from engine.workflow.tasks.assignment import claim_task, reassign_task, release_task
from engine.workflow.tasks.inbox import TaskSummary
from engine.workflow.viewer import Viewer
from tests.support.cases import CaseDriver
from tests.support.people import create_estate, create_user, unit_id, viewer_of


def act(system: System, operation: object, task_id: str, username: str,
        **extra: object) -> TaskSummary:
    with system.sessions() as session:
        result: TaskSummary = operation(  # type: ignore[operator]
            session, system.rt, task_id=task_id, viewer=viewer_of(system, username), **extra)
        session.commit()
        return result


def assignee(system: System, task_id: str) -> str | None:
    with system.sessions() as session:
        return session.scalars(select(HumanTask.assignee).where(HumanTask.id == task_id)).one()


def events(system: System, task_id: str) -> list[tuple[str, str | None, dict[str, object]]]:
    with system.sessions() as session:
        return [(e.kind, e.actor, {k: v for k, v in e.data.items() if k != "title"})
                for e in session.scalars(select(AuditEvent).where(AuditEvent.task_id == task_id)
                                         .order_by(AuditEvent.id))]


def test_claim_release_and_reassign_each_leave_an_audit_event(office: System) -> None:
    task = CaseDriver.register(office).task_id("triage")
    claimed = act(office, claim_task, task, "clerk")
    assert (claimed.assignee, claimed.claimed_at) == ("clerk", office.rt.clock.now())
    assert act(office, claim_task, task, "clerk").assignee == "clerk"  # again: nothing changes
    assert act(office, release_task, task, "clerk").assignee is None
    assert act(office, reassign_task, task, "boss", to="clerk2").assignee == "clerk2"
    assert act(office, release_task, task, "boss").assignee is None  # a supervisor may
    assert events(office, task) == [
        ("task_claimed", "clerk", {"to": "clerk", "by": "clerk"}),
        ("task_released", "clerk", {"from": "clerk", "by": "clerk"}),
        ("task_reassigned", "boss", {"from": None, "to": "clerk2", "by": "boss"}),
        ("task_released", "boss", {"from": "clerk2", "by": "boss"})]


def test_a_task_someone_holds_cannot_be_claimed_or_released_by_another(office: System) -> None:
    task = CaseDriver.register(office).task_id("triage")
    act(office, claim_task, task, "clerk")
    with pytest.raises(Conflict, match="already claimed by clerk"):
        act(office, claim_task, task, "clerk2")
    with pytest.raises(PermissionDenied, match="claimed by clerk"):
        act(office, release_task, task, "clerk2")
    assert assignee(office, task) == "clerk"
    act(office, release_task, task, "clerk")
    with pytest.raises(Conflict, match="nobody has claimed"):
        act(office, release_task, task, "clerk")


def test_a_task_of_another_role_or_estate_cannot_be_claimed(office: System) -> None:
    north, south = create_estate(office, "North"), create_estate(office, "South")
    task = CaseDriver.register(office, unit_id=unit_id(office, south, "A", "1203")
                               ).task_id("triage")
    create_user(office, "north_clerk", "customer_service", estate_id=north.id)
    for outsider in ("cleaner", "north_clerk"):
        with pytest.raises(PermissionDenied):
            act(office, claim_task, task, outsider)
    assert assignee(office, task) is None and events(office, task) == []


def test_only_a_supervisor_reassigns_and_only_to_someone_fit_for_the_task(
        office: System) -> None:
    task = CaseDriver.register(office).task_id("triage")
    with pytest.raises(PermissionDenied, match="only a supervisor"):
        act(office, reassign_task, task, "clerk", to="clerk2")
    create_user(office, "former", "customer_service", active=False)
    for unfit in ("nobody", "former"):
        with pytest.raises(FormInvalid) as refused:
            act(office, reassign_task, task, "boss", to=unfit)
        assert [e.field for e in refused.value.errors] == ["assignee"]
    with pytest.raises(FormInvalid) as unconfirmed:  # no customer-service role
        act(office, reassign_task, task, "boss", to="cleaner")
    assert [e.field for e in unconfirmed.value.errors] == ["despite_role"]
    assert assignee(office, task) is None


def test_a_supervisor_may_hand_a_task_to_someone_without_its_role_when_they_say_so(
        office: System) -> None:
    case = CaseDriver.register(office)
    task = case.task_id("triage")
    act(office, reassign_task, task, "boss", to="cleaner", despite_role=True)
    assert assignee(office, task) == "cleaner"
    [data] = [data for kind, _, data in events(office, task) if kind == "task_reassigned"]
    assert (data["to"], data["without_role"]) == ("cleaner", "customer_service")
    case.do("triage", {"triage_decision": "office_handles", "triage_notes": ""},
            actor="cleaner")
    assert "triage" not in case.open()


def test_a_completed_task_says_who_completed_it_and_when(office: System) -> None:
    case = CaseDriver.register(office)
    task = case.task_id("triage")
    case.do("triage", {"triage_decision": "office_handles", "triage_notes": ""})
    for operation in (claim_task, release_task):
        with pytest.raises(TaskNotReady, match="already completed by clerk at 2026-03-02 09:00"):
            act(office, operation, task, "clerk")


def test_two_people_claiming_at_once_leave_exactly_one_owner(office: System) -> None:
    task = CaseDriver.register(office).task_id("triage")
    viewers = [viewer_of(office, name) for name in ("clerk", "clerk2")]
    barrier = threading.Barrier(len(viewers))
    outcomes: dict[str, str] = {}

    def claim(viewer: Viewer) -> None:
        with office.sessions() as session:
            barrier.wait()
            try:
                claim_task(session, office.rt, task_id=task, viewer=viewer)
                session.commit()
                outcomes[viewer.username] = "owner"
            except LiaisonError as error:
                session.rollback()
                outcomes[viewer.username] = error.message

    threads = [threading.Thread(target=claim, args=(v,)) for v in viewers]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    winner = assignee(office, task)
    loser = ({"clerk", "clerk2"} - {winner}).pop()
    assert outcomes == {winner: "owner", loser: f"this task is already claimed by {winner}"}
    assert [kind for kind, *_ in events(office, task)] == ["task_claimed"]
