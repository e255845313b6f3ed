"""Cases owners raise on the public page: the unit found in the directory, the checks, the reply."""

from __future__ import annotations

from dataclasses import replace

import pytest
from hypothesis import given
from hypothesis import strategies as st
from sqlalchemy import select

from engine.cases.intake import (
    MIN_DESCRIPTION,
    OwnerRequest,
    estates,
    find_unit,
    minimum_description,
    raise_owner_case,
)
from engine.cases.models import Case, ReplyLetter
from engine.cases.receipts import receipt_for, receipt_of
from engine.common.errors import FormInvalid, NotFound
from engine.directory.models import Estate
from engine.system import System
from engine.workflow.viewer import Viewer
from tests.support.cases import HANDLED, CaseDriver, add_contact_directory
from tests.support.people import create_estate

DESCRIPTION = "Water drips from the ceiling of the bathroom since Monday."


@pytest.fixture
def estate(shipped: System) -> Estate:
    add_contact_directory(shipped)
    create_estate(shipped, "Other Court", buildings=("A",), units=("1203",))
    return create_estate(shipped, "Harmony Gardens", buildings=("A", "B"),
                         units=("1203", "803"))


def request(estate: Estate, **values: object) -> OwnerRequest:
    fields: dict[str, object] = {
        "type": "repair", "category": "facilities", "estate_id": estate.id, "unit": "A-1203",
        "description": DESCRIPTION, "name": "陳大文", "phone": "138 1234 5678",
        "email": "chan@example.com", "reply_channel": "phone"}
    fields.update(values)
    return OwnerRequest(**fields)  # type: ignore[arg-type]


def raise_case(system: System, owner: OwnerRequest) -> Case:
    with system.sessions() as session:
        case = raise_owner_case(session, system.rt, owner)
        session.commit()
        return case


def refused_fields(system: System, owner: OwnerRequest) -> set[str]:
    with system.sessions() as session, pytest.raises(FormInvalid) as refused:
        raise_owner_case(session, system.rt, owner)
    return {e.field for e in refused.value.errors}


def test_an_owner_raises_a_web_case_on_their_unit_and_gets_a_receipt(
        shipped: System, estate: Estate) -> None:
    case = raise_case(shipped, request(estate, reply_channel="email"))

    with shipped.sessions() as session:
        stored = session.get(Case, case.id)
        assert stored is not None and stored.instance_id is not None
        assert (stored.channel, stored.reply_channel, stored.registered_by) == ("web", "email",
                                                                                None)
        assert stored.unit is not None and stored.unit.label == "A-1203"
        assert stored.estate_id == estate.id
        assert stored.complainant_email == "chan@example.com"
        receipt = receipt_of(session, stored)
    assert receipt.number == case.number and receipt.tracking_code == case.tracking_code
    assert receipt.estate == "Harmony Gardens" and receipt.unit_label == "A-1203"
    assert receipt.reply_channel == "email"
    assert "020-8600-1000" in {c["phone"] for c in receipt.contacts}


@pytest.mark.parametrize("typed", ["A-1203", "a1203", " A 1203 ", "A座1203室", "B-803", "b803"])
def test_the_unit_is_found_as_owners_write_it(shipped: System, estate: Estate,
                                              typed: str) -> None:
    with shipped.sessions() as session:
        unit = find_unit(session, estate_id=estate.id, typed=typed)
        assert unit is not None
        assert unit.label.replace("-", "") == typed.upper().replace(" ", "").replace(
            "座", "").replace("室", "").replace("-", "")
        assert unit.building.estate_id == estate.id


@pytest.mark.parametrize("typed", ["1203", "C-1203", "A-9999", "A", "", "%", "A-12_3"])
def test_a_unit_not_in_the_estate_or_ambiguous_is_not_guessed(shipped: System, estate: Estate,
                                                              typed: str) -> None:
    # 1203 is in both buildings A and B: the owner must say which.
    with shipped.sessions() as session:
        assert find_unit(session, estate_id=estate.id, typed=typed) is None


def test_a_number_alone_finds_the_one_unit_that_has_it(shipped: System, estate: Estate) -> None:
    with shipped.sessions() as session:
        unit = find_unit(session, estate_id=estate.id, typed="803")
    assert unit is None  # 803 is in A and B too
    create_estate(shipped, "Lone Tower", buildings=("T",), units=("501",))
    with shipped.sessions() as session:
        lone = next(e for e in estates(session) if e.name == "Lone Tower")
        found = find_unit(session, estate_id=lone.id, typed="501")
        assert found is not None and found.label == "T-501"


def test_a_common_area_case_belongs_to_the_chosen_estate(shipped: System,
                                                         estate: Estate) -> None:
    case = raise_case(shipped, request(estate, unit=""))

    assert case.unit_id is None and case.estate_id == estate.id


def test_every_problem_is_reported_at_once(shipped: System, estate: Estate) -> None:
    owner = request(estate, type="gossip", category="", unit="Z-1", description="leak",
                    name=" ", phone="12", email="not-an-address", reply_channel="pigeon")

    assert refused_fields(shipped, owner) == {"type", "category", "reply_channel", "unit",
                                              "description", "name", "phone", "email"}
    with shipped.sessions() as session:
        assert session.scalars(select(Case)).first() is None


@pytest.mark.parametrize(("values", "fields"), [
    ({"estate_id": None}, {"estate"}),
    ({"estate_id": 999999}, {"estate"}),
    ({"phone": "", "email": ""}, {"contact", "phone"}),
    ({"phone": "", "reply_channel": "phone"}, {"phone"}),
    ({"email": "", "reply_channel": "email"}, {"email"}),
    ({"address": "", "reply_channel": "letter"}, {"address"}),
    ({"address": "x" * 301}, {"address"}),
])
def test_the_reply_needs_a_way_to_reach_the_owner(shipped: System, estate: Estate,
                                                  values: dict[str, object],
                                                  fields: set[str]) -> None:
    assert refused_fields(shipped, request(estate, **values)) == fields


@given(st.text(alphabet="樓上漏水天花板浴室", min_size=MIN_DESCRIPTION["zh"], max_size=40))
def test_ten_chinese_characters_are_enough_where_english_needs_twenty(text: str) -> None:
    assert minimum_description(text) == MIN_DESCRIPTION["zh"] <= len(text)
    assert minimum_description("a" * len(text)) == MIN_DESCRIPTION["en"]


def test_a_short_chinese_description_passes_where_english_of_that_length_does_not(
        shipped: System, estate: Estate) -> None:
    raise_case(shipped, request(estate, description="浴室天花板滲水已經三天"))

    assert refused_fields(shipped, request(estate, description="Bathroom leaks")) == {
        "description"}


def test_an_owner_who_asked_for_a_letter_is_answered_by_letter(shipped: System,
                                                               estate: Estate) -> None:
    case = raise_case(shipped, request(estate, reply_channel="letter",
                                       address="和諧花園 A座 1203"))
    driver = CaseDriver(shipped, case.id, case.instance_id or 0)
    assert driver.data()["preferred_reply_channel"] == "letter"
    driver.do("triage", {"triage_decision": "office_handles", "triage_notes": ""})
    driver.do("handle_work_order", HANDLED)

    reply = {"reply_text": "The leak is fixed.", "reply_letter_text": ""}
    with pytest.raises(FormInvalid) as refused:
        driver.do("reply_to_complainant", {**reply, "reply_channel": "web"})
    assert {e.field for e in refused.value.errors} == {"reply_channel", "reply_letter_text"}

    driver.do("reply_to_complainant", {**reply, "reply_channel": "letter",
                                       "reply_letter_text": "The leak was repaired."})
    with shipped.sessions() as session:
        assert session.scalars(select(ReplyLetter)).one().address == "和諧花園 A座 1203"


def test_the_printed_receipt_masks_contacts_for_staff_who_do_not_answer_owners(
        shipped: System, estate: Estate) -> None:
    case = raise_case(shipped, request(estate))
    staff = Viewer(username="cleaner", roles=frozenset({"cleaning"}), estate_id=estate.id)
    whole = replace(staff, roles=frozenset({"customer_service"}))

    with shipped.sessions() as session:
        assert receipt_for(session, number=case.number, viewer=whole, whole=True).phone == \
            "138 1234 5678"
        neighbour = replace(whole, estate_id=estate.id + 1000)
        with pytest.raises(NotFound):
            receipt_for(session, number=case.number, viewer=neighbour, whole=True)
        masked = receipt_for(session, number=case.number, viewer=whole, whole=False)
    assert masked.phone == "138****5678" and masked.email == "c***@example.com"
