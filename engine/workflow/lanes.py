"""The lane -> role mapping that offers a lane's tasks to the holders of a role."""

from __future__ import annotations

import json
from pathlib import Path

from engine.common.errors import DefinitionError, Problem

LANES_FILE = "lanes.json"


def load_lane_roles(processes_path: Path) -> dict[str, str]:
    """Read ``processes/lanes.json``; keys starting with ``_`` are comments."""
    path = processes_path / LANES_FILE
    if not path.exists():
        return {}
    try:
        raw = json.loads(path.read_text(encoding="utf-8"))
    except json.JSONDecodeError as error:
        raise DefinitionError([Problem(f"not valid JSON: {error.msg}", file=LANES_FILE,
                                       line=error.lineno)]) from error
    if not isinstance(raw, dict) or not all(isinstance(v, str) for v in raw.values()):
        raise DefinitionError([Problem("must map lane names to role codes", file=LANES_FILE)])
    return {lane: role for lane, role in raw.items() if not lane.startswith("_")}
