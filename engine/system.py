"""Assemble the engine: the features plugged into the workflow core, the database, the worker.

This is the one place that knows every feature. Each hands its service tasks,
completion rules and hooks, inbox columns and task-page subject to the
runtime's registries; the workflow core reads only those registries.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from sqlalchemy import Engine
from sqlalchemy.orm import Session, sessionmaker

import engine.tables  # noqa: F401  (every feature's tables on the metadata, as migrations see them)
from engine.activities.festivals import chosen_festivals
from engine.activities.schedule import festival_job
from engine.activities.services import ACTIVITY_CHECKS, ACTIVITY_SERVICES
from engine.cases.access import a_case_not_for
from engine.cases.checks import CASE_CHECKS
from engine.cases.outcomes import OUTCOME_CHECKS, OUTCOME_SERVICES
from engine.cases.services import CASE_SERVICES, record_task_step
from engine.cases.subject import another_estates_case, case_columns, case_number, case_subject
from engine.common.clock import DEFAULT_OFFICE_ZONE, Clock, SystemClock, office_zone
from engine.common.db import make_engine, make_session_factory
from engine.common.settings import Settings
from engine.meetings.services import MEETING_SERVICES
from engine.return_visits.services import RETURN_VISIT_CHECKS, RETURN_VISIT_SERVICES
from engine.return_visits.subject import visit_columns
from engine.surveys.campaigns import install_questionnaires
from engine.surveys.services import SURVEY_CHECKS, SURVEY_SERVICES
from engine.surveys.subject import follow_up_columns
from engine.workflow.deployments import Bundle, Deployed, deploy
from engine.workflow.extensions import Extensions
from engine.workflow.lanes import load_lane_roles, load_starters
from engine.workflow.runtime import Runtime
from engine.workflow.sandbox.limits import ScriptLimits
from engine.workflow.sandbox.script_engine import make_script_engine
from engine.workflow.worker import Worker


@dataclass
class System:
    settings: Settings
    db: Engine
    sessions: sessionmaker[Session]
    rt: Runtime

    def worker(self, interval: float = 1.0) -> Worker:
        festivals = festival_job(chosen_festivals(self.settings), self.settings.festival_lead_days)
        return Worker(self.sessions, self.rt, interval=interval, jobs=(festivals,))


FEATURES = Extensions(
    services={**CASE_SERVICES, **OUTCOME_SERVICES, **SURVEY_SERVICES, **MEETING_SERVICES,
              **RETURN_VISIT_SERVICES, **ACTIVITY_SERVICES},
    completion_checks={**CASE_CHECKS, **OUTCOME_CHECKS, **SURVEY_CHECKS, **RETURN_VISIT_CHECKS,
                       **ACTIVITY_CHECKS},
    completion_hooks=(record_task_step,),
    task_columns=(case_columns, visit_columns, follow_up_columns),
    subjects=(case_subject,),
    subject_numbers=(case_number,),
    instance_hidden=(another_estates_case, a_case_not_for),
)


def script_engine(limits: ScriptLimits | None = None) -> Any:
    """The sandboxed script engine with every feature's service tasks, bounded by the OS."""
    return make_script_engine(services=FEATURES.services, limits=limits or ScriptLimits())


def script_limits(settings: Settings) -> ScriptLimits:
    return ScriptLimits(seconds=settings.script_seconds, memory_mb=settings.script_memory_mb,
                        data_limit_kb=settings.instance_data_limit_kb)


def assemble_runtime(*, clock: Clock | None = None,
                     lane_roles: Mapping[str, str] | None = None,
                     starters: Mapping[str, frozenset[str]] | None = None,
                     timezone: str = DEFAULT_OFFICE_ZONE,
                     limits: ScriptLimits | None = None) -> Runtime:
    """The runtime with every feature plugged in."""
    return Runtime(script_engine=script_engine(limits), clock=clock or SystemClock(),
                   lane_roles=dict(lane_roles or {}), starters=dict(starters or {}),
                   office_zone=office_zone(timezone), extensions=FEATURES)


def build_system(settings: Settings, *, clock: Clock | None = None) -> System:
    chosen_festivals(settings)  # a mistyped LIAISON_FESTIVALS stops the start, not a page later
    if settings.database_url.startswith("sqlite"):
        settings.ensure_instance_path()
    db = make_engine(settings.database_url)
    rt = assemble_runtime(clock=clock, lane_roles=load_lane_roles(settings.processes_path),
                          starters=load_starters(settings.processes_path),
                          timezone=settings.timezone, limits=script_limits(settings))
    return System(settings, db, make_session_factory(db), rt)


# Survey questionnaires are data beside the task forms, not a process's forms.
QUESTIONNAIRES = "questionnaires"


def deploy_shipped(system: System, *, actor: str = "liaison") -> list[Deployed]:
    """Deploy ``processes/`` and ``forms/``; unchanged files keep their version.

    The survey questionnaires in ``forms/questionnaires/`` are stored the same way.
    """
    bundle = Bundle.from_paths([system.settings.processes_path],
                               forms_root=system.settings.forms_path)
    with system.sessions() as session:
        deployed = deploy(session, system.rt, bundle, actor=actor,
                          note="shipped with Liaison")
        install_questionnaires(session, system.rt,
                               system.settings.forms_path / QUESTIONNAIRES, actor=actor)
        session.commit()
    return deployed
