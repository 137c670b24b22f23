"""Hostile-input-safe reading of BPMN and DMN bytes, and the namespaces we look things up with."""

from __future__ import annotations

import re

from lxml import etree

from engine.errors import InvalidDefinition, Problem

MAX_BYTES = 5 * 1024 * 1024
NS = {
    "bpmn": "http://www.omg.org/spec/BPMN/20100524/MODEL",
    "bpmndi": "http://www.omg.org/spec/BPMN/20100524/DI",
    "dc": "http://www.omg.org/spec/DD/20100524/DC",
    "di": "http://www.omg.org/spec/DD/20100524/DI",
    "spiffworkflow": "http://spiffworkflow.org/bpmn/schema/1.0/core",
}
_DTD = re.compile(rb"<!\s*(DOCTYPE|ENTITY)", re.IGNORECASE)


def parse(content: bytes, filename: str) -> etree._Element:
    """Parse untrusted XML: size-capped, no DTD, no entities, no network; errors name file and line."""
    if len(content) > MAX_BYTES:
        raise InvalidDefinition([Problem("file_too_large", filename, params={"limit_mb": MAX_BYTES // (1024 * 1024)})])
    match = _DTD.search(content)
    if match:
        line = content.count(b"\n", 0, match.start()) + 1
        raise InvalidDefinition([Problem("doctype_entities", filename, line)])
    parser = etree.XMLParser(resolve_entities=False, no_network=True, load_dtd=False, dtd_validation=False,
                             huge_tree=False, remove_comments=False)
    try:
        root = etree.fromstring(content, parser)
    except etree.XMLSyntaxError as exc:
        raise InvalidDefinition([Problem("xml_invalid", filename, exc.lineno, params={"detail": exc.msg})]) from exc
    docinfo = root.getroottree().docinfo
    if docinfo.doctype or docinfo.internalDTD is not None:  # e.g. a UTF-16 file the byte scan missed
        raise InvalidDefinition([Problem("doctype", filename, 1)])
    return root


def extension_properties(element: etree._Element) -> dict[str, str]:
    """The `spiffworkflow:property` name/value pairs of an element."""
    return {p.get("name", ""): p.get("value", "")
            for p in element.iterfind("bpmn:extensionElements/spiffworkflow:properties/spiffworkflow:property",
                                      NS)}
