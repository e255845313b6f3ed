"""The yearly survey campaign (P4, seed rule 5): plan, sample, distribute, collect, close.

Every function takes the session and runtime explicitly and only flushes; the
caller commits. Each change leaves an audit event. The web pages and the BPMN
service tasks (``engine.surveys.services``) call these same functions.
"""

from __future__ import annotations

import secrets
from dataclasses import dataclass
from datetime import timedelta
from decimal import Decimal, InvalidOperation
from fractions import Fraction
from pathlib import Path

from sqlalchemy import func, select
from sqlalchemy.orm import Session, selectinload

from engine.common import audit
from engine.common.errors import Conflict, FieldError, FormInvalid, NotFound
from engine.common.numbering import TRACKING_ALPHABET, next_number
from engine.directory.models import Building, Unit
from engine.surveys.models import Questionnaire, SampledUnit, SurveyCampaign, SurveyResponse
from engine.surveys.questionnaire import load_questionnaires
from engine.surveys.sample import (
    MIN_PERCENT,
    SampleUnit,
    UnitOnRecord,
    draw_sample,
    surveyable,
)
from engine.surveys.tally import meets_target, return_rate
from engine.workflow.runtime import Runtime
from engine.workflow.viewer import Viewer

__all__ = ["ReturnRate", "accepts_staff_entries", "campaign", "campaign_return_rate",
           "close_below_target", "distribute", "end_collection", "install_questionnaires",
           "latest_questionnaire", "open_campaign", "record_reminders", "sample_units",
           "surveyed_already"]

# Long enough that nobody guesses another unit's code; short enough to type from paper.
CODE_LENGTH = 12
MIN_COLLECTION_DAYS, MAX_COLLECTION_DAYS = 1, 120


@dataclass(frozen=True)
class ReturnRate:
    """Returned forms over forms sent, exactly, and whether 75 % is reached."""

    returned: int
    sent: int
    rate: Fraction

    @property
    def reached(self) -> bool:
        return meets_target(self.rate)

    def as_json(self) -> dict[str, object]:
        return {"returned": self.returned, "sent": self.sent,
                "rate": f"{self.rate.numerator}/{self.rate.denominator}",
                "percent": round(float(self.rate) * 100, 1), "reached": self.reached}


def install_questionnaires(session: Session, rt: Runtime, folder: Path, *,
                           actor: str | None) -> list[Questionnaire]:
    """Store each shipped questionnaire as a new version when its content changed."""
    stored = []
    for shipped in load_questionnaires(folder):
        latest = _latest(session, shipped.code)
        if latest is not None and latest.content_hash == shipped.content_hash:
            stored.append(latest)
            continue
        row = Questionnaire(code=shipped.code, version=(latest.version + 1) if latest else 1,
                            content_hash=shipped.content_hash, title=shipped.title,
                            intro=shipped.intro, schema=shipped.schema, ui=shipped.ui,
                            created_at=rt.clock.now(), created_by=actor)
        session.add(row)
        session.flush()
        audit.record(session, rt, kind="questionnaire_stored", actor=actor,
                     data={"code": row.code, "version": row.version})
        stored.append(row)
    return stored


def latest_questionnaire(session: Session, code: str) -> Questionnaire:
    questionnaire = _latest(session, code)
    if questionnaire is None:
        raise NotFound(f"there is no questionnaire '{code}'")
    return questionnaire


def _latest(session: Session, code: str) -> Questionnaire | None:
    return session.scalars(select(Questionnaire).where(Questionnaire.code == code)
                           .order_by(Questionnaire.version.desc()).limit(1)).first()


def campaign(session: Session, campaign_id: int) -> SurveyCampaign:
    found = session.get(SurveyCampaign, campaign_id)
    if found is None:
        raise NotFound(f"there is no survey campaign {campaign_id}")
    return found


def campaign_by_number(session: Session, number: str, *, viewer: Viewer) -> SurveyCampaign:
    """The campaign of this number, if the viewer's estate may see it."""
    row = session.scalars(select(SurveyCampaign).where(SurveyCampaign.number == number)).first()
    if row is None or not viewer.sees_estate(row.estate_id):
        raise NotFound(f"there is no survey {number}")
    return row


def open_campaign(session: Session, rt: Runtime, *, year: int, target_percent: object,
                  questionnaire_code: str = "standard", estate_id: int | None = None,
                  instance_id: int | None = None, repeat_reason: str = "",
                  actor: str | None) -> SurveyCampaign:
    """Open an approved plan as a campaign on the latest version of its questionnaire.

    ``estate_id`` None surveys every unit the office manages. A second survey of
    the same estate and year asks the same owners again and skews the year's
    figures, so it is refused unless the supervisor's ``repeat_reason`` says why.
    """
    percent = _percent(target_percent)
    errors = []
    if percent is None:
        errors.append(FieldError(("target_percent",),
                                 f"send the survey to between {MIN_PERCENT} % and 100 % of "
                                 "the units (seed rule 5: no fewer than 15 %)"))
    if not 2000 <= year <= 2100:
        errors.append(FieldError(("survey_year",), "give the survey's year, e.g. 2026"))
    reason = repeat_reason.strip()
    if 2000 <= year <= 2100 and not reason and surveyed_already(session, year, estate_id):
        errors.append(FieldError(("repeat_reason",), REPEAT_REFUSAL.format(year=year)))
    if errors:
        raise FormInvalid(errors)
    assert percent is not None
    questionnaire = latest_questionnaire(session, questionnaire_code)
    row = SurveyCampaign(number=next_number(session, "S", year), year=year,
                         estate_id=estate_id, instance_id=instance_id,
                         questionnaire_id=questionnaire.id, target_percent=percent,
                         approved_by=actor, created_at=rt.clock.now(),
                         repeat_reason=reason or None)
    session.add(row)
    session.flush()
    _note(session, rt, row, "survey_opened", actor,
          {"year": year, "target_percent": str(percent),
           "questionnaire": f"{questionnaire.code} v{questionnaire.version}",
           **({"repeat_reason": reason} if reason else {})})
    return row


REPEAT_REFUSAL = ("the estate has a survey for {year} already: a second one needs the "
                  "supervisor's reason")


def surveyed_already(session: Session, year: int, estate_id: int | None) -> bool:
    """Whether the estate (None: the whole office) has a campaign for ``year`` already."""
    same_estate = (SurveyCampaign.estate_id.is_(None) if estate_id is None
                   else SurveyCampaign.estate_id == estate_id)
    return session.scalar(select(func.count()).select_from(SurveyCampaign)
                          .where(SurveyCampaign.year == year, same_estate)) != 0


def _percent(value: object) -> Decimal | None:
    try:
        percent = Decimal(str(value))
    except InvalidOperation:
        return None
    if not percent.is_finite() or not MIN_PERCENT <= percent <= 100:
        return None
    return percent.quantize(Decimal("0.01"))


def sample_units(session: Session, rt: Runtime, campaign_id: int, *,
                 seed: int | None = None, actor: str | None) -> list[SampledUnit]:
    """Draw the campaign's sample from its units with a recorded seed (a new one if None)."""
    row = campaign(session, campaign_id)
    if row.state != "planned":
        raise Conflict(f"survey {row.number} has been sampled already",
                       message_code="surveys.sampled_already", params={"number": row.number})
    units, excluded = _surveyable_units(session, row.estate_id)
    if not units:
        raise Conflict("there are no occupied, delivered units to survey: add the estate's "
                       "buildings, units and owners", message_code="surveys.no_units")
    row.seed = secrets.randbits(48) if seed is None else seed
    drawn = draw_sample(units, percent=row.target_percent, seed=row.seed)
    sampled = [SampledUnit(campaign_id=row.id, unit_id=u.unit_id, building_id=u.building)
               for u in drawn]
    session.add_all(sampled)
    row.units_total, row.units_excluded, row.state = len(units), excluded, "sampled"
    session.flush()
    _note(session, rt, row, "survey_sampled", actor,
          {"seed": row.seed, "units": len(units), "sampled": len(sampled),
           "excluded": excluded})
    return sampled


def _surveyable_units(session: Session,
                      estate_id: int | None) -> tuple[list[SampleUnit], dict[str, int]]:
    """The occupied, delivered units of the estate (None: all), and the rest by reason."""
    query = select(Unit).join(Building).options(selectinload(Unit.owners)).order_by(Unit.id)
    if estate_id is not None:
        query = query.where(Building.estate_id == estate_id)
    return surveyable(UnitOnRecord(building=unit.building_id, unit_id=unit.id,
                                   delivered=unit.delivered, owners=len(unit.owners),
                                   developer_owned=any(o.is_developer for o in unit.owners))
                      for unit in session.scalars(query))


def distribute(session: Session, rt: Runtime, campaign_id: int, *, collection_days: int,
               actor: str | None) -> SurveyCampaign:
    """Issue every sampled unit its one-time code and link token and open the window."""
    row = campaign(session, campaign_id)
    if row.state != "sampled":
        raise Conflict(f"survey {row.number} is not waiting to be distributed",
                       message_code="surveys.not_sampled", params={"number": row.number})
    if not MIN_COLLECTION_DAYS <= collection_days <= MAX_COLLECTION_DAYS:
        raise FormInvalid([FieldError(("collection_days",), "the collection window lasts "
                                      f"{MIN_COLLECTION_DAYS} to {MAX_COLLECTION_DAYS} days",
                                      "surveys.collection_days",
                                      {"least": MIN_COLLECTION_DAYS,
                                       "most": MAX_COLLECTION_DAYS})])
    now = rt.clock.now()
    for sampled in session.scalars(select(SampledUnit)
                                   .where(SampledUnit.campaign_id == row.id)):
        sampled.response_code = "".join(secrets.choice(TRACKING_ALPHABET)
                                        for _ in range(CODE_LENGTH))
        sampled.link_token = secrets.token_urlsafe(32)
        sampled.issued_at = now
    row.distributed_at, row.deadline = now, now + timedelta(days=collection_days)
    row.state = "collecting"
    session.flush()
    _note(session, rt, row, "survey_distributed", actor,
          {"deadline": row.deadline.isoformat()})
    return row


def record_reminders(session: Session, rt: Runtime, campaign_id: int, *,
                     actor: str | None) -> int:
    """Record that every unit not yet answered is due a reminder; return how many.

    Nothing is sent: the office has no notification channel yet, so the record
    (and its audit event) says "recorded, not sent" and staff remind by hand.
    """
    row = campaign(session, campaign_id)
    now = rt.clock.now()
    waiting = list(session.scalars(select(SampledUnit).where(
        SampledUnit.campaign_id == row.id, SampledUnit.used_at.is_(None))))
    for sampled in waiting:
        sampled.reminders_recorded += 1
        sampled.last_reminded_at = now
    session.flush()
    _note(session, rt, row, "survey_reminders_recorded", actor,
          {"recorded": len(waiting), "sent": 0})
    return len(waiting)


def campaign_return_rate(session: Session, campaign_id: int) -> ReturnRate:
    sent = session.scalar(select(func.count()).select_from(SampledUnit)
                          .where(SampledUnit.campaign_id == campaign_id)) or 0
    returned = session.scalar(select(func.count()).select_from(SurveyResponse)
                              .where(SurveyResponse.campaign_id == campaign_id)) or 0
    return ReturnRate(returned, sent, return_rate(returned, sent))


def end_collection(session: Session, rt: Runtime, campaign_id: int, *,
                   actor: str | None) -> ReturnRate:
    """At the deadline: the return rate, and a follow-up round if it is under 75 %.

    Called again after each follow-up round; the rate is counted afresh each time.
    """
    row = campaign(session, campaign_id)
    rate = campaign_return_rate(session, row.id)
    if row.collection_closed_at is None:
        row.collection_closed_at = rt.clock.now()
    if row.state in ("collecting", "follow_up"):
        row.state = "follow_up" if not rate.reached else row.state
    session.flush()
    _note(session, rt, row, "survey_return_rate", actor, rate.as_json())
    return rate


def close_below_target(session: Session, rt: Runtime, campaign_id: int, *, reason: str,
                       actor: str | None) -> SurveyCampaign:
    """Close collection under 75 %, with the supervisor's recorded reason (required)."""
    row = campaign(session, campaign_id)
    if not reason.strip():
        raise FormInvalid([FieldError(("shortfall_reason",), "the return rate is below 75 %: "
                                      "record why the survey closes without reaching it")])
    if campaign_return_rate(session, row.id).reached:
        raise Conflict(f"survey {row.number} has reached 75 %; there is nothing to explain",
                       message_code="surveys.target_reached", params={"number": row.number})
    if row.state not in ("collecting", "follow_up"):
        raise Conflict(f"survey {row.number} is no longer collecting answers",
                       message_code="surveys.not_collecting", params={"number": row.number})
    row.below_target_reason = reason.strip()
    row.below_target_by, row.below_target_at = actor, rt.clock.now()
    session.flush()
    _note(session, rt, row, "survey_closed_below_target", actor, {"reason": reason.strip()})
    return row


def accepts_staff_entries(row: SurveyCampaign) -> bool:
    """Whether staff may still enter paper answers: until collection is closed for good."""
    return row.state in ("collecting", "follow_up") and row.below_target_at is None


def _note(session: Session, rt: Runtime, row: SurveyCampaign, kind: str, actor: str | None,
          data: dict[str, object]) -> None:
    audit.record(session, rt, kind=kind, actor=actor, instance_id=row.instance_id,
                 process_id="yearly_survey" if row.instance_id else None,
                 data={"campaign_id": row.id, "number": row.number, **data})
