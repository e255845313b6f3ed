"""The case page: header, diagram data, timeline, records, archive, letters; estates kept apart."""

from __future__ import annotations

import base64
import hashlib
import re
from datetime import UTC, datetime

import pytest
from flask.testing import FlaskClient
from sqlalchemy import select

from engine.cases.models import ReplyLetter
from engine.common.clock import FrozenClock
from engine.system import System
from tests.api.conftest import sign_in, text
from tests.support.case_pages import Office, diagram_data, open_office, untranslated
from tests.support.cases import HANDLED, escalate, run_to_the_end

LETTER = "您反映的樓梯間雜物已於3月2日清理完畢。"


@pytest.fixture
def office(shipped: System, clock: FrozenClock) -> Office:
    return open_office(shipped, clock)


def page_of(client: FlaskClient, number: str, **headers: str) -> str:
    response = client.get(f"/cases/{number}", headers=headers)
    assert response.status_code == 200
    return text(response)


def test_a_finished_case_shows_every_step_on_its_timeline(office: Office,
                                                          client: FlaskClient) -> None:
    case = office.case()
    run_to_the_end(case)
    sign_in(client, "clerk")

    page = page_of(client, case.case().number)

    moments = re.findall(r'<span class="moment-kind">([^<]+)</span>(?: <span class="moment-step">'
                         r'([^<]+)</span>)?', page)
    assert moments[0] == ("Process started", "")
    completed = [step for kind, step in moments if kind == "Task completed"]
    assert completed == ["Triage", "Handle the work order", "Reply to the complainant",
                         "Record satisfaction"]
    assert ("Archived", "") in moments
    # What each step submitted, field by field in the forms' own words, and who did it.
    def change(field: str, value: str) -> str:
        return f'<dt class="process-text">{field}</dt><dd class="process-text">{value}</dd>'

    assert change("Who can solve it?", "The office handles it (work order)") in page
    assert change("What was done", HANDLED["handling_method"]) in page
    assert change("Satisfied?", "Yes") in page
    assert "· cleaner" in page
    assert "Closed" in page and case.case().tracking_code in page

    chinese = page_of(client, case.case().number, **{"Accept-Language": "zh-TW"})
    assert change("由誰處理", "本處處理（派工單）") in chinese
    assert change("處理方法", HANDLED["handling_method"]) in chinese
    assert "<dt class=\"process-text\">Who can solve it?" not in chinese


def test_the_diagram_data_names_the_steps_done_and_waiting(office: Office,
                                                          client: FlaskClient) -> None:
    case = office.case()
    case.do("triage", {"triage_decision": "office_handles", "triage_notes": ""})
    sign_in(client, "clerk")

    page = page_of(client, case.case().number)

    data = diagram_data(page, 0)
    assert data["xml"].startswith("<?xml") and 'id="owner_case"' in data["xml"]
    assert {"case_registered", "triage", "dispatch_work_order"} <= set(data["completed"])
    # The work order waits, and so do its two boundary timers.
    assert data["current"] == ["handle_work_order", "handle_work_order_late",
                               "handle_work_order_overdue"]
    assert "diagram-data-1" not in page  # no escalation was called
    assert "Handle the work order" in page.split('id="open-title"')[1]  # waiting now


def test_an_escalated_case_shows_the_escalation_diagram_too(office: Office,
                                                           client: FlaskClient) -> None:
    case = office.case(category="fees")
    escalate(case)
    sign_in(client, "supervisor")

    page = page_of(client, case.case().number)

    assert diagram_data(page, 0)["current"] == ["escalate"]
    called = diagram_data(page, 1)
    assert 'id="escalation"' in called["xml"]
    assert called["current"] == ["supervisor_review", "supervisor_review_late"]
    assert "Escalation to the supervisor" in page


def test_the_page_allows_only_the_styles_bpmn_js_writes(office: Office,
                                                        client: FlaskClient) -> None:
    case = office.case()
    sign_in(client, "clerk")

    policy = client.get(f"/cases/{case.case().number}").headers["Content-Security-Policy"]

    assert "script-src 'self'" in policy and "style-src 'self'" in policy
    assert "style-src-attr 'unsafe-inline'" in policy
    assert "script-src 'unsafe" not in policy


def test_the_archive_entry_and_its_correction_are_shown(office: Office,
                                                        client: FlaskClient) -> None:
    from engine.cases.models import ArchiveEntry
    from engine.cases.services import correct_archive_entry

    case = office.case()
    run_to_the_end(case)
    with office.system.sessions() as session:
        entry = session.scalars(select(ArchiveEntry)).one()
        correct_archive_entry(session, office.system.rt, entry_id=entry.id,
                              method="Cleared and disinfected", result="resolved",
                              reason="the method was incomplete", actor="supervisor")
        session.commit()
    sign_in(client, "clerk")

    page = page_of(client, case.case().number)

    archive = page.split('id="archive-title"')[1].split("</section>")[0]
    assert archive.index("Cleared and disinfected") < archive.index(HANDLED["handling_method"])
    assert "Current" in archive and "Superseded" in archive
    assert "Correction: the method was incomplete" in archive
    assert "Archive corrected" in page  # on the timeline as well


def test_a_letter_case_links_to_its_printable_letter(office: Office,
                                                     client: FlaskClient) -> None:
    case = office.case(channel="letter", address="和諧花園 A座 1203")
    case.do("triage", {"triage_decision": "office_handles", "triage_notes": ""})
    case.do("handle_work_order", HANDLED, actor="cleaner")
    case.do("reply_to_complainant", {"reply_channel": "letter", "reply_text": "Replied by letter.",
                                     "reply_letter_text": LETTER})
    with office.system.sessions() as session:
        letter_id = session.scalars(select(ReplyLetter.id)).one()
    number = case.case().number
    sign_in(client, "clerk")

    page = page_of(client, number)
    link = f"/cases/{number}/letters/{letter_id}"
    assert f'href="{link}"' in page and f'href="{link}?language=en"' in page

    printed = client.get(link)
    assert printed.status_code == 200
    letter = text(printed)
    assert LETTER in letter and number in letter and "和諧花園 A座 1203" in letter
    for phone in ("020-8600-1000", "020-8600-1006", "020-8600-1005", "020-8600-1002"):
        assert phone in letter  # the contact directory (seed rule 1)
    policy = printed.headers["Content-Security-Policy"]
    assert "default-src 'none'" in policy and "'sha256-" in policy
    assert "unsafe-inline" not in policy and "script-src 'self';" in policy
    assert client.get(f"/cases/{number}/letters/{letter_id + 1}").status_code == 404


def test_the_printed_letter_has_a_print_button_whose_script_the_policy_allows(
        office: Office, client: FlaskClient) -> None:
    number, letter_id = replied_by_letter(office)
    sign_in(client, "clerk")

    printed = client.get(f"/cases/{number}/letters/{letter_id}")

    letter = text(printed)
    # The button speaks the letter's language (Chinese unless ?language=en), as all of it does.
    assert '<button type="button" id="print-letter">列印信函</button>' in letter
    assert '<button type="button" id="print-letter">Print the letter</button>' in text(
        client.get(f"/cases/{number}/letters/{letter_id}?language=en"))
    # The only scripts are files of our own, which script-src 'self' allows; none inline.
    sources = re.findall(r"<script([^>]*)>(.*?)</script>", letter, re.S)
    assert sources == [(' src="/static/letter_print.js" defer', "")]
    with client.get("/static/letter_print.js") as script:
        assert script.status_code == 200 and b"window.print()" in script.data
    policy = printed.headers["Content-Security-Policy"]
    hashes = set(re.findall(r"'(sha256-[^']+)'", policy))
    blocks = re.findall(r"<style>(.*?)</style>", letter, re.S)
    assert hashes == {_sha256(block) for block in blocks} and 'style="' not in letter


def test_the_printed_letter_is_dated_on_the_offices_day_in_chinese(
        office: Office, client: FlaskClient, clock: FrozenClock) -> None:
    clock.set(datetime(2026, 12, 4, 23, 30, tzinfo=UTC))  # 07:30 on 5 December in Beijing
    number, letter_id = replied_by_letter(office)
    sign_in(client, "clerk")

    letter = text(client.get(f"/cases/{number}/letters/{letter_id}"))

    assert '<html lang="zh-Hant">' in letter
    for part in ("尊敬的陳大文先生／女士：", LETTER, "此致", "敬禮", "Harmony Gardens管理處",
                 "（管理處蓋章）", "2026年12月5日", "聯絡電話"):
        assert part in letter
    assert "12月4日" not in letter and "Dear" not in letter and "Case " not in letter


def test_staff_may_print_the_letter_in_english(office: Office, client: FlaskClient) -> None:
    number, letter_id = replied_by_letter(office)
    sign_in(client, "clerk")

    letter = text(client.get(f"/cases/{number}/letters/{letter_id}?language=en"))

    assert '<html lang="en">' in letter and "Dear 陳大文," in letter
    assert "The Management Office, Harmony Gardens" in letter and "此致" not in letter


def test_a_letter_in_a_language_the_office_does_not_write_is_refused_clearly(
        office: Office, client: FlaskClient) -> None:
    number, letter_id = replied_by_letter(office)
    sign_in(client, "clerk")

    response = client.get(f"/cases/{number}/letters/{letter_id}?language=fr")

    assert response.status_code == 422 and "cannot be accepted" in text(response)


def replied_by_letter(office: Office) -> tuple[str, int]:
    """A letter case replied by letter: its number and its letter's id."""
    case = office.case(channel="letter", address="和諧花園 A座 1203")
    case.do("triage", {"triage_decision": "office_handles", "triage_notes": ""})
    case.do("handle_work_order", HANDLED, actor="cleaner")
    case.do("reply_to_complainant", {"reply_channel": "letter", "reply_text": "Replied by letter.",
                                     "reply_letter_text": LETTER})
    with office.system.sessions() as session:
        letter_id = session.scalars(select(ReplyLetter.id)).one()
    return case.case().number, letter_id


def _sha256(text: str) -> str:
    return "sha256-" + base64.b64encode(hashlib.sha256(text.encode()).digest()).decode()


def test_a_letter_is_only_found_under_its_own_case(office: Office, client: FlaskClient) -> None:
    letter_case = office.case(channel="letter", address="A-1203")
    letter_case.do("triage", {"triage_decision": "office_handles", "triage_notes": ""})
    letter_case.do("handle_work_order", HANDLED, actor="cleaner")
    letter_case.do("reply_to_complainant", {"reply_channel": "letter",
                                            "reply_text": "Replied by letter.",
                                            "reply_letter_text": LETTER})
    other = office.case()
    with office.system.sessions() as session:
        letter_id = session.scalars(select(ReplyLetter.id)).one()
    sign_in(client, "clerk")

    assert client.get(f"/cases/{other.case().number}/letters/{letter_id}").status_code == 404


def test_another_estates_staff_do_not_learn_the_case_exists(office: Office,
                                                            client: FlaskClient) -> None:
    case = office.case()
    sign_in(client, "outsider")

    assert client.get(f"/cases/{case.case().number}").status_code == 404
    assert client.get("/cases/C-2026-999999").status_code == 404
    own = office.case(unit_id=office.other_unit)
    assert client.get(f"/cases/{own.case().number}").status_code == 200


def test_a_visitor_is_sent_to_sign_in(office: Office, client: FlaskClient) -> None:
    case = office.case()

    response = client.get(f"/cases/{case.case().number}")

    assert response.status_code == 302
    assert response.headers["Location"].startswith("/login?next=/cases/")


def test_the_case_page_in_chinese_has_no_english_interface_text(office: Office,
                                                                client: FlaskClient) -> None:
    case = office.case(channel="letter", address="A-1203")
    escalate(case)
    case.do("supervisor_review", {"supervisor_decision": "pass_up"}, actor="supervisor")
    sign_in(client, "supervisor")

    page = page_of(client, case.case().number, **{"Accept-Language": "zh-TW"})

    assert '<html lang="zh-Hant">' in page and "時間線" in page
    assert untranslated(page) == []
