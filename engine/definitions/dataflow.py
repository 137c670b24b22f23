"""Warnings about task data: names read that nothing sets, and form fields that nothing reads.

Each `bpmn:process` is one scope (a called process sees only its data inputs and what it writes
itself; an embedded subprocess shares its process's data). What sets a name: form fields,
script assignments, multi-instance items and collections, data inputs, a called process's data
outputs, a decision's outputs, a message variable. What reads one: scripts, conditions,
cardinalities, timers, due dates, decision inputs, loop collections, result variables, other
forms' `x-senapas-choices`/`x-senapas-covers` and read-only fields, the documents a step makes,
the instance title, and a called process's data outputs. A start form's fields are the instance's
subject (titles, the public complaint status, letters) and count as read. A script reading a key
of a form's record (`konfirmasi['status']`) must name a key the form declares.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import Any

from lxml import etree

from engine.definitions import names
from engine.definitions.bpmn_xml import NS, extension_properties
from engine.errors import Problem
from engine.workflow.runtime import TITLE_KEYS

BPMN = "{" + NS["bpmn"] + "}"
# Texts evaluated on task data: (path below a process, mode).
EXPRESSIONS = (
    (".//bpmn:script", "exec"),
    (".//spiffworkflow:preScript", "exec"),
    (".//spiffworkflow:postScript", "exec"),
    (".//bpmn:conditionExpression", "eval"),
    (".//bpmn:condition", "eval"),
    (".//bpmn:completionCondition", "eval"),
    (".//bpmn:loopCardinality", "eval"),
    (".//bpmn:timeDuration", "eval"),
    (".//bpmn:timeDate", "eval"),
    (".//bpmn:timeCycle", "eval"),
)
FORM_KEYS = ("formJsonSchemaFilename",)


@dataclass
class Scope:
    """What one process sets and reads."""

    process: etree._Element
    file: str
    sets: set[str] = field(default_factory=set)
    reads: list[tuple[str, etree._Element]] = field(default_factory=list)
    keys: list[tuple[str, str, etree._Element]] = field(default_factory=list)  # (name, key, where read)
    records: dict[str, Any] = field(default_factory=dict)  # form field -> its schema
    fields: list[tuple[str, str, etree._Element]] = field(default_factory=list)  # (field, form, task)


def warnings(files: dict[str, etree._Element], forms: dict[str, Any]) -> list[Problem]:
    """Unset names and unread form fields across the BPMN and DMN files of one upload."""
    processes = {str(p.get("id")): (name, p) for name, root in files.items()
                 for p in root.iterfind("bpmn:process", NS)}
    decisions = {str(d.get("id")): d for root in files.values() for d in root.iter("{*}decision")}
    scopes = [_scope(name, process, processes, decisions, forms) for name, process in processes.values()]
    read_anywhere = {name for scope in scopes for name, _ in scope.reads} | _read_by_forms(forms)
    problems: list[Problem] = []
    for scope in scopes:
        seen: set[tuple[str, str | None]] = set()
        for name, element in scope.reads:
            owner = _owner(element)
            if name not in scope.sets and (name, owner) not in seen:
                seen.add((name, owner))
                problems.append(Problem("variable_not_set", scope.file, element.sourceline, owner,
                                        {"name": name, "process": scope.process.get("id")}))
        for name, key, element in scope.keys:
            declared = _declared_keys(scope.records.get(name))
            if declared is not None and key not in declared:
                problems.append(Problem("record_key_not_in_form", scope.file, element.sourceline, _owner(element),
                                        {"name": name, "key": key, "known": sorted(declared)}))
        for name, form, task in scope.fields:
            if name not in read_anywhere and name not in TITLE_KEYS:
                problems.append(Problem("form_field_unread", scope.file, task.sourceline, task.get("id"),
                                        {"field": name, "form": form}))
    return problems


def _scope(file: str, process: etree._Element, processes: dict[str, tuple[str, etree._Element]],
           decisions: dict[str, etree._Element], forms: dict[str, Any]) -> Scope:
    scope = Scope(process, file)
    scope.sets.update(str(d.get("id")) for d in process.iterfind("bpmn:ioSpecification/bpmn:dataInput", NS))
    scope.reads.extend((str(d.get("id")), d)
                       for d in process.iterfind("bpmn:ioSpecification/bpmn:dataOutput", NS))
    for path, mode in EXPRESSIONS:
        for element in process.iterfind(path, NS):
            code = element.text or ""
            if mode == "exec":
                scope.sets.update(names.writes(code))
            scope.reads.extend((name, element) for name in sorted(names.reads(code, mode)))
            scope.keys.extend((name, key, element) for name, key in sorted(names.subscripts(code, mode)))
    for item in process.iterfind(".//bpmn:multiInstanceLoopCharacteristics/*", NS):
        tag = etree.QName(item).localname
        if tag in ("inputDataItem", "outputDataItem"):
            scope.sets.add(str(item.get("name") or item.get("id")))
        elif tag == "loopDataOutputRef":
            scope.sets.add((item.text or "").strip())
        elif tag == "loopDataInputRef":
            scope.reads.append(((item.text or "").strip(), item))
    for element in process.iter("{*}messageVariable"):
        scope.sets.add((element.text or "").strip())
    for element in process.iter():
        if isinstance(element.tag, str):
            _element(scope, element, processes, decisions, forms)
    return scope


def _element(scope: Scope, element: etree._Element, processes: dict[str, tuple[str, etree._Element]],
             decisions: dict[str, etree._Element], forms: dict[str, Any]) -> None:
    """What one flow node sets and reads through its properties, its call or its decision."""
    if not element.tag.startswith(BPMN):
        return
    props = extension_properties(element)
    form_name = props.get("formJsonSchemaFilename")
    schema = forms.get(form_name or "")
    if isinstance(schema, dict):
        produces_documents = bool(props.get("documents"))
        starts = element.tag == BPMN + "startEvent"
        for name, sub in _properties(schema):
            scope.sets.add(name)
            scope.records.setdefault(name, sub)
            if not produces_documents and not starts and not (isinstance(sub, dict) and sub.get("readOnly") is True):
                scope.fields.append((name, str(form_name), element))
    for key, mode in (("dueDate", "eval"), ("resultVariable", "name")):
        if props.get(key):
            found = {props[key].strip()} if mode == "name" else names.reads(props[key], mode)
            scope.reads.extend((name, element) for name in sorted(found))
    if element.tag == BPMN + "callActivity":
        called = processes.get(str(element.get("calledElement")))
        if called is not None:
            outputs = {str(d.get("id")) for d in called[1].iterfind("bpmn:ioSpecification/bpmn:dataOutput", NS)}
            scope.sets.update(outputs or _all_sets(called[1]))
    for decision_id in element.iterfind("bpmn:extensionElements/spiffworkflow:calledDecisionId", NS):
        decision = decisions.get((decision_id.text or "").strip())
        if decision is None:
            continue
        for output in decision.iter("{*}output"):
            scope.sets.add(str(output.get("name") or "").split(".")[0])
        for expression in decision.iter("{*}inputExpression"):
            text = expression.find("{*}text")
            code = text.text if text is not None and text.text else ""
            scope.reads.extend((name, element) for name in sorted(names.reads(code, "eval")))


def _declared_keys(schema: Any) -> set[str] | None:
    """The keys a form's object field declares, or None when any key may appear (or it is no object)."""
    if not isinstance(schema, dict) or "properties" not in schema:
        return None
    if schema.get("additionalProperties", False) is not False or schema.get("patternProperties"):
        return None
    return {name for name, _ in _properties(schema)}


def _all_sets(process: etree._Element) -> set[str]:
    """Every name a process without data outputs may hand back (its whole data)."""
    found: set[str] = set()
    for path, mode in EXPRESSIONS:
        if mode == "exec":
            for element in process.iterfind(path, NS):
                found.update(names.writes(element.text or ""))
    return found


def _properties(schema: dict[str, Any]) -> Iterator[tuple[str, Any]]:
    """The top-level fields of a form, including those declared in `allOf`/`anyOf`/`oneOf`/`then`/`else`."""
    yield from (schema.get("properties") or {}).items()
    for key in ("allOf", "anyOf", "oneOf"):
        for part in schema.get(key) or []:
            if isinstance(part, dict):
                yield from _properties(part)
    for key in ("then", "else"):
        if isinstance(schema.get(key), dict):
            yield from _properties(schema[key])


def _read_by_forms(forms: dict[str, Any]) -> set[str]:
    """Names forms read: `x-senapas-choices`/`x-senapas-covers` lists and fields shown read-only."""
    found: set[str] = set()

    def walk(node: Any, top: bool) -> None:
        if isinstance(node, dict):
            for key in ("x-senapas-choices", "x-senapas-covers"):
                if isinstance(node.get(key), str):
                    found.add(node[key])
            for name, sub in (node.get("properties") or {}).items() if top else ():
                if isinstance(sub, dict) and sub.get("readOnly") is True:
                    found.add(name)
            for value in node.values():
                walk(value, False)
        elif isinstance(node, list):
            for value in node:
                walk(value, False)

    for schema in forms.values():
        walk(schema, True)
    return found


def _owner(element: etree._Element) -> str | None:
    return next((str(e.get("id")) for e in (element, *element.iterancestors()) if e.get("id")), None)

