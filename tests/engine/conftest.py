"""Fixtures the engine tests share."""

from __future__ import annotations

import pytest

from engine.system import System
from tests.support.people import create_user


@pytest.fixture
def office(shipped: System) -> System:
    """The shipped processes and a small office: two clerks, a cleaner, a supervisor."""
    create_user(shipped, "clerk", "customer_service")
    create_user(shipped, "clerk2", "customer_service")
    create_user(shipped, "cleaner", "cleaning")
    create_user(shipped, "boss", "supervisor")
    return shipped
