"""What changed between two versions of a definition: elements per process, lanes, forms field by field, DMN rules.

Elements are matched by id within their process (or decision, for DMN rules); an element present in
both is changed when one of its facets differs: its name, type, attributes, extension properties,
scripts, conditions, instructions, multi-instance settings or the lane it is drawn in. Forms are
compared field by field along their `properties` paths.
"""

from __future__ import annotations

import json
from collections.abc import Iterator, Mapping
from typing import Any

from lxml import etree

from engine.definitions import bpmn_xml, diagram
from engine.definitions.bpmn_xml import NS
from engine.definitions.shapes import KINDS, local
from engine.definitions.versions import stored_bundle
from engine.errors import InvalidDefinition
from engine.models import Definition

BPMN = NS["bpmn"]
ELEMENT_KINDS = {name for name, kind in KINDS.items() if kind in ("task", "subprocess", "event", "lane", "flow")}
ELEMENT_KINDS |= {"dataObject", "dataObjectReference", "dataStoreReference"}
# Child texts worth naming when they change (path relative to the element -> facet name).
TEXTS = {
    "bpmn:script": "script", "bpmn:conditionExpression": "condition", "bpmn:documentation": "documentation",
    "bpmn:extensionElements/spiffworkflow:instructionsForEndUser": "instructions",
    "bpmn:extensionElements/spiffworkflow:preScript": "pre_script",
    "bpmn:extensionElements/spiffworkflow:postScript": "post_script",
    "bpmn:extensionElements/spiffworkflow:calledDecisionId": "decision",
    "bpmn:timerEventDefinition": "timer", "bpmn:multiInstanceLoopCharacteristics": "multi_instance",
    "bpmn:standardLoopCharacteristics": "loop", "bpmn:ioSpecification": "io_specification",
}


def compare(old: Definition, new: Definition) -> dict[str, Any]:
    """The structural difference from version `old` to version `new` of one key."""
    before, after = _elements(stored_bundle(old)), _elements(stored_bundle(new))
    added = [_entry(after[k]) for k in sorted(after.keys() - before.keys())]
    removed = [_entry(before[k]) for k in sorted(before.keys() - after.keys())]
    changed = []
    for k in sorted(before.keys() & after.keys()):
        fields = sorted(f for f in before[k]["facets"].keys() | after[k]["facets"].keys()
                        if before[k]["facets"].get(f) != after[k]["facets"].get(f))
        if fields:
            changed.append({**_entry(after[k]), "fields": fields})
    return {"from": old.version, "to": new.version, "added": added, "removed": removed, "changed": changed,
            "forms": _forms(stored_bundle(old), stored_bundle(new)),
            "files": _files(stored_bundle(old), stored_bundle(new))}


def svg(old: Definition, new: Definition, *, inline: bool = False, found: dict[str, Any] | None = None) -> str:
    """The diagram of `new` with added, changed and removed elements marked, and a legend.

    Lanes are left unmarked: a changed lane would tint everything drawn in it (the table names it).
    `inline` gives the form for embedding in an HTML page (natural size, no style element); `found` is
    `compare(old, new)` when the caller already holds it, so it is not computed twice.
    """
    if found is None:
        found = compare(old, new)
    shown = [e for key in ("added", "changed", "removed") for e in found[key]
             if e["process"] == new.key and e["type"] != "lane"]
    marks = {e["id"]: "added" for e in shown if e in found["added"]}
    marks.update({e["id"]: "changed" for e in shown if e in found["changed"]})
    removed = [e["id"] for e in shown if e in found["removed"]]
    return diagram.render_marked_svg(new.bpmn, old.bpmn, process_id=new.key, marks=marks, removed=removed,
                                     inline=inline)


def _entry(element: dict[str, Any]) -> dict[str, Any]:
    return {"id": element["id"], "name": element["name"], "type": element["type"], "process": element["process"],
            "fields": []}


def _elements(bundle: Mapping[str, str]) -> dict[tuple[str, str], dict[str, Any]]:
    """Every element of every process and decision of a bundle, keyed by (process, id), with its facets."""
    found: dict[tuple[str, str], dict[str, Any]] = {}
    for name in sorted(bundle):
        if not name.endswith((".bpmn", ".dmn")):
            continue
        try:
            root = bpmn_xml.parse(bundle[name].encode("utf-8"), name)
        except InvalidDefinition:
            continue  # a stored version always parsed; an old row that does not is left out of the diff
        for process in root.iterfind("bpmn:process", NS):
            pid = str(process.get("id"))
            lanes = _lane_of(process)
            for element in process.iter(f"{{{BPMN}}}*"):
                if element.get("id") and local(element) in ELEMENT_KINDS:
                    facets = _facets(element)
                    if element.get("id") in lanes:
                        facets["lane"] = lanes[str(element.get("id"))]
                    found[(pid, str(element.get("id")))] = {
                        "id": str(element.get("id")), "name": element.get("name") or "", "type": local(element),
                        "process": pid, "facets": facets}
        for decision in root.iter("{*}decision"):
            for rule in decision.iter("{*}rule"):
                found[(str(decision.get("id")), str(rule.get("id")))] = {
                    "id": str(rule.get("id")), "name": _rule_text(rule, "description"), "type": "rule",
                    "process": str(decision.get("id")),
                    "facets": {"input": _rule_text(rule, "inputEntry"), "output": _rule_text(rule, "outputEntry")}}
    return found


def _facets(element: etree._Element) -> dict[str, str]:
    facets = {f"attribute:{etree.QName(k).localname}": str(v) for k, v in element.attrib.items() if k != "id"}
    facets["type"] = local(element)
    for prop in element.iterfind("bpmn:extensionElements/spiffworkflow:properties/spiffworkflow:property", NS):
        facets[f"property:{prop.get('name')}"] = str(prop.get("value"))
    for path, facet in TEXTS.items():
        child = element.find(path, NS)
        if child is not None:
            facets[facet] = _canonical(child)
    if local(element) == "lane":
        refs = element.iterfind("bpmn:flowNodeRef", NS)
        facets["flow_nodes"] = " ".join(sorted((r.text or "").strip() for r in refs))
    return facets


def _lane_of(process: etree._Element) -> dict[str, str]:
    """The lane name each flow node is drawn in."""
    return {(ref.text or "").strip(): str(lane.get("name") or lane.get("id"))
            for lane in process.iter(f"{{{BPMN}}}lane") for ref in lane.iterfind("bpmn:flowNodeRef", NS)}


def _canonical(element: etree._Element) -> str:
    """An element's text and attributes, whitespace-normalized, so re-indenting is not a change."""
    return " ".join(" ".join(str(part) for part in (node.tag, sorted(node.attrib.items()), (node.text or "").strip()))
                    for node in element.iter() if isinstance(node.tag, str))


def _rule_text(rule: etree._Element, tag: str) -> str:
    return " | ".join((t.text or "").strip() for entry in rule.iter(f"{{*}}{tag}")
                      for t in ([entry] if tag == "description" else entry.iter("{*}text")))


def _forms(old: Mapping[str, str], new: Mapping[str, str]) -> list[dict[str, Any]]:
    """Per form file that differs: the field paths added, removed and changed."""
    changes = []
    for name in sorted({n for n in (*old, *new) if n.startswith("forms/") and n.endswith(".json")}):
        if old.get(name) == new.get(name):
            continue
        before, after = dict(_fields(_json(old.get(name)))), dict(_fields(_json(new.get(name))))
        changes.append({"form": name.removeprefix("forms/"),
                        "added": sorted(after.keys() - before.keys()),
                        "removed": sorted(before.keys() - after.keys()),
                        "changed": sorted(k for k in before.keys() & after.keys() if before[k] != after[k])})
    return changes


def _fields(schema: Any, path: str = "") -> Iterator[tuple[str, str]]:
    """(path, own schema text) for the form itself (`$`) and every field below its `properties`."""
    if not isinstance(schema, dict):
        return
    own = {k: v for k, v in schema.items() if k not in ("properties", "items")}
    yield path or "$", json.dumps(own, sort_keys=True, ensure_ascii=False)
    for key, sub in (schema.get("properties") or {}).items():
        yield from _fields(sub, f"{path}.{key}" if path else key)
    if isinstance(schema.get("items"), dict):
        yield from _fields(schema["items"], f"{path}[]" if path else "[]")


def _json(text: str | None) -> Any:
    try:
        return json.loads(text) if text else {}
    except json.JSONDecodeError:
        return {}


def _files(old: Mapping[str, str], new: Mapping[str, str]) -> dict[str, list[str]]:
    """Bundle files added, removed and changed (byte for byte)."""
    return {"added": sorted(new.keys() - old.keys()), "removed": sorted(old.keys() - new.keys()),
            "changed": sorted(n for n in old.keys() & new.keys() if old[n] != new[n])}
