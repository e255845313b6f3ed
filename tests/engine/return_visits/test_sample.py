"""The return-visit sampler (procedure rule 3): examples and properties; derandomized."""

from __future__ import annotations

import math
import random
from collections import Counter
from decimal import Decimal
from fractions import Fraction

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from engine.return_visits.sample import (
    MIN_PERCENT,
    CompletedOrder,
    Visitor,
    assign_visitors,
    coverage,
    department_quotas,
    draw_sample,
    sample_size,
)

# Fixed examples, no deadline: the same run on every machine, and quick.
PROFILE = settings(derandomize=True, max_examples=200, deadline=None)

DEPARTMENTS = ("cleaning", "engineering", "security", "landscaping")
STAFF = [Visitor("cs.chan"), Visitor("cs.wong"), Visitor("eng.lee", frozenset({"engineering"})),
         Visitor("sec.ho", frozenset({"security"}))]


def month_of_37() -> list[CompletedOrder]:
    """37 orders over four departments, every fifth from a complaint, every third rated."""
    return [CompletedOrder(order_id=100 + i, department=DEPARTMENTS[i % 4],
                           handled_by=["cs.chan", "eng.lee", "sec.ho", "w.yip"][i % 4],
                           from_complaint=i % 5 == 0, rated_at_closing=i % 3 == 0)
            for i in range(37)]


def test_37_orders_give_at_least_34_with_every_complaint_and_no_handler_visiting() -> None:
    orders = month_of_37()
    sample = draw_sample(orders, STAFF, seed=2026_11)
    assert sample.required == 34 == sample_size(37, 90)
    assert len(sample.sampled) >= 34
    assert len(sample.sampled) + len(sample.left_out) == sample.completed == 37
    sampled = {s.order.order_id for s in sample.sampled}
    assert {o.order_id for o in orders if o.from_complaint} <= sampled
    assert all(s.visitor is not None and s.visitor != s.order.handled_by for s in sample.sampled)
    # An order rated at closing is drawn like any other: some are in.
    assert any(s.order.rated_at_closing for s in sample.sampled)


def test_orders_rated_at_closing_still_count_toward_the_sample() -> None:
    rated = [CompletedOrder(order_id=o.order_id, department=o.department,
                            handled_by=o.handled_by, rated_at_closing=True)
             for o in month_of_37()]
    assert len(draw_sample(rated, STAFF, seed=7).sampled) == 34


def test_ninety_percent_is_computed_without_float_error() -> None:
    assert sample_size(37) == 34
    assert sample_size(10) == 9
    assert sample_size(11) == 10
    assert sample_size(100, Decimal("90.5")) == 91
    assert sample_size(37, 100) == 37


@pytest.mark.parametrize("percent", [Decimal("89.99"), 0, 15, 89])
def test_a_percentage_below_90_is_refused(percent: Decimal) -> None:
    with pytest.raises(ValueError, match="cannot be below 90 %"):
        draw_sample(month_of_37(), STAFF, seed=1, percent=percent)


def test_a_percentage_above_100_is_refused() -> None:
    with pytest.raises(ValueError, match="above 100"):
        sample_size(37, 101)


def test_a_month_without_orders_gives_an_empty_sample_and_no_coverage() -> None:
    sample = draw_sample([], STAFF, seed=1)
    assert sample.required == 0 and sample.sampled == () and sample.left_out == ()
    assert coverage(0, 0) is None


def test_coverage_is_exact_and_refuses_impossible_counts() -> None:
    assert coverage(34, 37) == Fraction(34, 37)
    assert coverage(9, 10) == Fraction(9, 10)
    for visited, completed in [(11, 10), (-1, 10), (0, -1)]:
        with pytest.raises(ValueError, match="cannot have visited"):
            coverage(visited, completed)


def test_an_order_or_visitor_listed_twice_is_refused() -> None:
    order = CompletedOrder(order_id=1, department="cleaning", handled_by="w.yip")
    with pytest.raises(ValueError, match="listed twice"):
        draw_sample([order, order], STAFF, seed=1)
    with pytest.raises(ValueError, match="listed twice"):
        assign_visitors([order], [Visitor("cs.chan"), Visitor("cs.chan")])


def test_complaints_beyond_the_required_size_are_all_visited() -> None:
    orders = [CompletedOrder(order_id=i, department="cleaning", handled_by="w.yip",
                             from_complaint=True) for i in range(10)]
    assert len(draw_sample(orders, STAFF, seed=1).sampled) == 10


def test_the_handler_alone_leaves_the_order_unassigned() -> None:
    orders = [CompletedOrder(order_id=1, department="cleaning", handled_by="cs.chan"),
              CompletedOrder(order_id=2, department="cleaning", handled_by="w.yip")]
    sample = draw_sample(orders, [Visitor("cs.chan")], seed=1, percent=100)
    assert [(s.order.order_id, s.visitor) for s in sample.sampled] == [(1, None), (2, "cs.chan")]
    assert [o.order_id for o in sample.unassigned] == [1]


def test_a_department_visits_its_own_orders_only_when_nobody_else_can() -> None:
    engineering = frozenset({"engineering"})
    orders = [CompletedOrder(order_id=i, department="engineering", handled_by="eng.lee")
              for i in range(4)]
    visited = assign_visitors(orders, [Visitor("eng.lee", engineering),
                                       Visitor("eng.ma", engineering), Visitor("cs.chan")])
    assert {s.visitor for s in visited} == {"cs.chan"}
    visited = assign_visitors(orders, [Visitor("eng.lee", engineering),
                                       Visitor("eng.ma", engineering)])
    assert {s.visitor for s in visited} == {"eng.ma"}


def test_visits_are_dealt_round_robin() -> None:
    orders = [CompletedOrder(order_id=i, department="cleaning", handled_by="w.yip")
              for i in range(7)]
    visited = assign_visitors(orders, [Visitor("c"), Visitor("a"), Visitor("b")])
    assert [s.visitor for s in visited] == ["a", "b", "c", "a", "b", "c", "a"]


def test_largest_remainders_break_ties_by_department() -> None:
    # 45 of 300: shares 13.5, 13.5, 13.5 and 4.5; the two spare orders go to the first two.
    assert department_quotas({"a": 90, "b": 90, "c": 90, "d": 30}, 45) == \
        {"a": 14, "b": 14, "c": 13, "d": 4}


def test_a_different_seed_draws_other_orders() -> None:
    orders = [CompletedOrder(order_id=i, department="cleaning", handled_by="w.yip")
              for i in range(300)]
    first = draw_sample(orders, STAFF, seed=1)
    assert first.left_out != draw_sample(orders, STAFF, seed=2).left_out
    assert first == draw_sample(orders, STAFF, seed=1)


USERNAMES = ("cs.chan", "cs.wong", "eng.lee", "sec.ho", "w.yip")


@st.composite
def months(draw: st.DrawFn) -> list[CompletedOrder]:
    """0–120 completed orders with unique ids over up to four departments."""
    ids = draw(st.lists(st.integers(1, 10**6), unique=True, max_size=120))
    return [CompletedOrder(order_id=order_id, department=draw(st.sampled_from(DEPARTMENTS)),
                           handled_by=draw(st.none() | st.sampled_from(USERNAMES)),
                           from_complaint=draw(st.integers(0, 4)) == 0,
                           rated_at_closing=draw(st.booleans()))
            for order_id in ids]


staff_lists = st.lists(
    st.builds(Visitor, st.sampled_from(USERNAMES),
              st.frozensets(st.sampled_from(DEPARTMENTS), max_size=2)),
    max_size=5, unique_by=lambda v: v.username)
percentages = st.one_of(st.integers(MIN_PERCENT, 100),
                        st.decimals(Decimal(MIN_PERCENT), Decimal(100), places=2))
seeds = st.integers(0, 2**48)


@PROFILE
@given(months(), staff_lists, percentages, seeds)
def test_never_below_the_procedures_90_percent_and_no_order_twice(
        orders: list[CompletedOrder], staff: list[Visitor], percent: Decimal, seed: int) -> None:
    sample = draw_sample(orders, staff, percent=percent, seed=seed)
    sampled = [s.order for s in sample.sampled]
    assert len(sampled) >= math.ceil(Fraction(MIN_PERCENT, 100) * len(orders))
    assert len(sampled) >= sample.required == math.ceil(Fraction(percent) * len(orders) / 100)
    assert len({o.order_id for o in sampled}) == len(sampled)
    assert sorted(sampled + list(sample.left_out)) == sorted(orders)


@PROFILE
@given(months(), staff_lists, seeds)
def test_every_complaint_order_is_visited(orders: list[CompletedOrder], staff: list[Visitor],
                                          seed: int) -> None:
    sample = draw_sample(orders, staff, seed=seed)
    assert not any(order.from_complaint for order in sample.left_out)
    complaints = sum(o.from_complaint for o in orders)
    assert len(sample.sampled) == max(sample.required, complaints)


@PROFILE
@given(months(), staff_lists, seeds)
def test_the_visitor_is_never_the_handler_when_anyone_else_can_visit(
        orders: list[CompletedOrder], staff: list[Visitor], seed: int) -> None:
    usernames = {v.username for v in staff}
    for visit in draw_sample(orders, staff, seed=seed).sampled:
        others = usernames - {visit.order.handled_by}
        if others:
            assert visit.visitor in others
        else:
            assert visit.visitor is None


@PROFILE
@given(months(), staff_lists, percentages, seeds, st.randoms(use_true_random=False))
def test_the_same_seed_gives_the_same_sample_whatever_the_input_order(
        orders: list[CompletedOrder], staff: list[Visitor], percent: Decimal, seed: int,
        shuffler: random.Random) -> None:
    shuffled_orders, shuffled_staff = list(orders), list(staff)
    shuffler.shuffle(shuffled_orders)
    shuffler.shuffle(shuffled_staff)
    assert draw_sample(orders, staff, percent=percent, seed=seed) == \
        draw_sample(shuffled_orders, shuffled_staff, percent=percent, seed=seed)


@PROFILE
@given(months(), seeds)
def test_the_drawn_orders_are_spread_over_departments_in_proportion(
        orders: list[CompletedOrder], seed: int) -> None:
    sample = draw_sample(orders, STAFF, seed=seed)
    pool = Counter(o.department for o in orders if not o.from_complaint)
    drawn = Counter(s.order.department for s in sample.sampled if not s.order.from_complaint)
    total = sum(pool.values())
    for department, count in pool.items():
        share = Fraction(sum(drawn.values()) * count, total)
        assert math.floor(share) <= drawn[department] <= math.ceil(share)


@PROFILE
@given(st.lists(st.integers(1, 10**6), unique=True, max_size=60),
       st.lists(st.sampled_from(USERNAMES), min_size=1, unique=True))
def test_the_load_is_balanced_when_everyone_may_visit_every_order(
        ids: list[int], usernames: list[str]) -> None:
    orders = [CompletedOrder(order_id=i, department="cleaning", handled_by="w.contractor")
              for i in ids]
    visited = assign_visitors(orders, [Visitor(name) for name in usernames])
    load = Counter(s.visitor for s in visited)
    assert max(load.values(), default=0) - min((load[n] for n in usernames), default=0) <= 1
