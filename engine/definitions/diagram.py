"""Render a BPMN file's diagram interchange as a standalone SVG, with instance state marked.

The SVG is built on the server with lxml, so every name from the BPMN file is escaped by the
serializer. It holds no script and no external reference, and every colour is also given as a
presentation attribute, so it renders under a strict Content-Security-Policy whether it is served
as image/svg+xml or inlined into HTML (where the embedded style element may be blocked).
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Mapping
from dataclasses import dataclass

from lxml import etree

from engine.definitions import bpmn_xml as bpmn_xml_module
from engine.definitions.shapes import (
    INK,
    MODEL,
    PAINTS,
    SVG,
    Box,
    check_mark,
    draw_shape,
    el,
    fmt,
    kind_of,
    local,
    outer_label,
)
from engine.errors import InvalidDefinition

BPMNDI = "http://www.omg.org/spec/BPMN/20100524/DI"
DC = "http://www.omg.org/spec/DD/20100524/DC"
DI = "http://www.omg.org/spec/DD/20100524/DI"
MARGIN = 20
COORDINATE_LIMIT = 1e6
NO_DIAGRAM = "Diagram tidak tersedia"
LEGEND = (("active", "Sedang dikerjakan"), ("done", "Selesai"))
COUNTED = "selesai"  # "3/5 selesai": instances of a multi-instance activity done of those started
FONT = "Helvetica, Arial, 'Liberation Sans', sans-serif"
# Scoped to the root class because a style element inlined in HTML applies to the whole page.
STYLE = f"""
.senapas-diagram text {{ font-family: {FONT}; }}
.senapas-diagram [data-element-id]:hover > .outline {{ filter: drop-shadow(0 0 3px #90caf9); }}
.senapas-diagram .active > .outline {{ filter: drop-shadow(0 0 4px #90caf9); }}
"""


@dataclass(frozen=True)
class Item:
    """One diagram element to draw: its BPMN element and its DI geometry."""

    sem: etree._Element
    box: Box | None
    points: list[tuple[float, float]]
    label: Box | None
    expanded: bool
    horizontal: bool

    @property
    def order(self) -> tuple[int, float]:
        """Sort key: containers first (largest first), then shapes, edges, boundary events."""
        layers = {"pool": 0, "lane": 1}
        layer = layers.get(kind_of(self.sem), 2 if self.expanded else 3)
        if self.points:
            layer = 4
        elif local(self.sem) == "boundaryEvent":
            layer = 5
        area = self.box.w * self.box.h if self.box and layer < 3 else 0.0
        return layer, -area


def _parse(bpmn_xml: bytes) -> etree._Element:
    """Parse BPMN bytes with the deploy's hardened parser; its refusals become ValueError here."""
    try:
        return bpmn_xml_module.parse(bpmn_xml, "diagram")
    except InvalidDefinition as refused:
        raise ValueError(str(refused)) from refused


def _ref(value: str | None) -> str:
    """Strip a namespace prefix from a QName reference such as bpmnElement or processRef."""
    return (value or "").rpartition(":")[2]


def _process(root: etree._Element, process_id: str | None) -> etree._Element | None:
    """Find the requested process, else the first executable one, else the first one."""
    processes = list(root.iter(f"{{{MODEL}}}process"))
    if process_id is not None:
        found = [p for p in processes if p.get("id") == process_id]
        if not found:
            raise ValueError(f"process {process_id!r} is not in this BPMN file")
        return found[0]
    executable = [p for p in processes if p.get("isExecutable") == "true"]
    return (executable or processes or [None])[0]


def _choose_plane(root: etree._Element, process: etree._Element | None, *,
                  explicit: bool) -> etree._Element | None:
    """Pick the plane showing the process or its collaboration; else the first, if not explicit."""
    planes = list(root.iter(f"{{{BPMNDI}}}BPMNPlane"))
    process_id = None if process is None else process.get("id")
    wanted = {process_id} | {
        collaboration.get("id")
        for collaboration in root.iter(f"{{{MODEL}}}collaboration")
        if any(_ref(p.get("processRef")) == process_id
               for p in collaboration.iter(f"{{{MODEL}}}participant"))}
    for plane in planes:
        if _ref(plane.get("bpmnElement")) in wanted:
            return plane
    return planes[0] if planes and not explicit else None


def _sane(value: float) -> bool:
    """Tell whether a DI coordinate is finite and within any real diagram's reach."""
    return math.isfinite(value) and abs(value) <= COORDINATE_LIMIT


def _bounds(node: etree._Element | None) -> Box | None:
    """Read the dc:Bounds child of a DI node, or None when it is missing or broken."""
    bounds = None if node is None else node.find(f"{{{DC}}}Bounds")
    if bounds is None:
        return None
    try:
        values = [float(bounds.get(key, "")) for key in ("x", "y", "width", "height")]
    except ValueError:
        return None
    if not all(_sane(v) for v in values) or values[2] < 0 or values[3] < 0:
        return None
    return Box(*values)


def _waypoints(edge: etree._Element) -> list[tuple[float, float]]:
    """Read the usable di:waypoint coordinates of an edge."""
    points = []
    for point in edge.iter(f"{{{DI}}}waypoint"):
        try:
            x, y = float(point.get("x", "")), float(point.get("y", ""))
        except ValueError:
            continue
        if _sane(x) and _sane(y):
            points.append((x, y))
    return points


def _items(plane: etree._Element, model: dict[str, etree._Element]) -> list[Item]:
    """Collect the drawable elements of a plane, skipping DI that points at nothing."""
    items = []
    for node in plane:
        if not isinstance(node.tag, str) or local(node) not in ("BPMNShape", "BPMNEdge"):
            continue
        sem = model.get(_ref(node.get("bpmnElement")))
        if sem is None:
            continue
        label = _bounds(node.find(f"{{{BPMNDI}}}BPMNLabel"))
        if local(node) == "BPMNEdge":
            points = _waypoints(node)
            if len(points) >= 2:
                items.append(Item(sem, None, points, label, False, True))
            continue
        box = _bounds(node)
        if box is not None:
            expanded = kind_of(sem) == "subprocess" and node.get("isExpanded") == "true"
            horizontal = node.get("isHorizontal", "true") != "false"
            items.append(Item(sem, box, [], label, expanded, horizontal))
    return sorted(items, key=lambda item: item.order)


def _draw_edge(g: etree._Element, sem: etree._Element, points: list[tuple[float, float]],
              name: str, state: str, label: Box | None, source: etree._Element | None) -> Box:
    """Draw one sequence flow, message flow or association and return the area it covers."""
    paint = PAINTS[state]
    kind = kind_of(sem)
    flow = kind == "flow"
    start: str | None = None
    end: str | None
    if kind == "message-flow":
        start, end = "url(#senapas-circle)", "url(#senapas-open-arrow)"
    elif flow:
        end = f"url(#senapas-arrow{'-' + state if state else ''})"
        if (source is not None and kind_of(source) != "gateway"
                and any(local(c) == "conditionExpression" for c in sem if isinstance(c.tag, str))):
            start = "url(#senapas-diamond)"
    else:
        arrow = local(sem) != "association" or sem.get("associationDirection") == "One"
        end = "url(#senapas-open-arrow)" if arrow else None
    dash = {"message-flow": "6 4", "association": "2 4"}.get(kind)
    el(g, "polyline", class_="outline", points=" ".join(f"{fmt(x)},{fmt(y)}" for x, y in points),
       fill="none", stroke=paint.stroke, stroke_width=(1.5 if flow else 1.2) + paint.boost,
       stroke_dasharray=dash, stroke_linejoin="round", marker_start=start, marker_end=end)
    if flow and source is not None and source.get("default") == sem.get("id"):
        _default_slash(g, points, paint.stroke)
    xs, ys = [x for x, _ in points], [y for _, y in points]
    area = Box(min(xs), min(ys), max(xs) - min(xs), max(ys) - min(ys))
    if name and label is None:
        (x1, y1), (x2, y2) = points[(len(points) - 1) // 2], points[len(points) // 2 or 1]
        label = Box((x1 + x2) / 2 - 45, (y1 + y2) / 2 + 4, 90, 0)
    return outer_label(g, name, area, label)


def _default_slash(g: etree._Element, points: list[tuple[float, float]], stroke: str) -> None:
    """Draw the slash that marks a gateway's or activity's default flow near its start."""
    (x1, y1), (x2, y2) = points[0], points[1]
    length = math.hypot(x2 - x1, y2 - y1) or 1
    ux, uy = (x2 - x1) / length, (y2 - y1) / length
    px, py = x1 + ux * min(12, length / 2), y1 + uy * min(12, length / 2)
    dx, dy = ux * 4 - uy * 6, uy * 4 + ux * 6
    el(g, "path", class_="default-marker", stroke=stroke, stroke_width=1.5,
       d=f"M{fmt(px - dx)} {fmt(py - dy)}L{fmt(px + dx)} {fmt(py + dy)}")


def _add_markers(defs: etree._Element) -> None:
    """Define the arrowheads and flow-end markers referenced by edges."""
    for state, paint in PAINTS.items():
        marker = el(defs, "marker", id=f"senapas-arrow{'-' + state if state else ''}",
                    viewBox="0 0 20 20", refX=19, refY=10, markerWidth=10, markerHeight=10,
                    orient="auto")
        el(marker, "path", d="M1 3L19 10L1 17z", fill=paint.stroke, stroke=paint.stroke,
           stroke_width=1, stroke_linejoin="round")
    shapes = {"open-arrow": ("M1 3L19 10L1 17", "none", 19),
              "circle": ("M3 10a5 5 0 1 0 10 0a5 5 0 1 0-10 0z", "#ffffff", 3),
              "diamond": ("M1 10L9 5L17 10L9 15z", "#ffffff", 1)}
    for name, (path, fill, ref_x) in shapes.items():
        marker = el(defs, "marker", id=f"senapas-{name}", viewBox="0 0 20 20", refX=ref_x,
                    refY=10, markerWidth=10, markerHeight=10, orient="auto")
        el(marker, "path", d=path, fill=fill, stroke=INK, stroke_width=1.5)


def _name(sem: etree._Element) -> str:
    """Return an element's name, or the text of a text annotation."""
    return str(sem.get("name") or sem.findtext(f"{{{MODEL}}}text") or "")


def _root(view: Box, title: str, inline: bool = False) -> etree._Element:
    """Create the svg element: standalone it scales to its container's width and carries its style;
    inline (in a page whose CSP blocks embedded style) it has its natural size and no style element."""
    svg = etree.Element(f"{{{SVG}}}svg", nsmap={None: SVG})
    size = (("width", fmt(view.w)), ("height", fmt(view.h))) if inline else (("width", "100%"),)
    for key, value in (("viewBox", " ".join(fmt(v) for v in (view.x, view.y, view.w, view.h))), *size,
                       ("preserveAspectRatio", "xMidYMin meet"),
                       ("class", "senapas-diagram"), ("role", "img"), ("font-family", FONT)):
        svg.set(key, value)
    el(svg, "title", title)
    if not inline:
        el(svg, "style", STYLE)
    return svg


def _fallback() -> str:
    """Return a small SVG that says no diagram is available."""
    svg = _root(Box(0, 0, 400, 60), NO_DIAGRAM)
    el(svg, "text", NO_DIAGRAM, x=200, y=35, font_size=16, text_anchor="middle", fill=INK)
    return _serialize(svg)


def _serialize(svg: etree._Element) -> str:
    """Serialize the SVG tree to a string."""
    return str(etree.tostring(svg, encoding="unicode"))


def _legend(g: etree._Element, x: float, y: float) -> Box:
    """Draw the legend for active and done elements at x, y and return its box."""
    left = x
    for state, text in LEGEND:
        paint = PAINTS[state]
        el(g, "rect", x=left, y=y, width=34, height=20, rx=5, fill=paint.fill,
           stroke=paint.stroke, stroke_width=2 + paint.boost)
        if state == "done":
            check_mark(g, left + 34, y)
        el(g, "text", text, x=left + 44, y=y + 14, font_size=12, fill=INK)
        left += 44 + len(text) * 7 + 24
    return Box(x, y - 8, left - x, 28)


def _count_badge(g: etree._Element, box: Box, done: int, total: int) -> Box:
    """Draw "done/total" in a pill above a multi-instance activity's top right corner; return its box."""
    text = f"{done}/{total}"
    width = 14 + len(text) * 7
    x, y = box.x + box.w - width + 6, box.y - 11
    finished = done == total
    el(g, "rect", class_="count-badge", x=x, y=y, width=width, height=18, rx=9,
       fill=PAINTS["done" if finished else "active"].stroke, stroke="#ffffff", stroke_width=1.5)
    el(g, "text", text, x=x + width / 2, y=y + 13, font_size=11, font_weight="bold", text_anchor="middle",
       fill="#ffffff")
    return Box(x, y, width, 18)


def _draw_items(items: list[Item], model: dict[str, etree._Element], names: Mapping[str, str],
                active: set[str], done: set[str],
                counts: Mapping[str, tuple[int, int]] | None = None) -> tuple[etree._Element, Box]:
    """Draw every item into one group, each in its own titled group; return it and its extent."""
    content = etree.Element(f"{{{SVG}}}g", {"class": "elements"})
    extent: Box | None = None
    for item in items:
        element_id = str(item.sem.get("id"))
        state = "active" if element_id in active else "done" if element_id in done else ""
        name = names.get(element_id) or _name(item.sem)
        classes = " ".join(c for c in (kind_of(item.sem), local(item.sem), state) if c)
        g = el(content, "g", class_=classes, data_element_id=element_id)
        counted = counts.get(element_id) if counts and item.box is not None else None
        el(g, "title", f"{name or element_id}: {counted[0]}/{counted[1]} {COUNTED}" if counted else name or element_id)
        if item.box is None:
            source = model.get(_ref(item.sem.get("sourceRef")))
            area = _draw_edge(g, item.sem, item.points, name, state, item.label, source)
        else:
            area = draw_shape(g, item.sem, item.box, name, state, item.label,
                              expanded=item.expanded, horizontal=item.horizontal)
            if counted:
                area = area.union(_count_badge(g, item.box, *counted))
        extent = area if extent is None else extent.union(area)
    return content, extent or Box(0, 0, 0, 0)


def render_svg(bpmn_xml: bytes, *, process_id: str | None = None, done: Iterable[str] = (),
               active: Iterable[str] = (), labels: Mapping[str, str] | None = None, inline: bool = False,
               counts: Mapping[str, tuple[int, int]] | None = None) -> str:
    """Render the diagram of a process as SVG, marking done and active elements by BPMN id.

    `inline` gives the form for embedding in an HTML page (natural size, no style element);
    `counts` puts "done/total" on multi-instance activities (e.g. libraries visited of those planned).
    """
    root = _parse(bpmn_xml)
    model = {str(node.get("id")): node for node in root.iter(f"{{{MODEL}}}*") if node.get("id")}
    process = _process(root, process_id)
    plane = _choose_plane(root, process, explicit=process_id is not None)
    items = _items(plane, model) if plane is not None else []
    if not items:
        return _fallback()
    active_ids = set(active)
    done_ids = set(done) - active_ids
    names = labels or {}
    content, extent = _draw_items(items, model, names, active_ids, done_ids, counts)
    legend = etree.Element(f"{{{SVG}}}g", {"class": "legend"})
    if active_ids or done_ids:
        extent = extent.union(_legend(legend, extent.x, extent.bottom + 24))
    view = Box(extent.x - MARGIN, extent.y - MARGIN, extent.w + 2 * MARGIN, extent.h + 2 * MARGIN)
    title = None if process is None else names.get(str(process.get("id"))) or process.get("name")
    svg = _root(view, title or "Diagram proses", inline)
    _add_markers(el(svg, "defs"))
    svg.append(content)
    if len(legend):
        svg.append(legend)
    return _serialize(svg)
