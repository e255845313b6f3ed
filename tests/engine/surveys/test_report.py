"""The survey's results: tabulation, categorising, the published report, year on year."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Any

import pytest

from engine.common.clock import FrozenClock
from engine.common.errors import Conflict
from engine.surveys.campaigns import close_below_target, open_campaign
from engine.surveys.feedback import confirm_item, feedback_items, suggest_items
from engine.surveys.report import (
    campaign_report,
    finish_categorising,
    list_campaigns,
    publish_report,
    tabulate_campaign,
    year_on_year,
)
from engine.surveys.responses import enter_response, submit_by_code
from engine.system import System
from tests.engine.surveys.conftest import Estates, OpenSurvey, Survey
from tests.support.people import create_estate
from tests.support.surveys import GOOD


def tabulated(system: System, survey: Survey) -> dict[str, Any]:
    with system.sessions() as session:
        tabulation = tabulate_campaign(session, system.rt, survey.id, actor="boss")
        session.commit()
    return tabulation


def categorised(system: System, survey: Survey) -> None:
    """Suggest the free text's items, confirm each as suggested and finish categorising."""
    with system.sessions() as session:
        for item in suggest_items(session, system.rt, survey.id, actor="clerk"):
            confirm_item(session, system.rt, item_id=item.id, kind=item.suggested_kind,
                         actor="clerk")
        finish_categorising(session, system.rt, survey.id, actor="clerk")
        session.commit()


def test_below_75_percent_tabulates_only_with_the_supervisors_reason(
        system: System, open_survey: OpenSurvey) -> None:
    survey = open_survey()
    survey.answer(survey.sampled()[:2])
    with system.sessions() as session, pytest.raises(Conflict) as refused:
        tabulate_campaign(session, system.rt, survey.id, actor="boss")
    assert refused.value.message == (
        f"survey {survey.number} has a return rate of 50.0 %, below 75 %: it closes only "
        "with the supervisor's recorded reason")
    assert survey.campaign().state == "collecting"
    with system.sessions() as session:
        close_below_target(session, system.rt, survey.id, reason="owners abroad", actor="boss")
        session.commit()
    assert tabulated(system, survey)["responses"] == 2
    assert survey.campaign().state == "tabulated"


def test_tabulation_counts_each_rating_overall_and_per_block(
        system: System, open_survey: OpenSurvey) -> None:
    survey = open_survey()
    a1, a2, b1, _ = survey.sampled()
    survey.answer([a1], {**GOOD, "overall": 5})
    survey.answer([a2], {**GOOD, "overall": 2, "repairs": 1})
    survey.answer([b1], {"overall": 4})
    result = tabulated(system, survey)
    assert result["responses"] == 3
    overall = result["overall"]
    assert overall["overall"]["counts"] == {"1": 0, "2": 1, "3": 0, "4": 1, "5": 1}
    assert overall["overall"]["mean_exact"] == "11/3"
    assert overall["repairs"]["answered"] == 2 and overall["repairs"]["mean"] == 2.0
    buildings = result["buildings"]
    assert {b: buildings[b]["responses"] for b in buildings} == {"A": 2, "B": 1}
    assert buildings["B"]["questions"]["repairs"]["mean"] is None
    assert survey.campaign().tabulation == result


def test_a_tabulated_campaign_is_closed_for_good(system: System, open_survey: OpenSurvey
                                                 ) -> None:
    survey = open_survey()
    first, second, third, _ = survey.sampled()
    survey.answer([first, second])
    with system.sessions() as session:
        close_below_target(session, system.rt, survey.id, reason="owners abroad", actor="boss")
        session.commit()
    tabulated(system, survey)
    with system.sessions() as session:
        with pytest.raises(Conflict, match="is not collecting answers; it is tabulated"):
            tabulate_campaign(session, system.rt, survey.id, actor="boss")
        with pytest.raises(Conflict, match="is no longer collecting answers"):
            close_below_target(session, system.rt, survey.id, reason="again", actor="boss")
        with pytest.raises(Conflict, match="no longer takes answers"):
            enter_response(session, system.rt, campaign_id=survey.id, answers=dict(GOOD),
                           channel="paper", actor="clerk", sampled_unit_id=third.id)


def test_an_unconfirmed_feedback_item_blocks_categorising(
        system: System, open_survey: OpenSurvey) -> None:
    survey = open_survey()
    survey.answer(survey.sampled()[:3], {**GOOD, "opinions": "Lift broken。Garden lovely"})
    tabulated(system, survey)
    with system.sessions() as session:
        items = suggest_items(session, system.rt, survey.id, actor="clerk")
        for item in items[:-1]:
            confirm_item(session, system.rt, item_id=item.id, kind=item.suggested_kind,
                         actor="clerk")
        session.commit()
    with system.sessions() as session, pytest.raises(Conflict) as refused:
        finish_categorising(session, system.rt, survey.id, actor="clerk")
    assert refused.value.message.startswith("1 opinion(s), suggestion(s) or complaint(s)")
    with system.sessions() as session:
        confirm_item(session, system.rt, item_id=items[-1].id, kind="opinion", actor="clerk")
        assert finish_categorising(session, system.rt, survey.id, actor="clerk").state == \
            "categorised"


def test_only_a_categorised_report_is_published_and_it_is_archived_as_it_stood(
        system: System, open_survey: OpenSurvey, clock: FrozenClock) -> None:
    survey = open_survey()
    survey.answer(survey.sampled()[:3], {**GOOD, "opinions": "Garden lovely"})
    tabulated(system, survey)
    with system.sessions() as session, pytest.raises(Conflict, match="no categorised report"):
        publish_report(session, system.rt, survey.id, actor="boss")
    categorised(system, survey)
    clock.advance(timedelta(days=2))
    with system.sessions() as session:
        row = publish_report(session, system.rt, survey.id, actor="boss")
        session.commit()
    assert (row.state, row.report_approved_by, row.published_at) == (
        "published", "boss", clock.now())
    archived = row.archived_report
    assert archived["campaign"]["state"] == "published"
    assert archived["campaign"]["published_at"] == clock.now().isoformat()
    assert archived["feedback"]["counts"]["opinion"] == {"other": 3}

    with system.sessions() as session:  # a later change does not rewrite what was published
        item = feedback_items(session, survey.id)[0]
        confirm_item(session, system.rt, item_id=item.id, kind="suggestion", actor="clerk")
        session.commit()
        assert campaign_report(session, survey.id)["feedback"]["counts"]["opinion"] == {
            "other": 2}
    assert survey.campaign().archived_report == archived


def test_the_report_shows_the_rate_by_channel_block_and_day(
        system: System, open_survey: OpenSurvey, clock: FrozenClock) -> None:
    survey = open_survey()
    a1, a2, b1, _ = survey.sampled()
    assert a2.response_code is not None
    survey.answer([a1], channel="paper")
    clock.advance(timedelta(days=2))
    survey.answer([b1], channel="follow_up")
    with system.sessions() as session:
        submit_by_code(session, system.rt, code=a2.response_code, answers={"overall": 3})
        session.commit()
        report = campaign_report(session, survey.id)
    assert report["return_rate"] == {"returned": 3, "sent": 4, "rate": "3/4",
                                     "percent": 75.0, "reached": True}
    assert report["by_channel"] == {"link": 1, "paper": 1, "follow_up": 1}
    assert report["by_building"] == [{"building": "A", "sampled": 2, "returned": 2},
                                     {"building": "B", "sampled": 2, "returned": 1}]
    assert report["rate_over_time"] == [
        {"date": "2026-03-02", "returned": 1, "percent": 25.0},
        {"date": "2026-03-04", "returned": 3, "percent": 75.0}]
    assert report["tabulation"]["responses"] == 3  # counted live until tabulation
    assert list(report["questions"])[:2] == ["overall", "cleanliness"]
    assert report["questions"]["overall"]["zh"]
    assert report["campaign"]["number"] == survey.number
    deadline = survey.campaign().deadline
    assert deadline is not None and report["campaign"]["deadline"] == deadline.isoformat()


def test_a_campaign_not_yet_sampled_has_no_return_rate(system: System, estates: Estates
                                                       ) -> None:
    with system.sessions() as session:
        row = open_campaign(session, system.rt, year=2026, target_percent=15, actor="boss")
        report = campaign_report(session, row.id)
    assert report["return_rate"] is None and report["rate_over_time"] == []
    assert report["by_building"] == [] and report["tabulation"]["responses"] == 0


def test_year_on_year_compares_the_estates_campaigns_oldest_first(
        system: System, estates: Estates, open_survey: OpenSurvey) -> None:
    later = open_survey(year=2026)
    earlier = open_survey(year=2025)
    open_survey(year=2027, days=None)  # sampled, not sent: not a result yet
    open_survey(year=2025, estate=estates.riverside)
    earlier.answer(earlier.sampled()[:2], {"overall": 5, "repairs": 2})
    earlier.answer(earlier.sampled()[2:3], {"overall": 2, "repairs": 2})
    tabulated(system, earlier)
    later.answer(later.sampled()[:1], {"overall": 4})
    with system.sessions() as session:
        lines = year_on_year(session, estate_id=estates.harmony)
        assert [c.year for c in list_campaigns(session)] == [2027, 2026, 2025, 2025]
        assert year_on_year(session) == []  # no campaign of every estate
    assert [(line["year"], line["state"]) for line in lines] == [
        (2025, "tabulated"), (2026, "collecting")]
    assert lines[0]["means"]["overall"] == 4.0 and lines[0]["means"]["repairs"] == 2.0
    assert lines[0]["return_rate"]["rate"] == "3/4"
    assert lines[1]["means"]["overall"] == 4.0 and lines[1]["means"]["repairs"] is None
    assert lines[1]["return_rate"]["percent"] == 25.0


def test_year_on_year_shows_the_satisfaction_rate_overall_and_per_question(
        system: System, open_survey: OpenSurvey) -> None:
    earlier, later = open_survey(year=2025), open_survey(year=2026)
    # 2025: overall 5, 4, 2 → 2 of 3 satisfied; repairs 2, 2, 2 → none.
    earlier.answer(earlier.sampled()[:1], {"overall": 5, "repairs": 2})
    earlier.answer(earlier.sampled()[1:2], {"overall": 4, "repairs": 2})
    earlier.answer(earlier.sampled()[2:3], {"overall": 2, "repairs": 2})
    tabulated(system, earlier)
    later.answer(later.sampled()[:2], {"overall": 3})
    with system.sessions() as session:
        lines = year_on_year(session, estate_id=later.campaign().estate_id)
    by_year = {line["year"]: line for line in lines}
    assert by_year[2025]["satisfaction"]["exact"] == "1/3"  # 2 of 6 rating answers
    assert by_year[2025]["satisfaction_by_question"]["overall"]["exact"] == "2/3"
    assert by_year[2025]["satisfaction_by_question"]["repairs"]["percent"] == 0.0
    assert by_year[2026]["satisfaction"]["percent"] == 0.0
    assert by_year[2026]["satisfaction_by_question"]["repairs"]["percent"] is None


def test_a_survey_of_every_estate_keeps_two_estates_blocks_apart(
        system: System, estates: Estates, open_survey: OpenSurvey) -> None:
    create_estate(system, "Lakeside", buildings=("A",), units=("0101", "0102"))
    survey = open_survey(estate=None, percent=100)
    survey.answer(survey.sampled(), {"overall": 5})
    with system.sessions() as session:
        report = campaign_report(session, survey.id)
    buildings = {line["building"]: line["sampled"] for line in report["by_building"]}
    assert buildings == {"Harmony Gardens A": 10, "Harmony Gardens B": 10,
                         "Lakeside A": 2, "Riverside D": 5}
    assert set(report["tabulation"]["buildings"]) == set(buildings)


def test_returns_over_time_are_counted_per_office_day(
        system: System, open_survey: OpenSurvey, clock: FrozenClock) -> None:
    survey = open_survey()
    # 23:30 UTC on 3 December is 07:30 on 4 December in the office (UTC+8).
    clock.set(datetime(2026, 12, 3, 23, 30, tzinfo=UTC))
    survey.answer(survey.sampled()[:1])
    clock.set(datetime(2026, 12, 4, 3, 0, tzinfo=UTC))
    survey.answer(survey.sampled()[1:2])
    with system.sessions() as session:
        report = campaign_report(session, survey.id, zone=system.rt.office_zone)
    assert [(day["date"], day["returned"]) for day in report["rate_over_time"]] == [
        ("2026-12-04", 2)]
