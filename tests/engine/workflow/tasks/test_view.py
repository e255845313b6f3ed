"""The task page: who may open it, its form and layout, the data so far, drafts, history."""

from __future__ import annotations

from datetime import datetime, timedelta

import pytest
from sqlalchemy import func, select

from engine.common.clock import FrozenClock
from engine.common.errors import NotFound, PermissionDenied, TaskNotReady
from engine.system import System
from engine.workflow.deployments import deploy
from engine.workflow.instances import start_instance
from engine.workflow.models import HumanTask, TaskDraft
from engine.workflow.tasks.drafts import load_draft, save_draft
from engine.workflow.tasks.view import TaskView, open_task
from tests.support.cases import CaseDriver, escalate
from tests.support.diagrams import bundle, chain, user_task
from tests.support.people import create_estate, create_user, unit_id, viewer_of

RETURNED = {"supervisor_decision": "return", "supervisor_instruction": "Ask the developer first"}


def view(system: System, task_id: str, username: str) -> TaskView:
    with system.sessions() as session:
        return open_task(session, system.rt, task_id=task_id, viewer=viewer_of(system, username))


def draft(system: System, task_id: str, username: str, data: dict[str, object]) -> None:
    with system.sessions() as session:
        save_draft(session, system.rt, task_id=task_id, viewer=viewer_of(system, username),
                   data=data)
        session.commit()


def test_the_page_has_the_form_its_layout_the_case_and_its_history(office: System) -> None:
    case = CaseDriver.register(office, category="noise")
    page = view(office, case.task_id("triage"), "clerk")
    number = case.case().number
    assert (page.task.title, page.task.case_number, page.form) == (
        "Triage", number, "owner_case/triage.schema.json")
    assert page.schema is not None and "title" not in page.schema  # the schema keeps codes
    assert page.form_in("zh")[0]["title"] == "分流" and page.form_in("en")[0]["title"] == "Triage"
    assert page.form_in("zh")[1]["triage_decision"]["ui:enumNames"][0] == "本處處理（派工單）"
    assert page.ui_schema["ui:order"][0] == "triage_decision"
    assert page.data["case_number"] == number and page.data["category"] == "noise"
    assert page.values == {} and page.draft is None and page.may_complete
    assert page.subject is not None
    assert (page.subject.number, page.subject.channel, page.subject.category, page.subject.status,
            page.subject.complainant_name, page.subject.complainant_phone) == (
        number, "phone", "noise", "open", "陳大文", "13800000000")
    assert [(h.kind, h.actor) for h in page.history] == [("instance_started", "clerk")]


def test_a_returned_escalation_reopens_triage_with_what_was_entered_before(
        office: System) -> None:
    case = CaseDriver.register(office)
    escalate(case, reason="the owner wants compensation")
    case.do("supervisor_review", RETURNED, actor="boss")
    page = view(office, case.task_id("triage"), "clerk")
    assert page.values == {"triage_decision": "escalate", "triage_notes": "",
                           "escalation_reason": "the owner wants compensation"}
    assert page.data["escalation_instruction"] == "Ask the developer first"
    steps = [(h.source, h.step, h.actor) for h in page.history if h.kind != "instance_started"]
    assert steps == [("record", "Triage", "clerk"),
                     ("record", "Review the escalation", "boss")]  # each completion once


def test_a_completion_shows_once_when_the_clock_moves_while_it_is_recorded(
        office: System, clock: FrozenClock, monkeypatch: pytest.MonkeyPatch) -> None:
    # A real clock moves between writing the case record and the audit event.
    def ticking() -> datetime:
        return clock.advance(timedelta(milliseconds=1))
    monkeypatch.setattr(clock, "now", ticking)
    case = CaseDriver.register(office)
    escalate(case, reason="the owner wants compensation")
    page = view(office, case.task_id("supervisor_review"), "boss")
    done = [h.step for h in page.history if h.kind in ("task", "task_completed")]
    assert done == ["Triage"]


def test_the_layout_defaults_to_the_ui_file_beside_the_schema(office: System) -> None:
    xml = chain("ask_owner", user_task("ask"))
    files = bundle("ask_owner", xml, {"ask.ui.json": {"ui:order": ["answer"]}})
    with office.sessions() as session:
        deploy(session, office.rt, files, actor="tests")
        instance = start_instance(session, office.rt, process_id="ask_owner", actor="clerk")
        session.commit()
        task_id = session.scalars(select(HumanTask.id).where(
            HumanTask.instance_id == instance.id)).one()
    page = view(office, task_id, "clerk")
    assert page.ui_schema == {"ui:order": ["answer"]} and page.subject is None


def test_only_the_tasks_roles_its_holder_and_supervisors_may_open_it(office: System) -> None:
    south = create_estate(office, "South")
    north = create_estate(office, "North")
    create_user(office, "north_clerk", "customer_service", estate_id=north.id)
    case = CaseDriver.register(office, unit_id=unit_id(office, south, "A", "1203"))
    task = case.task_id("triage")
    for outsider in ("cleaner", "north_clerk"):
        with pytest.raises(PermissionDenied):
            view(office, task, outsider)
    watched = view(office, task, "boss")
    assert watched.subject is not None and not watched.may_complete
    assert watched.subject.unit_label == "A-1203"


def test_a_finished_or_unknown_task_says_so(office: System) -> None:
    case = CaseDriver.register(office)
    task = case.task_id("triage")
    case.do("triage", {"triage_decision": "office_handles", "triage_notes": ""})
    with pytest.raises(TaskNotReady, match="already completed by clerk"):
        view(office, task, "clerk")
    with pytest.raises(NotFound):
        view(office, "00000000-0000-0000-0000-000000000000", "clerk")


def test_drafts_are_kept_per_person_shown_again_and_dropped_on_completion(
        office: System) -> None:
    case = CaseDriver.register(office)
    task = case.task_id("triage")
    draft(office, task, "clerk", {"triage_notes": "first"})
    draft(office, task, "clerk", {"triage_notes": "called the owner back"})
    page = view(office, task, "clerk")
    assert page.draft is not None and page.draft.saved_at == office.rt.clock.now()
    assert page.values == {"triage_notes": "called the owner back"}
    assert view(office, task, "clerk2").draft is None  # a draft is its author's alone
    with pytest.raises(PermissionDenied):
        draft(office, task, "cleaner", {"triage_notes": "not mine"})

    case.do("triage", {"triage_decision": "office_handles", "triage_notes": "done"})
    with office.sessions() as session:
        assert session.scalar(select(func.count()).select_from(TaskDraft)) == 0
        assert load_draft(session, task_id=task, viewer=viewer_of(office, "clerk")) is None
    with pytest.raises(TaskNotReady):
        draft(office, task, "clerk", {"triage_notes": "too late"})
