"""A petition for an extraordinary meeting needs 20 % of the area AND 20 % of the headcount."""

from __future__ import annotations

from decimal import Decimal
from fractions import Fraction

import pytest
from hypothesis import given
from hypothesis import strategies as st
from sqlalchemy import select
from sqlalchemy.orm import Session

from engine.common.errors import FormInvalid
from engine.directory.models import Estate, Owner, Unit
from engine.meetings.lists import petition_view
from engine.meetings.models import PetitionSignature
from engine.meetings.petitions import check_petition, petition_reaches, record_petition
from engine.system import System
from tests.support.meetings import owners_estate, unit_ids

SMALL, LARGE = Decimal("39.80"), Decimal("53.40")


@pytest.fixture
def estate(system: System) -> Estate:
    """20 units, 1,000.00 m²: A-101 … A-105 of 39.80 m² (199.00 m², 19.9 %), the rest 53.40 m²."""
    estate = owners_estate(system, units=[str(101 + i) for i in range(20)])
    with system.sessions() as session:
        for position, unit in enumerate(unit_ids(system, estate)):
            found = session.get(Unit, unit)
            assert found is not None
            found.area = SMALL if position < 5 else LARGE
        session.commit()
    return estate


def sign(session: Session, system: System, estate: Estate, units: list[int]) -> int:
    return record_petition(session, system.rt, estate_id=estate.id, purpose="Replace the company",
                           signed_unit_ids=units, actor="clerk").id


def test_a_quarter_of_the_owners_holding_19_9_percent_of_the_area_fails(
        session: Session, system: System, estate: Estate) -> None:
    units = unit_ids(system, estate)
    view = petition_view(session, petition_id=sign(session, system, estate, units[:5]))
    assert view is not None
    assert (view.signed, view.total, view.headcount_needed, view.headcount_ok) == (5, 20, 4, True)
    assert (view.area_signed, view.area_total, view.area_needed, view.area_ok) == (
        Decimal("199.00"), Decimal("1000.00"), Decimal("200.00"), False)
    assert view.meets_threshold is False


def test_exactly_20_percent_of_the_area_and_of_the_headcount_succeeds(
        session: Session, system: System, estate: Estate) -> None:
    units = unit_ids(system, estate)
    # Four large units: 213.60 m² (21.36 %), 4 of 20 owners (20 %).
    large = petition_view(session, petition_id=sign(session, system, estate, units[5:9]))
    assert large is not None and (large.area_ok, large.headcount_ok) == (True, True)
    assert large.meets_threshold is True
    # Three large units: 160.20 m² and 3 owners — below both.
    few = petition_view(session, petition_id=sign(session, system, estate, units[5:8]))
    assert few is not None and (few.area_ok, few.headcount_ok, few.meets_threshold) == (
        False, False, False)


def areas(session: Session, units: list[int], values: list[str]) -> None:
    for unit_id, value in zip(units, values, strict=True):
        unit = session.get(Unit, unit_id)
        assert unit is not None
        unit.area = Decimal(value)
    session.flush()


def test_exactly_the_area_line_reaches_it_and_a_hundredth_less_does_not(
        session: Session, system: System, estate: Estate) -> None:
    units = unit_ids(system, estate)
    areas(session, units[5:10], ["50.00", "50.00", "50.00", "50.00", "67.00"])  # still 1,000
    exact = petition_view(session, petition_id=sign(session, system, estate, units[5:9]))
    assert exact is not None and (exact.area_signed, exact.signed) == (Decimal("200.00"), 4)
    assert exact.meets_threshold is True
    areas(session, units[8:10], ["49.99", "67.01"])
    short = petition_view(session, petition_id=sign(session, system, estate, units[5:9]))
    assert short is not None and short.area_signed == Decimal("199.99")
    assert (short.area_ok, short.headcount_ok, short.meets_threshold) == (False, True, False)


def test_an_owner_signing_for_two_units_counts_their_area_twice_and_their_head_once(
        session: Session, system: System, estate: Estate) -> None:
    units = unit_ids(system, estate)
    first, second = session.get(Unit, units[5]), session.get(Unit, units[6])
    assert first is not None and second is not None
    second.owners = list(first.owners)  # one owner of
    session.flush()
    petition = sign(session, system, estate, units[5:9])
    view = petition_view(session, petition_id=petition)
    assert view is not None
    assert (view.signed, view.total, view.area_signed) == (3, 19, Decimal("213.60"))
    assert (view.headcount_ok, view.area_ok, view.meets_threshold) == (False, True, False)
    rows = session.scalars(select(PetitionSignature).where(
        PetitionSignature.petition_id == petition).order_by(PetitionSignature.unit_id)).all()
    assert [r.unit_id for r in rows] == units[5:9]  # one signature a unit
    assert rows[0].voter == rows[1].voter


def test_the_refusal_names_both_figures_and_both_lines(session: Session, system: System,
                                                       estate: Estate) -> None:
    units = unit_ids(system, estate)
    petition = record_petition(session, system.rt, estate_id=estate.id, purpose="Repairs",
                               signed_unit_ids=units[:5], actor="clerk")
    with pytest.raises(FormInvalid) as refused:
        check_petition(petition)
    assert refused.value.errors[0].message == (
        "an extraordinary meeting needs owners holding at least 20 % of the area "
        "(200.00 of 1000.00 m²) and at least 20 % of the headcount (4 of 20); its signers "
        "hold 199.00 m² and count as 5")
    petition.area_signed = None  # recorded before the area counted
    with pytest.raises(FormInvalid) as unknown:
        check_petition(petition)
    assert "record it again" in unknown.value.errors[0].message


def test_the_developer_signs_as_one_owner_for_all_its_units(session: Session, system: System,
                                                            estate: Estate) -> None:
    units = unit_ids(system, estate)
    developer = Owner(name="Developer Ltd", is_developer=True)
    for unit_id in units[5:9]:
        unit = session.get(Unit, unit_id)
        assert unit is not None
        unit.owners = [developer]
    session.flush()
    view = petition_view(session, petition_id=sign(session, system, estate, units[5:9]))
    assert view is not None
    assert (view.signed, view.total, view.area_signed) == (1, 17, Decimal("213.60"))
    assert view.meets_threshold is False


@given(signed=st.integers(0, 10_000), total=st.integers(1, 10_000))
def test_reaching_20_percent_is_five_times_the_share_against_the_whole(signed: int,
                                                                       total: int) -> None:
    area = Decimal(signed) / 100
    assert petition_reaches(signed, total) == (5 * signed >= total)
    assert petition_reaches(area, Decimal(total) / 100) == (Fraction(5 * signed) >= total)
