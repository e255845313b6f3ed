"""Chinese and English: the switcher's cookie, else the browser's languages, else English;
and every interface message has its Chinese translation."""

from __future__ import annotations

from pathlib import Path

import pytest
from babel.messages.extract import DEFAULT_KEYWORDS, extract_from_dir
from babel.messages.frontend import parse_mapping_cfg
from babel.messages.pofile import read_po
from flask.testing import FlaskClient

from api.web.i18n import COOKIE
from engine.common.settings import PROJECT_ROOT
from tests.api.conftest import text

CATALOG = PROJECT_ROOT / "api" / "translations" / "zh" / "LC_MESSAGES" / "messages.po"


@pytest.mark.parametrize(("accept", "lang", "heading"), [
    ("zh-CN,zh;q=0.9", "zh-Hant", "聯絡管理處"),
    ("zh-TW", "zh-Hant", "聯絡管理處"),
    ("zh-Hant-HK,en;q=0.5", "zh-Hant", "聯絡管理處"),
    ("en-GB,en;q=0.9,zh;q=0.8", "en", "Contact the management office"),
    ("fr-FR,de;q=0.8", "en", "Contact the management office"),
    ("", "en", "Contact the management office"),
])
def test_the_browser_language_picks_the_locale(client: FlaskClient, accept: str, lang: str,
                                               heading: str) -> None:
    page = text(client.get("/", headers={"Accept-Language": accept}))

    assert f'<html lang="{lang}">' in page
    assert f"<h1>{heading}</h1>" in page


def test_the_switcher_remembers_the_choice_over_the_browser(client: FlaskClient) -> None:
    chinese_browser = {"Accept-Language": "zh-CN"}

    response = client.get("/lang/en?next=/track?code=ABC", headers=chinese_browser)

    assert response.status_code == 302
    assert response.headers["Location"] == "/track?code=ABC"
    cookie = response.headers["Set-Cookie"]
    assert cookie.startswith(f"{COOKIE}=en;")
    assert "HttpOnly" in cookie and "SameSite=Lax" in cookie and "Max-Age=31536000" in cookie
    english = text(client.get("/", headers=chinese_browser))
    assert "<h1>Contact the management office</h1>" in english

    client.get("/lang/zh?next=/")
    assert "<h1>聯絡管理處</h1>" in text(client.get("/", headers={"Accept-Language": "en"}))


@pytest.mark.parametrize("target", ["https://evil.example/", "//evil.example", "/\\evil", None])
def test_the_switcher_only_goes_back_to_local_pages(client: FlaskClient,
                                                    target: str | None) -> None:
    query = {} if target is None else {"next": target}

    response = client.get("/lang/zh", query_string=query)

    assert response.headers["Location"] == "/"


def test_an_unknown_language_is_404_and_sets_nothing(client: FlaskClient) -> None:
    response = client.get("/lang/fr?next=/")

    assert response.status_code == 404
    assert COOKIE not in response.headers.get("Set-Cookie", "")


def test_every_page_links_to_both_languages_back_to_itself(client: FlaskClient) -> None:
    page = text(client.get("/login"))

    assert 'href="/lang/zh?next=/login"' in page
    assert 'href="/lang/en?next=/login"' in page


def test_a_forged_cookie_value_falls_back_to_the_browser(client: FlaskClient) -> None:
    client.set_cookie(COOKIE, "xx")

    page = text(client.get("/", headers={"Accept-Language": "zh-CN"}))

    assert "<h1>聯絡管理處</h1>" in page


def _extracted_messages(root: Path) -> dict[str, str]:
    """Every message in api/ as babel extracts it with babel.cfg: id -> where it is."""
    with (root / "babel.cfg").open() as cfg:
        method_map, options_map = parse_mapping_cfg(cfg, "babel.cfg")
    found: dict[str, str] = {}
    for filename, lineno, message, _comments, _context in extract_from_dir(
            str(root), method_map, options_map, keywords=DEFAULT_KEYWORDS):
        msgid = message[0] if isinstance(message, tuple) else message
        if msgid:
            found.setdefault(msgid, f"{filename}:{lineno}")
    return found


def test_every_interface_message_has_a_chinese_translation() -> None:
    extracted = _extracted_messages(PROJECT_ROOT)
    with CATALOG.open("rb") as po:
        catalog = read_po(po, locale="zh")
    translated = {m.id: m.string for m in catalog if m.id and not m.fuzzy}

    missing = {msgid: where for msgid, where in extracted.items()
               if not translated.get(msgid, "").strip()}

    assert len(extracted) > 50  # extraction found the app's messages at all
    assert not missing, (
        "messages without a Chinese translation (run `make messages`, then translate "
        f"them in {CATALOG.relative_to(PROJECT_ROOT)}): {missing}")


def test_the_translations_keep_their_placeholders() -> None:
    with CATALOG.open("rb") as po:
        catalog = read_po(po, locale="zh")

    for message in catalog:
        if message.id and "%(" in message.id:
            for name in ("%(count)d", "%(time)s", "%(number)s"):
                assert (name in message.id) == (name in message.string), message.id
