"""The results page's charts and its CSV and XLSX exports, read back and checked."""

from __future__ import annotations

import csv
import io
import re
import zipfile
from xml.etree import ElementTree

import pytest
from flask.testing import FlaskClient

from engine.common.clock import FrozenClock
from engine.system import System
from tests.api.conftest import add_user, sign_in, text
from tests.support.survey_pages import Distributed, distributed_survey, enter_paper
from tests.support.surveys import GOOD

SHEET = "{http://schemas.openxmlformats.org/spreadsheetml/2006/main}"
RATINGS = ["overall", "cleanliness", "security", "repairs", "greenery", "customer_service",
           "fees_transparency"]


@pytest.fixture
def answered(shipped: System, clock: FrozenClock) -> Distributed:
    """Ten answers: six as GOOD, four rating everything 1 and leaving repairs blank."""
    survey = distributed_survey(shipped)
    low = {q: 1 for q in RATINGS if q != "repairs"}
    for index in range(10):
        enter_paper(shipped, survey.campaign.id, survey.unit(index),
                    GOOD if index < 6 else low, channel="paper" if index % 2 else "follow_up")
    add_user(shipped, clock, "guard", roles=("security",))
    return survey


@pytest.fixture
def staff(client: FlaskClient, answered: Distributed) -> FlaskClient:
    sign_in(client, "guard")
    return client


# The sample spans two estates, so the report names each block after its estate.
REPORTED = {"A": "和諧花園 A", "B": "和諧花園 B", "C": "和諧花園 C", "D": "Riverside D"}


def expected_building_counts(survey: Distributed) -> dict[str, int]:
    counts: dict[str, int] = {}
    for _sampled, building in survey.sampled[:10]:
        counts[REPORTED[building]] = counts.get(REPORTED[building], 0) + 1
    return counts


def test_the_csv_holds_each_questions_counts_mean_and_satisfaction_rate(staff: FlaskClient,
                                                      answered: Distributed) -> None:
    response = staff.get(f"/surveys/{answered.campaign.number}/results.csv")

    assert response.status_code == 200
    assert response.headers["Content-Type"].startswith("text/csv")
    assert "attachment" in response.headers["Content-Disposition"]
    rows = list(csv.reader(io.StringIO(response.data.decode("utf-8-sig"))))
    assert rows[0] == ["Building", "Question", "Label", "Answered", "1", "2", "3", "4", "5",
                       "Mean", "Satisfaction rate (% answering 4 or 5)"]
    overall = {row[1]: row for row in rows[1:] if row[0] == "All buildings" and row[1]}
    assert list(overall) == RATINGS
    assert overall["overall"][2] == "Overall, how satisfied are you with the management of " \
                                    "the estate?"
    # (4+24)/10; six of ten answered 4.
    assert overall["overall"][3:] == ["10", "4", "0", "0", "6", "0", "2.8", "60.0"]
    assert overall["repairs"][3:] == ["6", "0", "0", "6", "0", "0", "3.0", "0.0"]  # blank: nobody
    every = rows[1]
    assert every[:3] == ["All buildings", "", "Overall satisfaction rate"]
    satisfied = sum(int(row[7]) + int(row[8]) for row in overall.values())
    rated = sum(int(row[3]) for row in overall.values())
    assert every[3] == str(rated)
    assert every[-1] == str(round(100 * satisfied / rated, 1))
    per_building: dict[str, int] = {}
    for row in rows[1:]:
        if row[0] != "All buildings" and row[1] == "overall":
            per_building[row[0]] = int(row[3])
    assert per_building == expected_building_counts(answered)


def test_the_xlsx_has_the_scores_the_return_rate_and_the_opinions(
        staff: FlaskClient, answered: Distributed) -> None:
    response = staff.get(f"/surveys/{answered.campaign.number}/results.xlsx",
                         headers={"Accept-Language": "zh-CN"})

    assert response.status_code == 200
    book = zipfile.ZipFile(io.BytesIO(response.data))
    names = [s.get("name") for s in ElementTree.fromstring(book.read("xl/workbook.xml"))
             .iter(f"{SHEET}sheet")]
    assert names == ["評分", "回收率", "意見"]
    scores, rates, opinions = (_rows(book, n) for n in (1, 2, 3))
    overall = next(r for r in scores if r[0] == "全部樓棟" and r[1] == "overall")
    assert overall[2] == "總體而言，您對本屋苑的物業管理是否滿意？"
    assert overall[3:] == [10.0, 4.0, 0.0, 0.0, 6.0, 0.0, 2.8, 60.0]
    assert rates[-1] == ["全部樓棟", 45.0, 10.0, 22.2]
    returned = expected_building_counts(answered)
    by_building = {r[0]: r[2] for r in rates[1:-1]}
    assert set(by_building) == set(REPORTED.values())  # every building sampled, answered or not
    assert by_building == {code: float(returned.get(code, 0)) for code in by_building}
    assert opinions[0] == ["問題", "內容", "性質", "類別", "已確認"]


def test_the_results_page_draws_the_75_percent_line_and_a_bar_per_question(
        staff: FlaskClient, answered: Distributed) -> None:
    response = staff.get(f"/surveys/{answered.campaign.number}/results")

    page = text(response)
    assert response.status_code == 200
    assert page.count('class="target-line" data-percent="75"') == 1
    bars = re.findall(r'<g class="question-bar" data-question="(\w+)" data-answered="(\d+)"',
                      page)
    assert bars == [(q, "6" if q == "repairs" else "10") for q in RATINGS]
    overall_segments = re.search(r'data-question="overall".*?</g>', page, re.S)
    assert overall_segments is not None
    assert re.findall(r'class="scale-(\d)"[^>]*data-count="(\d+)"',
                      overall_segments.group(0)) == [("1", "4"), ("4", "6")]
    assert page.count('class="rate-point"') == 1  # every answer came in on one day
    buildings = set(expected_building_counts(answered))
    drawn = set(re.findall(r'data-building="([^"]+)" data-question="overall"', page))
    assert drawn == buildings
    assert "<script>" not in page and "style=" not in page  # nothing the CSP would block


def test_the_results_page_shows_the_satisfaction_rate_per_question_and_overall(
        staff: FlaskClient, answered: Distributed) -> None:
    page = text(staff.get(f"/surveys/{answered.campaign.number}/results"))

    shares = dict(re.findall(r'data-question="(\w+)" data-answered="\d+" '
                             r'data-satisfaction="([\d.]+|None)"', page))
    assert shares["overall"] == "60.0" and shares["repairs"] == "0.0"
    overall = re.search(r'<p id="satisfaction">(.*?)</p>', page, re.S)
    assert overall is not None and "Satisfaction rate" in overall.group(1)
    assert re.search(r"[\d.]+ % \(\d+ of \d+ answers were 4 or 5\)", overall.group(1))
    assert "<th>Satisfaction rate</th>" in page and "<td>60.0 %</td>" in page


def test_the_year_on_year_chart_has_a_point_per_campaign_and_question(
        staff: FlaskClient, answered: Distributed) -> None:
    page = text(staff.get(f"/surveys/{answered.campaign.number}/results"))

    chart = page.split('class="chart chart-years"', 1)[1].split("</svg>", 1)[0]
    assert chart.count('class="year-point') == len(RATINGS)
    assert ">2026<" in chart


def _rows(book: zipfile.ZipFile, number: int) -> list[list[object]]:
    """A worksheet's rows: numbers as floats, inline strings as text."""
    sheet = ElementTree.fromstring(book.read(f"xl/worksheets/sheet{number}.xml"))
    rows = []
    for row in sheet.iter(f"{SHEET}row"):
        cells: list[object] = []
        for cell in row.iter(f"{SHEET}c"):
            if cell.get("t") == "inlineStr":
                cells.append("".join(t.text or "" for t in cell.iter(f"{SHEET}t")))
            else:
                value = cell.find(f"{SHEET}v")
                cells.append(float(value.text or 0) if value is not None else None)
        rows.append(cells)
    return rows
