"""The traditional festivals an office may mark, and their Gregorian dates in a year.

Lunar festivals move against the Gregorian calendar every year and a leap month
shifts them by weeks, so their dates are computed by ``lunar_python`` (the
maintained Chinese-calendar library) rather than typed in. 冬至 is a solar term,
not a lunar date: the library computes it from the sun's longitude.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import date

from lunar_python import Lunar, Solar

from engine.common.settings import Settings

__all__ = ["DEFAULT_FESTIVALS", "FESTIVALS", "FIRST_YEAR", "LAST_YEAR", "Festival",
           "FestivalDate", "UnknownFestival", "YearOutOfRange", "chosen_festivals",
           "festival_dates", "parse_year"]

# The library computes any year, but far from now its month boundaries rest on extrapolated
# astronomy; the office's calendar keeps to the years the Hong Kong Observatory publishes
# Gregorian-lunar tables for, against which the library's answers can be checked.
FIRST_YEAR = 1901
LAST_YEAR = 2100


@dataclass(frozen=True)
class Festival:
    code: str
    name_zh: str
    name_en: str
    # A lunar (month, day) of the festival, or None for a solar term.
    lunar: tuple[int, int] | None = None
    # The solar term's name as the library spells it (simplified Chinese).
    solar_term: str | None = None

    def date_in(self, year: int) -> date:
        """The festival's Gregorian date in ``year`` (FIRST_YEAR to LAST_YEAR)."""
        if self.lunar is not None:
            month, day = self.lunar
            # Festivals fall in the ordinary month, never its leap repeat: the library's
            # positive month numbers are the ordinary ones. Lunar year Y's 1st month starts
            # in Gregorian year Y, and every festival here falls before Gregorian year end.
            solar = Lunar.fromYmd(year, month, day).getSolar()
        else:
            solar = _solar_term(year, self.solar_term or "")
        return date(solar.getYear(), solar.getMonth(), solar.getDay())


def _solar_term(year: int, name: str) -> Solar:
    # A lunar year's table runs from the winter solstice before its new year to the spring
    # after; mid-year the lunar year is the Gregorian one, so its table holds every term of
    # Gregorian ``year`` but 冬至 and the two after, which it keys by pinyin for next year.
    table = Lunar.fromYmd(year, 6, 1).getJieQiTable()
    term = table[name]
    if term.getYear() != year:  # 冬至: the table's first one is last December's
        term = table["DONG_ZHI"]
    return term


FESTIVALS: tuple[Festival, ...] = (
    Festival("spring_festival", "春節", "Lunar New Year", lunar=(1, 1)),
    Festival("lantern", "元宵", "Lantern Festival", lunar=(1, 15)),
    Festival("dragon_boat", "端午", "Dragon Boat Festival", lunar=(5, 5)),
    Festival("qixi", "七夕", "Qixi Festival", lunar=(7, 7)),
    Festival("mid_autumn", "中秋", "Mid-Autumn Festival", lunar=(8, 15)),
    Festival("chung_yeung", "重陽", "Chung Yeung Festival", lunar=(9, 9)),
    Festival("winter_solstice", "冬至", "Winter Solstice", solar_term="冬至"),
)
BY_CODE = {festival.code: festival for festival in FESTIVALS}

# Marked unless the office chooses otherwise (procedure rule 2).
DEFAULT_FESTIVALS = ("spring_festival", "lantern", "dragon_boat", "mid_autumn", "chung_yeung")


@dataclass(frozen=True)
class FestivalDate:
    festival: Festival
    date: date


class YearOutOfRange(ValueError):
    """A year the festival calendar does not cover, or not a year at all."""

    def __init__(self, text: object) -> None:
        super().__init__(f"the festival calendar covers the years {FIRST_YEAR} to {LAST_YEAR}; "
                         f"{text!s} is not one of them")


class UnknownFestival(ValueError):
    """``LIAISON_FESTIVALS`` names a festival the calendar does not know."""


def parse_year(text: str | int) -> int:
    """The year ``text`` names, or YearOutOfRange."""
    try:
        year = int(str(text).strip())
    except ValueError:
        raise YearOutOfRange(repr(text)) from None
    if not FIRST_YEAR <= year <= LAST_YEAR:
        raise YearOutOfRange(year)
    return year


def chosen_festivals(settings: Settings) -> tuple[Festival, ...]:
    """The festivals the office marks, in calendar order; UnknownFestival for a mistyped code."""
    return festivals_named(settings.festivals or DEFAULT_FESTIVALS)


def festivals_named(codes: Iterable[str]) -> tuple[Festival, ...]:
    wanted = set(codes)
    unknown = sorted(wanted - BY_CODE.keys())
    if unknown:
        raise UnknownFestival(
            f"LIAISON_FESTIVALS names {', '.join(unknown)}, which the festival calendar does "
            f"not know; choose among {', '.join(BY_CODE)}")
    return tuple(festival for festival in FESTIVALS if festival.code in wanted)


def festival_dates(festivals: Sequence[Festival], year: int) -> list[FestivalDate]:
    """Each festival's date in ``year``, earliest first."""
    year = parse_year(year)
    dates = [FestivalDate(festival, festival.date_in(year)) for festival in festivals]
    return sorted(dates, key=lambda each: each.date)
