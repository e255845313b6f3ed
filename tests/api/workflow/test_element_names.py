"""Diagram names in the reader's language: extracted from every shipped BPMN file, drawn on
the case page's diagram, shown in the inbox, the case's history and the REST task title; a
name the catalog does not know (a later version's own) stays as the diagram spells it."""

from __future__ import annotations

import dataclasses
import io
from collections.abc import Iterator
from pathlib import Path

import pytest
from babel.messages.extract import extract_from_dir
from babel.messages.frontend import parse_mapping_cfg
from babel.messages.pofile import read_po
from flask import Flask
from flask.testing import FlaskClient
from hypothesis import HealthCheck, assume, given, settings
from hypothesis import strategies as st
from lxml import etree

from api.workflow.extract import extract_bpmn
from api.workflow.labels import diagram_xml, element_name
from engine.common.clock import FrozenClock
from engine.common.settings import PROJECT_ROOT
from engine.system import System
from engine.workflow.deployments import Bundle, deploy
from engine.workflow.names import BPMN_MODEL
from tests.api.conftest import sign_in, text
from tests.support.api import Caller, caller, make_app
from tests.support.case_pages import Office, diagram_data, open_office
from tests.support.cases import CaseDriver, escalate

SHIPPED = sorted((PROJECT_ROOT / "processes").glob("*.bpmn"))
CATALOG = PROJECT_ROOT / "api" / "translations" / "zh" / "LC_MESSAGES" / "messages.po"
NS = {"bpmn": BPMN_MODEL}
# What people read on a diagram: its processes, pools, lanes, steps, events, gateways, flows.
SHOWN = ("//bpmn:process | //bpmn:participant | //bpmn:lane | //bpmn:sequenceFlow"
         " | //bpmn:*[contains(local-name(), 'Task') or contains(local-name(), 'Event')"
         " or contains(local-name(), 'Gateway') or local-name() = 'callActivity'"
         " or local-name() = 'subProcess']")


def shown_names(path: Path) -> set[str]:
    return {e.get("name") for e in etree.parse(str(path)).xpath(SHOWN, namespaces=NS)
            if e.get("name")}


def extracted(path: Path) -> list[tuple[int, str, str]]:
    with path.open("rb") as file:
        return [(line, message, comments[0])
                for line, _, message, comments in extract_bpmn(file, (), (), {})]


@pytest.fixture
def zh(app: Flask) -> Iterator[None]:
    with app.test_request_context(headers={"Accept-Language": "zh-TW"}):
        yield


@pytest.fixture
def en(app: Flask) -> Iterator[None]:
    with app.test_request_context(headers={"Accept-Language": "en"}):
        yield


# --- extraction ---------------------------------------------------------------------------

@pytest.mark.parametrize("path", SHIPPED, ids=lambda p: p.stem)
def test_the_extractor_finds_every_name_a_shipped_diagram_shows(path: Path) -> None:
    found = extracted(path)
    lines = path.read_text(encoding="utf-8").splitlines()

    assert shown_names(path) <= {message.replace("%%", "%") for _, message, _ in found}
    assert {"BPMN userTask", "BPMN process", "BPMN lane"} <= {kind for _, _, kind in found}
    for line, message, _ in found:  # each at the line that names it
        assert f'name="{message.replace("%%", "%")}"' in lines[line - 1].replace("&#39;", "'")
    # The engine's own properties and the data items' variable names are not for people.
    assert {"dueIn", "formJsonSchemaFilename", "sampled unit"}.isdisjoint(
        m for _, m, _ in found)


def test_babel_cfg_sends_the_shipped_diagrams_to_the_extractor() -> None:
    with (PROJECT_ROOT / "babel.cfg").open() as cfg:
        method_map, options_map = parse_mapping_cfg(cfg, "babel.cfg")
    by_file: dict[str, set[str]] = {}
    for filename, _, message, _, _ in extract_from_dir(str(PROJECT_ROOT), method_map,
                                                       options_map):
        by_file.setdefault(filename, set()).add(str(message))

    for path in SHIPPED:
        names = by_file[f"processes/{path.name}"]
        assert {n.replace("%", "%%") for n in shown_names(path)} <= names


def test_a_percent_in_a_name_is_no_placeholder_for_the_catalog() -> None:
    found = {m for _, m, _ in extracted(PROJECT_ROOT / "processes" / "yearly_survey.bpmn")}

    assert "75 %% returned?" in found and "75 % returned?" not in found


def test_an_unsafe_diagram_is_refused_by_the_extractor() -> None:
    hostile = b'<!DOCTYPE x [<!ENTITY e SYSTEM "file:///etc/passwd">]><x name="&e;"/>'

    with pytest.raises(Exception, match="DOCTYPE"):
        list(extract_bpmn(io.BytesIO(hostile), (), (), {}))


# --- the lookup ---------------------------------------------------------------------------

def test_a_name_comes_in_the_readers_language(app: Flask) -> None:
    with app.test_request_context(headers={"Accept-Language": "zh-TW"}):
        assert element_name("Triage") == "分流"
        assert element_name("Customer Service") == "客服"
        assert element_name("75 % returned?") == "回收率是否達 75 %？"
        assert element_name("") == "" and element_name(None) == ""
    with app.test_request_context(headers={"Accept-Language": "en"}):
        assert element_name("Triage") == "Triage"
        assert element_name("75 % returned?") == "75 % returned?"


def catalog_ids() -> set[str]:
    with CATALOG.open("rb") as po:
        return {str(m.id) for m in read_po(po, locale="zh") if m.id}


KNOWN = catalog_ids()


# The request context is only read, so one app serves every example.
@settings(max_examples=200, deadline=None,
          suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(name=st.text(min_size=1, max_size=40))
def test_a_name_the_catalog_does_not_know_stays_as_the_diagram_spells_it(zh: None,
                                                                          name: str) -> None:
    assume(name.replace("%", "%%") not in KNOWN)

    assert element_name(name) == name


@pytest.mark.parametrize("path", SHIPPED, ids=lambda p: p.stem)
def test_the_diagram_xml_changes_only_its_names(zh: None, path: Path) -> None:
    english = path.read_text(encoding="utf-8")

    chinese = etree.fromstring(diagram_xml(english).encode())
    original = etree.fromstring(english.encode())

    pairs = list(zip(original.iter(), chinese.iter(), strict=True))
    for before, after in pairs:
        assert (before.tag, before.text) == (after.tag, after.text)
        assert {k: v for k, v in before.attrib.items() if k != "name"} == \
               {k: v for k, v in after.attrib.items() if k != "name"}
    renamed = [(b.get("name"), a.get("name")) for b, a in pairs if b.get("name") != a.get("name")]
    assert renamed, "no name was translated"
    for shown in original.xpath(SHOWN, namespaces=NS):  # every name people read is Chinese
        if shown.get("name"):
            assert chinese.xpath(f"//*[@id='{shown.get('id')}']/@name")[0] == \
                element_name(shown.get("name"))


def test_in_english_the_diagram_xml_is_the_deployed_one(en: None) -> None:
    english = (PROJECT_ROOT / "processes" / "owner_case.bpmn").read_text(encoding="utf-8")

    assert diagram_xml(english) is english


def test_xml_that_does_not_parse_is_handed_back_for_the_viewer_to_refuse(zh: None) -> None:
    assert diagram_xml("<bpmn:definitions") == "<bpmn:definitions"


# --- pages and the API --------------------------------------------------------------------

@pytest.fixture
def office(shipped: System, clock: FrozenClock) -> Office:
    return open_office(shipped, clock)


def test_the_case_page_draws_the_diagram_with_chinese_names(office: Office,
                                                            client: FlaskClient) -> None:
    case = office.case()
    case.do("triage", {"triage_decision": "office_handles", "triage_notes": ""})
    sign_in(client, "clerk")

    page = text(client.get(f"/cases/{case.case().number}", headers={"Accept-Language": "zh"}))

    xml = diagram_data(page, 0)["xml"]
    for chinese in ('name="分流"', 'name="處理派工單"', 'name="客服"', 'name="部門"',
                    'name="業主個案：由投訴到回覆"', 'name="由管理處處理"'):
        assert chinese in xml, chinese
    assert 'name="Triage"' not in xml and 'name="Department"' not in xml
    assert 'id="triage"' in xml and "<bpmndi:BPMNShape" in xml  # the layout stays
    steps = page.split('class="timeline"')[1]
    assert "分流" in steps and ">Triage<" not in steps
    assert "處理派工單" in page.split('id="open-title"')[1]  # waiting now


def test_a_called_diagram_is_drawn_in_chinese_too(office: Office, client: FlaskClient) -> None:
    case = office.case()
    escalate(case)
    sign_in(client, "supervisor")

    page = text(client.get(f"/cases/{case.case().number}",
                           headers={"Accept-Language": "zh-TW"}))

    xml = diagram_data(page, 1)["xml"]
    assert 'name="審核上報事項"' in xml and 'name="上級主管"' in xml


def test_the_inbox_in_chinese_names_the_tasks_in_chinese(office: Office,
                                                         client: FlaskClient) -> None:
    office.case()
    sign_in(client, "clerk")

    chinese = text(client.get("/inbox", headers={"Accept-Language": "zh-TW"}))
    english = text(client.get("/inbox", headers={"Accept-Language": "en"}))

    assert 'class="task__title"' in chinese and ">分流</a>" in chinese
    assert ">Triage</a>" not in chinese and ">Triage</a>" in english


def test_a_later_versions_own_name_is_shown_as_the_diagram_spells_it(
        office: Office, client: FlaskClient) -> None:
    shipped = Bundle.from_paths([PROJECT_ROOT / "processes"])
    owner_case = shipped.bpmn["owner_case.bpmn"].replace(b'name="Triage"',
                                                         b'name="Sort the case out"')
    later = dataclasses.replace(shipped, bpmn={**shipped.bpmn, "owner_case.bpmn": owner_case})
    with office.system.sessions() as session:
        deploy(session, office.system.rt, later, actor="tests")
        session.commit()
    office.case()
    sign_in(client, "clerk")

    page = text(client.get("/inbox", headers={"Accept-Language": "zh-TW"}))

    assert ">Sort the case out</a>" in page


@pytest.fixture
def api_app(shipped: System) -> Flask:
    return make_app(shipped)


def test_the_rest_task_title_follows_accept_language(shipped: System, api_app: Flask) -> None:
    clerk: Caller = caller(shipped, api_app, "desk", "customer_service")
    task_id = CaseDriver.register(shipped).task_id("triage")

    chinese = clerk.ok("GET", "/tasks", headers={"Accept-Language": "zh-TW,zh;q=0.9"})
    english = clerk.ok("GET", "/tasks", headers={"Accept-Language": "en"})
    one = clerk.ok("GET", f"/tasks/{task_id}", headers={"Accept-Language": "zh"})

    assert [(t["title"], t["name"]) for t in chinese["items"]] == [("分流", "Triage")]
    assert [(t["title"], t["name"]) for t in english["items"]] == [("Triage", "Triage")]
    assert one["task"]["title"] == "分流" and one["task"]["name"] == "Triage"


def test_the_rest_history_step_and_process_name_follow_accept_language(
        shipped: System, api_app: Flask) -> None:
    clerk: Caller = caller(shipped, api_app, "desk", "customer_service")
    case = CaseDriver.register(shipped)
    case.do("triage", {"triage_decision": "office_handles", "triage_notes": ""})

    def steps(language: str) -> list[str]:
        one = clerk.ok("GET", f"/instances/{case.instance_id}",
                       headers={"Accept-Language": language})
        return [entry["step"] for entry in one["events"] if entry["kind"] == "task_completed"]

    def owner_case(language: str) -> str:
        listed = clerk.ok("GET", "/processes", headers={"Accept-Language": language})
        return next(p["name"] for p in listed if p["process_id"] == "owner_case")

    assert steps("zh-TW,zh;q=0.9") == ["分流"] and steps("en") == ["Triage"]
    assert owner_case("zh-TW") == "業主個案：由投訴到回覆"
    assert owner_case("en") == "Owner case: complaint to feedback"
