"""Drive an owner case through the persisted engine, one step per transaction."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import timedelta
from typing import Any
from uuid import UUID

from sqlalchemy import select

from engine.cases.models import Case
from engine.cases.registration import Complainant, register_case
from engine.common.clock import FrozenClock
from engine.directory.models import Department
from engine.system import System
from engine.workflow.instances import load_workflow, start_instance
from engine.workflow.models import HumanTask, ProcessInstance
from engine.workflow.tasks.complete import complete_task
from engine.workflow.worker import fire_due_timers, flag_overdue_tasks

DEPARTMENTS = [("office", "Management office", "管理處", "020-8600-1000"),
               ("service_centre", "Service centre", "服務中心", "020-8600-1006"),
               ("finance", "Finance office", "財務部", "020-8600-1005"),
               ("equipment_operations", "Equipment operations", "工程部", "020-8600-1002")]


def add_contact_directory(system: System) -> None:
    with system.sessions() as session:
        for code, name, name_zh, phone in DEPARTMENTS:
            session.add(Department(code=code, name=name, name_zh=name_zh, phone=phone))
        session.commit()


@dataclass
class CaseDriver:
    """One case, driven the way staff would: each step reloads the instance."""

    system: System
    case_id: int
    instance_id: int

    @classmethod
    def register(cls, system: System, *, channel: str = "phone", type: str = "complaint",
                 category: str = "hygiene", urgency: str = "normal",
                 address: str = "", unit_id: int | None = None, estate_id: int | None = None,
                 phone: str = "13800000000", name: str = "陳大文",
                 description: str = "Rubbish left in the stairwell of block A") -> CaseDriver:
        with system.sessions() as session:
            case = register_case(
                session, system.rt, channel=channel, type=type, category=category,
                urgency=urgency, description=description,
                complainant=Complainant(name, phone, address), unit_id=unit_id,
                estate_id=estate_id, actor="clerk")
            session.commit()
            assert case.instance_id is not None
            return cls(system, case.id, case.instance_id)

    @classmethod
    def repair(cls, system: System) -> CaseDriver:
        """Start a routine repair: the same steps and timers, with no case behind it (case_id 0)."""
        with system.sessions() as session:
            instance = start_instance(session, system.rt, process_id="routine_repair", data={},
                                      actor="clerk")
            session.commit()
            return cls(system, 0, instance.id)

    def open(self) -> dict[str, HumanTask]:
        with self.system.sessions() as session:
            return {t.element_id: t for t in session.scalars(
                select(HumanTask).where(HumanTask.instance_id == self.instance_id))}

    def do(self, element_id: str, data: dict[str, Any], *, actor: str = "clerk") -> None:
        task_id = self.task_id(element_id)
        with self.system.sessions() as session:
            complete_task(session, self.system.rt, task_id=task_id, data=data, actor=actor)
            session.commit()

    def task_id(self, element_id: str) -> str:
        tasks = self.open()
        assert element_id in tasks, f"{element_id} is not open; open: {sorted(tasks)}"
        return tasks[element_id].id

    def wait(self, delta: timedelta) -> int:
        """Let time pass and let the worker fire what fell due."""
        clock = self.system.rt.clock
        assert isinstance(clock, FrozenClock)
        clock.advance(delta)
        fired = fire_due_timers(self.system.sessions, self.system.rt)
        flag_overdue_tasks(self.system.sessions, self.system.rt)
        return fired

    def case(self) -> Case:
        with self.system.sessions() as session:
            case = session.get(Case, self.case_id)
            assert case is not None
            return case

    def data(self) -> dict[str, Any]:
        """The data of the instance's most recent step."""
        with self.system.sessions() as session:
            instance = session.get(ProcessInstance, self.instance_id)
            assert instance is not None
            return dict(load_workflow(session, self.system.rt, instance).last_task.data)

    def task_data(self, element_id: str) -> dict[str, Any]:
        """The data an open task sees (inside a called process too)."""
        task_id = self.open()[element_id].id
        with self.system.sessions() as session:
            instance = session.get(ProcessInstance, self.instance_id)
            assert instance is not None
            workflow = load_workflow(session, self.system.rt, instance)
            return dict(workflow.get_task_from_id(UUID(task_id)).data)

    def status(self) -> str:
        with self.system.sessions() as session:
            instance = session.get(ProcessInstance, self.instance_id)
            assert instance is not None
            return instance.status


HANDLED = {"handling_result": "resolved",
           "handling_method": "Cleared the rubbish, reminded the residents of the times"}
REPLY = {"reply_channel": "phone", "reply_text": "We cleaned the stairwell this morning.",
         "reply_letter_text": ""}


def run_to_the_end(case: CaseDriver) -> None:
    """Take a case the ordinary way: a work order, a reply, a satisfied complainant."""
    case.do("triage", {"triage_decision": "office_handles", "triage_notes": "stairwell"})
    case.do("handle_work_order", HANDLED, actor="cleaner")
    case.do("reply_to_complainant", dict(REPLY))
    case.do("record_satisfaction", {"satisfied": True, "satisfaction_remarks": "thanks"})


def escalate(case: CaseDriver, reason: str = "compensation beyond the office's authority"
             ) -> None:
    case.do("triage", {"triage_decision": "escalate", "triage_notes": "",
                       "escalation_reason": reason})
