"""The survey on the web: the owner's response pages, and the staff's campaign pages."""

from __future__ import annotations

import re

import pytest
from flask.testing import FlaskClient
from sqlalchemy import select

from engine.common.clock import FrozenClock
from engine.directory.models import Owner, Unit
from engine.surveys.campaigns import record_reminders
from engine.surveys.models import SurveyResponse
from engine.system import System
from tests.api.conftest import add_user, csrf_token, sign_in, text
from tests.support.survey_pages import Distributed, distributed_survey, post_answers
from tests.support.surveys import GOOD, SurveyDriver, add_units_to_survey

RADIO = re.compile(r'<input type="radio" name="(\w+)" value="(\d)"')


@pytest.fixture
def survey(shipped: System) -> Distributed:
    return distributed_survey(shipped)


def responses(system: System) -> list[SurveyResponse]:
    with system.sessions() as session:
        return list(session.scalars(select(SurveyResponse).order_by(SurveyResponse.id)))


def form_path(survey: Distributed, index: int = 0) -> str:
    return f"/survey/{survey.unit(index).link_token}"


@pytest.mark.parametrize(("accept", "lang", "words"), [
    ("en-GB", "en", ("Management opinion survey 2026", "Cleanliness of the common areas",
                     "Very dissatisfied", "Your suggestions for improvement",
                     "Send my answers")),
    ("zh-CN", "zh-Hant", ("管理意見徵詢表 2026", "公共區域的清潔衛生", "非常不滿意",
                          "您的改進建議", "提交我的回覆")),
])
def test_the_form_shows_the_questionnaire_in_the_owners_language(
        client: FlaskClient, survey: Distributed, accept: str, lang: str,
        words: tuple[str, ...]) -> None:
    response = client.get(form_path(survey), headers={"Accept-Language": accept})

    page = text(response)
    assert response.status_code == 200
    assert f'<html lang="{lang}">' in page
    for word in words:
        assert word in page
    radios = RADIO.findall(page)
    assert len(radios) == 7 * 5
    assert {name for name, _ in radios} == {"overall", "cleanliness", "security", "repairs",
                                            "greenery", "customer_service",
                                            "fees_transparency"}
    assert page.count("<textarea") == 2
    assert survey.label() in page
    assert 'name="csrf_token"' in page
    assert "<script>" not in page  # the page's only scripts are files


def test_a_typed_code_opens_the_same_form(client: FlaskClient, survey: Distributed) -> None:
    code = survey.unit().response_code
    assert code is not None
    typed = f"{code[:4].lower()} {code[4:8]} {code[8:]}"

    response = client.get("/survey", query_string={"code": typed})

    assert response.status_code == 303
    assert response.headers["Location"] == f"/survey/{code[:4].lower()}{code[4:]}"
    assert client.get(response.headers["Location"]).status_code == 200
    assert text(client.get("/survey")).count('name="code"') == 1


def test_an_answer_is_stored_once_and_a_second_is_refused_politely(
        client: FlaskClient, shipped: System, survey: Distributed) -> None:
    path = form_path(survey)
    token = csrf_token(client, path)

    sent = post_answers(client, path, GOOD, token=token)

    assert sent.status_code == 303 and sent.headers["Location"] == "/survey/thanks"
    assert "Your answers have been received." in text(client.get("/survey/thanks"))
    (stored,) = responses(shipped)
    assert (stored.channel, stored.entered_by) == ("link", None)
    assert stored.answers == {k: v for k, v in GOOD.items() if v != ""}

    again = post_answers(client, path, {**GOOD, "overall": 1}, token=token)
    reopened = client.get(path, headers={"Accept-Language": "zh-TW"})

    assert again.status_code == 409
    assert "This survey form has been answered already" in text(again)
    assert reopened.status_code == 409 and "已經回覆" in text(reopened)
    assert "Traceback" not in text(again)
    assert [r.answers["overall"] for r in responses(shipped)] == [4]


def test_a_post_without_the_csrf_token_is_refused_and_stores_nothing(
        client: FlaskClient, shipped: System, survey: Distributed) -> None:
    response = post_answers(client, form_path(survey), GOOD, token=None)

    assert response.status_code == 400
    assert responses(shipped) == []


def test_a_refused_form_keeps_what_was_typed_with_a_message_per_question(
        client: FlaskClient, shipped: System, survey: Distributed) -> None:
    path = form_path(survey)
    token = csrf_token(client, path)
    typed = {"cleanliness": 2, "security": 7, "opinions": "電梯經常故障 " * 600}

    response = post_answers(client, path, typed, token=token)

    page = text(response)
    assert response.status_code == 422
    assert 'name="cleanliness" value="2" checked' in page
    assert 'name="security" value="7"' not in page  # not an option: it is not kept
    assert page.count("Choose one of the options") == 1
    assert page.count("This answer is 4199 characters long; at most 4000 are accepted.") == 1
    assert "電梯經常故障 電梯經常故障" in page
    assert responses(shipped) == []

    empty = post_answers(client, path, {"opinions": "  "}, token=token)
    assert empty.status_code == 422
    assert "Answer at least one question before you send the form." in text(empty)


def test_each_text_answer_says_its_length_before_sending(client: FlaskClient,
                                                        survey: Distributed) -> None:
    page = text(client.get(form_path(survey)))
    zh = text(client.get(form_path(survey), headers={"Accept-Language": "zh-TW"}))

    assert re.findall(r'<textarea[^>]*maxlength="(\d+)"[^>]*aria-describedby="[^"]*-limit"',
                      page) == ["4000", "4000"]
    assert page.count("At most 4000 characters; a longer answer is not accepted") == 2
    assert zh.count("最多 4000 字") == 2


def test_an_over_long_answer_is_refused_whole_not_cut(
        client: FlaskClient, shipped: System, survey: Distributed) -> None:
    path = form_path(survey)
    long_answer = "好" * 4001

    response = post_answers(client, path, {"overall": 4, "opinions": long_answer},
                            token=csrf_token(client, path))
    chinese = client.post(path, data={"overall": "4", "opinions": long_answer,
                                      "csrf_token": csrf_token(client, path)},
                          headers={"Accept-Language": "zh-TW"})

    assert response.status_code == 422
    assert "This answer is 4001 characters long; at most 4000 are accepted." in text(response)
    assert f">{long_answer}</textarea>" in text(response)  # kept whole, to shorten
    assert chinese.status_code == 422 and "此回覆有 4001 字" in text(chinese)
    assert responses(shipped) == []
    exact = post_answers(client, path, {"overall": 4, "opinions": "好" * 4000},
                         token=csrf_token(client, path))
    assert exact.status_code == 303
    (stored,) = responses(shipped)
    assert stored.answers["opinions"] == "好" * 4000


def test_an_expired_code_and_an_unknown_code_each_get_a_clear_page(
        client: FlaskClient, shipped: System, survey: Distributed, clock: FrozenClock) -> None:
    unknown = client.get("/survey/NOSUCHCODE99")
    assert unknown.status_code == 404
    assert "No survey form has this code." in text(unknown)
    assert 'value="NOSUCHCODE99"' in text(unknown)  # kept, to be corrected

    path = form_path(survey)
    token = csrf_token(client, path)
    assert survey.campaign.deadline is not None
    clock.set(survey.campaign.deadline)

    expired = client.get(path)
    posted = post_answers(client, path, GOOD, token=token)

    assert expired.status_code == 410 and posted.status_code == 410
    assert "This survey has closed" in text(expired)
    assert "本次意見徵詢已經結束" in text(client.get(path, headers={"Accept-Language": "zh"}))
    assert responses(shipped) == []


STAFF_PAGES = ["/surveys", "/surveys/{number}", "/surveys/{number}/results",
               "/surveys/{number}/results.csv", "/surveys/{number}/results.xlsx",
               "/surveys/{number}/paper-forms"]


@pytest.mark.parametrize("page", STAFF_PAGES)
def test_staff_pages_need_a_sign_in(client: FlaskClient, survey: Distributed,
                                    page: str) -> None:
    response = client.get(page.format(number=survey.campaign.number))

    assert response.status_code == 302
    assert response.headers["Location"].startswith("/login?next=")


def test_the_campaign_page_shows_the_sample_rate_and_who_has_not_answered(
        client: FlaskClient, shipped: System, survey: Distributed, clock: FrozenClock) -> None:
    add_user(shipped, clock, "guard", roles=("security",))
    sign_in(client, "guard")
    number = survey.campaign.number

    listed = text(client.get("/surveys"))
    page = text(client.get(f"/surveys/{number}"))

    assert f'href="/surveys/{number}"' in listed and "Collecting answers" in listed
    assert "0 of 45 forms returned" in page and "below the 75 % target" in page
    assert "Not answered yet: 45" in page
    assert "none: every unit is occupied and delivered" in page
    assert "recorded, not sent" not in page  # no reminder is due yet
    assert survey.label() in page
    assert "Enter a paper or follow-up answer" not in page  # the survey desk's work
    assert client.get(f"/surveys/{number}/paper-forms").status_code == 403


def test_the_desk_enters_a_paper_answer_by_its_code_once(
        client: FlaskClient, shipped: System, survey: Distributed, clock: FrozenClock) -> None:
    add_user(shipped, clock, "clerk")
    sign_in(client, "clerk")
    number, code = survey.campaign.number, survey.unit(3).response_code
    assert code is not None
    path = f"/surveys/{number}/responses"
    token = csrf_token(client, f"/surveys/{number}")
    paper = {"code": code.lower(), "channel": "paper", "overall": 2, "repairs": 1}

    entered = post_answers(client, path, paper, token=token)
    shown = text(client.get(entered.headers["Location"]))
    again = post_answers(client, path, paper, token=token)
    wrong = post_answers(client, path, {**paper, "code": "NOSUCHCODE99"}, token=token)

    assert entered.status_code == 303
    assert f"The answer of unit {survey.label(3)} is recorded." in shown
    assert "Not answered yet: 44" in shown
    assert again.status_code == 409 and "answered already" in text(again)
    assert wrong.status_code == 404 and "No form of this survey has this code." in text(wrong)
    (stored,) = responses(shipped)
    assert (stored.channel, stored.entered_by, stored.answers) == (
        "paper", "clerk", {"overall": 2, "repairs": 1})


def test_the_desk_is_told_an_over_long_paper_answer_is_too_long(
        client: FlaskClient, shipped: System, survey: Distributed, clock: FrozenClock) -> None:
    add_user(shipped, clock, "clerk")
    sign_in(client, "clerk")
    number, code = survey.campaign.number, survey.unit(3).response_code
    assert code is not None
    typed = {"code": code, "channel": "paper", "overall": 2, "suggestions": "多" * 4100}

    refused = post_answers(client, f"/surveys/{number}/responses", typed,
                           token=csrf_token(client, f"/surveys/{number}"))

    assert refused.status_code == 422
    assert "This answer is 4100 characters long; at most 4000 are accepted." in text(refused)
    assert "多" * 4100 in text(refused)
    assert responses(shipped) == []


def test_the_paper_forms_carry_each_units_code_and_link(
        client: FlaskClient, shipped: System, survey: Distributed, clock: FrozenClock) -> None:
    add_user(shipped, clock, "clerk")
    sign_in(client, "clerk")

    response = client.get(f"/surveys/{survey.campaign.number}/paper-forms")

    page = text(response)
    assert response.status_code == 200
    assert page.count('<article class="paper-form"') == 45
    for sampled, _building in survey.sampled:
        code = sampled.response_code or ""
        assert f"{code[:4]}-{code[4:8]}-{code[8:]}" in page
        assert f"http://localhost/survey/{sampled.link_token}" in page
    assert "總體而言" in page and "Overall, how satisfied" in page  # both languages on paper


def test_the_campaign_page_counts_the_units_left_out_of_the_sample_by_reason(
        client: FlaskClient, shipped: System, clock: FrozenClock) -> None:
    add_units_to_survey(shipped)
    with shipped.sessions() as session:
        units = session.scalars(select(Unit).order_by(Unit.id).limit(6)).all()
        developer = Owner(name="Developer Ltd", is_developer=True)
        for unit in units[:3]:
            unit.delivered = False
        units[3].owners = [developer]
        units[4].owners = [developer]
        units[5].owners = []
        session.commit()
    campaign = SurveyDriver.start(shipped).approved()
    add_user(shipped, clock, "guard", roles=("security",))
    sign_in(client, "guard")

    page = text(client.get(f"/surveys/{campaign.number}"))

    assert campaign.units_total == 294
    left_out = re.search(r'<dd id="excluded">(.*?)</dd>', page, re.S)
    assert left_out is not None
    assert left_out.group(1) == ("not delivered yet: 3 · unsold (held by the developer): 2 · "
                                 "vacant (no owner on record): 1")


def test_a_reminder_is_shown_as_recorded_not_sent(
        client: FlaskClient, shipped: System, survey: Distributed, clock: FrozenClock) -> None:
    with shipped.sessions() as session:
        assert record_reminders(session, shipped.rt, survey.campaign.id, actor=None) == 45
        session.commit()
    add_user(shipped, clock, "guard", roles=("security",))
    sign_in(client, "guard")

    page = text(client.get(f"/surveys/{survey.campaign.number}"))

    assert page.count("reminder recorded, not sent 1×") == 45
    assert "Reminders are recorded, not sent" in page
