"""``liaison festivals YEAR`` and ``GET /api/v1/festivals``: the office's festivals in a year."""

from __future__ import annotations

import dataclasses

import pytest
from click.testing import CliRunner
from flask import Flask
from flask.testing import FlaskClient

from api import create_app
from api.cli import main
from engine.system import System


def run(*args: str) -> tuple[int, str, str]:
    result = CliRunner().invoke(main, ["festivals", *args], catch_exceptions=False)
    return result.exit_code, result.stdout, result.stderr


@pytest.fixture
def usual(monkeypatch: pytest.MonkeyPatch) -> None:
    for name in ("LIAISON_FESTIVALS", "LIAISON_FESTIVAL_LEAD_DAYS"):
        monkeypatch.delenv(name, raising=False)


@pytest.mark.usefixtures("usual")
def test_the_command_prints_the_usual_five_festivals_of_a_year() -> None:
    code, out, _ = run("2027")

    assert code == 0
    assert out.splitlines() == ["春節\t2027-02-06", "元宵\t2027-02-20", "端午\t2027-06-09",
                                "中秋\t2027-09-15", "重陽\t2027-10-08"]


@pytest.mark.usefixtures("usual")
@pytest.mark.parametrize("year", ["1901", "2023", "2099"])
def test_the_command_covers_the_years_1901_to_2099(year: str) -> None:
    code, out, _ = run(year)

    assert code == 0 and len(out.splitlines()) == 5
    assert all(line.split("\t")[1].startswith(year) for line in out.splitlines())


def test_the_command_prints_the_festivals_the_office_chose(
        monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("LIAISON_FESTIVALS", "winter_solstice,qixi")

    assert run("2025")[:2] == (0, "七夕\t2025-08-29\n冬至\t2025-12-21\n")


@pytest.mark.usefixtures("usual")
@pytest.mark.parametrize("year", ["1900", "2101", "99999", "next", "-2027"])
def test_the_command_refuses_a_year_outside_the_calendar(year: str) -> None:
    code, out, err = run("--", year) if year.startswith("-") else run(year)

    assert code == 2 and out == ""
    assert "the festival calendar covers the years 1901 to 2100" in err


def test_the_command_refuses_a_mistyped_festival(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("LIAISON_FESTIVALS", "mid-autumn")

    code, _, err = run("2027")

    assert code == 2 and "LIAISON_FESTIVALS names mid-autumn" in err


def chosen_app(system: System, codes: tuple[str, ...] = (), **config: object) -> Flask:
    settings = dataclasses.replace(system.settings, festivals=codes)
    return create_app({"TESTING": True, **config},
                      system=dataclasses.replace(system, settings=settings))


def test_anyone_reads_the_festivals_of_a_year_as_json(system: System) -> None:
    anyone = chosen_app(system).test_client()

    answer = anyone.get("/api/v1/festivals?year=2027")

    assert answer.status_code == 200
    assert answer.get_json() == [
        {"code": "spring_festival", "name_zh": "春節", "name_en": "Lunar New Year",
         "date": "2027-02-06"},
        {"code": "lantern", "name_zh": "元宵", "name_en": "Lantern Festival",
         "date": "2027-02-20"},
        {"code": "dragon_boat", "name_zh": "端午", "name_en": "Dragon Boat Festival",
         "date": "2027-06-09"},
        {"code": "mid_autumn", "name_zh": "中秋", "name_en": "Mid-Autumn Festival",
         "date": "2027-09-15"},
        {"code": "chung_yeung", "name_zh": "重陽", "name_en": "Chung Yeung Festival",
         "date": "2027-10-08"}]


def test_the_resource_answers_the_office_s_choice(system: System) -> None:
    anyone = chosen_app(system, ("winter_solstice", "qixi")).test_client()

    dates = anyone.get("/api/v1/festivals?year=2023").get_json()

    assert [(d["code"], d["date"]) for d in dates] == [("qixi", "2023-08-22"),
                                                       ("winter_solstice", "2023-12-22")]


@pytest.mark.parametrize("query", ["year=1900", "year=2101", "year=twenty", "", "year="])
def test_a_year_outside_the_calendar_is_a_422_never_a_500(system: System, query: str) -> None:
    answer = chosen_app(system).test_client().get(f"/api/v1/festivals?{query}")

    assert answer.status_code == 422
    assert "year" in answer.get_data(as_text=True)


def test_the_resource_is_documented_and_throttled_like_the_public_lookups(
        system: System) -> None:
    app = chosen_app(system, LIAISON_RATELIMIT_LOOKUP="2 per minute")
    client: FlaskClient = app.test_client()

    document = client.get("/api/v1/openapi.json").get_json()
    operation = document["paths"]["/api/v1/festivals"]["get"]
    assert operation["security"] == [] and "429" in operation["responses"]
    assert [client.get("/api/v1/festivals?year=2027").status_code for _ in range(3)] == [
        200, 200, 429]
