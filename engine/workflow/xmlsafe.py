"""Parse uploaded BPMN/DMN XML without trusting it.

Process files come from process owners' browsers, so the XML parser must not
be a way in: no DOCTYPE at all (which rules out every entity trick — external
entities reading local files, billion laughs, parameter entities), no network,
no DTD loading and libxml2's own limits on huge documents left on. Every
failure is a ``DefinitionError`` a process owner can read, with the line.
"""

from __future__ import annotations

import re

from lxml import etree

from engine.common.errors import DefinitionError, Problem

__all__ = ["MAX_XML_BYTES", "parse_xml"]

MAX_XML_BYTES = 5 * 1024 * 1024

# A DOCTYPE is looked for in the raw bytes before libxml2 sees them, so a
# hostile internal subset is never even parsed. UTF-16 spellings are covered
# too, because the XML declaration may legitimately pick that encoding.
_DOCTYPE_SPELLINGS = tuple(
    (re.compile(re.escape("<!DOCTYPE".encode(codec)), re.IGNORECASE), "\n".encode(codec))
    for codec in ("utf-8", "utf-16-le", "utf-16-be")
)


def parse_xml(data: bytes, *, file: str) -> etree._ElementTree:
    """Parse untrusted XML bytes into a tree, refusing anything unsafe."""
    if not isinstance(data, bytes | bytearray | memoryview):
        raise TypeError("parse_xml expects the file's bytes, not text")
    data = bytes(data)
    if len(data) > MAX_XML_BYTES:
        raise _refuse(file, None, f"file is larger than {MAX_XML_BYTES // (1024 * 1024)} MB")
    doctype_at = _find_doctype(data)
    if doctype_at is not None:
        raise _refuse(file, doctype_at, "DOCTYPE declarations are not allowed in process files")

    parser = etree.XMLParser(
        resolve_entities=False,
        load_dtd=False,
        dtd_validation=False,
        no_network=True,
        huge_tree=False,
        remove_blank_text=False,
    )
    try:
        tree = etree.ElementTree(etree.fromstring(data, parser))
    except etree.XMLSyntaxError as exc:
        reason, line = _syntax_reason(exc, parser.error_log)
        where = f" at line {line}" if line else ""
        raise _refuse(file, line, f"the file is not well-formed XML: {reason}{where}") from None

    # Belt and braces: should an encoding trick have hidden the DOCTYPE from
    # the byte scan, libxml2 still records it here and the file is refused.
    if tree.docinfo.doctype or tree.docinfo.internalDTD is not None:
        raise _refuse(file, 1, "DOCTYPE declarations are not allowed in process files")
    return tree


def _find_doctype(data: bytes) -> int | None:
    """Return the line of the first DOCTYPE in the raw bytes, or None."""
    for pattern, newline in _DOCTYPE_SPELLINGS:
        match = pattern.search(data)
        if match is not None:
            return data[: match.start()].count(newline) + 1
    return None


def _syntax_reason(exc: etree.XMLSyntaxError,
                   log: etree._ListErrorLog) -> tuple[str, int | None]:
    """Return libxml2's first complaint without its location suffix, and its line."""
    # The parser's own log, not the exception's: the latter also carries
    # complaints from earlier, unrelated parses in this thread.
    errors = [e for e in log if e.level >= etree.ErrorLevels.ERROR]
    if errors:
        return errors[0].message.strip(), errors[0].line or None
    message = re.sub(r",? line \d+, column \d+$", "", str(exc.msg or exc)).strip()
    return message or "unreadable content", exc.lineno or None


def _refuse(file: str, line: int | None, message: str) -> DefinitionError:
    return DefinitionError([Problem(message, file=file, line=line)], file=file, line=line)
