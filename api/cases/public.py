"""Pages for owners and residents, no sign-in: the contact directory and case tracking."""

from __future__ import annotations

from flask import Blueprint, render_template, request
from flask.typing import ResponseReturnValue
from flask_babel import get_locale, gettext

from api.web import throttle
from api.web.database import db
from engine.cases.registration import contact_directory
from engine.cases.tracking import track_case
from engine.common.errors import FormInvalid, NotFound

blueprint = Blueprint("public", __name__)


@blueprint.get("/")
def home() -> ResponseReturnValue:
    return render_template("public/home.html", contacts=_contacts(), code="", error=None)


@blueprint.get("/track")
@throttle.lookup
def track() -> ResponseReturnValue:
    code = request.args.get("code", "").strip()[:40]
    try:
        status = track_case(db(), code=code)
    except FormInvalid:
        error = gettext("That is not a tracking code. A tracking code has 10 letters and "
                        "digits, as printed on your receipt.")
        return render_template("public/home.html", contacts=_contacts(), code=code,
                               error=error), 400
    except NotFound:
        error = gettext("No case has this tracking code. Check the code on your receipt, "
                        "or call the management office.")
        return render_template("public/home.html", contacts=_contacts(), code=code,
                               error=error), 404
    return render_template("public/track.html", status=status, code=code)


def _contacts() -> list[dict[str, str]]:
    chinese = str(get_locale()).startswith("zh")
    return [{"name": (c["name_zh"] or c["name"]) if chinese else c["name"], "phone": c["phone"]}
            for c in contact_directory(db())]
