"""Our own checks on a BPMN file beyond the XSD: the mistakes that otherwise surface at run time."""

from __future__ import annotations

import ast
import re
from pathlib import Path
from typing import Any

from lxml import etree
from SpiffWorkflow.bpmn.specs.event_definitions.timer import TimerEventDefinition

from engine.definitions import contract, forms
from engine.definitions.bpmn_xml import NS, extension_properties
from engine.documents.documents import KINDS
from engine.errors import Problem
from engine.people import roles
from engine.workflow.scripts import RestrictedEnvironment

TIMER_TAGS = ("timeDuration", "timeDate", "timeCycle")
# An unquoted ISO 8601 value is a Python name or arithmetic: valid syntax, wrong at run time.
ISO_LOOKING = re.compile(r"(R\d*/)?P[0-9YMWDTHS.,]+|\d{4}-\d{2}-\d{2}([T ][0-9:.+\-Z]*)?")


def lint(root: etree._Element, filename: str, forms_dir: Path) -> tuple[list[Problem], dict[str, Any]]:
    """Return the problems found and the forms the file references, loaded and expanded."""
    problems: list[Problem] = []
    loaded: dict[str, Any] = {}

    def add(message: str, element: etree._Element) -> None:
        problems.append(Problem(message, filename, element.sourceline, element.get("id")))

    for task in root.iterfind(".//bpmn:task", NS):
        add("tugas tanpa jenis (bpmn:task) tidak diizinkan: pakai userTask, scriptTask, dst.", task)
    for gateway in root.iterfind(".//bpmn:exclusiveGateway", NS):
        outgoing = gateway.findall("bpmn:outgoing", NS)
        if len(outgoing) > 1 and not gateway.get("default"):
            add("gateway eksklusif dengan beberapa alur keluar wajib punya alur default", gateway)
    for lane in root.iterfind(".//bpmn:lane", NS):
        name = (lane.get("name") or "").strip()
        if not roles.is_known_lane(name):
            add(f"lane '{name}' bukan peran yang dikenal ({', '.join(sorted(roles.LANE_ROLES))})", lane)
    given = _given_names(root)
    for element in root.iter():
        if not isinstance(element.tag, str):
            continue
        props = extension_properties(element) if element.tag.startswith("{" + NS["bpmn"]) else {}
        for key in ("formJsonSchemaFilename", "formUiSchemaFilename"):
            if props.get(key):
                _load_form(props[key], forms_dir, loaded, element, add, schema=key.endswith("JsonSchemaFilename"))
        form = loaded.get(props.get("formJsonSchemaFilename") or "")
        clashes = [name for name, sub in ((form or {}).get("properties") or {}).items()
                   if name in given and not (isinstance(sub, dict) and sub.get("readOnly") is True)]
        if clashes:
            add(f"isian formulir {', '.join(clashes)} bernama seperti item yang diberikan proses "
                f"(item multi-instance, data input): tandai readOnly atau ganti namanya", element)
        for key in ("documents", "documentsOnOpen"):
            unknown = [k.strip() for k in props.get(key, "").split(",") if k.strip() and k.strip() not in KINDS]
            if unknown:
                add(f"jenis dokumen tidak dikenal di {key}: {', '.join(unknown)} "
                    f"(yang dikenal: {', '.join(sorted(KINDS))})", element)
        if props.get("dueDate"):
            _check_expression(props["dueDate"], element, add, "dueDate")
        if props.get("dueDuration"):
            _check_timer_value(props["dueDuration"], element, add)
    for script in root.iterfind(".//bpmn:script", NS):
        _check_code(script.text or "", script, add, "skrip", mode="exec")
    for condition in root.iterfind(".//bpmn:conditionExpression", NS):
        _check_expression(condition.text or "", condition, add, "kondisi")
    for tag in TIMER_TAGS:
        for timer in root.iterfind(f".//bpmn:timerEventDefinition/bpmn:{tag}", NS):
            _check_timer(timer.text or "", timer, add)
    return problems, loaded


def _given_names(root: etree._Element) -> set[str]:
    """Names the process hands a step: multi-instance input items and data inputs (the item a step concerns)."""
    names = {str(item.get("name") or item.get("id")) for item in root.iterfind(".//bpmn:inputDataItem", NS)}
    names.update(str(item.get("id")) for item in root.iterfind(".//bpmn:dataInput", NS))
    return names


def _load_form(filename: str, forms_dir: Path, loaded: dict[str, Any], element: etree._Element,
               add: Any, *, schema: bool) -> None:
    if filename in loaded:
        return
    try:
        if schema:
            loaded[filename] = forms.load_form(forms_dir, filename)
        else:
            loaded[filename] = forms.load_json(forms_dir, filename)
    except ValueError as exc:
        add(str(exc), element)
        return
    reserved = contract.reserved_in(loaded[filename]) if schema else []
    if reserved:
        add(f"formulir {filename} memakai nama yang dipakai sistem atau skrip: {', '.join(reserved)}", element)


def _check_code(code: str, element: etree._Element, add: Any, what: str, mode: str) -> bool:
    try:
        ast.parse(code.strip() or "None", mode=mode)
    except SyntaxError as exc:
        add(f"{what} bukan Python yang sah (baris {exc.lineno}): {exc.msg}", element)
        return False
    return True


def _check_expression(expression: str, element: etree._Element, add: Any, what: str) -> None:
    _check_code(expression, element, add, what, mode="eval")


def _check_timer(expression: str, element: etree._Element, add: Any) -> None:
    """A timer must be a Python expression; a literal one must also be a valid ISO 8601 value."""
    if ISO_LOOKING.fullmatch(expression.strip()):
        add(f"nilai timer {expression.strip()} harus dikutip sebagai teks Python, mis. \"{expression.strip()}\"",
            element)
        return
    if not _check_code(expression, element, add, "ekspresi timer", mode="eval"):
        return
    tree = ast.parse(expression.strip(), mode="eval")
    if any(isinstance(node, ast.Name) for node in ast.walk(tree)):
        return  # depends on task data or helpers: checked when it runs
    try:
        value = RestrictedEnvironment().evaluate(expression, {})
    except Exception as exc:
        add(f"ekspresi timer gagal dievaluasi: {exc}", element)
        return
    _check_timer_value(value, element, add, tag=etree.QName(element).localname)


def _check_timer_value(value: Any, element: etree._Element, add: Any, tag: str = "timeDuration") -> None:
    try:
        if tag == "timeDate":
            TimerEventDefinition.parse_time_or_duration(str(value))
        elif tag == "timeCycle":
            TimerEventDefinition.parse_iso_recurring_interval(str(value))
        else:
            TimerEventDefinition.parse_iso_duration(str(value))
    except Exception:
        add(f"nilai timer '{value}' bukan format ISO 8601 yang sah (durasi butuh tanda kutip, mis. \"PT1H\")",
            element)
