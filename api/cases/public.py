"""Pages for owners and residents, no sign-in: the contact directory, raising a case, tracking."""

from __future__ import annotations

from typing import Any

from flask import Blueprint, render_template, request
from flask.typing import ResponseReturnValue
from flask_babel import get_locale, gettext

from api.cases.intake import (
    CHOICES,
    HONEYPOT,
    MAX_PHOTOS,
    OwnerForm,
    Photo,
    challenge_passed,
    form_token,
    read_photos,
)
from api.web import throttle
from api.web.database import db, system
from api.web.security import csrf
from engine.attachments.services import store_attachment
from engine.attachments.storage import storage_for
from engine.cases.intake import check_owner_request, estates, raise_owner_case
from engine.cases.models import Case
from engine.cases.receipts import receipt_of
from engine.cases.registration import contact_directory
from engine.cases.tracking import track_case
from engine.common.errors import FormInvalid, NotFound

blueprint = Blueprint("public", __name__)

# The answer carries the owner's name and contacts: no cache keeps it.
NO_STORE = {"Cache-Control": "no-store"}


@blueprint.get("/")
def home() -> ResponseReturnValue:
    return _home(code="", error=None, form=OwnerForm.blank())


# An owner's form rides on no session, so a forged cross-site post has nothing to borrow;
# the signed stamp and the hidden field stand in for the CSRF token, and "/" sets no cookie.
@csrf.exempt
@blueprint.post("/raise")
@throttle.intake
def raise_case() -> ResponseReturnValue:
    settings = system().settings
    # Read no further than the photos may take, plus the text fields.
    request.max_content_length = MAX_PHOTOS * settings.attachment_limit_bytes + 1024 * 1024
    form = OwnerForm.typed(request.form)
    rt = system().rt
    if not challenge_passed(request.form, rt.clock.now()):
        form.errors[""] = gettext(
            "Your form could not be accepted as it was sent. Check it and send it again; "
            "if this happens again, call the management office.")
        return _home(code="", error=None, form=form), 400
    photos = read_photos(request.files)
    form.check_photos(photos, limit_bytes=settings.attachment_limit_bytes)
    form.refused(check_owner_request(db(), form.request()))
    if form.errors:
        if photos:
            form.errors.setdefault("photos", gettext("Choose your photos again."))
        return _home(code="", error=None, form=form), 422
    case = raise_owner_case(db(), rt, form.request())
    _store_photos(case, photos)
    page = render_template("public/receipt.html", receipt=receipt_of(db(), case),
                           photos=[p.name for p in photos])
    return page, 201, NO_STORE


def _store_photos(case: Case, photos: list[Photo]) -> None:
    settings = system().settings
    storage = storage_for(settings)
    for photo in photos:
        store_attachment(db(), system().rt, storage, case=case, file_name=photo.name,
                         data=photo.data, limit_bytes=settings.attachment_limit_bytes,
                         uploaded_by=None)


@blueprint.get("/track")
@throttle.lookup
def track() -> ResponseReturnValue:
    code = request.args.get("code", "").strip()[:40]
    try:
        status = track_case(db(), code=code)
    except FormInvalid:
        error = gettext("That is not a tracking code. A tracking code has 10 letters and "
                        "digits, as printed on your receipt.")
        return _home(code=code, error=error, form=OwnerForm.blank()), 400
    except NotFound:
        error = gettext("No case has this tracking code. Check the code on your receipt, "
                        "or call the management office.")
        return _home(code=code, error=error, form=OwnerForm.blank()), 404
    return render_template("public/track.html", status=status, code=code)


def _home(*, code: str, error: str | None, form: OwnerForm) -> str:
    return render_template("public/home.html", contacts=_contacts(), code=code, error=error,
                           form=form, choices=CHOICES, estates=estates(db()), honeypot=HONEYPOT,
                           max_photos=MAX_PHOTOS, form_token=form_token(system().rt.clock.now()))


def _contacts() -> list[dict[str, Any]]:
    chinese = str(get_locale()).startswith("zh")
    return [{"name": (c["name_zh"] or c["name"]) if chinese else c["name"], "phone": c["phone"]}
            for c in contact_directory(db())]
