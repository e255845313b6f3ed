"""What owners and visitors read, and the letters the office sends, read in one script.

The public pages come from the app's own URL map (every endpoint open without signing
in), each with a real object behind it: the intake form, a case's tracking page, a survey
code's form and a live ballot link; and once more as the refusal a wrong code or an empty
form gets. Each letter is read in the language it is written in (``?language=``).
"""

from __future__ import annotations

import pytest
from flask import Flask
from flask.testing import FlaskClient

from api import create_app
from api.web.permissions import PAGES, Permission
from engine.common.clock import FrozenClock
from engine.meetings.ballots import issue_ballot_tokens
from engine.system import System
from tests.api.conftest import csrf_token, sign_in
from tests.api.web.test_authorisation_matrix import path_of, routes, world  # noqa: F401
from tests.api.web.test_one_script import people_and_places, strays
from tests.support.cases import CaseDriver
from tests.support.meetings import UNITS, noticed_meeting, unit_ids
from tests.support.people import create_estate
from tests.support.survey_pages import distributed_survey

# Not prose for people: files, probes, the switch itself, the API's own reference (a
# developer's page in the API's language) and the actions that answer with a redirect.
NOT_PAGES = ("static", "assets.", "health.", "i18n.", "api_reference.", "api-docs.",
             "auth.logout")


def public_endpoints(app: Flask) -> list[str]:
    return sorted({rule.endpoint for rule, method in routes(app)
                   if method == "GET" and isinstance(PAGES.get(rule.endpoint), Permission)
                   and PAGES[rule.endpoint].public  # type: ignore[union-attr]
                   and not rule.endpoint.startswith(NOT_PAGES)})


def read(client: FlaskClient, path: str, *, data: dict[str, str] | None = None) -> str:
    response = client.post(path, data=data, follow_redirects=True) if data is not None \
        else client.get(path, follow_redirects=True)
    assert response.status_code < 500, (path, response.status_code)
    html = response.get_data(as_text=True) if response.content_type.startswith(
        "text/html") else ""
    response.close()
    return html


def public_objects(system: System) -> dict[str, object]:
    """A registered case, a survey code not yet answered, and a live ballot link."""
    case = CaseDriver.register(system, description="電梯經常停用，請盡快檢查。").case()
    estate = create_estate(system, "Meadow Court", units=UNITS)
    meeting = noticed_meeting(system, estate)
    units = unit_ids(system, estate)
    with system.sessions() as session:
        token = issue_ballot_tokens(session, system.rt, meeting_id=meeting.meeting_id(),
                                    unit_ids=units[:1])[units[0]]
        session.commit()
    return {"tracking_code": case.tracking_code, "token": token}


@pytest.mark.parametrize("language", ["zh", "en"])
def test_every_public_page_reads_in_one_script(shipped: System, clock: FrozenClock,
                                               language: str) -> None:
    survey = distributed_survey(shipped)
    objects = public_objects(shipped)
    app = create_app(system=shipped)
    client: FlaskClient = app.test_client()
    client.get(f"/lang/{language}")
    objects = {**objects, "code": survey.sampled[0][1]}
    endpoints = public_endpoints(app)
    assert {"public.home", "public.track", "surveys.answer_form", "ballot.paper",
            "auth.login"} <= set(endpoints)
    rules = {rule.endpoint: rule for rule, method in routes(app) if method == "GET"}
    pages = {endpoint: path_of(rules[endpoint], objects) for endpoint in endpoints}
    # The same pages as a wrong code or an empty form leaves them.
    pages["public.track"] += f"?code={objects['tracking_code']}"
    refusals = {"track, a wrong code": "/track?code=C-2026-999999",
                "survey, a wrong code": "/survey?code=NOSUCHCODE"}
    token = csrf_token(client, "/login")
    posted = {"raise, empty": ("/raise", {"csrf_token": token}),
              "survey, empty": (pages["surveys.answer_form"], {"csrf_token": token}),
              "ballot, empty": (pages["ballot.paper"], {"csrf_token": token})}
    typed = people_and_places(shipped) + survey.labels
    stray: dict[str, list[str]] = {}
    for name, path in [*pages.items(), *refusals.items()]:
        found = strays(read(client, path), language, typed)
        if found:
            stray[name] = found
    for name, (path, data) in posted.items():
        found = strays(read(client, path, data=data), language, typed)
        if found:
            stray[name] = found
    assert stray == {}, "\n".join(f"{p}: {w}" for p, w in stray.items())


@pytest.mark.parametrize("language", ["zh", "en"])
def test_every_letter_reads_in_the_language_it_is_written_in(
        shipped: System, clock: FrozenClock, world: dict[str, object],  # noqa: F811
        language: str) -> None:
    app = create_app(system=shipped)
    client: FlaskClient = app.test_client()
    assert sign_in(client, "supervisor").status_code == 302
    # The interface in the other language: the letter follows ?language=, not the screen.
    client.get(f"/lang/{'en' if language == 'zh' else 'zh'}")
    number = world["number"]
    letters = {"reply": f"/cases/{number}/letters/{world['letter_id']}?language={language}",
               "receipt": f"/cases/{number}/receipt?language={language}"}
    typed = people_and_places(shipped)
    stray: dict[str, list[str]] = {}
    for name, path in letters.items():
        html = read(client, path)
        assert html, name
        found = strays(html, language, typed)
        if found:
            stray[name] = found
    assert stray == {}, "\n".join(f"{p}: {w}" for p, w in stray.items())
