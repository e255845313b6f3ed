"""Unit labels in the order people count them."""

from __future__ import annotations

from hypothesis import given
from hypothesis import strategies as st

from engine.directory.ordering import unit_order


def test_shorter_numbers_come_first_and_blocks_stay_together() -> None:
    labels = ["B-101", "A-1001", "a-102", "A-101", "A-12", "B-9"]
    assert sorted(labels, key=unit_order) == ["A-12", "A-101", "a-102", "A-1001", "B-9", "B-101"]


@given(st.lists(st.integers(min_value=1, max_value=99_999), unique=True))
def test_numbers_in_one_block_sort_by_their_value(numbers: list[int]) -> None:
    labels = [f"A-{n}" for n in numbers]
    assert sorted(labels, key=unit_order) == [f"A-{n}" for n in sorted(numbers)]
