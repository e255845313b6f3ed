"""The printable reply letter: a letter is answered by a letter (seed rule IV.2)."""

from __future__ import annotations

from html import escape

from sqlalchemy import select
from sqlalchemy.orm import Session

from engine.cases.access import may_read_case
from engine.cases.models import Case, ReplyLetter
from engine.common.errors import NotFound
from engine.common.privacy import mask_address
from engine.workflow.viewer import Viewer

PAGE = """<!doctype html>
<html lang="zh"><head><meta charset="utf-8"><title>{number}</title>
<style>
  @page {{ size: A4; margin: 25mm 20mm; }}
  body {{ font-family: serif; font-size: 12pt; line-height: 1.6; max-width: 170mm; }}
  .ref {{ text-align: right; }} .body {{ white-space: pre-wrap; margin: 2em 0; }}
  table {{ border-collapse: collapse; font-size: 10pt; }} td {{ padding: 0 1em 0 0; }}
</style></head><body>
<p>{addressee}<br>{address}</p>
<p class="ref">案件編號 Case {number}<br>{date}</p>
<div class="body">{body}</div>
<p>管理處 The Management Office</p>
<h2 style="font-size:11pt">聯絡電話 Contact directory</h2>
<table>{contacts}</table>
</body></html>
"""


def letter_of(session: Session, *, number: str, letter_id: int,
              viewer: Viewer) -> tuple[Case, ReplyLetter]:
    """The reply letter ``letter_id`` of case ``number``, if the viewer's estate may see it."""
    case = session.scalars(select(Case).where(Case.number == number)).first()
    letter = session.get(ReplyLetter, letter_id)
    if case is None or not viewer.sees_estate(case.estate_id) or letter is None \
            or letter.case_id != case.id or not may_read_case(session, case, viewer):
        raise NotFound(f"no letter {letter_id} of case {number}")
    return case, letter


def render_letter(case: Case, letter: ReplyLetter, *, whole: bool = True) -> str:
    """Return the letter as a self-contained, printable HTML page; every value is escaped.

    Not ``whole``, the address is cut to its building: the reader does not answer owners.
    """
    address = letter.address if whole else mask_address(letter.address)
    contacts = "".join(
        f"<tr><td>{escape(c.get('name_zh', ''))} {escape(c.get('name', ''))}</td>"
        f"<td>{escape(c.get('phone', ''))}</td></tr>" for c in letter.contacts)
    return PAGE.format(number=escape(case.number), addressee=escape(letter.addressee),
                       address=escape(address), date=letter.written_at.date().isoformat(),
                       body=escape(letter.body), contacts=contacts)
