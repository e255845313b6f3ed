"""The owner case (P1) on its common path, driven raw, through engine/, or over HTTP.

Register a hygiene complaint → triage (the office handles it) → the cleaning
department handles the work order → reply to the complainant → record
satisfaction → archived. Four user tasks, two decision tables, three service
tasks and the SLA timers, as in the office every day.
"""

from __future__ import annotations

import json
import time
from dataclasses import dataclass
from typing import Any

from SpiffWorkflow.bpmn.script_engine import PythonScriptEngine, TaskDataEnvironment
from SpiffWorkflow.bpmn.serializer import BpmnWorkflowSerializer
from SpiffWorkflow.bpmn.workflow import BpmnWorkflow
from SpiffWorkflow.spiff.parser.process import SpiffBpmnParser
from SpiffWorkflow.spiff.serializer.config import SPIFF_CONFIG
from SpiffWorkflow.task import TaskState
from sqlalchemy import select
from sqlalchemy.orm import Session, sessionmaker

from engine.cases.registration import Complainant, register_case
from engine.common.settings import PROJECT_ROOT
from engine.directory.models import Role, User
from engine.system import assemble_runtime
from engine.workflow.deployments import Bundle, deploy
from engine.workflow.lanes import load_lane_roles
from engine.workflow.models import HumanTask
from engine.workflow.runtime import Runtime
from engine.workflow.tasks.complete import complete_task

PROCESS = "owner_case"
PROCESSES = PROJECT_ROOT / "processes"
ANSWERS: dict[str, dict[str, Any]] = {
    "triage": {"triage_decision": "office_handles", "triage_notes": "stairwell, block A"},
    "handle_work_order": {"handling_result": "resolved",
                          "handling_method": "Cleared the rubbish, reminded the residents"},
    "reply_to_complainant": {"reply_channel": "phone", "reply_letter_text": "",
                             "reply_text": "We cleaned the stairwell this morning."},
    "record_satisfaction": {"satisfied": True, "satisfaction_remarks": "thanks"},
}
TASKS_PER_CASE = len(ANSWERS)
CASE = {"channel": "phone", "type": "complaint", "category": "hygiene", "urgency": "normal",
        "description": "Rubbish left in the stairwell of block A"}
# What the service tasks answer when SpiffWorkflow runs alone, without Liaison's database.
SERVICE_ANSWERS = {"create_work_order": {"id": 1, "number": "W-1", "department": "cleaning"},
                   "complete_work_order": {"id": 1, "number": "W-1", "status": "done"},
                   "record_reply": {"channel": "phone", "letter_id": None, "replied_at": ""},
                   "archive_case": {"archive_entry_id": 1, "closed_at": ""}}
BENCH_ROLES = ("customer_service", "cleaning")


@dataclass
class RawRun:
    completions: list[float]   # seconds per user-task completion
    seconds: float             # wall time for every case, start to end

    def instances_per_s(self, cases: int) -> float:
        return cases / self.seconds


class _CannedServices(TaskDataEnvironment):
    def call_service(self, context: dict[str, Any], **kwargs: Any) -> str:
        return json.dumps(SERVICE_ANSWERS[kwargs["operation_name"]])


def raw_cases(cases: int) -> RawRun:
    """SpiffWorkflow alone, in memory, its serializer round-trip after every user task."""
    parser = SpiffBpmnParser()
    parser.add_bpmn_files([str(p) for p in sorted(PROCESSES.glob("*.bpmn"))])
    parser.add_dmn_files([str(p) for p in sorted(PROCESSES.glob("*.dmn"))])
    spec, subprocesses = parser.get_spec(PROCESS), parser.get_subprocess_specs(PROCESS)
    engine = PythonScriptEngine(environment=_CannedServices())
    serializer = BpmnWorkflowSerializer(BpmnWorkflowSerializer.configure(SPIFF_CONFIG))
    completions: list[float] = []
    began = time.perf_counter()
    for number in range(cases):
        workflow = BpmnWorkflow(spec, subprocesses, script_engine=engine)
        for task in workflow.get_tasks(state=TaskState.READY):
            task.data.update(CASE, case_id=number, case_number=f"C-{number}")
        workflow.do_engine_steps()
        state = serializer.serialize_json(workflow)
        while True:
            started = time.perf_counter()
            workflow = serializer.deserialize_json(state)
            workflow.script_engine = engine
            ready = workflow.get_tasks(state=TaskState.READY, manual=True)
            if not ready:
                break
            ready[0].data.update(ANSWERS[ready[0].task_spec.bpmn_id])
            ready[0].run()
            workflow.do_engine_steps()
            state = serializer.serialize_json(workflow)
            completions.append(time.perf_counter() - started)
        assert workflow.is_completed(), "the raw owner case did not finish"  # a broken run
    return RawRun(completions, time.perf_counter() - began)


def runtime() -> Runtime:
    return assemble_runtime(lane_roles=load_lane_roles(PROCESSES))


def deploy_shipped(sessions: sessionmaker[Session], rt: Runtime) -> None:
    with sessions() as session:
        deploy(session, rt, Bundle.from_paths([PROCESSES], forms_root=PROJECT_ROOT / "forms"),
               actor="bench")
        session.commit()


def add_bench_clerk(session: Session, rt: Runtime, username: str = "bench") -> User:
    """One member of staff who holds every role the common path needs."""
    roles = []
    for code in BENCH_ROLES:
        role = session.scalars(select(Role).where(Role.code == code)).first()
        if role is None:
            role = Role(code=code, name=code.replace("_", " ").capitalize())
            session.add(role)
        roles.append(role)
    user = User(username=username, display_name="Bench", created_at=rt.clock.now(), roles=roles)
    session.add(user)
    session.flush()
    return user


def register(session: Session, rt: Runtime, number: int) -> int:
    """Register one case; its instance id."""
    case = register_case(session, rt, complainant=Complainant("陳大文", f"1380000{number:04d}"),
                         actor="bench", **CASE)
    assert case.instance_id is not None
    return case.instance_id


def engine_cases(sessions: sessionmaker[Session], rt: Runtime, cases: int) -> list[float]:
    """The same path through engine/: each completion in its own transaction, as a request."""
    completions: list[float] = []
    for number in range(cases):
        with sessions() as session:
            instance_id = register(session, rt, number)
            session.commit()
        while True:
            with sessions() as session:
                task = session.scalars(select(HumanTask).where(
                    HumanTask.instance_id == instance_id)).first()
                if task is None:
                    break
                task_id, element = task.id, task.element_id
            started = time.perf_counter()
            with sessions() as session:
                complete_task(session, rt, task_id=task_id, data=ANSWERS[element], actor="bench")
                session.commit()
            completions.append(time.perf_counter() - started)
    return completions
