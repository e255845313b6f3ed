"""Case pages: the case with its diagram and timeline, printable letters, registration."""

from __future__ import annotations

import base64
import hashlib
import re

from flask import Blueprint, flash, redirect, render_template, request, url_for
from flask.typing import ResponseReturnValue
from flask_babel import force_locale, gettext

from api.cases.form import CHOICES, Registration
from api.cases.labels import case_label
from api.cases.timeline import moments
from api.web.auth import FRONT_DESK, current_user, login_required, roles_required, signed_in_viewer
from api.web.database import db, system
from api.web.i18n import reader_language
from api.web.security import CONTENT_SECURITY_POLICY
from engine.cases.letters import LETTER_LANGUAGES, estate_name, letter_of, render_letter
from engine.cases.receipts import receipt_for
from engine.cases.registration import register_case
from engine.cases.views import UnitView, case_view, find_cases, search_units
from engine.common.errors import FieldError, FormInvalid
from engine.common.privacy import sees_personal_data
from engine.directory.lookups import display_names
from engine.workflow.viewer import Viewer

__all__ = ["blueprint"]

blueprint = Blueprint("cases", __name__)
blueprint.add_app_template_global(case_label)

# Who takes cases in: customer service at the counter and on the phone, and supervisors.

# bpmn-js writes style attributes into the markup it builds (its canvas and overlays);
# it adds no <style> element and runs no inline script, so only style *attributes* open up.
CASE_PAGE_POLICY = CONTENT_SECURITY_POLICY + "; style-src-attr 'unsafe-inline'"

STYLE_BLOCK = re.compile(r"<style>(.*?)</style>", re.S)
STYLE_ATTRIBUTE = re.compile(r'style="([^"]*)"')


@blueprint.get("/cases/<number>")
@login_required
def show(number: str) -> ResponseReturnValue:
    view = case_view(db(), system().rt, number=number, viewer=signed_in_viewer())
    lang = reader_language()
    labels = {p.process_id: p.labels[lang] for p in (view.process, *view.called)
              if p is not None and lang in p.labels}
    # People are named as colleagues know them, never by their sign-in name.
    names = display_names(db(), [view.case.registered_by, *(r.actor for r in view.records),
                                 *(e.actor for e in view.timeline),
                                 *(o.handled_by for o in view.work_orders),
                                 *(t.assignee for t in view.open_tasks),
                                 *(letter.written_by for letter in view.letters)])
    page = render_template("cases/show.html", view=view, names=names,
                           timeline=moments(view.timeline, labels))
    return page, {"Content-Security-Policy": CASE_PAGE_POLICY}


@blueprint.get("/cases/<number>/letters/<int:letter_id>")
@login_required
def letter(number: str, letter_id: int) -> ResponseReturnValue:
    viewer = signed_in_viewer()
    language = request.args.get("language", "zh")
    if language not in LETTER_LANGUAGES:
        raise FormInvalid([FieldError(("language",), "a letter is written in zh or en")])
    session = db()
    case, reply = letter_of(session, number=number, letter_id=letter_id, viewer=viewer)
    # The print button sits on the letter's page: in the letter's language, as all of it is.
    with force_locale(language):
        print_label = gettext("Print the letter")
    page = render_letter(case, reply, estate=estate_name(session, case),
                         zone=system().rt.office_zone, language=language,
                         whole=sees_personal_data(viewer.roles), print_label=print_label,
                         static=url_for("static", filename=""))
    return page, {"Content-Security-Policy": _letter_policy(page)}


@blueprint.get("/cases/<number>/receipt")
@login_required
def receipt_letter(number: str) -> ResponseReturnValue:
    """The receipt by letter for a case that came by letter (as the web answer page has it)."""
    viewer = signed_in_viewer()
    language = request.args.get("language", "zh")
    if language not in LETTER_LANGUAGES:
        raise FormInvalid([FieldError(("language",), "a letter is written in zh or en")])
    receipt = receipt_for(db(), number=number, viewer=viewer,
                          whole=sees_personal_data(viewer.roles))
    with force_locale(language):
        return render_template("cases/receipt_letter.html", receipt=receipt, language=language,
                               today=system().rt.clock.now())


def _letter_policy(page: str) -> str:
    """The letter styles itself inline for print; allow exactly those styles, nothing else.

    Its one script, the print button's, is a file of our own: no inline script runs.
    """
    hashes = [_sha256(m) for m in STYLE_BLOCK.findall(page) + STYLE_ATTRIBUTE.findall(page)]
    allowed = " ".join(f"'{h}'" for h in dict.fromkeys(hashes))
    return f"default-src 'none'; script-src 'self'; style-src 'unsafe-hashes' {allowed}; " \
           "img-src 'self'; base-uri 'none'; form-action 'none'; frame-ancestors 'none'"


def _sha256(text: str) -> str:
    return "sha256-" + base64.b64encode(hashlib.sha256(text.encode()).digest()).decode()


@blueprint.route("/cases/new", methods=["GET", "POST"])
@roles_required(*FRONT_DESK)
def new() -> ResponseReturnValue:
    rt, tz = system().rt, system().settings.timezone
    if request.method == "GET":
        # Without JavaScript, "Find" submits the form here by GET: re-show it with the matches.
        form = Registration.typed(request.args) if request.args else Registration.blank(
            rt.clock.now(), tz)
        return _registration_page(form)
    form = Registration.typed(request.form)
    arguments = form.arguments(tz)
    if arguments is None:
        return _registration_page(form), 422
    user = current_user()
    assert user is not None
    try:
        case = register_case(db(), rt, **arguments, estate_id=user.estate_id,
                             actor=user.username, roles=user.role_codes)
    except FormInvalid as refused:
        form.refused(refused.errors)
        return _registration_page(form), 422
    flash(gettext("Case %(number)s registered. The owner's tracking code is %(code)s.",
                  number=case.number, code=case.tracking_code), "success")
    return redirect(url_for("cases.show", number=case.number), 303)


def _registration_page(form: Registration) -> str:
    viewer = signed_in_viewer()
    values = form.values
    units = _units(viewer, values.get("building", ""), values.get("q", ""))
    earlier = find_cases(db(), viewer=viewer, complainant_phone=values.get("phone"))
    return render_template("cases/new.html", form=form, choices=CHOICES, units=units,
                           searched=bool(values.get("building") or values.get("q")),
                           earlier=earlier, phone=values.get("phone", ""))


def _units(viewer: Viewer, building: str, number: str) -> list[UnitView]:
    if not (building or number):
        return []
    found = search_units(db(), viewer=viewer, building=building or None,
                         number_prefix=number or None)
    if not found and building and number and not number.startswith(building):
        # Some estates number units with their building's code (A-1203): find them by 1203 too.
        found = search_units(db(), viewer=viewer, building=building,
                             number_prefix=f"{building}-{number}")
    return found


@blueprint.get("/cases/units")
@roles_required(*FRONT_DESK)
def units() -> ResponseReturnValue:
    building, number = request.args.get("building", "").strip(), request.args.get("q", "").strip()
    found = _units(signed_in_viewer(), building, number)
    return render_template("cases/_units.html", units=found, searched=bool(building or number),
                           chosen=request.args.get("unit", ""))


@blueprint.get("/cases/earlier")
@roles_required(*FRONT_DESK)
def earlier() -> ResponseReturnValue:
    phone = request.args.get("phone", "").strip()
    found = find_cases(db(), viewer=signed_in_viewer(), complainant_phone=phone) if phone else []
    return render_template("cases/_earlier.html", earlier=found, phone=phone)

