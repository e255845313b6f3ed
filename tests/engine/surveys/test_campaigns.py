"""The survey campaign: questionnaire versions, the plan, the sample, distribution, return rate."""

from __future__ import annotations

import json
import math
import shutil
from datetime import timedelta
from decimal import Decimal
from fractions import Fraction
from pathlib import Path

import pytest
from sqlalchemy import select
from sqlalchemy.orm import Session

from engine.common.audit import AuditEvent
from engine.common.clock import FrozenClock
from engine.common.errors import Conflict, FormInvalid, NotFound
from engine.common.numbering import TRACKING_ALPHABET
from engine.common.settings import PROJECT_ROOT
from engine.directory.models import Building, Owner, Unit
from engine.surveys.campaigns import (
    CODE_LENGTH,
    accepts_staff_entries,
    campaign,
    campaign_return_rate,
    close_below_target,
    distribute,
    end_collection,
    install_questionnaires,
    latest_questionnaire,
    open_campaign,
    record_reminders,
    sample_units,
)
from engine.surveys.report import campaign_report
from engine.surveys.sample import MIN_PERCENT
from engine.system import System
from tests.engine.surveys.conftest import Estates, OpenSurvey
from tests.support.people import create_estate

SHIPPED = PROJECT_ROOT / "forms" / "questionnaires" / "standard.json"


def test_a_questionnaire_gets_a_new_version_only_when_its_content_changes(
        session: Session, system: System, tmp_path: Path) -> None:
    shutil.copy(SHIPPED, tmp_path / "standard.json")
    first = install_questionnaires(session, system.rt, tmp_path, actor="admin")
    again = install_questionnaires(session, system.rt, tmp_path, actor="admin")
    assert [q.version for q in first] == [1] and again[0].id == first[0].id

    changed = json.loads(SHIPPED.read_text(encoding="utf-8"))
    changed["title"]["en"] = "Yearly opinion survey"
    (tmp_path / "standard.json").write_text(json.dumps(changed), encoding="utf-8")
    second = install_questionnaires(session, system.rt, tmp_path, actor="admin")[0]
    assert second.version == 2 and second.title["en"] == "Yearly opinion survey"
    assert latest_questionnaire(session, "standard").id == second.id
    stored = session.scalars(select(AuditEvent.data).where(
        AuditEvent.kind == "questionnaire_stored").order_by(AuditEvent.id)).all()
    assert stored == [{"code": "standard", "version": 1}, {"code": "standard", "version": 2}]


def test_an_unknown_questionnaire_or_campaign_is_not_found(session: Session) -> None:
    with pytest.raises(NotFound, match="there is no questionnaire 'annual'"):
        latest_questionnaire(session, "annual")
    with pytest.raises(NotFound, match="there is no survey campaign 404"):
        campaign(session, 404)


def test_an_approved_plan_opens_a_numbered_campaign(system: System, estates: Estates) -> None:
    with system.sessions() as session:
        first = open_campaign(session, system.rt, year=2026, target_percent="17.5",
                              estate_id=estates.harmony, actor="boss")
        second = open_campaign(session, system.rt, year=2026, target_percent=15, actor="boss")
        assert second.repeat_reason is None  # the whole office is not Harmony Gardens alone
        assert (first.number, second.number) == ("S-2026-000001", "S-2026-000002")
        assert first.target_percent == Decimal("17.50") and first.state == "planned"
        assert first.approved_by == "boss" and first.questionnaire.code == "standard"
        assert second.estate_id is None  # every estate the office manages


@pytest.mark.parametrize("percent", [MIN_PERCENT - Decimal("0.01"), 0, "100.01", "many",
                                     "NaN", "Infinity", None])
def test_a_target_below_15_percent_or_not_a_percentage_is_refused(
        system: System, estates: Estates, percent: object) -> None:
    with system.sessions() as session, pytest.raises(FormInvalid) as refused:
        open_campaign(session, system.rt, year=2026, target_percent=percent, actor="boss")
    assert [e.field for e in refused.value.errors] == ["target_percent"]
    assert "no fewer than 15 %" in refused.value.errors[0].message


def test_every_mistake_in_the_plan_is_reported_at_once(system: System, estates: Estates
                                                       ) -> None:
    with system.sessions() as session, pytest.raises(FormInvalid) as refused:
        open_campaign(session, system.rt, year=1999, target_percent=10, actor="boss")
    assert [e.field for e in refused.value.errors] == ["target_percent", "survey_year"]


def test_the_sample_is_at_least_15_percent_of_every_estates_units(
        open_survey: OpenSurvey) -> None:
    survey = open_survey(percent=15, estate=None, days=None)  # 25 units: 3.75 → 4
    row = survey.campaign()
    assert row.state == "sampled" and row.units_total == 25 and row.seed == 7
    assert len(survey.sampled()) == math.ceil(Fraction(15, 100) * 25) == 4


def test_a_campaign_of_one_estate_samples_only_its_units(
        system: System, estates: Estates, open_survey: OpenSurvey) -> None:
    survey = open_survey(percent=100, estate=estates.riverside, days=None)
    with system.sessions() as session:
        riverside = set(session.scalars(select(Unit.id).join(Building)
                                        .where(Building.estate_id == estates.riverside)))
    assert {s.unit_id for s in survey.sampled()} == riverside and len(riverside) == 5
    assert survey.campaign().units_total == 5


def test_the_recorded_seed_draws_the_same_sample_again(open_survey: OpenSurvey) -> None:
    first, again = open_survey(seed=2026), open_survey(seed=2026)
    assert [s.unit_id for s in first.sampled()] == [s.unit_id for s in again.sampled()]
    assert len({s.building_id for s in first.sampled()}) == 2  # both blocks, 2 units each


def test_a_campaign_is_sampled_once_and_only_from_units_that_exist(
        system: System, estates: Estates, open_survey: OpenSurvey) -> None:
    survey = open_survey(days=None)
    empty = create_estate(system, "Empty Court", buildings=(), units=())
    with system.sessions() as session:
        with pytest.raises(Conflict, match=f"survey {survey.number} has been sampled already"):
            sample_units(session, system.rt, survey.id, actor="boss")
        bare = open_campaign(session, system.rt, year=2026, target_percent=15,
                             estate_id=empty.id, actor="boss")
        with pytest.raises(Conflict, match="there are no occupied, delivered units to survey"):
            sample_units(session, system.rt, bare.id, actor="boss")


def test_distribution_issues_one_time_codes_and_sets_the_deadline(
        open_survey: OpenSurvey, clock: FrozenClock) -> None:
    survey = open_survey(days=10)
    row, sampled = survey.campaign(), survey.sampled()
    assert row.state == "collecting" and row.distributed_at == clock.now()
    assert row.deadline == clock.now() + timedelta(days=10)
    codes = [s.response_code or "" for s in sampled]
    assert all(len(c) == CODE_LENGTH and set(c) <= set(TRACKING_ALPHABET) for c in codes)
    assert len(set(codes)) == len({s.link_token for s in sampled}) == len(sampled)
    assert all(s.issued_at == clock.now() and s.used_at is None for s in sampled)


@pytest.mark.parametrize("days", [0, 121])
def test_a_collection_window_outside_1_to_120_days_is_refused(
        system: System, open_survey: OpenSurvey, days: int) -> None:
    survey = open_survey(days=None)
    with system.sessions() as session, pytest.raises(FormInvalid) as refused:
        distribute(session, system.rt, survey.id, collection_days=days, actor="boss")
    assert refused.value.errors[0].field == "collection_days"
    assert survey.campaign().state == "sampled"


def test_a_campaign_is_distributed_once(system: System, open_survey: OpenSurvey) -> None:
    survey = open_survey()
    with system.sessions() as session, pytest.raises(Conflict, match="not waiting to be"):
        distribute(session, system.rt, survey.id, collection_days=21, actor="boss")


def test_reminders_are_recorded_only_for_units_that_have_not_answered(
        system: System, open_survey: OpenSurvey, clock: FrozenClock) -> None:
    survey = open_survey()
    answered, *waiting = survey.sampled()
    survey.answer([answered])
    for _ in range(2):
        clock.advance(timedelta(days=7))
        with system.sessions() as session:
            assert record_reminders(session, system.rt, survey.id, actor=None) == 3
            session.commit()
    reminded = {s.id: (s.reminders_recorded, s.last_reminded_at) for s in survey.sampled()}
    assert reminded[answered.id] == (0, None)
    assert all(reminded[s.id] == (2, clock.now()) for s in waiting)


def test_75_percent_returned_is_enough_and_less_starts_a_follow_up_round(
        system: System, open_survey: OpenSurvey, clock: FrozenClock) -> None:
    short, enough = open_survey(), open_survey()
    short.answer(short.sampled()[:2])
    enough.answer(enough.sampled()[:3])
    closed_at = clock.now()
    with system.sessions() as session:
        low = end_collection(session, system.rt, short.id, actor=None)
        high = end_collection(session, system.rt, enough.id, actor=None)
        session.commit()
    assert (low.returned, low.sent, low.rate, low.reached) == (2, 4, Fraction(1, 2), False)
    assert high.as_json() == {"returned": 3, "sent": 4, "rate": "3/4", "percent": 75.0,
                              "reached": True}
    assert (short.campaign().state, enough.campaign().state) == ("follow_up", "collecting")

    clock.advance(timedelta(days=3))  # a follow-up round: counted afresh, first close kept
    short.answer(short.sampled()[2:3])
    with system.sessions() as session:
        assert end_collection(session, system.rt, short.id, actor=None).reached
        assert campaign_return_rate(session, short.id).rate == Fraction(3, 4)
        assert campaign(session, short.id).collection_closed_at == closed_at


def test_closing_below_75_percent_needs_a_reason_and_ends_staff_entries(
        system: System, open_survey: OpenSurvey, clock: FrozenClock) -> None:
    survey = open_survey()
    survey.answer(survey.sampled()[:1])
    with system.sessions() as session:
        with pytest.raises(FormInvalid) as refused:
            close_below_target(session, system.rt, survey.id, reason="  ", actor="boss")
        assert refused.value.errors[0].field == "shortfall_reason"
        row = close_below_target(session, system.rt, survey.id,
                                 reason="  Block B is under renovation ", actor="boss")
        assert (row.below_target_reason, row.below_target_by, row.below_target_at) == (
            "Block B is under renovation", "boss", clock.now())
        assert not accepts_staff_entries(row)


def test_a_survey_that_reached_75_percent_has_nothing_to_explain(
        system: System, open_survey: OpenSurvey) -> None:
    survey = open_survey()
    survey.answer(survey.sampled()[:3])
    with system.sessions() as session, pytest.raises(Conflict, match="has reached 75 %"):
        close_below_target(session, system.rt, survey.id, reason="late", actor="boss")


def test_staff_enter_answers_only_while_collection_is_open(open_survey: OpenSurvey) -> None:
    assert not accepts_staff_entries(open_survey(days=None).campaign())
    assert accepts_staff_entries(open_survey().campaign())


def test_a_second_survey_of_the_same_estate_and_year_is_refused_without_a_reason(
        system: System, estates: Estates) -> None:
    with system.sessions() as session:
        open_campaign(session, system.rt, year=2026, target_percent=15,
                      estate_id=estates.harmony, actor="boss")
        with pytest.raises(FormInvalid) as refused:
            open_campaign(session, system.rt, year=2026, target_percent=15,
                          estate_id=estates.harmony, repeat_reason="  ", actor="boss")
        assert [e.field for e in refused.value.errors] == ["repeat_reason"]
        other_year = open_campaign(session, system.rt, year=2027, target_percent=15,
                                   estate_id=estates.harmony, actor="boss")
        other_estate = open_campaign(session, system.rt, year=2026, target_percent=15,
                                     estate_id=estates.riverside, actor="boss")
        again = open_campaign(session, system.rt, year=2026, target_percent=15,
                              estate_id=estates.harmony, actor="boss",
                              repeat_reason=" The lifts were replaced in June ")
        session.commit()
        assert other_year.repeat_reason is None and other_estate.repeat_reason is None
        assert again.repeat_reason == "The lifts were replaced in June"
        opened = session.scalars(select(AuditEvent.data).where(
            AuditEvent.kind == "survey_opened").order_by(AuditEvent.id)).all()
    assert [d.get("repeat_reason") for d in opened] == [
        None, None, None, "The lifts were replaced in June"]


def test_only_occupied_delivered_units_are_sampled_and_the_rest_counted_by_reason(
        system: System, estates: Estates) -> None:
    with system.sessions() as session:
        units = session.scalars(select(Unit).join(Building).where(
            Building.estate_id == estates.riverside).order_by(Unit.id)).all()
        developer = Owner(name="Developer Ltd", is_developer=True)
        units[0].delivered = False
        units[1].owners = [developer]
        units[2].owners = []
        units[3].owners = [*units[3].owners, developer]  # still partly the developer's: unsold
        row = open_campaign(session, system.rt, year=2026, target_percent=100,
                            estate_id=estates.riverside, actor="boss")
        sampled = sample_units(session, system.rt, row.id, seed=1, actor="boss")
        session.commit()
        assert [s.unit_id for s in sampled] == [units[4].id]
        assert row.units_total == 1
        assert row.units_excluded == {"undelivered": 1, "unsold": 2, "vacant": 1}
        # The report, archived as published, keeps who was left out.
        assert campaign_report(session, row.id)["campaign"]["units_excluded"] == {
            "undelivered": 1, "unsold": 2, "vacant": 1}
        event = session.scalars(select(AuditEvent.data).where(
            AuditEvent.kind == "survey_sampled")).one()
    assert event["excluded"] == {"undelivered": 1, "unsold": 2, "vacant": 1}


def test_an_estate_of_undelivered_units_only_has_nobody_to_survey(
        system: System, estates: Estates) -> None:
    with system.sessions() as session:
        for unit in session.scalars(select(Unit).join(Building).where(
                Building.estate_id == estates.riverside)):
            unit.delivered = False
        row = open_campaign(session, system.rt, year=2026, target_percent=15,
                            estate_id=estates.riverside, actor="boss")
        with pytest.raises(Conflict, match="no occupied, delivered units"):
            sample_units(session, system.rt, row.id, actor="boss")
        assert row.state == "planned"  # nothing lost: it can be sampled once units exist
