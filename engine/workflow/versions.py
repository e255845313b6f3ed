"""Which version of a process runs: the latest deployed, and those it calls, pinned at start."""

from __future__ import annotations

from sqlalchemy import inspect, select
from sqlalchemy.orm import Session

from engine.common.errors import NotFound
from engine.workflow.models import ProcessVersion


def deployed_process_ids(session: Session) -> set[str]:
    """Ids of every deployed process; none before the schema exists (validation needs no DB)."""
    if not inspect(session.get_bind()).has_table(ProcessVersion.__tablename__):
        return set()
    return set(session.scalars(select(ProcessVersion.process_id).distinct()))


def latest_version(session: Session, process_id: str) -> ProcessVersion | None:
    return session.scalars(
        select(ProcessVersion).where(ProcessVersion.process_id == process_id)
        .order_by(ProcessVersion.version.desc()).limit(1)).first()


def pinned_versions(session: Session, process_id: str) -> list[ProcessVersion]:
    """Return the latest version of a process and, after it, of everything it calls."""
    top = latest_version(session, process_id)
    if top is None:
        raise NotFound(f"no process '{process_id}' is deployed", process_id=process_id)
    versions, seen, pending = [top], {process_id}, list(top.calls)
    while pending:
        called = pending.pop(0)
        if called in seen:
            continue  # a process calling itself or a cycle: the step budget stops it at run time
        seen.add(called)
        version = latest_version(session, called)
        if version is not None:
            versions.append(version)
            pending.extend(version.calls)
    return versions
