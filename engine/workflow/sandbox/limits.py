"""What one evaluation of BPMN Python may use, and how much data an instance may keep.

The operating system enforces the first two in the evaluator processes
(``sandbox.pool``); the data cap is checked before a step's data is kept.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from engine.common.errors import ScriptBudgetExceeded
from engine.workflow.sandbox.sizes import text_weight

__all__ = ["ScriptLimits", "data_cap_exceeded"]


@dataclass(frozen=True)
class ScriptLimits:
    """CPU and wall seconds, memory per evaluation, and the data an instance may store."""

    seconds: float = 2.0  # LIAISON_SCRIPT_SECONDS
    memory_mb: int = 256  # LIAISON_SCRIPT_MEMORY_MB
    data_limit_kb: int = 1024  # LIAISON_INSTANCE_DATA_LIMIT_KB

    @property
    def data_limit(self) -> int:
        return self.data_limit_kb * 1024


def data_cap_exceeded(data: Any, limit: int) -> ScriptBudgetExceeded | None:
    """Return the error for data over ``limit`` bytes of text, or None; costs at most that."""
    if text_weight(data, limit) <= limit:
        return None
    return ScriptBudgetExceeded(f"the process data would take more than {limit // 1024:,} KB, "
                                "the most an instance may store",
                                message_code="scripts.data_too_large",
                                params={"kb": limit // 1024})
