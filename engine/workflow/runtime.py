"""The parts the engine operations run with, injected so tests can swap them."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import tzinfo
from typing import Any

from engine.common.clock import Clock, SystemClock, office_zone
from engine.workflow.extensions import Extensions
from engine.workflow.serializer import StateSerializer
from engine.workflow.specs import SpecCache

# Engine steps one call may take before we call the process runaway: a
# self-calling call activity or a loop of script tasks must not hang a worker.
# It stays well under SpiffWorkflow's task-tree walk depth (1000), past which
# tasks become invisible to it and an instance would stall without a word.
DEFAULT_STEP_BUDGET = 500


@dataclass
class Runtime:
    """Clock, spec cache, serializer, script engine, lane mapping and features in one place."""

    script_engine: Any
    clock: Clock = field(default_factory=SystemClock)
    specs: SpecCache = field(default_factory=SpecCache)
    serializer: StateSerializer = field(default_factory=StateSerializer)
    lane_roles: Mapping[str, str] = field(default_factory=dict)
    # Who starts a process by hand, where not the roles of its start event's lane (lanes.json).
    starters: Mapping[str, frozenset[str]] = field(default_factory=dict)
    office_zone: tzinfo = field(default_factory=office_zone)  # LIAISON_TIMEZONE
    step_budget: int = DEFAULT_STEP_BUDGET
    # What the features plug in; empty, the core runs any diagram on its own.
    extensions: Extensions = field(default_factory=Extensions)

    def role_for_lane(self, lane: str | None) -> str | None:
        if lane is None:
            return None
        return self.lane_roles.get(lane) or self.lane_roles.get(lane.strip().lower())
