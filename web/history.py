"""What an instance's audit trail tells the pages: its business data and its finished steps."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from lxml import etree
from markupsafe import Markup

from engine.models import AuditEvent

SVG_NS = "http://www.w3.org/2000/svg"
_PARSER = etree.XMLParser(resolve_entities=False, no_network=True, load_dtd=False)


def business_data(events: Iterable[AuditEvent]) -> dict[str, Any]:
    """The data people gave the instance: the start data, then each submission merged in order.

    Scripts may add or rewrite values later inside the workflow; those are not shown until the
    engine offers a read of the instance's current data without deserializing it per request.
    """
    data: dict[str, Any] = {}
    for event in events:
        if event.action in ("start", "complete") and isinstance(event.data, dict):
            data.update(event.data)
    return data


def done_steps(events: Iterable[AuditEvent]) -> set[str]:
    """BPMN ids of the human tasks completed in an instance."""
    return {e.task_name for e in events if e.action == "complete" and e.task_name}


def inline_svg(svg: str) -> Markup:
    """The engine's diagram SVG, ready to inline under our CSP, drawn at its natural size.

    Its style element is dropped (the CSP would block it; the same rules are in senapas.css), and
    its width becomes the diagram's own width in pixels, so a wide process scrolls sideways in its
    frame instead of shrinking into unreadable text.
    """
    root = etree.fromstring(svg.encode("utf-8"), _PARSER)
    for style in list(root.iter(f"{{{SVG_NS}}}style")):
        parent = style.getparent()
        if parent is not None:
            parent.remove(style)
    box = (root.get("viewBox") or "").split()
    if len(box) == 4:
        root.set("width", box[2])
        root.set("height", box[3])
    return Markup(etree.tostring(root, encoding="unicode"))  # noqa: S704 - our own serializer output
