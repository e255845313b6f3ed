"""An office with 300 units to survey, and a yearly survey driven step by step."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any
from uuid import UUID

from SpiffWorkflow.bpmn.workflow import BpmnWorkflow
from sqlalchemy import select

from engine.common.settings import PROJECT_ROOT
from engine.directory.models import Building
from engine.surveys.campaigns import install_questionnaires
from engine.surveys.models import SampledUnit, SurveyCampaign, SurveyFollowUp
from engine.system import QUESTIONNAIRES, System
from engine.workflow.instances import load_workflow, start_instance
from engine.workflow.models import HumanTask, ProcessInstance
from engine.workflow.tasks.complete import complete_task
from engine.workflow.tasks.view import open_task
from engine.workflow.viewer import Viewer
from tests.support.cases import CaseDriver
from tests.support.people import create_estate

# 3 × 90 + 30 = 300 units in four buildings of unequal size, over two estates.
BUILDING_SIZES = {"A": 90, "B": 90, "C": 90, "D": 30}

PLAN = {"survey_year": 2026, "questionnaire_code": "standard", "target_percent": 15,
        "collection_days": 21, "reminder_every": "P7D", "plan_notes": ""}

# Customer service of the whole company: sees the follow-up tasks of every estate.
STAFF = Viewer("clerk", frozenset({"customer_service"}))

GOOD = {"overall": 4, "cleanliness": 5, "security": 4, "repairs": 3, "greenery": 5,
        "customer_service": 4, "fees_transparency": 3, "opinions": "Generally well run",
        "suggestions": ""}


def unit_numbers(count: int) -> list[str]:
    """``count`` unit numbers, five to a floor: 101 … 105, 201 …"""
    return [f"{1 + i // 5}{1 + i % 5:02d}" for i in range(count)]


def add_units_to_survey(system: System) -> None:
    """The questionnaires as shipped, and 300 units in buildings A–C and D."""
    with system.sessions() as session:
        install_questionnaires(session, system.rt, PROJECT_ROOT / "forms" / QUESTIONNAIRES,
                               actor="tests")
        session.commit()
    create_estate(system, "和諧花園", buildings=("A", "B", "C"),
                  units=unit_numbers(BUILDING_SIZES["A"]))
    create_estate(system, "Riverside", buildings=("D",), units=unit_numbers(BUILDING_SIZES["D"]))


@dataclass
class SurveyDriver(CaseDriver):
    """One yearly survey instance, driven like a case (a survey has no case: case_id 0)."""

    @classmethod
    def start(cls, system: System, *, actor: str = "clerk") -> SurveyDriver:
        with system.sessions() as session:
            instance = start_instance(session, system.rt, process_id="yearly_survey",
                                      actor=actor)
            session.commit()
            return cls(system, 0, instance.id)

    def approved(self, plan: dict[str, Any] | None = None) -> SurveyCampaign:
        """Plan (customer service) and approve (supervisor); the sample is drawn and sent."""
        self.do("plan_survey", {**PLAN, **(plan or {})})
        self.do("approve_plan", {"plan_decision": "approve"}, actor="boss")
        return self.campaign()

    def campaign(self) -> SurveyCampaign:
        with self.system.sessions() as session:
            return session.scalars(select(SurveyCampaign).where(
                SurveyCampaign.instance_id == self.instance_id)).one()

    def sampled(self) -> list[tuple[SampledUnit, str]]:
        """The sample with each unit's building code, in unit order."""
        with self.system.sessions() as session:
            return [(s, code) for s, code in session.execute(
                select(SampledUnit, Building.code).join(Building)
                .where(SampledUnit.campaign_id == self.campaign().id)
                .order_by(SampledUnit.unit_id))]

    def visits(self) -> dict[str, HumanTask]:
        """The open follow-up tasks of the round, by the label of the unit each one visits.

        Each visit is an instance of its own; a campaign started on the earlier
        diagram holds its visits as children of its own instance.
        """
        with self.system.sessions() as session:
            campaign_id = session.scalars(select(SurveyCampaign.id).where(
                SurveyCampaign.instance_id == self.instance_id)).one()
            instance_ids = {self.instance_id, *session.scalars(
                select(SurveyFollowUp.instance_id)
                .where(SurveyFollowUp.campaign_id == campaign_id))}
            rows = session.scalars(select(HumanTask).where(
                HumanTask.instance_id.in_(instance_ids),
                HumanTask.element_id == "visit_unit")).all()
            workflows: dict[int, BpmnWorkflow] = {}
            for row in rows:
                if row.instance_id not in workflows:
                    instance = session.get_one(ProcessInstance, row.instance_id)
                    workflows[row.instance_id] = load_workflow(session, self.system.rt, instance)
        return {workflows[row.instance_id].get_task_from_id(UUID(row.id)).data["visit"]["unit"]:
                row for row in rows}

    def visit_of(self, task_id: str) -> dict[str, Any]:
        """The unit, owner, phone, address and code the follow-up task's page shows."""
        with self.system.sessions() as session:
            view = open_task(session, self.system.rt, task_id=task_id, viewer=STAFF)
        return dict(view.data["visit"])

    def visit(self, unit: str, outcome: str, answers: dict[str, Any] | None = None, *,
              actor: str = "clerk") -> None:
        """Complete the follow-up task of ``unit`` with how the visit or call went."""
        data: dict[str, Any] = {"visit_outcome": outcome}
        if answers is not None:
            data["answers"] = dict(answers)
        task_id = self.visits()[unit].id
        with self.system.sessions() as session:
            complete_task(session, self.system.rt, task_id=task_id, data=data, actor=actor)
            session.commit()
