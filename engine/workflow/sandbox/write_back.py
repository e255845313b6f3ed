"""What a script leaves behind: the variables it set, checked to be storable, kept all or nothing.

A script runs on a copy of the task data; only plain values (JSON, dates,
durations) go back, only all together, and only within the instance's data cap.
"""

from __future__ import annotations

import sys
from collections.abc import Mapping
from datetime import date, datetime, timedelta
from types import ModuleType
from typing import Any

from engine.common.errors import ScriptBudgetExceeded, ScriptError
from engine.workflow.sandbox.budget import LongRange
from engine.workflow.sandbox.limits import data_cap_exceeded
from engine.workflow.sandbox.sizes import MAX_ITEMS

__all__ = ["apply_changes", "changes", "visible"]

_MISSING = object()
# The serializer writes integers as decimal text, which Python caps at this many digits.
_LARGEST_INT = 10 ** (sys.get_int_max_str_digits() or 4_300)
# What the state serializer can store: JSON values plus the types SpiffWorkflow's registry knows.
_STORABLE = (str, int, float, bool, type(None), datetime, timedelta)
_KEY_TYPES = (str, int, float, bool, type(None))
_PLAIN = frozenset(_KEY_TYPES)


def visible(key: object) -> bool:
    """Tell whether scripts see a data key; underscore names belong to the sandbox."""
    return type(key) is str and not key.startswith("_")


def _too_large(number: int) -> bool:
    return not -_LARGEST_INT < number < _LARGEST_INT


def _is_transient(value: Any) -> bool:
    """Tell script machinery (functions, iterators, ranges) from data."""
    return (callable(value) or isinstance(value, (ModuleType, range, LongRange))
            or hasattr(type(value), "__next__"))


def _unstorable(key: str, value: Any) -> ScriptError | None:
    """Return why a value cannot go into the process data, or None when it can."""
    stack: list[tuple[Any, bool]] = [(value, False)]
    open_ids: set[int] = set()
    items = 0
    while stack:
        item, leaving = stack.pop()
        if leaving:
            open_ids.discard(id(item))
        elif isinstance(item, (list, tuple, dict)):
            if id(item) in open_ids:  # json cannot write a structure that contains itself
                return ScriptError(f"variable {key!r} contains itself, so it cannot be stored",
                                   message_code="scripts.variable_contains_itself",
                                   params={"variable": key})
            items += len(item)
            if items > MAX_ITEMS:
                return ScriptBudgetExceeded(f"variable {key!r} is too large to store",
                                            message_code="scripts.variable_too_large",
                                            params={"variable": key})
            if isinstance(item, dict):
                bad_key = next((k for k in item if not isinstance(k, _KEY_TYPES)), _MISSING)
                if bad_key is not _MISSING:
                    return ScriptError(f"variable {key!r} has a dictionary key of type "
                                       f"{type(bad_key).__name__}; use text keys",
                                       message_code="scripts.key_not_text",
                                       params={"variable": key, "kind": type(bad_key).__name__})
            open_ids.add(id(item))
            stack.append((item, True))
            stack.extend((v, False) for v in (item.values() if isinstance(item, dict) else item))
        elif isinstance(item, int) and _too_large(item):
            return ScriptError(f"variable {key!r} holds a number too large to store",
                               message_code="scripts.number_too_large", params={"variable": key})
        elif not isinstance(item, _STORABLE):
            kind = type(item).__name__
            hint, which = (("store d.isoformat() or a datetime instead", "date")
                           if isinstance(item, date)
                           else ("store sorted(...) instead", "set")
                           if isinstance(item, (set, frozenset))
                           else ("convert it to text, a number, a list or a dict, or del it",
                                 "other"))
            return ScriptError(f"variable {key!r} holds a {kind}, which process data "
                               f"cannot store; {hint}",
                               message_code=f"scripts.not_storable.{which}",
                               params={"variable": key, "kind": kind})
    return None


def changes(scope: dict[str, Any], context: dict[str, Any],
             external: Mapping[str, Any]) -> tuple[list[str], dict[str, Any]]:
    """Return the data keys a script removed and the values it set, refusing what cannot be kept."""
    removed = [key for key in context if key not in scope and visible(key)]
    updates: dict[str, Any] = {}
    for key, value in scope.items():  # every key here is a str: _scope() filtered them
        if key[:1] == "_" or context.get(key, _MISSING) is value:
            continue
        if key in external and key not in context:
            continue  # data objects change through data associations, as in SpiffWorkflow
        if type(value) in _PLAIN and not (type(value) is int and _too_large(value)):
            updates[key] = value  # the common case, and the cheap one
        elif _is_transient(value):
            if key in context:
                removed.append(key)
        else:
            problem = _unstorable(key, value)
            if problem is not None:
                raise problem
            updates[key] = value
    return removed, updates


def apply_changes(context: dict[str, Any], removed: list[str], updates: Mapping[str, Any],
                  data_limit: int | None) -> None:
    """Write a script's changes to the task data, unless they would pass the data cap."""
    if data_limit is not None:
        kept = {k: v for k, v in context.items() if k not in removed and k not in updates}
        problem = data_cap_exceeded([kept, updates], data_limit)
        if problem is not None:
            raise problem
    for key in removed:
        context.pop(key, None)
    context.update(updates)
