"""A distributed survey for the page tests, and answering it as an owner's browser would."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

from flask.testing import FlaskClient
from werkzeug.test import TestResponse

from engine.directory.models import Unit
from engine.surveys.models import SampledUnit, SurveyCampaign
from engine.surveys.responses import enter_response
from engine.system import System
from tests.support.surveys import SurveyDriver, add_units_to_survey


@dataclass
class Distributed:
    """A campaign whose 45 sampled units (of 300) have their codes and links."""

    campaign: SurveyCampaign
    sampled: list[tuple[SampledUnit, str]]
    labels: list[str]  # each sampled unit's label, in the same order

    def unit(self, index: int = 0) -> SampledUnit:
        return self.sampled[index][0]

    def label(self, index: int = 0) -> str:
        return self.labels[index]


def distributed_survey(system: System) -> Distributed:
    """The shipped processes, 300 units, and a 2026 survey planned, approved and sent."""
    add_units_to_survey(system)
    survey = SurveyDriver.start(system)
    campaign, sampled = survey.approved(), survey.sampled()
    with system.sessions() as session:
        labels = [session.get_one(Unit, s.unit_id).label for s, _ in sampled]
    return Distributed(campaign, sampled, labels)


def as_form(answers: Mapping[str, object]) -> dict[str, str]:
    """The answers as the form posts them: every value a string."""
    return {name: str(value) for name, value in answers.items()}


def post_answers(client: FlaskClient, path: str, answers: Mapping[str, object], *,
                 token: str | None) -> TestResponse:
    """Post ``answers`` to ``path`` with the form's CSRF token (None sends none)."""
    data = as_form(answers)
    if token is not None:
        data["csrf_token"] = token
    return client.post(path, data=data)


def enter_paper(system: System, campaign_id: int, sampled: SampledUnit,
                answers: Mapping[str, object], channel: str = "paper") -> None:
    with system.sessions() as session:
        enter_response(session, system.rt, campaign_id=campaign_id, answers=dict(answers),
                       channel=channel, actor="clerk", sampled_unit_id=sampled.id)
        session.commit()
