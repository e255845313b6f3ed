"""The lane -> role mapping that offers a lane's tasks to the holders of a role.

The same file may name who starts a process (``"starters"``: process id -> role
codes) where the roles of its start event's lane are not the right ones.
"""

from __future__ import annotations

import json
from pathlib import Path

from engine.common.errors import DefinitionError, Problem

LANES_FILE = "lanes.json"
STARTERS = "starters"


def load_lane_roles(processes_path: Path) -> dict[str, str]:
    """Read ``processes/lanes.json``; keys starting with ``_`` are comments."""
    raw = _read(processes_path)
    lanes = {lane: role for lane, role in raw.items()
             if not lane.startswith("_") and lane != STARTERS}
    roles = {lane: role for lane, role in lanes.items() if isinstance(role, str)}
    if len(roles) != len(lanes):
        raise DefinitionError([Problem("must map lane names to role codes", file=LANES_FILE)])
    return roles


def load_starters(processes_path: Path) -> dict[str, frozenset[str]]:
    """Read ``"starters"`` in ``processes/lanes.json``: process id -> the roles that start it."""
    starters = _read(processes_path).get(STARTERS, {})
    problem = Problem('"starters" must map process ids to lists of role codes', file=LANES_FILE)
    if not isinstance(starters, dict):
        raise DefinitionError([problem])
    found = {}
    for process_id, roles in starters.items():
        if process_id.startswith("_"):
            continue
        if not isinstance(roles, list) or not roles or \
                not all(isinstance(code, str) for code in roles):
            raise DefinitionError([problem])
        found[process_id] = frozenset(roles)
    return found


def _read(processes_path: Path) -> dict[str, object]:
    path = processes_path / LANES_FILE
    if not path.exists():
        return {}
    try:
        raw = json.loads(path.read_text(encoding="utf-8"))
    except json.JSONDecodeError as error:
        raise DefinitionError([Problem(f"not valid JSON: {error.msg}", file=LANES_FILE,
                                       line=error.lineno)]) from error
    if not isinstance(raw, dict):
        raise DefinitionError([Problem("must map lane names to role codes", file=LANES_FILE)])
    return raw
