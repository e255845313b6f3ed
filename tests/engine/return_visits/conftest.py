"""Fixtures of the return-visit tests: the demo office with a month of completed orders."""

from __future__ import annotations

from collections.abc import Callable

import pytest

from engine.common.clock import FrozenClock
from engine.system import System
from tests.support import return_visits

NOVEMBER = return_visits.NOVEMBER

AddOrders = Callable[..., list[int]]


@pytest.fixture
def demo_office(shipped: System, clock: FrozenClock) -> System:
    return return_visits.demo_office(shipped, clock)


@pytest.fixture
def add_orders(demo_office: System) -> AddOrders:
    """Add ``n`` orders completed in a month (November by default); their ids."""
    def add(n: int, **options: object) -> list[int]:
        return return_visits.add_orders(demo_office, n, **options)  # type: ignore[arg-type]
    return add
