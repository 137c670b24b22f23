"""Draw single BPMN shapes, with their icons, markers and wrapped names, as SVG for engine.definitions.diagram."""

from __future__ import annotations

from dataclasses import dataclass

from lxml import etree

SVG = "http://www.w3.org/2000/svg"
MODEL = "http://www.omg.org/spec/BPMN/20100524/MODEL"
INK = "#22242a"
FONT_SIZE = 12
LABEL_SIZE = 11
CHAR_WIDTH = 0.56  # average glyph width of a sans-serif font, in em; good enough to wrap names
LINE_HEIGHT = 1.2


@dataclass(frozen=True)
class Box:
    """An axis-aligned rectangle in diagram coordinates."""

    x: float
    y: float
    w: float
    h: float

    @property
    def cx(self) -> float:
        return self.x + self.w / 2

    @property
    def cy(self) -> float:
        return self.y + self.h / 2

    @property
    def bottom(self) -> float:
        return self.y + self.h

    def union(self, other: Box) -> Box:
        """Return the smallest box holding both boxes."""
        x, y = min(self.x, other.x), min(self.y, other.y)
        right = max(self.x + self.w, other.x + other.w)
        return Box(x, y, right - x, max(self.bottom, other.bottom) - y)


@dataclass(frozen=True)
class Paint:
    """Fill, stroke and extra stroke width that show an element's state."""

    fill: str
    stroke: str
    boost: float


PAINTS = {
    "": Paint("#ffffff", INK, 0),
    "done": Paint("#e8f5e9", "#2e7d32", 0),
    "active": Paint("#e3f0fd", "#1565c0", 2),
    # Version diffs (`diagram.render_marked_svg`).
    "added": Paint("#e6f4ea", "#1b7f3b", 2),
    "changed": Paint("#fff4e0", "#b45f06", 2),
    "removed": Paint("#fdecea", "#b3261e", 1),
}

TASK_ICONS = {
    "userTask": "M8 1.5a3.2 3.2 0 1 1 0 6.4a3.2 3.2 0 1 1 0-6.4z M2 16c0-4.5 2.5-7 6-7s6 2.5 6 7z",
    "scriptTask": "M3 1h10q-3 3.5 0 7t0 8H3q3-3.5 0-8t0-7z M5.5 5h5 M6 8h5 M5.5 12h5",
    "businessRuleTask": "M1 2h15v12H1z M1 5.5h15 M1 8.5h15 M1 11.5h15 M5 5.5v8.5",
    "manualTask": "M1 8h4l3-5h2l-2 4h7v2h-5v1h4v2h-4v1h3v2H5l-4-2z",
    "sendTask": "M1 3h15v10H1z",
    "receiveTask": "M1 3h15v10H1z",
}
EVENT_ICONS = {  # drawn for an event of radius 18, centred on the origin
    "messageEventDefinition": "M-8-5.5h16v11h-16z M-8-5.5l8 6l8-6",
    "signalEventDefinition": "M0-9l8 13.5h-16z",
    "errorEventDefinition": "M-7 8l3-13 5 7 4-9-3 13-5-7z",
    "escalationEventDefinition": "M0-9l6 15l-6-6l-6 6z",
    "conditionalEventDefinition": "M-6-8h12v16h-12z M-4-4h8 M-4 0h8 M-4 4h8",
    "linkEventDefinition": "M-7-3h8v-4l7 7l-7 7v-4h-8z",
    "compensateEventDefinition": "M-1-6l-7 6 7 6z M7-6l-7 6 7 6z",
}
TIMER_ICON = "M0-10v3 M10 0h-3 M0 10v-3 M-10 0h3 M0 0v-7 M0 0l5 3"
GATEWAY_MARKS = {  # drawn for a 50 x 50 diamond, centred on the origin
    "exclusiveGateway": "M-8-8l16 16 M8-8l-16 16",
    "parallelGateway": "M0-11v22 M-11 0h22",
    "complexGateway": "M0-11v22 M-11 0h22 M-8-8l16 16 M8-8l-16 16",
}
ACTIVITY_MARKS = {
    "parallel": "M-5-6v12 M0-6v12 M5-6v12",
    "sequential": "M-6-5h12 M-6 0h12 M-6 5h12",
    "loop": "M3.5 5A6.5 6.5 0 1 0-3.5 5 M3.5 5l1-4 M3.5 5l4 0.5",
    "collapsed": "M-7-7h14v14h-14z M0-4v8 M-4 0h8",
}
KINDS = {  # BPMN tag -> family, also the element group's CSS class; gateways are matched by suffix
    **dict.fromkeys(("task", "userTask", "scriptTask", "businessRuleTask", "serviceTask", "sendTask",
                     "receiveTask", "manualTask", "callActivity"), "task"),
    **dict.fromkeys(("subProcess", "transaction", "adHocSubProcess"), "subprocess"),
    **dict.fromkeys(("startEvent", "endEvent", "intermediateCatchEvent", "intermediateThrowEvent",
                     "boundaryEvent"), "event"),
    **dict.fromkeys(("dataObjectReference", "dataStoreReference", "dataInput", "dataOutput"), "data"),
    **dict.fromkeys(("association", "dataInputAssociation", "dataOutputAssociation"), "association"),
    "participant": "pool", "lane": "lane", "sequenceFlow": "flow", "messageFlow": "message-flow",
    "textAnnotation": "annotation",
}


def local(node: etree._Element) -> str:
    """Return the tag name of a node without its namespace."""
    return str(etree.QName(node).localname)


def kind_of(sem: etree._Element) -> str:
    """Return the CSS class naming the family of a BPMN element."""
    name = local(sem)
    return KINDS.get(name) or ("gateway" if name.endswith("Gateway") else "shape")


def fmt(value: float) -> str:
    """Format a coordinate compactly."""
    return format(round(value, 2), "g")


def el(parent: etree._Element, tag: str, text: str | None = None, /,
       **attrs: str | float | None) -> etree._Element:
    """Append an SVG element; attribute names use _ for - and may end in _ (class_)."""
    values = {k.rstrip("_").replace("_", "-"): v if isinstance(v, str) else fmt(v)
              for k, v in attrs.items() if v is not None}
    node = etree.SubElement(parent, f"{{{SVG}}}{tag}", values)
    node.text = text
    return node


def wrap(text: str, width: float, size: float, max_lines: int) -> list[str]:
    """Split text into lines that fit width at font size, ending in an ellipsis if cut."""
    limit = max(1, int(width / (size * CHAR_WIDTH)))
    lines: list[str] = []
    for paragraph in text.splitlines():
        line = ""
        for word in paragraph.split():
            while len(word) > limit:
                if line:
                    lines.append(line)
                    line = ""
                lines.append(word[:limit])
                word = word[limit:]
            if line and len(line) + 1 + len(word) > limit:
                lines.append(line)
                line = word
            else:
                line = f"{line} {word}" if line else word
        if line:
            lines.append(line)
    if len(lines) > max_lines > 0:
        lines = lines[:max_lines]
        lines[-1] = lines[-1][: limit - 1].rstrip() + "…"
    return lines


def fit_size(text: str, width: float, size: float, smallest: float = 9) -> float:
    """Shrink the font size, down to smallest, until the longest word fits in width."""
    longest = max((len(word) for word in text.split()), default=1)
    return max(smallest, min(size, width / (longest * CHAR_WIDTH)))


def text_block(parent: etree._Element, lines: list[str], x: float, y: float, size: float,
               anchor: str = "middle", **attrs: str | float | None) -> Box:
    """Write lines as one text element whose first line's top is at y; return its box."""
    step = size * LINE_HEIGHT
    node = el(parent, "text", x=x, y=y + size * 0.9, font_size=size, text_anchor=anchor,
              fill=INK, **attrs)
    for index, line in enumerate(lines):
        el(node, "tspan", line, x=x, dy=0 if index == 0 else step)
    width = max((len(line) for line in lines), default=0) * size * CHAR_WIDTH
    left = {"middle": x - width / 2, "start": x, "end": x - width}[anchor]
    return Box(left, y, width, len(lines) * step)


def outer_label(parent: etree._Element, name: str, box: Box, label: Box | None) -> Box:
    """Write the label of an event, gateway, data item or flow at its DI bounds or below it."""
    if not name:
        return box
    if label is None:
        label = Box(box.cx - 50, box.bottom + 4, 100, 0)
    lines = wrap(name, max(label.w + 10, 60), LABEL_SIZE, 4)
    written = text_block(parent, lines, label.cx, label.y, LABEL_SIZE, stroke="#ffffff",
                         stroke_width=3, paint_order="stroke", stroke_linejoin="round")
    return box.union(written)


def icon(parent: etree._Element, path: str, x: float, y: float, stroke: str, *,
         scale: float = 1, fill: str = "none", width: float = 1.2) -> etree._Element:
    """Draw a path given in local coordinates, moved to x, y."""
    return el(parent, "path", d=path, fill=fill, stroke=stroke, stroke_width=width,
              stroke_linejoin="round", stroke_linecap="round",
              transform=f"translate({fmt(x)} {fmt(y)}) scale({fmt(scale)})")


def check_mark(parent: etree._Element, x: float, y: float) -> None:
    """Draw a small green badge with a check mark, centred at x, y."""
    badge = el(parent, "g", class_="check")
    el(badge, "circle", cx=x, cy=y, r=8, fill=PAINTS["done"].stroke)
    icon(badge, "M-4 0l3 3l5-6", x, y, "#ffffff", width=2)


def draw_shape(g: etree._Element, sem: etree._Element, box: Box, name: str, state: str,
               label: Box | None, *, expanded: bool, horizontal: bool) -> Box:
    """Draw one BPMN shape into group g and return the area it covers."""
    paint = PAINTS[state]
    kind = kind_of(sem)
    if kind in ("pool", "lane"):
        _container(g, box, name, paint, pool=kind == "pool", horizontal=horizontal)
    elif kind in ("task", "subprocess"):
        _activity(g, sem, box, name, paint, expanded=expanded)
    elif kind == "event":
        _event(g, sem, box, paint)
    elif kind == "gateway":
        _gateway(g, sem, box, paint)
    elif kind == "annotation":
        el(g, "path", class_="outline", fill="none", stroke=INK, stroke_width=1,
           d=f"M{fmt(box.x + 15)} {fmt(box.y)}h-15v{fmt(box.h)}h15")
        text_block(g, wrap(name, box.w - 8, LABEL_SIZE, 8), box.x + 5, box.y + 4, LABEL_SIZE,
                   anchor="start")
        return box
    else:
        _data(g, sem, box, paint)
    if kind in ("event", "gateway", "data", "shape"):
        return outer_label(g, name, box, label)
    return box


def _outline(g: etree._Element, tag: str, paint: Paint, line: float,
             **attrs: str | float | None) -> etree._Element:
    """Draw the outline of a shape in the colours of its state, line wide plus its boost."""
    return el(g, tag, class_="outline", fill=paint.fill, stroke=paint.stroke,
              stroke_width=line + paint.boost, **attrs)


def _container(g: etree._Element, box: Box, name: str, paint: Paint, *, pool: bool,
               horizontal: bool) -> None:
    """Draw a pool or lane with its name in a band along the left (or top) side."""
    fill = paint.fill if pool or paint is not PAINTS[""] else "none"
    el(g, "rect", class_="outline", x=box.x, y=box.y, width=box.w, height=box.h, fill=fill,
       stroke=paint.stroke, stroke_width=1.5 + paint.boost)
    band = 30
    if horizontal:
        if pool:
            el(g, "path", d=f"M{fmt(box.x + band)} {fmt(box.y)}v{fmt(box.h)}", stroke=INK,
               stroke_width=1.5)
        cx, cy = box.x + band / 2, box.cy
        size = fit_size(name, box.h - 10, FONT_SIZE)
        lines = wrap(name, box.h - 10, size, 2)
        text_block(g, lines, cx, cy - len(lines) * size * LINE_HEIGHT / 2, size,
                   transform=f"rotate(-90 {fmt(cx)} {fmt(cy)})")
    else:
        if pool:
            el(g, "path", d=f"M{fmt(box.x)} {fmt(box.y + band)}h{fmt(box.w)}", stroke=INK,
               stroke_width=1.5)
        text_block(g, wrap(name, box.w - 8, FONT_SIZE, 1), box.cx, box.y + 8, FONT_SIZE)


def _activity(g: etree._Element, sem: etree._Element, box: Box, name: str, paint: Paint, *,
              expanded: bool) -> None:
    """Draw a task or sub-process: rounded box, type icon, name and bottom markers."""
    tag = local(sem)
    subprocess = kind_of(sem) == "subprocess"
    width = 4.0 if tag == "callActivity" else 2.0
    dash = "2 3" if sem.get("triggeredByEvent") == "true" else None
    _outline(g, "rect", paint, width, x=box.x, y=box.y, width=box.w, height=box.h, rx=10,
             stroke_dasharray=dash)
    if tag == "transaction":
        el(g, "rect", x=box.x + 4, y=box.y + 4, width=box.w - 8, height=box.h - 8, rx=7,
           fill="none", stroke=paint.stroke, stroke_width=1)
    _task_icon(g, tag, box, paint)
    marks = _activity_marks(sem, collapsed=subprocess and not expanded)
    if subprocess and expanded:
        lines = wrap(name, box.w - 20, FONT_SIZE, 2)
        text_block(g, lines, box.x + 10, box.y + 8, FONT_SIZE, anchor="start")
    else:
        _activity_name(g, name, box, icon_above=tag in TASK_ICONS or tag == "serviceTask",
                       marks_below=bool(marks))
    for index, mark in enumerate(marks):
        x = box.cx + (index - (len(marks) - 1) / 2) * 18
        icon(g, ACTIVITY_MARKS[mark], x, box.bottom - 11, INK, width=1.6)
    if paint is PAINTS["done"]:
        check_mark(g, box.x + box.w - 11, box.y + 11)


def _activity_name(g: etree._Element, name: str, box: Box, *, icon_above: bool,
                   marks_below: bool) -> None:
    """Write an activity's name centred, moved clear of its icon and markers where it fits."""
    top_limit = box.y + (22 if icon_above else 4)
    bottom_limit = box.bottom - (20 if marks_below else 4)
    size = fit_size(name, box.w - 12, FONT_SIZE)
    while True:
        step = size * LINE_HEIGHT
        lines = wrap(name, box.w - 12, size, max(1, int((bottom_limit - box.y - 4) // step)))
        height = len(lines) * step
        if height <= bottom_limit - top_limit or size <= 9:
            break
        size -= 0.5
    top = max(min(max(box.cy - height / 2, top_limit), bottom_limit - height), box.y + 4)
    text_block(g, lines, box.cx, top, size)


def _task_icon(g: etree._Element, tag: str, box: Box, paint: Paint) -> None:
    """Draw the small type icon in the top-left corner of a task."""
    x, y = box.x + 7, box.y + 6
    if tag == "serviceTask":
        gear = el(g, "g", class_="icon", fill="none", stroke=INK)
        el(gear, "circle", cx=x + 8, cy=y + 8, r=6, stroke_width=3.2, stroke_dasharray="2.3 2.4")
        el(gear, "circle", cx=x + 8, cy=y + 8, r=4.6, fill=paint.fill, stroke_width=1.2)
        el(gear, "circle", cx=x + 8, cy=y + 8, r=1.8, stroke_width=1.2)
    elif tag in TASK_ICONS:
        fill = INK if tag == "sendTask" else "#ffffff" if tag != "manualTask" else "none"
        icon(g, TASK_ICONS[tag], x, y, INK, fill=fill)
        if tag in ("sendTask", "receiveTask"):
            icon(g, "M1 3l7.5 5.5l7.5-5.5", x, y, "#ffffff" if tag == "sendTask" else INK)


def _activity_marks(sem: etree._Element, *, collapsed: bool) -> list[str]:
    """Name the markers shown at the bottom of an activity."""
    marks = ["collapsed"] if collapsed else []
    for child in sem:
        if not isinstance(child.tag, str):
            continue
        if local(child) == "multiInstanceLoopCharacteristics":
            marks.append("sequential" if child.get("isSequential") == "true" else "parallel")
        elif local(child) == "standardLoopCharacteristics":
            marks.append("loop")
    return marks


def _event(g: etree._Element, sem: etree._Element, box: Box, paint: Paint) -> None:
    """Draw an event: thin circle to start, thick to end, double in between."""
    tag = local(sem)
    r = min(box.w, box.h) / 2
    width = {"startEvent": 1.5, "endEvent": 4.0}.get(tag, 1.5)
    dash = "5 3" if sem.get("cancelActivity") == "false" or (
        tag == "startEvent" and sem.get("isInterrupting") == "false") else None
    _outline(g, "circle", paint, width, cx=box.cx, cy=box.cy, r=r, stroke_dasharray=dash)
    if tag not in ("startEvent", "endEvent"):
        el(g, "circle", cx=box.cx, cy=box.cy, r=r - 3, fill="none", stroke=paint.stroke,
           stroke_width=1.5, stroke_dasharray=dash)
    throwing = tag in ("endEvent", "intermediateThrowEvent")
    scale = r / 18
    definition = next((local(child) for child in sem if isinstance(child.tag, str)
                       and local(child).endswith("EventDefinition")), "")
    if definition == "timerEventDefinition":
        el(g, "circle", cx=box.cx, cy=box.cy, r=11 * scale, fill="#ffffff", stroke=INK,
           stroke_width=1.5)
        icon(g, TIMER_ICON, box.cx, box.cy, INK, scale=scale, width=1.5)
    elif definition == "terminateEventDefinition":
        el(g, "circle", cx=box.cx, cy=box.cy, r=r * 0.55, fill=INK)
    elif definition in EVENT_ICONS:
        icon(g, EVENT_ICONS[definition], box.cx, box.cy, INK, scale=scale,
             fill=INK if throwing else "none", width=1.5)
        if throwing and definition == "messageEventDefinition":
            icon(g, "M-8-5.5l8 6l8-6", box.cx, box.cy, "#ffffff", scale=scale, width=1.5)


def _gateway(g: etree._Element, sem: etree._Element, box: Box, paint: Paint) -> None:
    """Draw a gateway diamond with the marker of its type."""
    tag = local(sem)
    points = (f"{fmt(box.cx)},{fmt(box.y)} {fmt(box.x + box.w)},{fmt(box.cy)} "
              f"{fmt(box.cx)},{fmt(box.bottom)} {fmt(box.x)},{fmt(box.cy)}")
    _outline(g, "polygon", paint, 2.0, points=points, stroke_linejoin="round")
    scale = min(box.w, box.h) / 50
    if tag in GATEWAY_MARKS:
        icon(g, GATEWAY_MARKS[tag], box.cx, box.cy, INK, scale=scale, width=4 * scale)
    elif tag == "inclusiveGateway":
        el(g, "circle", cx=box.cx, cy=box.cy, r=10 * scale, fill="none", stroke=INK,
           stroke_width=3 * scale)
    elif tag == "eventBasedGateway":
        for radius in (12, 9.5):
            el(g, "circle", cx=box.cx, cy=box.cy, r=radius * scale, fill="none", stroke=INK,
               stroke_width=1)
        icon(g, "M0-6l6 4.5-2.3 7h-7.4l-2.3-7z", box.cx, box.cy, INK, scale=scale)


def _data(g: etree._Element, sem: etree._Element, box: Box, paint: Paint) -> None:
    """Draw a data object (folded page) or data store (cylinder), or a plain box if unknown."""
    x, y, w, h = box.x, box.y, box.w, box.h
    if local(sem) == "dataStoreReference":
        e = min(8.0, h / 5)
        _outline(g, "path", paint, 1.5, d=(
            f"M{fmt(x)} {fmt(y + e)}a{fmt(w / 2)} {fmt(e)} 0 0 1 {fmt(w)} 0v{fmt(h - 2 * e)}"
            f"a{fmt(w / 2)} {fmt(e)} 0 0 1 {fmt(-w)} 0z"))
        el(g, "path", fill="none", stroke=paint.stroke, stroke_width=1.5,
           d=f"M{fmt(x)} {fmt(y + e)}a{fmt(w / 2)} {fmt(e)} 0 0 0 {fmt(w)} 0")
    elif local(sem) in ("dataObjectReference", "dataInput", "dataOutput"):
        fold = min(10.0, w / 3)
        _outline(g, "path", paint, 1.5, stroke_linejoin="round", d=(
            f"M{fmt(x)} {fmt(y)}h{fmt(w - fold)}l{fmt(fold)} {fmt(fold)}v{fmt(h - fold)}"
            f"h{fmt(-w)}z m{fmt(w - fold)} 0v{fmt(fold)}h{fmt(fold)}"))
    else:
        _outline(g, "rect", paint, 1.5, x=x, y=y, width=w, height=h)
