"""Who may start a process by hand: one rule for the REST API, the pages and every feature.

By default the roles of the lanes its plain start events stand in; ``"starters"``
in ``processes/lanes.json`` overrides that per process. A process whose start
event is in no lane (or a lane of no role) may be started by any staff role.
Timer starts and call activities do not pass here: the office, not a person,
started them.
"""

from __future__ import annotations

from collections.abc import Set

from sqlalchemy import select
from sqlalchemy.orm import Session

from engine.common.errors import PermissionDenied
from engine.directory.models import Role
from engine.workflow.runtime import Runtime
from engine.workflow.specs import CompiledSpec
from engine.workflow.versions import pinned_versions

__all__ = ["check_starter", "starters_of"]


def starters_of(rt: Runtime, compiled: CompiledSpec) -> frozenset[str]:
    """The role codes that start ``compiled`` by hand; empty: any staff role."""
    override = rt.starters.get(compiled.process_id)
    if override is not None:
        return override
    by_hand = [s for s in compiled.start_events if s not in compiled.timer_starts]
    roles = {rt.role_for_lane(compiled.spec.task_specs[start].lane)
             for start in by_hand or compiled.start_events}
    if None in roles:
        return frozenset()  # a start event in no lane: nobody in particular starts it
    return frozenset(role for role in roles if role is not None)


def check_starter(session: Session, rt: Runtime, *, process_id: str,
                  roles: Set[str]) -> None:
    """Refuse (PermissionDenied, naming who may) a person holding ``roles`` who may not start it."""
    compiled = rt.specs.get(pinned_versions(session, process_id))
    starters = starters_of(rt, compiled)
    if not roles or (starters and not starters & roles):
        names = session.scalars(select(Role.name).where(Role.code.in_(starters))
                                .order_by(Role.name)).all() or sorted(starters)
        who = " or ".join(names) if starters else "any staff role"
        raise PermissionDenied(f"only {who} may start {process_id}", process_id=process_id)
