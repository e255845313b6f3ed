"""The demo office with months of completed work orders, for the return-visit tests."""

from __future__ import annotations

import random
from datetime import UTC, datetime

from engine.common.clock import FrozenClock
from engine.directory.demo import load_demo
from engine.return_visits.history import add_month_of_orders
from engine.return_visits.orders import Month
from engine.system import System

NOVEMBER = Month(2026, 11)
# 09:00 on 1 December, office time: the morning the schedule opens November's round.
FIRST_OF_DECEMBER = datetime(2026, 12, 1, 1, 0, tzinfo=UTC)


def demo_office(system: System, clock: FrozenClock) -> System:
    """The demo estate and staff on the 1st of December (sign-ins ``<name>-demo``)."""
    clock.set(FIRST_OF_DECEMBER)
    with system.sessions() as session:
        load_demo(session, clock=clock)
        session.commit()
    return system


def add_orders(system: System, n: int, *, month: Month = NOVEMBER,
               complaint_share: float = 0.3, seed: int = 7) -> list[int]:
    """Add ``n`` work orders completed in ``month``; their ids."""
    with system.sessions() as session:
        orders = add_month_of_orders(session, month=month, zone=system.rt.office_zone,
                                     orders=n, complaint_share=complaint_share,
                                     rng=random.Random(seed))
        session.commit()
        return [order.id for order in orders]
