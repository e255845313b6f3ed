"""The task page: the form beside the case, validation, drafts, completion and its races."""

from __future__ import annotations

import json
import re

import pytest
from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import select

from engine.common.clock import FrozenClock
from engine.system import System
from engine.workflow.deployments import deploy
from engine.workflow.incidents import open_incidents
from engine.workflow.instances import start_instance
from engine.workflow.models import HumanTask, TaskDraft
from tests.api.conftest import sign_in, text
from tests.support.cases import CaseDriver
from tests.support.diagrams import bundle, with_deadline
from tests.support.inbox_pages import add_staff, claim, events, post


@pytest.fixture
def office(shipped: System, clock: FrozenClock) -> System:
    add_staff(shipped, clock, "clerk", "customer_service", name="李小華")
    add_staff(shipped, clock, "amy", "customer_service", name="張美玲")
    add_staff(shipped, clock, "cleaner", "cleaning", name="黃志強")
    add_staff(shipped, clock, "boss", "supervisor", name="周文傑")
    return shipped


@pytest.fixture
def case(office: System) -> CaseDriver:
    return CaseDriver.register(office)


def signed_in(app: Flask, username: str, language: str = "en") -> FlaskClient:
    client = app.test_client()
    client.environ_base["HTTP_ACCEPT_LANGUAGE"] = language
    sign_in(client, username)
    return client


def textarea(html: str, name: str) -> str:
    match = re.search(rf'<textarea[^>]*name="{name}"[^>]*>\n?(.*?)</textarea>', html, re.S)
    assert match, f"no textarea {name}"
    return match.group(1)


def field(html: str, field_id: str) -> str:
    """The markup of one form field: from its wrapper to the next field's."""
    at = html.index(f'id="{field_id}"')
    start = html.rindex('class="field ', 0, at)
    end = html.find('class="field ', at)
    return html[start:end if end > 0 else None]


def open_tasks(system: System, instance_id: int) -> list[str]:
    with system.sessions() as session:
        return list(session.scalars(select(HumanTask.element_id)
                                    .where(HumanTask.instance_id == instance_id)))


def test_the_page_shows_the_form_the_case_and_its_history(app: Flask, case: CaseDriver) -> None:
    task = case.task_id("triage")
    html = text(signed_in(app, "clerk").get(f"/tasks/{task}"))
    number = case.case().number
    assert "<h1>Triage</h1>" in html
    assert f'href="/cases/{number}"' in html
    assert 'name="triage_decision"' in html and 'name="triage_notes"' in html
    assert 'value="complete"' in html and 'value="draft"' in html
    for fact in ("陳大文", "13800000000", "Rubbish left in the stairwell of block A",
                 "Complaint", "Phone", "Hygiene", "2026-03-02 17:00"):
        assert fact in html, fact
    assert "Process started" in html
    assert "webforms.css" in html


def test_someone_outside_the_role_gets_403_on_open_claim_and_complete(
        app: Flask, office: System, case: CaseDriver) -> None:
    task = case.task_id("triage")
    cleaner = signed_in(app, "cleaner")
    assert cleaner.get(f"/tasks/{task}").status_code == 403
    assert post(cleaner, f"/tasks/{task}/claim").status_code == 403
    completed = post(cleaner, f"/tasks/{task}", {"action": "complete",
                                                 "triage_decision": "office_handles"})
    assert completed.status_code == 403
    assert open_tasks(office, case.instance_id) == ["triage"]
    assert events(office, "task_completed") == []


def test_a_task_someone_else_holds_is_read_only_for_a_supervisor(
        app: Flask, office: System, case: CaseDriver) -> None:
    task = case.task_id("triage")
    claim(office, task, "amy")
    html = text(signed_in(app, "boss").get(f"/tasks/{task}"))
    assert "張美玲 holds this task; you can read it but not complete it." in html
    assert 'value="complete"' not in html
    refused = post(signed_in(app, "clerk"), f"/tasks/{task}",
                   {"action": "complete", "triage_decision": "office_handles"})
    assert refused.status_code == 403


def test_a_missing_answer_comes_back_with_its_error_and_what_was_typed(
        app: Flask, office: System, case: CaseDriver) -> None:
    task = case.task_id("triage")
    response = post(signed_in(app, "clerk"), f"/tasks/{task}",
                    {"action": "complete", "triage_notes": "Owner wants it cleaned <today>"})
    assert response.status_code == 422
    html = text(response)
    assert 'class="error-summary"' in html
    decision = field(html, "field-triage_decision")
    assert "Answer this question." in decision  # the message sits with its field
    assert "required property" not in html  # jsonschema's words are not for people
    assert textarea(html, "triage_notes") == "Owner wants it cleaned &lt;today&gt;"
    assert open_tasks(office, case.instance_id) == ["triage"]


def test_the_engine_s_own_checks_come_back_on_the_field(app: Flask, office: System,
                                                        case: CaseDriver) -> None:
    task = case.task_id("triage")
    response = post(signed_in(app, "clerk"), f"/tasks/{task}",
                    {"action": "complete", "triage_decision": "escalate",
                     "triage_notes": "wants compensation"})
    assert response.status_code == 422
    html = text(response)
    assert "field__error" in field(html, "field-escalation_reason")
    assert re.search(r'value="escalate"\s+checked', html)  # the choice made is kept
    assert textarea(html, "triage_notes") == "wants compensation"


def test_a_draft_is_saved_and_filled_in_again(app: Flask, office: System,
                                              case: CaseDriver) -> None:
    task = case.task_id("triage")
    client = signed_in(app, "clerk")
    saved = post(client, f"/tasks/{task}", {"action": "draft", "triage_notes": "call back at 3"})
    assert saved.status_code == 303
    assert saved.headers["Location"] == f"/tasks/{task}"

    html = text(client.get(f"/tasks/{task}"))
    assert "Draft saved." in html
    assert "Your draft of 2026-03-02 17:00 is filled in." in html
    assert textarea(html, "triage_notes") == "call back at 3"
    with office.sessions() as session:
        draft = session.get(TaskDraft, (task, "clerk"))
        assert draft is not None and draft.data == {"triage_notes": "call back at 3"}
    # A draft is one person's: another clerk opens the empty form.
    assert textarea(text(signed_in(app, "amy").get(f"/tasks/{task}")), "triage_notes") == ""


def test_completing_moves_the_case_on_and_goes_back_to_the_inbox(
        app: Flask, office: System, case: CaseDriver) -> None:
    task = case.task_id("triage")
    client = signed_in(app, "clerk")
    done = post(client, f"/tasks/{task}", {"action": "complete",
                                           "triage_decision": "office_handles",
                                           "triage_notes": "stairwell"})
    assert done.status_code == 303
    assert done.headers["Location"] == "/inbox"
    assert "handle_work_order" in open_tasks(office, case.instance_id)
    [event] = events(office, "task_completed")
    assert (event.actor, event.task_id) == ("clerk", task)
    inbox = text(client.get("/inbox"))
    assert "Done: Triage" in inbox
    assert f"/tasks/{task}" not in inbox


def test_completing_after_someone_else_says_who_and_keeps_what_was_typed(
        app: Flask, office: System, case: CaseDriver) -> None:
    task = case.task_id("triage")
    client = signed_in(app, "clerk")
    client.get(f"/tasks/{task}")  # the clerk opens the form ...
    case.do("triage", {"triage_decision": "explain"}, actor="amy")  # ... amy is quicker

    response = post(client, f"/tasks/{task}", {"action": "complete",
                                               "triage_decision": "office_handles",
                                               "triage_notes": "my careful notes"})
    assert response.status_code == 409
    html = text(response)
    assert "張美玲 already completed this task at 2026-03-02 17:00." in html
    assert "my careful notes" in html
    assert "readonly" in field(html, "field-triage_notes")
    assert f'href="/cases/{case.case().number}"' in html
    assert 'href="/inbox"' in html
    assert len(events(office, "task_completed")) == 1

    assert signed_in(app, "clerk").get(f"/tasks/{task}").status_code == 409


def test_a_submission_without_its_csrf_token_is_refused(app: Flask, office: System,
                                                        case: CaseDriver) -> None:
    task = case.task_id("triage")
    response = signed_in(app, "clerk").post(f"/tasks/{task}", data={
        "action": "complete", "triage_decision": "office_handles"})
    assert response.status_code == 400
    assert open_tasks(office, case.instance_id) == ["triage"]


def test_an_unknown_task_is_404(app: Flask, office: System) -> None:
    assert signed_in(app, "clerk").get(
        "/tasks/00000000-0000-0000-0000-000000000000").status_code == 404


def test_the_task_page_in_chinese_has_no_english_interface_text(
        app: Flask, office: System, case: CaseDriver) -> None:
    task = case.task_id("triage")
    client = signed_in(app, "clerk", language="zh-CN,zh;q=0.9,en;q=0.5")
    html = text(client.get(f"/tasks/{task}"))
    for chinese in ("分流", "完成", "儲存草稿", "認領", "個案", "投訴人", "處理經過",
                    "流程已開始", "電話", "投訴", "尚未有人認領", "返回待辦事項"):
        assert chinese in html, chinese
    for english in ("Save draft", ">Complete<", ">Claim<", "Complainant", "History",
                    "Process started", "Nobody has claimed it yet", "Back to the inbox"):
        assert english not in html, english

    invalid = text(post(client, f"/tasks/{task}", {"action": "complete"}))
    assert "有問題需要處理" in invalid and "請回答此項。" in invalid
    assert "There is a problem" not in invalid


def test_a_task_of_a_case_an_incident_stopped_says_so_and_is_refused_with_409(
        app: Flask, office: System) -> None:
    with office.sessions() as session:
        deploy(session, office.rt, bundle("reply_sla", with_deadline("reply_sla", "'soon'")),
               actor="modeler")
        instance = start_instance(session, office.rt, process_id="reply_sla", actor="clerk")
        session.commit()
        [incident] = open_incidents(session)
        task = session.scalars(select(HumanTask.id).where(HumanTask.element_id == "reply")).one()
    client = signed_in(app, "clerk", "zh-TW")
    stopped = f"此個案因故障 #{incident.id} 而暫停；須待主管重試後，才能完成此待辦。"

    page = text(client.get(f"/tasks/{task}"))
    assert stopped in page and 'value="complete"' not in page and 'value="draft"' in page
    assert "因故障而暫停" in text(client.get("/inbox"))

    response = post(client, f"/tasks/{task}", {"action": "complete", "answer": "my reply"})
    assert response.status_code == 409
    assert stopped in text(response) and "my reply" in text(response)
    assert events(office, "task_completed") == [] and open_tasks(office, instance.id) == ["reply"]


def form_text(html: str) -> str:
    """What a person reads of the form: its markup's text, without tags or attribute values."""
    start = html.index('<div class="webform">')
    end = html.rindex("<", start, html.index('value="complete"', start))
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", html[start:end]))


def test_a_chinese_reader_sees_the_form_in_chinese_only_and_never_a_code(
        app: Flask, office: System, case: CaseDriver) -> None:
    task = case.task_id("triage")
    shown = form_text(text(signed_in(app, "clerk", language="zh-TW").get(f"/tasks/{task}")))
    for chinese in ("由誰處理", "本處處理（派工單）", "非本處責任：通知責任方", "向業主解釋",
                    "上報主管", "責任方", "開發商", "公用事業公司", "上報原因", "備註"):
        assert chinese in shown, chinese
    forms = office.settings.forms_path / "owner_case"
    english = json.loads((forms / "triage.en.json").read_text(encoding="utf-8"))
    for entry in english["fields"].values():
        for words in [entry["title"], entry.get("description"), *entry.get("enum", {}).values()]:
            assert not words or words not in shown, words
    assert english["description"] not in shown
    for code in ("office_handles", "not_office_cause", "escalate", "developer", "utility",
                 "triage_decision", "seed"):
        assert code not in shown, code
    assert not re.search(r"[A-Za-z]{4,}", shown), re.findall(r"[A-Za-z]{4,}", shown)


def test_an_english_reader_sees_the_same_form_in_english(
        app: Flask, office: System, case: CaseDriver) -> None:
    task = case.task_id("triage")
    shown = form_text(text(signed_in(app, "clerk").get(f"/tasks/{task}")))
    for english in ("Who can solve it?", "The office handles it (work order)",
                    "Government authority", "Why it goes to the supervisor"):
        assert english in shown, english
    assert not re.search(r"[\u4e00-\u9fff]", shown)


def test_a_reply_must_say_enough_in_the_reader_s_language(
        app: Flask, office: System, case: CaseDriver) -> None:
    case.do("triage", {"triage_decision": "office_handles", "triage_notes": "stairwell"})
    case.do("handle_work_order", {"handling_result": "resolved", "handling_method": "Cleaned"},
            actor="cleaner")
    task = case.task_id("reply_to_complainant")
    client = signed_in(app, "clerk", language="zh-TW")
    page = text(client.get(f"/tasks/{task}"))
    reply = field(page, "field-reply_text")
    assert 'data-min-cjk="4"' in reply and 'data-min-latin="10"' in reply  # the browser checks too
    assert "say_enough.js" in page

    refused = post(client, f"/tasks/{task}", {"action": "complete", "reply_channel": "phone",
                                              "reply_text": "ok"})
    assert refused.status_code == 422
    message = "請多寫一點：至少 4 個中文字或 10 個英文字母。"
    assert message in field(text(refused), "field-reply_text")

    english = post(signed_in(app, "clerk"), f"/tasks/{task}",
                   {"action": "complete", "reply_channel": "phone", "reply_text": "ok"})
    assert "Say a little more: at least 4 Chinese characters or 10 letters." in text(english)

    done = post(client, f"/tasks/{task}", {"action": "complete", "reply_channel": "phone",
                                           "reply_text": "已清理樓梯並致電業主"})
    assert done.status_code == 303
    assert "record_satisfaction" in open_tasks(office, case.instance_id)
