"""The printable reply letter: a letter is answered by a letter (seed rule IV.2).

It has the form of a Chinese business letter from the office: the addressee and address,
the salutation with its honorific, the body, the closing 此致 / 敬禮, the estate's and the
office's names over a marked place for the seal, the date, and the contact directory.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import tzinfo
from html import escape
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from engine.cases.access import may_read_case
from engine.cases.models import Case, ReplyLetter
from engine.common.clock import office_zone
from engine.common.errors import NotFound
from engine.common.privacy import mask_address
from engine.directory.models import Estate
from engine.workflow.viewer import Viewer

# The letter is written in Chinese; an English letter exists for owners who write in English.
# Neither the case nor the complainant records a preferred language yet, so the letter is
# Chinese unless staff ask for English when they print (the page's ?language=en).
LETTER_LANGUAGES = ("zh", "en")

MONTHS = ("January", "February", "March", "April", "May", "June", "July", "August",
          "September", "October", "November", "December")


@dataclass(frozen=True)
class Wording:
    """The fixed words of a letter in one language."""

    lang: str             # the HTML lang of the letter
    salutation: str       # {name}: the complainant's name as the case records it
    case_reference: str   # {number}
    closing: tuple[str, str]
    office: str           # {estate}: the estate the case belongs to, or "" if none
    seal: str
    contacts: str
    contact_name: str     # the key of the department's name in the contact directory


WORDING = {
    # The case knows a name and no gender: 先生／女士 addresses either, never guesses.
    "zh": Wording(lang="zh-Hant", salutation="尊敬的{name}先生／女士：",
                  case_reference="案件編號：{number}", closing=("此致", "敬禮"),
                  office="{estate}管理處", seal="（管理處蓋章）", contacts="聯絡電話",
                  contact_name="name_zh"),
    "en": Wording(lang="en", salutation="Dear {name},", case_reference="Case {number}",
                  closing=("Yours sincerely,", ""), office="The Management Office, {estate}",
                  seal="(Seal of the management office)", contacts="Contact directory",
                  contact_name="name"),
}


def letter_of(session: Session, *, number: str, letter_id: int,
              viewer: Viewer) -> tuple[Case, ReplyLetter]:
    """The reply letter ``letter_id`` of case ``number``, if the viewer's estate may see it."""
    case = session.scalars(select(Case).where(Case.number == number)).first()
    letter = session.get(ReplyLetter, letter_id)
    if case is None or not viewer.sees_estate(case.estate_id) or letter is None \
            or letter.case_id != case.id or not may_read_case(session, case, viewer):
        raise NotFound(f"no letter {letter_id} of case {number}")
    return case, letter


def estate_name(session: Session, case: Case) -> str:
    """The name of the estate the case belongs to, or "" for a case of no estate."""
    estate = session.get(Estate, case.estate_id) if case.estate_id is not None else None
    return estate.name if estate is not None else ""


def letter_date(letter: ReplyLetter, zone: tzinfo, language: str) -> str:
    """The day the letter was written, on the office's calendar, as the language writes it.

    Times are stored in UTC: 07:30 in Beijing on 5 December is still 4 December in UTC.
    """
    day = letter.written_at.astimezone(zone).date()
    if language == "zh":
        return f"{day.year}年{day.month}月{day.day}日"
    return f"{day.day} {MONTHS[day.month - 1]} {day.year}"


def render_letter(case: Case, letter: ReplyLetter, *, estate: str = "",
                  zone: tzinfo | None = None, language: str = "zh", whole: bool = True,
                  print_label: str = "", static: str = "") -> str:
    """Return the letter as a printable HTML page; every value is escaped.

    Not ``whole``, the address is cut to its building: the reader does not answer owners.
    With a ``print_label`` and the app's ``static`` folder URL, the page has a print button
    (not printed) and the office's icon.
    """
    words = WORDING[language]
    address = letter.address if whole else mask_address(letter.address)
    office = words.office.format(estate=escape(estate)).strip(" ,")
    return PAGE.format(
        lang=words.lang, number=escape(case.number),
        head=_icon(static), toolbar=_toolbar(print_label, static),
        addressee=escape(letter.addressee), address=escape(address),
        reference=escape(words.case_reference.format(number=case.number)),
        salutation=escape(words.salutation.format(name=letter.addressee)),
        body=_paragraphs(letter.body),
        closing="".join(f'<p class="closing-{i}">{escape(line)}</p>'
                        for i, line in enumerate(words.closing) if line),
        office=office, seal=escape(words.seal),
        date=escape(letter_date(letter, zone or office_zone(), language)),
        contacts_title=escape(words.contacts),
        contacts=_contacts(letter.contacts, words.contact_name))


def _paragraphs(body: str) -> str:
    # A Chinese letter indents the first line of each paragraph by two characters.
    return "".join(f"<p>{escape(line)}</p>" for line in body.splitlines() if line.strip())


def _icon(static: str) -> str:
    # Without it the browser asks for /favicon.ico, which is not there.
    return f'<link rel="icon" href="{escape(static)}favicon.svg">' if static else ""


def _toolbar(label: str, static: str) -> str:
    if not (label and static):
        return ""
    return (f'<div class="toolbar"><button type="button" id="print-letter">{escape(label)}'
            f'</button></div><script src="{escape(static)}letter_print.js" defer></script>')


def _contacts(directory: list[Any], name_key: str) -> str:
    # The directory as it was printed on the day; an entry without a name in the letter's
    # language falls back to the other, so no phone number is dropped.
    rows = []
    for entry in directory:
        name = entry.get(name_key) or entry.get("name_zh") or entry.get("name", "")
        rows.append(f"<tr><td>{escape(name)}</td><td>{escape(entry.get('phone', ''))}</td></tr>")
    return "".join(rows)


PAGE = """<!doctype html>
<html lang="{lang}"><head><meta charset="utf-8"><title>{number}</title>{head}
<style>
  @page {{ size: A4; margin: 25mm 20mm; }}
  body {{ font-family: serif; font-size: 12pt; line-height: 1.6; max-width: 170mm; }}
  .toolbar {{ margin: 1em 0; }} .ref {{ text-align: right; }}
  .body {{ margin: 1em 0; }} .body p {{ text-indent: 2em; margin: 0; }}
  .closing-0 {{ margin: 2em 0 0 2em; }} .closing-1 {{ margin: 0; }}
  .sender {{ text-align: right; margin-top: 2em; }}
  .seal {{ display: inline-block; width: 40mm; height: 40mm; border: 1px dashed #888;
           color: #888; font-size: 9pt; text-align: center; line-height: 40mm; }}
  h2 {{ font-size: 11pt; margin-top: 3em; }}
  table {{ border-collapse: collapse; font-size: 10pt; }} td {{ padding: 0 1em 0 0; }}
  @media print {{ .toolbar {{ display: none; }} }}
</style></head><body>
{toolbar}
<article class="letter">
<p class="addressee">{addressee}<br>{address}</p>
<p class="ref">{reference}</p>
<p class="salutation">{salutation}</p>
<div class="body">{body}</div>
{closing}
<div class="sender">
<p class="office">{office}</p>
<p><span class="seal">{seal}</span></p>
<p class="date">{date}</p>
</div>
<h2>{contacts_title}</h2>
<table class="contacts">{contacts}</table>
</article>
</body></html>
"""
