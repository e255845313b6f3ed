"""Assemble the engine's parts from the settings: database, runtime, worker."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from sqlalchemy import Engine
from sqlalchemy.orm import Session, sessionmaker

from engine.case_services import SERVICES
from engine.clock import Clock, SystemClock
from engine.db import make_engine, make_session_factory
from engine.deployments import Bundle, Deployed, deploy
from engine.lanes import load_lane_roles
from engine.runtime import Runtime
from engine.sandbox import make_script_engine
from engine.settings import Settings
from engine.survey_campaigns import install_questionnaires
from engine.worker import Worker


@dataclass
class System:
    settings: Settings
    db: Engine
    sessions: sessionmaker[Session]
    rt: Runtime

    def worker(self, interval: float = 1.0) -> Worker:
        return Worker(self.sessions, self.rt, interval=interval)


def script_engine() -> Any:
    """The sandboxed script engine with Liaison's registered services."""
    return make_script_engine(services=SERVICES)


def build_system(settings: Settings, *, clock: Clock | None = None) -> System:
    if settings.database_url.startswith("sqlite"):
        settings.ensure_instance_path()
    db = make_engine(settings.database_url)
    rt = Runtime(script_engine=script_engine(), clock=clock or SystemClock(),
                 lane_roles=load_lane_roles(settings.processes_path))
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
