"""Draw the month's return-visit sample: at least ⌈90 %⌉ of the completed work orders.

Procedure rule 3 has the office revisit, every month, a sample covering no
fewer than 90 % of last month's completed work orders. The sample size is
⌈p·n⌉ for the round's percentage p, which may be raised but never set below
90 %. Every order that came from a complaint is always in — offices revisit
every complaint — and an order the owner already rated at closing counts like
any other. The rest of the sample is drawn from the other orders, shared out
over the departments in proportion to their orders by the largest-remainder
method (each department gets its exact share rounded down or up), and drawn at
random within each department from a ``random.Random`` seeded with the round's
recorded seed. The orders are sorted by id before anything is drawn, so the
same seed and the same orders always give the same sample, whatever order the
orders were given in.

Each sampled order gets a visitor, never the member of staff who handled it
while anyone else can visit. Someone outside the order's department is
preferred, so a department does not check its own work when it need not; the
visits are dealt round-robin to whoever is least loaded so far. An order whose
handler is the only one who could visit it is left without a visitor (None)
for a supervisor to assign, never given back to its handler.
"""

from __future__ import annotations

import math
import random
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from decimal import Decimal
from fractions import Fraction

from engine.common.apportion import largest_remainder

__all__ = ["DEFAULT_PERCENT", "MIN_PERCENT", "CompletedOrder", "ReturnVisitSample", "SampledOrder",
           "Visitor", "assign_visitors", "coverage", "department_quotas", "draw_sample",
           "sample_size"]

# Procedure rule 3: "a sample covering no fewer than 90 % of the completed work orders".
MIN_PERCENT = 90
DEFAULT_PERCENT = MIN_PERCENT


@dataclass(frozen=True, order=True)
class CompletedOrder:
    """A work order completed in the month, as the sampler sees it."""

    order_id: int
    department: str
    handled_by: str | None        # the username of the member of staff who did the job
    from_complaint: bool = False  # dispatched from a complaint case: always revisited
    rated_at_closing: bool = False  # rated by the owner when it closed: still counts


@dataclass(frozen=True, order=True)
class Visitor:
    """A member of staff who may make return visits, and the departments they belong to."""

    username: str
    departments: frozenset[str] = frozenset()


@dataclass(frozen=True)
class SampledOrder:
    """An order in the sample and who is to visit it (None: nobody but its handler could)."""

    order: CompletedOrder
    visitor: str | None


@dataclass(frozen=True)
class ReturnVisitSample:
    """The round's sample: the orders to visit with their visitors, and the orders left out."""

    percent: Fraction
    seed: int
    required: int                      # ⌈percent/100 · completed orders⌉
    sampled: tuple[SampledOrder, ...]  # by order id
    left_out: tuple[CompletedOrder, ...]  # by order id

    @property
    def completed(self) -> int:
        return len(self.sampled) + len(self.left_out)

    @property
    def unassigned(self) -> tuple[CompletedOrder, ...]:
        """Sampled orders no one but their handler could visit: a supervisor assigns them."""
        return tuple(s.order for s in self.sampled if s.visitor is None)


def sample_size(total: int, percent: Decimal | Fraction | int = DEFAULT_PERCENT) -> int:
    """⌈percent/100 · total⌉, exactly; refuse a percentage below the procedure's 90 %."""
    share = Fraction(percent)
    if share < MIN_PERCENT:
        raise ValueError(f"the return-visit percentage cannot be below {MIN_PERCENT} % "
                         f"(procedure rule 3), not {percent}")
    if share > 100:
        raise ValueError(f"the return-visit percentage cannot be above 100 %, not {percent}")
    if total < 0:
        raise ValueError("a negative number of work orders cannot be sampled")
    return math.ceil(share * total / 100)


def department_quotas(counts: Mapping[str, int], size: int) -> dict[str, int]:
    """Share ``size`` out over departments in proportion to their orders (largest remainder).

    Ties between equal remainders go to the department that sorts first, so the
    quotas never depend on the order the departments were given in.
    """
    total = sum(counts.values())
    if not 0 <= size <= total:
        raise ValueError(f"cannot draw {size} work orders out of {total}")
    return largest_remainder(counts, size)


def assign_visitors(orders: Iterable[CompletedOrder],
                    staff: Iterable[Visitor]) -> list[SampledOrder]:
    """A visitor for each order, by order id: never its handler, outside its department if possible.

    Among those who may visit an order, the least loaded so far takes it, ties
    going round-robin from the one after the last chosen, so the visits are
    spread evenly.
    """
    people = sorted(staff)
    names = [person.username for person in people]
    if len(set(names)) != len(names):
        raise ValueError("a visitor is listed twice; each member of staff can be listed only once")
    load = [0] * len(people)
    cursor = 0
    assigned: list[SampledOrder] = []
    for order in sorted(orders):
        others = [i for i, person in enumerate(people) if person.username != order.handled_by]
        outside = [i for i in others if order.department not in people[i].departments]
        eligible = outside or others
        if not eligible:
            assigned.append(SampledOrder(order=order, visitor=None))
            continue
        chosen = min(eligible, key=lambda i: (load[i], (i - cursor) % len(people)))
        load[chosen] += 1
        cursor = chosen + 1
        assigned.append(SampledOrder(order=order, visitor=people[chosen].username))
    return assigned


def draw_sample(orders: Sequence[CompletedOrder], staff: Iterable[Visitor], *, seed: int,
                percent: Decimal | Fraction | int = DEFAULT_PERCENT) -> ReturnVisitSample:
    """Draw the round's sample from ``orders`` and give each a visitor; same seed, same sample."""
    ids = [order.order_id for order in orders]
    if len(set(ids)) != len(ids):
        raise ValueError("a work order is listed twice; each order can be sampled only once")
    ordered = sorted(orders)
    required = sample_size(len(ordered), percent)
    complaints = [order for order in ordered if order.from_complaint]
    by_department: dict[str, list[CompletedOrder]] = {}
    for order in ordered:
        if not order.from_complaint:
            by_department.setdefault(order.department, []).append(order)
    quotas = department_quotas({d: len(o) for d, o in by_department.items()},
                               max(required - len(complaints), 0))
    rng = random.Random(seed)
    drawn = list(complaints)
    for department in sorted(by_department):
        drawn += rng.sample(by_department[department], quotas[department])
    taken = {order.order_id for order in drawn}
    return ReturnVisitSample(
        percent=Fraction(percent), seed=seed, required=required,
        sampled=tuple(assign_visitors(drawn, staff)),
        left_out=tuple(order for order in ordered if order.order_id not in taken))


def coverage(visited: int, completed: int) -> Fraction | None:
    """Visited orders over completed orders; None for a month with no completed orders."""
    if completed < 0 or not 0 <= visited <= completed:
        raise ValueError(f"cannot have visited {visited} of {completed} work orders")
    if completed == 0:
        return None
    return Fraction(visited, completed)
