"""The festival calendar: lunar festivals and the winter solstice on their published dates."""

from __future__ import annotations

from datetime import date

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from engine.activities.festivals import (
    BY_CODE,
    DEFAULT_FESTIVALS,
    FESTIVALS,
    FIRST_YEAR,
    LAST_YEAR,
    UnknownFestival,
    YearOutOfRange,
    chosen_festivals,
    festival_dates,
    parse_year,
)
from engine.common.settings import Settings

# The Hong Kong Observatory's published dates. 2020 has a leap 4th month, 2023 a leap 2nd,
# 2025 a leap 6th: the festivals after the leap month come a month later than without it.
PUBLISHED = {
    1901: {"spring_festival": date(1901, 2, 19), "mid_autumn": date(1901, 9, 27)},
    2020: {"spring_festival": date(2020, 1, 25), "dragon_boat": date(2020, 6, 25),
           "mid_autumn": date(2020, 10, 1), "chung_yeung": date(2020, 10, 25),
           "winter_solstice": date(2020, 12, 21)},
    2023: {"spring_festival": date(2023, 1, 22), "lantern": date(2023, 2, 5),
           "dragon_boat": date(2023, 6, 22), "mid_autumn": date(2023, 9, 29),
           "chung_yeung": date(2023, 10, 23), "winter_solstice": date(2023, 12, 22)},
    2024: {"spring_festival": date(2024, 2, 10), "dragon_boat": date(2024, 6, 10),
           "qixi": date(2024, 8, 10), "mid_autumn": date(2024, 9, 17),
           "chung_yeung": date(2024, 10, 11), "winter_solstice": date(2024, 12, 21)},
    2025: {"spring_festival": date(2025, 1, 29), "lantern": date(2025, 2, 12),
           "dragon_boat": date(2025, 5, 31), "qixi": date(2025, 8, 29),
           "mid_autumn": date(2025, 10, 6), "chung_yeung": date(2025, 10, 29),
           "winter_solstice": date(2025, 12, 21)},
    2026: {"spring_festival": date(2026, 2, 17), "dragon_boat": date(2026, 6, 19),
           "mid_autumn": date(2026, 9, 25), "chung_yeung": date(2026, 10, 18)},
    2027: {"spring_festival": date(2027, 2, 6), "mid_autumn": date(2027, 9, 15)},
}


@pytest.mark.parametrize("year", sorted(PUBLISHED))
def test_festivals_fall_on_their_published_dates(year: int) -> None:
    dates = {each.festival.code: each.date for each in festival_dates(FESTIVALS, year)}

    for code, published in PUBLISHED[year].items():
        assert dates[code] == published, (year, code)


def test_a_year_is_listed_earliest_first_with_chinese_and_english_names() -> None:
    dates = festival_dates(FESTIVALS, 2027)

    assert [each.festival.name_zh for each in dates] == [
        "春節", "元宵", "端午", "七夕", "中秋", "重陽", "冬至"]
    assert [each.date for each in dates] == sorted(each.date for each in dates)
    assert BY_CODE["mid_autumn"].name_en == "Mid-Autumn Festival"


@settings(max_examples=60, deadline=None)
@given(year=st.integers(FIRST_YEAR, LAST_YEAR))
def test_every_festival_of_a_year_falls_in_that_year(year: int) -> None:
    for each in festival_dates(FESTIVALS, year):
        assert each.date.year == year
        if each.festival.code == "spring_festival":
            assert date(year, 1, 21) <= each.date <= date(year, 2, 20)
        if each.festival.code == "winter_solstice":
            assert date(year, 12, 20) <= each.date <= date(year, 12, 23)


@pytest.mark.parametrize("text", ["1900", "2101", "0", "-5", "twenty", "", "2027.5"])
def test_a_year_outside_the_calendar_is_refused_by_name(text: str) -> None:
    with pytest.raises(YearOutOfRange, match=f"covers the years {FIRST_YEAR} to {LAST_YEAR}"):
        parse_year(text)


def test_the_first_and_last_years_are_covered() -> None:
    assert parse_year(" 1901 ") == 1901
    assert len(festival_dates(FESTIVALS, LAST_YEAR)) == len(FESTIVALS)


def test_the_office_marks_the_usual_five_unless_it_chooses() -> None:
    usual = Settings.from_env({})
    chosen = Settings.from_env({"LIAISON_FESTIVALS": " qixi,winter_solstice , mid_autumn",
                                "LIAISON_FESTIVAL_LEAD_DAYS": "45"})

    assert [f.code for f in chosen_festivals(usual)] == list(DEFAULT_FESTIVALS)
    assert usual.festival_lead_days == 30
    assert [f.code for f in chosen_festivals(chosen)] == ["qixi", "mid_autumn",
                                                           "winter_solstice"]
    assert chosen.festival_lead_days == 45


def test_a_mistyped_festival_is_named_with_the_known_ones() -> None:
    settings = Settings.from_env({"LIAISON_FESTIVALS": "mid_autumn,midautumn"})

    with pytest.raises(UnknownFestival, match=r"names midautumn.*choose among spring_festival"):
        chosen_festivals(settings)


@pytest.mark.parametrize(("name", "value", "says"), [
    ("LIAISON_FESTIVALS", "mid_autumn,,qixi", "none empty"),
    ("LIAISON_FESTIVAL_LEAD_DAYS", "thirty", "whole number of days from 0 to 365"),
    ("LIAISON_FESTIVAL_LEAD_DAYS", "-1", "whole number of days from 0 to 365"),
    ("LIAISON_FESTIVAL_LEAD_DAYS", "366", "whole number of days from 0 to 365"),
])
def test_a_mistyped_setting_is_refused_by_name(name: str, value: str, says: str) -> None:
    with pytest.raises(ValueError, match=f"{name} must .*{says}"):
        Settings.from_env({name: value})
