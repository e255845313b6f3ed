"""Every staff page reads in one script: in Chinese no English words, in English no Chinese
characters, beyond what people typed or were named (names, addresses, descriptions) and the
codes they copy. The pages come from the app's own URL map, so a page added later is read too."""

from __future__ import annotations

import re

import pytest
from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import select

from api import create_app
from engine.cases.models import Case, CaseRecord, ReplyLetter
from engine.common.clock import FrozenClock
from engine.directory.models import Building, Estate, Owner, Role, User
from engine.meetings.models import AgendaMatter, Meeting, Petition
from engine.system import System
from tests.api.conftest import sign_in
from tests.api.web.test_authorisation_matrix import path_of, routes, world  # noqa: F401
from tests.support.case_pages import visible_text
from tests.support.cases import CaseDriver

# Latin a Chinese page may carry: the product, codes and numbers people copy, file formats,
# units, the switch to English, and the data the shared objects were made with.
LATIN_ALLOWED = re.compile(
    r"Liaison|English|JPEG|PNG|WebP|PDF|\d+ MB|YYYY-MM-DD|[A-Z]{1,2}-\d{4}-\d{6}|[A-Z]-\d+"
    r"|bpmn-js|BPMN|JavaScript|Harmony Gardens|API|REST|JSON|CSV|XLSX|SVG")
CJK = re.compile(r"[\u3400-\u9fff\uf900-\ufaff]+")
# Pages that are not read by staff as prose, the language switch itself, and the letters,
# which are written in the language the letter is sent in (?language=).
SKIPPED = ("static", "rest", "api_", "i18n.", "auth.logout", "auth.sign_out_everywhere",
           "public.ballot", "ballot.", "cases.letter", "cases.receipt_letter")
# The product's own name and the switch to Chinese, which an English page carries too.
CJK_ALLOWED = re.compile(r"聯絡|聯|中文")


def people_and_places(system: System) -> list[str]:
    """What was typed or named: kept as written, in whatever script it was written."""
    with system.sessions() as session:
        words = [*session.scalars(select(User.display_name)),
                 *session.scalars(select(Owner.name)), *session.scalars(select(Estate.name)),
                 *session.scalars(select(Building.name)),
                 *session.scalars(select(Case.description)),
                 *session.scalars(select(Case.complainant_name)),
                 *session.scalars(select(Case.complainant_address)),
                 *session.scalars(select(Case.tracking_code)),
                 *session.scalars(select(ReplyLetter.body)),
                 # What the meeting's convener wrote: its matters and its notice.
                 *session.scalars(select(AgendaMatter.title)),
                 *session.scalars(select(Meeting.notice_text)),
                 *session.scalars(select(Petition.purpose)),
                 # Roles the tests made with an English name only are data too.
                 *session.scalars(select(Role.name).where(Role.name_zh.is_(None)))]
        # The test process without names shows its ids; roles the tests never stored show
        # their codes: both are the tests' data, not the interface.
        words += ["open_to_all", "look"]
        words += list(session.scalars(select(Role.code)))  # the tests name roles by code
        for data in session.scalars(select(CaseRecord.data)):
            words += [value for value in data.values() if isinstance(value, str)]
    return sorted({w for w in words if w}, key=len, reverse=True)


def strays(html: str, language: str, typed: list[str]) -> list[str]:
    """The words of the page in the other script, beyond what was typed or named."""
    text = visible_text(html)
    for word in typed:
        text = text.replace(word, " ")
    if language == "zh":
        found = re.findall(r"[A-Za-z]{3,}", LATIN_ALLOWED.sub(" ", text))
    else:
        found = CJK.findall(CJK_ALLOWED.sub(" ", text))
    return sorted(set(found))[:12]


def _pages(app: Flask, objects: dict[str, object]) -> list[str]:
    paths = []
    for rule, method in routes(app):
        if method != "GET" or rule.endpoint.startswith(SKIPPED) or "." not in rule.endpoint:
            continue
        paths.append(path_of(rule, objects))
    return paths


@pytest.mark.parametrize("language", ["zh", "en"])
def test_every_staff_page_reads_in_one_script(shipped: System, clock: FrozenClock,
                                              world: dict[str, object],  # noqa: F811
                                              language: str) -> None:
    # A task of a shipped process, so its page is one staff really see.
    waiting = CaseDriver.register(shipped, description="電梯經常停用，請盡快檢查。")
    world = {**world, "task_id": waiting.task_id("triage"), "instance_id": waiting.instance_id}
    app = create_app(system=shipped)
    client: FlaskClient = app.test_client()
    assert sign_in(client, "supervisor").status_code == 302
    client.get(f"/lang/{language}")
    typed = people_and_places(shipped)
    pages = _pages(app, world)
    assert len(pages) > 20
    stray: dict[str, list[str]] = {}
    for path in pages:
        response = client.get(path)
        html = response.get_data(as_text=True) if response.content_type.startswith(
            "text/html") and response.status_code == 200 else ""
        response.close()
        found = strays(html, language, typed) if html else []
        if found:
            stray[path] = found
    assert stray == {}, "\n".join(f"{p}: {w}" for p, w in stray.items())
