"""A campaign's results as tables, and those tables as CSV and as an XLSX workbook.

The workbook is written with the standard library: a few XML parts in a zip,
every text an inline string, which is all a spreadsheet needs to open it.
"""

from __future__ import annotations

import csv
import io
import re
import zipfile
from collections.abc import Mapping, Sequence
from typing import Any
from xml.sax.saxutils import escape

from flask_babel import gettext

from engine.surveys.questionnaire import SCALE

__all__ = ["Table", "as_csv", "as_xlsx", "feedback_table", "rate_table", "rating_order",
           "score_table"]

Cell = str | int | float | None
Table = list[list[Cell]]

# XML 1.0 refuses these characters outright; free text typed on a phone may hold them.
NOT_XML = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff]")


def rating_order(report: Mapping[str, Any], labels: Mapping[str, str]) -> list[str]:
    """The rating questions in the questionnaire's own order.

    ``labels`` follows the questionnaire's ``ui.order``; the schema's properties
    may come back from a JSON column in another order (PostgreSQL's jsonb sorts keys).
    """
    rated = set(report["tabulation"]["questions"])
    return [q for q in labels if q in rated] + sorted(rated - set(labels))


def score_table(report: Mapping[str, Any], labels: Mapping[str, str]) -> Table:
    """Each question's counts 1–5, mean and satisfaction rate (% of 4–5), overall then by building.

    The first line under the header is the overall satisfaction rate of every
    rating answer together.
    """
    tabulation = report["tabulation"]
    rows: Table = [[gettext("Building"), gettext("Question"), gettext("Label"),
                    gettext("Answered"), *(str(p) for p in SCALE), gettext("Mean"),
                    gettext("Satisfaction rate (% answering 4 or 5)")]]
    overall = tabulation.get("satisfaction", {})
    rows.append([gettext("All buildings"), "", gettext("Overall satisfaction rate"),
                 overall.get("answered", 0), *("" for _ in SCALE), "", overall.get("percent")])
    groups = [(gettext("All buildings"), tabulation["overall"])]
    groups += [(code, per["questions"]) for code, per in tabulation["buildings"].items()]
    for building, figures in groups:
        for question in rating_order(report, labels):
            got = figures.get(question, {})
            rows.append([building, question, labels.get(question, question),
                         got.get("answered", 0),
                         *(got.get("counts", {}).get(str(p), 0) for p in SCALE),
                         got.get("mean"), got.get("satisfaction", {}).get("percent")])
    return rows


def rate_table(report: Mapping[str, Any]) -> Table:
    """Forms sent and returned per building, and the whole campaign's return rate."""
    rows: Table = [[gettext("Building"), gettext("Sampled"), gettext("Returned"),
                    gettext("Return rate, percent")]]
    for line in report["by_building"]:
        rows.append([line["building"], line["sampled"], line["returned"],
                     round(100 * line["returned"] / line["sampled"], 1)])
    rate = report["return_rate"]
    if rate:
        rows.append([gettext("All buildings"), rate["sent"], rate["returned"], rate["percent"]])
    return rows


def feedback_table(report: Mapping[str, Any]) -> Table:
    rows: Table = [[gettext("Question"), gettext("Text"), gettext("Kind"),
                    gettext("Category"), gettext("Confirmed")]]
    for item in report["feedback"]["items"]:
        rows.append([item["question"], item["text"], item["kind"], item["category"],
                     gettext("yes") if item["confirmed"] else gettext("no")])
    return rows


def as_csv(table: Table) -> bytes:
    """UTF-8 with a byte-order mark: spreadsheets then read the Chinese right."""
    out = io.StringIO()
    csv.writer(out, lineterminator="\r\n").writerows(
        ["" if cell is None else cell for cell in row] for row in table)
    return out.getvalue().encode("utf-8-sig")


def as_xlsx(sheets: Sequence[tuple[str, Table]]) -> bytes:
    """A workbook with one worksheet per (name, table)."""
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as book:
        book.writestr("[Content_Types].xml", _content_types(len(sheets)))
        book.writestr("_rels/.rels", _RELS.format(
            target="xl/workbook.xml", type=_OFFICE + "/officeDocument"))
        book.writestr("xl/workbook.xml", _workbook([name for name, _ in sheets]))
        book.writestr("xl/_rels/workbook.xml.rels", _workbook_rels(len(sheets)))
        for number, (_name, table) in enumerate(sheets, start=1):
            book.writestr(f"xl/worksheets/sheet{number}.xml", _worksheet(table))
    return out.getvalue()


_OFFICE = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"
_MAIN = "http://schemas.openxmlformats.org/spreadsheetml/2006/main"
_RELS = ('<?xml version="1.0" encoding="UTF-8" standalone="yes"?>'
         '<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">'
         '<Relationship Id="rId1" Type="{type}" Target="{target}"/></Relationships>')


def _content_types(count: int) -> str:
    sheet = "application/vnd.openxmlformats-officedocument.spreadsheetml.worksheet+xml"
    book = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml"
    overrides = "".join(f'<Override PartName="/xl/worksheets/sheet{n}.xml" ContentType="{sheet}"/>'
                        for n in range(1, count + 1))
    return ('<?xml version="1.0" encoding="UTF-8" standalone="yes"?>'
            '<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">'
            '<Default Extension="rels" '
            'ContentType="application/vnd.openxmlformats-package.relationships+xml"/>'
            '<Default Extension="xml" ContentType="application/xml"/>'
            f'<Override PartName="/xl/workbook.xml" ContentType="{book}"/>{overrides}</Types>')


def _workbook(names: Sequence[str]) -> str:
    sheets = "".join(f'<sheet name="{_xml(name[:31])}" sheetId="{n}" r:id="rId{n}"/>'
                     for n, name in enumerate(names, start=1))
    return (f'<?xml version="1.0" encoding="UTF-8" standalone="yes"?>'
            f'<workbook xmlns="{_MAIN}" xmlns:r="{_OFFICE}"><sheets>{sheets}</sheets></workbook>')


def _workbook_rels(count: int) -> str:
    links = "".join(f'<Relationship Id="rId{n}" Type="{_OFFICE}/worksheet" '
                    f'Target="worksheets/sheet{n}.xml"/>' for n in range(1, count + 1))
    return ('<?xml version="1.0" encoding="UTF-8" standalone="yes"?><Relationships '
            f'xmlns="http://schemas.openxmlformats.org/package/2006/relationships">{links}'
            '</Relationships>')


def _worksheet(table: Table) -> str:
    rows = "".join(f'<row r="{r}">' + "".join(_cell(f"{_column(c)}{r}", value)
                                              for c, value in enumerate(row)) + "</row>"
                   for r, row in enumerate(table, start=1))
    return (f'<?xml version="1.0" encoding="UTF-8" standalone="yes"?>'
            f'<worksheet xmlns="{_MAIN}"><sheetData>{rows}</sheetData></worksheet>')


def _cell(ref: str, value: Cell) -> str:
    if value is None:
        return ""
    if isinstance(value, int | float) and not isinstance(value, bool):
        return f'<c r="{ref}"><v>{value}</v></c>'
    return f'<c r="{ref}" t="inlineStr"><is><t xml:space="preserve">{_xml(value)}</t></is></c>'


def _column(index: int) -> str:
    """0 → A, 25 → Z, 26 → AA."""
    letters = ""
    index += 1
    while index:
        index, rest = divmod(index - 1, 26)
        letters = chr(65 + rest) + letters
    return letters


def _xml(value: object) -> str:
    return escape(NOT_XML.sub("", str(value)), {'"': "&quot;"})
