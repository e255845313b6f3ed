"""Personal data by need, as a matrix: role x surface x field, pages, REST API and exports alike.

Customer service, supervisors and superiors read owners' phone numbers and
addresses whole. A department reads the case dispatched to it with both
masked, and does not learn of other cases; on every other surface (the survey
page, its export, the instance's audit data) phone numbers are masked.
"""

from __future__ import annotations

import io
import json
import zipfile
from collections.abc import Callable
from dataclasses import dataclass

import pytest
from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import select

from engine.cases.models import ReplyLetter
from engine.common.clock import FrozenClock
from engine.directory.models import Unit
from engine.surveys.feedback import suggest_items
from engine.system import System
from tests.api.conftest import sign_in
from tests.support.api import make_app, token_of
from tests.support.case_pages import add_staff, open_office
from tests.support.cases import HANDLED
from tests.support.survey_pages import distributed_survey, enter_paper
from tests.support.surveys import GOOD

CASE_PHONE, CASE_ADDRESS = "13912345678", "和諧花園 A座 1203"
OWNER_PHONE, TYPED_PHONE = "13612345678", "13712345678"
ROLES = ("customer_service", "supervisor", "superior", "cleaning", "equipment_operations",
         "security")
WHOLE, MASKED, HIDDEN = "whole", "masked", "hidden"


@dataclass(frozen=True)
class World:
    number: str
    instance_id: int
    letter_id: int
    survey: str


@dataclass(frozen=True)
class Surface:
    """One place personal data shows, read as one role; ``read`` returns the status and text."""

    name: str
    whole: str   # the field as it is stored
    masked: str  # the field as a department reads it
    read: Callable[[FlaskClient, str, World], tuple[int, str]]


def _page(path: str) -> Callable[[FlaskClient, str, World], tuple[int, str]]:
    def read(client: FlaskClient, token: str, world: World) -> tuple[int, str]:
        response = client.get(path.format(**vars(world)))
        return response.status_code, response.get_data(as_text=True)
    return read


def _api(path: str) -> Callable[[FlaskClient, str, World], tuple[int, str]]:
    def read(client: FlaskClient, token: str, world: World) -> tuple[int, str]:
        response = client.get("/api/v1" + path.format(**vars(world)),
                              headers={"Authorization": f"Bearer {token}"})
        # One spelling of the JSON, whatever the serializer's spacing and escapes.
        return response.status_code, json.dumps(response.get_json(), ensure_ascii=False)
    return read


def _xlsx(client: FlaskClient, token: str, world: World) -> tuple[int, str]:
    response = client.get(f"/surveys/{world.survey}/results.xlsx")
    with zipfile.ZipFile(io.BytesIO(response.data)) as book:
        return response.status_code, "".join(book.read(name).decode() for name in book.namelist())


SURFACES = [
    Surface("case page: complainant phone", CASE_PHONE, "139****5678", _page("/cases/{number}")),
    Surface("letter page: address", CASE_ADDRESS, "和諧花園 A座",
            _page("/cases/{number}/letters/{letter_id}")),
    Surface("REST case: complainant phone", f'"complainant_phone": "{CASE_PHONE}"',
            '"complainant_phone": "139****5678"', _api("/cases/{number}")),
    Surface("REST case: letter address", CASE_ADDRESS, '"address": "和諧花園 A座"',
            _api("/cases/{number}")),
    Surface("REST instance: audit data", CASE_PHONE, "139****5678",
            _api("/instances/{instance_id}")),
    Surface("survey page: owner phone", OWNER_PHONE, "136****5678", _page("/surveys/{survey}")),
    Surface("survey page: phone typed in an opinion", TYPED_PHONE, "137****5678",
            _page("/surveys/{survey}")),
    Surface("survey export: phone typed in an opinion", TYPED_PHONE, "137****5678", _xlsx),
]

# What each role reads on each surface: the case is a hygiene case dispatched to cleaning.
EXPECTED = {
    "customer_service": {s.name: WHOLE for s in SURFACES},
    "supervisor": {s.name: WHOLE for s in SURFACES},
    "superior": {s.name: WHOLE for s in SURFACES},
    "cleaning": {s.name: MASKED for s in SURFACES},
    **{role: {s.name: (MASKED if s.name.startswith("survey") else HIDDEN) for s in SURFACES}
       for role in ("equipment_operations", "security")},
}


@pytest.fixture
def world(shipped: System, clock: FrozenClock) -> World:
    office = open_office(shipped, clock)
    case = office.case(channel="letter", address=CASE_ADDRESS, phone=CASE_PHONE)
    case.do("triage", {"triage_decision": "office_handles", "triage_notes": ""})
    case.do("handle_work_order", HANDLED, actor="cleaner")
    case.do("reply_to_complainant", {"reply_channel": "letter", "reply_text": "Replied by letter.",
                                     "reply_letter_text": "Dear Mr Chan"})
    survey = distributed_survey(shipped)
    enter_paper(shipped, survey.campaign.id, survey.unit(0),
                {**GOOD, "suggestions": f"Please call me on {TYPED_PHONE}"})
    with shipped.sessions() as session:
        unit = session.get_one(Unit, survey.unit(1).unit_id)
        unit.owners[0].phone = OWNER_PHONE
        suggest_items(session, shipped.rt, survey.campaign.id, actor="tests")
        letter_id = session.scalars(select(ReplyLetter.id)).one()
        session.commit()
    return World(case.case().number, case.instance_id, letter_id, survey.campaign.number)


@pytest.mark.parametrize("role", ROLES)
def test_each_role_reads_personal_data_as_the_matrix_says_on_every_surface(
        shipped: System, clock: FrozenClock, world: World, role: str) -> None:
    add_staff(shipped, clock, f"as-{role}", (role,), None)
    app: Flask = make_app(shipped)
    client, token = app.test_client(), token_of(shipped, f"as-{role}")
    assert sign_in(client, f"as-{role}").status_code == 302

    got = {}
    for surface in SURFACES:
        status, body = surface.read(client, token, world)
        if status == 404:
            got[surface.name] = HIDDEN
        elif status == 200 and surface.whole in body:
            got[surface.name] = WHOLE
        elif status == 200 and surface.masked in body:
            got[surface.name] = MASKED
        else:
            got[surface.name] = f"{status}, neither form shown"

    assert got == EXPECTED[role]


@pytest.mark.parametrize(("role", "shown"), [("cleaning", "139****5678"),
                                             ("customer_service", CASE_PHONE)])
def test_the_task_page_and_the_rest_task_mask_the_complainants_phone_for_a_department(
        shipped: System, clock: FrozenClock, role: str, shown: str) -> None:
    office = open_office(shipped, clock)
    case = office.case(address=CASE_ADDRESS, phone=CASE_PHONE)
    case.do("triage", {"triage_decision": "office_handles", "triage_notes": ""})
    task_id = case.task_id("handle_work_order")  # offered to cleaning, seen by supervisors
    add_staff(shipped, clock, "reader", (role, "supervisor") if role != "cleaning" else (role,),
              None)
    app: Flask = make_app(shipped)
    client, token = app.test_client(), token_of(shipped, "reader")
    assert sign_in(client, "reader").status_code == 302

    page = client.get(f"/tasks/{task_id}").get_data(as_text=True)
    rest = client.get(f"/api/v1/tasks/{task_id}",
                      headers={"Authorization": f"Bearer {token}"}).get_json()

    assert shown in page and (CASE_PHONE in page) == (shown == CASE_PHONE)
    assert rest["case"]["complainant_phone"] == shown
    assert (CASE_PHONE in json.dumps(rest)) == (shown == CASE_PHONE)
