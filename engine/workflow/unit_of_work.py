"""The engine operation in progress, for service tasks that write domain records.

SpiffWorkflow calls a service task with its parameters only; the records it
writes (a work order, a reply letter, the archive entry) must join the same
transaction as the state change that triggered them, so the operation makes
its session known here while the engine steps run.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from dataclasses import dataclass

from sqlalchemy.orm import Session

from engine.common.errors import ScriptError
from engine.workflow.models import ProcessInstance
from engine.workflow.runtime import Runtime


@dataclass(frozen=True)
class UnitOfWork:
    session: Session
    rt: Runtime
    instance: ProcessInstance
    actor: str | None


_current: ContextVar[UnitOfWork | None] = ContextVar("liaison_unit_of_work", default=None)


def current() -> UnitOfWork:
    work = _current.get()
    if work is None:
        raise ScriptError("a service task ran outside an engine operation")
    return work


@contextmanager
def working_on(work: UnitOfWork) -> Iterator[None]:
    token = _current.set(work)
    try:
        yield
    finally:
        _current.reset(token)
