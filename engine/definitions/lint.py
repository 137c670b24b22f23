"""Our own checks on a BPMN file beyond the XSD: the mistakes that otherwise surface at run time."""

from __future__ import annotations

import ast
import re
from collections.abc import Mapping
from pathlib import Path
from typing import Any

from lxml import etree
from SpiffWorkflow.bpmn.specs.event_definitions.timer import TimerEventDefinition

from engine.definitions import contract, forms, rules
from engine.definitions.bpmn_xml import NS, extension_properties
from engine.documents.documents import KINDS
from engine.errors import Problem
from engine.libraries import instruments
from engine.people import roles
from engine.workflow.script_policy import ScriptRefused, check
from engine.workflow.scripts import DEFAULT_BOUNDS, Bounds, RestrictedEnvironment

TIMER_TAGS = ("timeDuration", "timeDate", "timeCycle")
# An unquoted ISO 8601 value is a Python name or arithmetic: valid syntax, wrong at run time.
ISO_LOOKING = re.compile(r"(R\d*/)?P[0-9YMWDTHS.,]+|\d{4}-\d{2}-\d{2}([T ][0-9:.+\-Z]*)?")
# Other texts the engine evaluates: (path, what, mode).
EVALUATED = (
    (".//spiffworkflow:preScript", "script_syntax", "exec"),
    (".//spiffworkflow:postScript", "script_syntax", "exec"),
    (".//bpmn:conditionalEventDefinition/bpmn:condition", "condition_syntax", "eval"),
    (".//bpmn:multiInstanceLoopCharacteristics/bpmn:completionCondition", "condition_syntax", "eval"),
)
DMN_TEXTS = ("inputExpression", "inputEntry", "outputEntry")


def lint(root: etree._Element, filename: str, forms_dir: Path | Mapping[str, bytes],
         bounds: Bounds = DEFAULT_BOUNDS) -> tuple[list[Problem], dict[str, Any]]:
    """Return the problems found and the forms the file references, loaded and expanded.

    Forms come from `forms_dir`: the bundle being deployed (path -> bytes) or a forms folder.
    `bounds` are the agency's caps a static multi-instance cardinality or timer cycle must keep.
    """
    problems: list[Problem] = []
    loaded: dict[str, Any] = {}

    def add(code: str, element: etree._Element, *, at: int | None = None, **params: Any) -> None:
        """One problem on `element` (or its nearest ancestor with an id), at its line or at file line `at`."""
        owner = next((e.get("id") for e in (element, *element.iterancestors()) if e.get("id")), None)
        problems.append(Problem(code, filename, at or element.sourceline, owner, params))

    for task in root.iterfind(".//bpmn:task", NS):
        add("untyped_task", task)
    for gateway in root.iterfind(".//bpmn:exclusiveGateway", NS):
        outgoing = gateway.findall("bpmn:outgoing", NS)
        if len(outgoing) > 1 and not gateway.get("default"):
            add("gateway_without_default", gateway)
    for lane in root.iterfind(".//bpmn:lane", NS):
        name = (lane.get("name") or "").strip()
        if not roles.is_known_lane(name):
            add("unknown_lane", lane, lane=name, known=sorted(roles.LANE_ROLES))
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
            add("form_field_shadows_item", element, fields=clashes)
        for key in ("documents", "documentsOnOpen"):
            unknown = [k.strip() for k in props.get(key, "").split(",") if k.strip() and k.strip() not in KINDS]
            if unknown:
                add("unknown_document_kinds", element, property=key, kinds=unknown, known=sorted(KINDS))
        if props.get("dueDate"):
            _check_expression(props["dueDate"], element, add, "due_date_syntax")
        if props.get("dueDuration"):
            _check_timer_value(props["dueDuration"], element, add)
    for script in root.iterfind(".//bpmn:script", NS):
        _check_code(script.text or "", script, add, "script_syntax", mode="exec")
    for condition in root.iterfind(".//bpmn:conditionExpression", NS):
        _check_expression(condition.text or "", condition, add, "condition_syntax")
    for path, code, mode in EVALUATED:
        for element in root.iterfind(path, NS):
            _check_code(element.text or "", element, add, code, mode=mode)
    for cardinality in root.iterfind(".//bpmn:multiInstanceLoopCharacteristics/bpmn:loopCardinality", NS):
        _check_cardinality(cardinality.text or "", cardinality, add, bounds)
    for tag in TIMER_TAGS:
        for timer in root.iterfind(f".//bpmn:timerEventDefinition/bpmn:{tag}", NS):
            _check_timer(timer.text or "", timer, add, bounds)
    _check_dmn(root, add)
    return problems, loaded


def _check_dmn(root: etree._Element, add: Any) -> None:
    """DMN rule texts run through the same script engine (an input entry may be a test like `>= 60`)."""
    for element in root.iter():
        if not isinstance(element.tag, str) or etree.QName(element).localname != "text":
            continue
        parent = element.getparent()
        kind = etree.QName(parent).localname if parent is not None else None
        text = (element.text or "").strip()
        if kind not in DMN_TEXTS or not text or text == "-":
            continue
        if kind == "inputEntry":
            text = text.replace("?", "dmninputexpr")
            try:
                ast.parse(text, mode="eval")
            except SyntaxError:
                text = f"dmninputexpr {text}"
        _check_code(text, element, add, "dmn_syntax", mode="eval")


def _check_cardinality(expression: str, element: etree._Element, add: Any, bounds: Bounds) -> None:
    if not _check_code(expression, element, add, "cardinality_syntax", mode="eval"):
        return
    try:
        value = ast.literal_eval(expression.strip())
    except (ValueError, SyntaxError):
        return  # computed from task data: held to the bounds when it runs
    if not isinstance(value, int):
        add("cardinality_not_integer", element)
        return
    problem = bounds.instances_problem(value)
    if problem:
        add("beyond_bounds", element, detail=problem)


def _given_names(root: etree._Element) -> set[str]:
    """Names the process hands a step: multi-instance input items and data inputs (the item a step concerns)."""
    names = {str(item.get("name") or item.get("id")) for item in root.iterfind(".//bpmn:inputDataItem", NS)}
    names.update(str(item.get("id")) for item in root.iterfind(".//bpmn:dataInput", NS))
    return names


def _load_form(filename: str, forms_dir: Path | Mapping[str, bytes], loaded: dict[str, Any], element: etree._Element,
               add: Any, *, schema: bool) -> None:
    if filename in loaded:
        return
    try:
        if schema:
            loaded[filename] = forms.load_form(forms_dir, filename)
        else:
            loaded[filename] = forms.load_json(forms_dir, filename)
    except forms.FormFileError as exc:
        add(exc.code, element, **exc.params)
        return
    except instruments.InstrumentError as exc:  # an instrument file the form refers to
        add(exc.code, element, filename=filename, **exc.params)
        return
    reserved = contract.reserved_in(loaded[filename]) if schema else []
    if reserved:
        add("form_reserved_names", element, filename=filename, names=reserved)
    unknown = rules.unknown_in(loaded[filename]) if schema else []
    if unknown:
        add("form_unknown_rules", element, filename=filename, names=unknown)


def _check_code(code: str, element: etree._Element, add: Any, problem: str, mode: str) -> bool:
    """Whether `code` is Python the script policy allows; if not, a problem naming the line."""
    try:
        check(code.strip() or "None", mode=mode)
    except ScriptRefused as exc:
        # The problem points at the file line of the refused code: the text starts on its tag's line.
        skipped = code[:len(code) - len(code.lstrip())].count("\n")
        line = element.sourceline + skipped + (exc.lineno or 1) - 1 if element.sourceline else None
        add("script_refused", element, at=line, line=exc.lineno, detail=exc.reason)
        return False
    except SyntaxError as exc:
        add(problem, element, line=exc.lineno, detail=exc.msg)
        return False
    return True


def _check_expression(expression: str, element: etree._Element, add: Any, problem: str) -> None:
    _check_code(expression, element, add, problem, mode="eval")


def _check_timer(expression: str, element: etree._Element, add: Any, bounds: Bounds) -> None:
    """A timer must be a Python expression; a literal one must also be a valid ISO 8601 value."""
    if ISO_LOOKING.fullmatch(expression.strip()):
        add("timer_unquoted", element, value=expression.strip())
        return
    if not _check_code(expression, element, add, "timer_syntax", mode="eval"):
        return
    tree = ast.parse(expression.strip(), mode="eval")
    if any(isinstance(node, ast.Name) for node in ast.walk(tree)):
        return  # depends on task data or helpers: checked when it runs
    try:
        value = RestrictedEnvironment().evaluate(expression, {})
    except Exception as exc:
        add("timer_evaluation_failed", element, detail=str(exc))
        return
    tag = etree.QName(element).localname
    if _check_timer_value(value, element, add, tag=tag) and tag == "timeCycle":
        problem = bounds.cycle_problem(value)
        if problem:
            add("beyond_bounds", element, detail=problem)


def _check_timer_value(value: Any, element: etree._Element, add: Any, tag: str = "timeDuration") -> bool:
    try:
        if tag == "timeDate":
            TimerEventDefinition.parse_time_or_duration(str(value))
        elif tag == "timeCycle":
            TimerEventDefinition.parse_iso_recurring_interval(str(value))
        else:
            TimerEventDefinition.parse_iso_duration(str(value))
    except Exception:
        add("timer_not_iso", element, value=str(value))
        return False
    return True
