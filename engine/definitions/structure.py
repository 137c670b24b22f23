"""The shape of a BPMN file: references to ids that do not exist (errors), and nodes that no path
reaches or that the diagram does not draw (warnings).

SpiffWorkflow reports a misspelled flow target without a line ("we found two items, perhaps a
form has the same ID?"); this names the flow, its line and the missing id instead.
"""

from __future__ import annotations

from lxml import etree

from engine.definitions.bpmn_xml import NS
from engine.errors import Problem

BPMN = "{" + NS["bpmn"] + "}"
# Attributes whose value is the id of another element of the same file and that the engine follows:
# a dangling one breaks the process (an error).
FOLLOWED_ATTRIBUTES = ("sourceRef", "targetRef", "default", "attachedToRef")
# References the engine does not follow (lane membership, diagram, redundant flow lists): a dangling
# one is dropped by a modeler and misleads a reader (a warning).
OTHER_ATTRIBUTES = ("processRef", "bpmnElement")
OTHER_CHILDREN = ("bpmn:incoming", "bpmn:outgoing", "bpmn:flowNodeRef", "bpmn:dataInputRefs", "bpmn:dataOutputRefs")
# SpiffWorkflow reads these as task-data names; modelers resolve them as ids and drop them when none matches.
LOOP_REFS = ("bpmn:loopDataInputRef", "bpmn:loopDataOutputRef")
FLOW_NODE_TAGS = frozenset({"startEvent", "endEvent", "intermediateCatchEvent", "intermediateThrowEvent",
                            "boundaryEvent", "userTask", "manualTask", "scriptTask", "serviceTask", "sendTask",
                            "receiveTask", "businessRuleTask", "task", "callActivity", "subProcess", "transaction",
                            "exclusiveGateway", "parallelGateway", "inclusiveGateway", "eventBasedGateway",
                            "complexGateway"})


def dangling(root: etree._Element, filename: str) -> list[Problem]:
    """Errors: a flow, default flow or boundary event naming an id the file does not hold."""
    return _references(root, filename, "unknown_reference", FOLLOWED_ATTRIBUTES, ())


def stale(root: etree._Element, filename: str) -> list[Problem]:
    """Warnings: a lane, diagram or flow list naming an id the file does not hold (the engine ignores it)."""
    return _references(root, filename, "stale_reference", OTHER_ATTRIBUTES, OTHER_CHILDREN)


def _references(root: etree._Element, filename: str, code: str, attributes: tuple[str, ...],
                children: tuple[str, ...]) -> list[Problem]:
    ids = {str(e.get("id")) for e in root.iter() if isinstance(e.tag, str) and e.get("id")}
    problems: list[Problem] = []
    for element in root.iter():
        if not isinstance(element.tag, str):
            continue
        for attribute in attributes:
            target = element.get(attribute)
            if target is not None and target not in ids:
                problems.append(Problem(code, filename, element.sourceline, _owner(element),
                                        {"attribute": attribute, "target": target}))
    for path in children:
        for element in root.iterfind(f".//{path}", NS):
            target = (element.text or "").strip()
            if target and target not in ids:
                problems.append(Problem(code, filename, element.sourceline, _owner(element),
                                        {"attribute": etree.QName(element).localname, "target": target}))
    return problems


def undeclared_collections(root: etree._Element, filename: str) -> list[Problem]:
    """Warnings: a multi-instance collection that no element of the file declares (a modeler drops it on save)."""
    ids = {str(e.get("id")) for e in root.iter() if isinstance(e.tag, str) and e.get("id")}
    return [Problem("collection_not_declared", filename, element.sourceline, _owner(element),
                    {"name": (element.text or "").strip()})
            for path in LOOP_REFS for element in root.iterfind(f".//{path}", NS)
            if (element.text or "").strip() not in ids]


def unreachable(root: etree._Element, filename: str) -> list[Problem]:
    """Warnings: flow nodes no sequence flow leads to from a start event (or a boundary event's host)."""
    problems: list[Problem] = []
    for container in root.iter(BPMN + "process", BPMN + "subProcess", BPMN + "transaction"):
        nodes = {str(n.get("id")): n for n in container if isinstance(n.tag, str)
                 and etree.QName(n).localname in FLOW_NODE_TAGS}
        edges: dict[str, list[str]] = {}
        for flow in container.iterfind("bpmn:sequenceFlow", NS):
            edges.setdefault(str(flow.get("sourceRef")), []).append(str(flow.get("targetRef")))
        for node_id, node in nodes.items():
            if etree.QName(node).localname == "boundaryEvent":
                edges.setdefault(str(node.get("attachedToRef")), []).append(node_id)
        starts = [i for i, n in nodes.items() if etree.QName(n).localname == "startEvent"]
        if container.tag == BPMN + "subProcess" and container.get("triggeredByEvent") == "true":
            continue  # an event subprocess starts on its event: its start has no incoming flow by design
        seen: set[str] = set()
        todo = list(starts)
        while todo:
            current = todo.pop()
            if current in seen:
                continue
            seen.add(current)
            todo.extend(edges.get(current, []))
        for node_id, node in nodes.items():
            if node_id not in seen and not _event_subprocess(node):
                problems.append(Problem("unreachable_element", filename, node.sourceline, node_id))
    return problems


def undrawn(root: etree._Element, filename: str) -> list[Problem]:
    """Warnings: flow nodes, flows and lanes without a shape or edge in the diagram."""
    drawn = {str(e.get("bpmnElement")) for e in root.iter() if isinstance(e.tag, str) and e.get("bpmnElement")}
    problems: list[Problem] = []
    for process in root.iterfind("bpmn:process", NS):
        for element in process.iter():
            if not isinstance(element.tag, str) or not element.tag.startswith(BPMN):
                continue
            tag = etree.QName(element).localname
            wanted = tag in FLOW_NODE_TAGS or tag in ("sequenceFlow", "lane")
            if wanted and element.get("id") and element.get("id") not in drawn:
                problems.append(Problem("element_not_drawn", filename, element.sourceline, element.get("id"),
                                        {"type": tag}))
    return problems


def _event_subprocess(node: etree._Element) -> bool:
    return node.tag == BPMN + "subProcess" and node.get("triggeredByEvent") == "true"


def _owner(element: etree._Element) -> str | None:
    return next((str(e.get("id")) for e in (element, *element.iterancestors()) if e.get("id")), None)
