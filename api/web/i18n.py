"""Chinese and English: the locale a person chose, else their browser's, else English."""

from __future__ import annotations

from datetime import timedelta

from flask import Blueprint, Flask, abort, current_app, redirect, request
from flask_babel import Babel, get_locale
from werkzeug.wrappers import Response

from api.web.urls import safe_next

__all__ = ["LOCALES", "N_", "blueprint", "html_lang", "init_app", "reads_chinese", "select_locale"]

# Each language is named in itself on the switcher, the way people look for it.
LOCALES = {"zh": "中文", "en": "English"}
DEFAULT_LOCALE = "en"
COOKIE = "liaison_locale"
COOKIE_AGE = timedelta(days=365)

babel = Babel()
blueprint = Blueprint("i18n", __name__)


def N_(message: str) -> str:  # the name babel's extractor looks for
    """Mark a message for extraction where it is defined; it is translated where shown."""
    return message


def select_locale() -> str:
    chosen = request.cookies.get(COOKIE)
    if chosen in LOCALES:
        return chosen
    # The browser's most preferred language we have, by its primary tag: zh-CN, zh-TW and
    # zh-Hant-HK are all zh. (werkzeug's best_match would let a later exact "en" win.)
    for tag, _quality in request.accept_languages:
        primary = tag.replace("_", "-").split("-", 1)[0].lower()
        if primary in LOCALES:
            return primary
    return DEFAULT_LOCALE


def reader_language() -> str:
    """The language code of this request's reader, as form overlays name it (``zh``, ``en``)."""
    return "zh" if reads_chinese() else "en"


def reads_chinese() -> bool:
    """Tell whether this request's reader reads Chinese (names kept in both languages pick one)."""
    return str(get_locale()) == "zh"


def html_lang(locale: str) -> str:
    """The page's ``lang``: our Chinese is written in Traditional characters."""
    return "zh-Hant" if locale == "zh" else locale


@blueprint.get("/lang/<code>")
def switch(code: str) -> Response:
    """Remember the chosen language in a cookie and go back to the page it was chosen on."""
    if code not in LOCALES:
        abort(404)
    response = redirect(safe_next(request.args.get("next")) or "/")
    response.set_cookie(COOKIE, code, max_age=COOKIE_AGE, httponly=True, samesite="Lax",
                        secure=current_app.config["SESSION_COOKIE_SECURE"])
    return response


def init_app(app: Flask) -> None:
    babel.init_app(app, locale_selector=select_locale)
