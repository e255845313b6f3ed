"""The names a BPMN diagram shows people: its processes, pools, lanes, steps and flow labels.

These are the words a reader sees on the drawn diagram and as task titles, so
they are what gets translated. The names of data items, messages, signals and
the like are the process owner's technical vocabulary and stay as written, as
do the engine's own extension properties (``dueIn``, ``roleFrom``), which are
outside the BPMN namespace anyway.
"""

from __future__ import annotations

from collections.abc import Iterator

from lxml import etree

__all__ = ["BPMN_MODEL", "message_id", "named_elements"]

BPMN_MODEL = "http://www.omg.org/spec/BPMN/20100524/MODEL"

# BPMN elements whose name is a variable or a definition, not something drawn for people.
TECHNICAL = frozenset({
    "dataInput", "dataOutput", "inputDataItem", "outputDataItem", "dataObject", "dataStore",
    "property", "itemDefinition", "message", "signal", "error", "escalation", "interface",
    "operation", "resource", "correlationKey", "correlationProperty",
})


def named_elements(root: etree._Element) -> Iterator[etree._Element]:
    """Yield, in document order, every BPMN element whose name people read."""
    for element in root.iter(etree.Element):
        name = element.get("name")
        if not name or not name.strip():
            continue
        qname = etree.QName(element)
        if qname.namespace == BPMN_MODEL and qname.localname not in TECHNICAL:
            yield element


def message_id(name: str) -> str:
    """The catalog's id for a name: its "%" doubled, so "75 % returned?" is no placeholder.

    The catalog reads a lone "%" followed by a letter as a Python format, and would
    then refuse any translation that does not repeat it.
    """
    return name.replace("%", "%%")
