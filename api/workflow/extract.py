"""Babel's extractor for BPMN diagrams: every name people read becomes a message to translate.

babel.cfg maps ``processes/**.bpmn`` to it, so ``make messages`` puts the names
of the shipped diagrams' processes, pools, lanes, steps and flow labels into the
catalog beside the interface's own messages, each with the kind of element it
names for the translator.
"""

from __future__ import annotations

from collections.abc import Collection, Iterator, Mapping
from typing import IO, Any

from lxml import etree

from engine.workflow.names import message_id, named_elements
from engine.workflow.xmlsafe import parse_xml

__all__ = ["extract_bpmn"]


def extract_bpmn(fileobj: IO[bytes], keywords: Collection[str], comment_tags: Collection[str],
                 options: Mapping[str, Any]) -> Iterator[tuple[int, None, str, list[str]]]:
    """Yield ``(line, None, name, [what it names])`` for each name in one BPMN file.

    The file is parsed as deployments parse it: no DOCTYPE, no entities, no network.
    A name's "%" is written "%%", as in every other message (see ``message_id``).
    """
    tree = parse_xml(fileobj.read(), file=str(getattr(fileobj, "name", "diagram.bpmn")))
    for element in named_elements(tree.getroot()):
        kind = etree.QName(element).localname
        yield element.sourceline or 0, None, message_id(element.get("name")), [f"BPMN {kind}"]
