"""Fixtures of the return-visit tests: the demo office with a month of completed orders."""

from __future__ import annotations

import random
from collections.abc import Callable
from datetime import UTC, datetime

import pytest

from engine.common.clock import FrozenClock
from engine.directory.demo import load_demo
from engine.return_visits.history import add_month_of_orders
from engine.return_visits.orders import Month
from engine.system import System

NOVEMBER = Month(2026, 11)
# 09:00 on 1 December, office time: the morning the schedule opens November's round.
FIRST_OF_DECEMBER = datetime(2026, 12, 1, 1, 0, tzinfo=UTC)

AddOrders = Callable[..., list[int]]


@pytest.fixture
def demo_office(shipped: System, clock: FrozenClock) -> System:
    clock.set(FIRST_OF_DECEMBER)
    with shipped.sessions() as session:
        load_demo(session, clock=clock)
        session.commit()
    return shipped


@pytest.fixture
def add_orders(demo_office: System) -> AddOrders:
    """Add ``n`` orders completed in a month (November by default); their ids."""
    def add(n: int, *, month: Month = NOVEMBER, complaint_share: float = 0.3,
            seed: int = 7) -> list[int]:
        with demo_office.sessions() as session:
            orders = add_month_of_orders(session, month=month, zone=demo_office.rt.office_zone,
                                         orders=n, complaint_share=complaint_share,
                                         rng=random.Random(seed))
            session.commit()
            return [order.id for order in orders]
    return add
