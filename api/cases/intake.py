"""The owner's form on the public page: what was typed, the check against scripts, the messages.

The check against scripts asks nothing of a person: a field people never see
(a script fills every field it finds) and a signed time stamp written into the
form when the page was served, refused when the form comes back sooner than a
person could fill it in, or long after. No outside service is asked.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime

from flask import current_app
from flask_babel import gettext
from itsdangerous import BadSignature, URLSafeSerializer
from werkzeug.datastructures import FileStorage, MultiDict

from api.web.i18n import N_
from engine.attachments.files import IMAGE_TYPES
from engine.attachments.services import AttachmentRefused, check_file
from engine.cases.intake import OwnerRequest, minimum_description
from engine.cases.models import CASE_TYPES, CATEGORIES, REPLY_CHANNELS
from engine.common.errors import FieldError

__all__ = ["CHOICES", "HONEYPOT", "MAX_PHOTOS", "OwnerForm", "Photo", "challenge_passed",
           "form_token", "read_photos"]

INPUTS = ("type", "category", "estate", "unit", "description", "name", "phone", "email",
          "address", "reply_channel")
CHOICES = {"type": CASE_TYPES, "category": CATEGORIES, "reply_channel": REPLY_CHANNELS}
# Named like a field a script expects to fill; hidden from people and screen readers.
HONEYPOT = "website"
TOKEN_SALT = "owner-intake-form"
# Nobody reads the page, chooses and writes a description in under this.
DEFAULT_MIN_SECONDS = 5
# A form left open longer is sent again with a fresh stamp, the input kept.
MAX_SECONDS = 12 * 3600

# Enough to show a leak, a crack and where it is; each one no larger than the attachment limit.
MAX_PHOTOS = 5

MESSAGES = {
    "type": N_("Choose what kind of matter this is."),
    "category": N_("Choose a category."),
    "estate": N_("Choose your estate."),
    "unit": N_("We cannot find this unit in the estate. Write it as on your door, e.g. A-1203, "
               "or leave it empty for a common area."),
    "name": N_("Enter your name."),
    "phone": N_("Check the phone number: 7 to 15 digits."),
    "email": N_("Check the e-mail address."),
    "address": N_("A reply by letter needs your postal address (at most 300 characters)."),
    "contact": N_("Give a phone number or an e-mail address, so we can reach you."),
    "reply_channel": N_("Choose how we should reply."),
}
NEEDED_FOR_REPLY = {
    "phone": N_("You asked for a reply by phone: enter your phone number."),
    "email": N_("You asked for a reply by e-mail: enter your e-mail address."),
}


@dataclass(frozen=True)
class Photo:
    name: str
    data: bytes


def read_photos(files: MultiDict[str, FileStorage]) -> list[Photo]:
    """The photos chosen in the form; an empty file input sends a part with no name."""
    return [Photo(f.filename, f.read()) for f in files.getlist("photos") if f.filename]


@dataclass
class OwnerForm:
    """The form as typed, and what is wrong with it, per input."""

    values: dict[str, str]
    errors: dict[str, str] = field(default_factory=dict)

    @classmethod
    def blank(cls) -> OwnerForm:
        return cls({"type": "complaint", "reply_channel": "phone"})

    @classmethod
    def typed(cls, form: MultiDict[str, str]) -> OwnerForm:
        return cls({name: form.get(name, "").strip()[:10000] for name in INPUTS})

    def request(self) -> OwnerRequest:
        value = self.values.get
        estate = value("estate", "")
        return OwnerRequest(type=value("type", ""), category=value("category", ""),
                            estate_id=int(estate) if estate.isdigit() else None,
                            unit=value("unit", ""), description=value("description", ""),
                            name=value("name", ""), phone=value("phone", ""),
                            email=value("email", ""), address=value("address", ""),
                            reply_channel=value("reply_channel", ""))

    def check_photos(self, photos: list[Photo], *, limit_bytes: int) -> None:
        """Accept photos only (JPEG, PNG, WebP, read from the bytes), each within the limit."""
        if len(photos) > MAX_PHOTOS:
            self.errors["photos"] = gettext("Choose at most %(count)d photos.", count=MAX_PHOTOS)
            return
        refused = []
        for photo in photos:
            try:
                accepted = check_file(photo.data, limit_bytes=limit_bytes) in IMAGE_TYPES.values()
            except AttachmentRefused:
                accepted = False
            if not accepted:
                refused.append(photo.name)
        if refused:
            self.errors["photos"] = gettext(
                "Not accepted: %(names)s. Send photos (JPEG, PNG or WebP) of at most "
                "%(megabytes)d MB each.", names=", ".join(refused),
                megabytes=limit_bytes // (1024 * 1024))

    def refused(self, errors: list[FieldError]) -> None:
        """Word the engine's field errors for the owner, in the owner's language."""
        for error in errors:
            name = error.field
            if name == "description":
                text = self.values.get("description", "")
                self.errors[name] = gettext(
                    "Describe the matter in at least %(count)d characters (at most 10000).",
                    count=minimum_description(text))
            elif name in NEEDED_FOR_REPLY and self.values.get(name, "") == "":
                self.errors.setdefault(name, gettext(NEEDED_FOR_REPLY[name]))
            else:
                self.errors.setdefault(name, gettext(MESSAGES.get(name, MESSAGES["type"])))


def _serializer() -> URLSafeSerializer:
    return URLSafeSerializer(current_app.secret_key or "", salt=TOKEN_SALT)


def form_token(now: datetime) -> str:
    """The signed stamp of the moment the form was served."""
    return str(_serializer().dumps(int(now.timestamp())))


def challenge_passed(form: MultiDict[str, str], now: datetime) -> bool:
    """Tell whether a person, not a script, sent the form: honeypot empty, stamp in its window."""
    if form.get(HONEYPOT, ""):
        return False
    try:
        served = _serializer().loads(form.get("form_token", ""))
    except BadSignature:
        return False
    if not isinstance(served, int):
        return False
    minimum = current_app.config.get("LIAISON_INTAKE_MIN_SECONDS", DEFAULT_MIN_SECONDS)
    return minimum <= now.timestamp() - served <= MAX_SECONDS
