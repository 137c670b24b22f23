"""Our own checks on a BPMN file beyond the XSD: the mistakes that otherwise surface at run time."""

from __future__ import annotations

import ast
import re
from pathlib import Path
from typing import Any

from lxml import etree
from SpiffWorkflow.bpmn.specs.event_definitions.timer import TimerEventDefinition

from engine.definitions import forms
from engine.definitions.bpmn_xml import NS, extension_properties
from engine.documents.documents import KINDS
from engine.errors import Problem
from engine.people import roles
from engine.workflow.script_policy import ScriptRefused, check
from engine.workflow.scripts import DEFAULT_BOUNDS, Bounds, RestrictedEnvironment

TIMER_TAGS = ("timeDuration", "timeDate", "timeCycle")
# An unquoted ISO 8601 value is a Python name or arithmetic: valid syntax, wrong at run time.
ISO_LOOKING = re.compile(r"(R\d*/)?P[0-9YMWDTHS.,]+|\d{4}-\d{2}-\d{2}([T ][0-9:.+\-Z]*)?")
# Other texts the engine evaluates: (path, what, mode).
EVALUATED = (
    (".//spiffworkflow:preScript", "skrip awal", "exec"),
    (".//spiffworkflow:postScript", "skrip akhir", "exec"),
    (".//bpmn:conditionalEventDefinition/bpmn:condition", "kondisi", "eval"),
    (".//bpmn:multiInstanceLoopCharacteristics/bpmn:completionCondition", "kondisi selesai", "eval"),
)
DMN_TEXTS = {"inputExpression": "ekspresi masukan DMN", "inputEntry": "aturan masukan DMN",
             "outputEntry": "keluaran DMN"}


def lint(root: etree._Element, filename: str, forms_dir: Path,
         bounds: Bounds = DEFAULT_BOUNDS) -> tuple[list[Problem], dict[str, Any]]:
    """Return the problems found and the forms the file references, loaded and expanded.

    `bounds` are the agency's caps a static multi-instance cardinality or timer cycle must keep.
    """
    problems: list[Problem] = []
    loaded: dict[str, Any] = {}

    def add(message: str, element: etree._Element, line: int | None = None) -> None:
        owner = next((e.get("id") for e in (element, *element.iterancestors()) if e.get("id")), None)
        problems.append(Problem(message, filename, line or element.sourceline, owner))

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
    for element in root.iter():
        if not isinstance(element.tag, str):
            continue
        props = extension_properties(element) if element.tag.startswith("{" + NS["bpmn"]) else {}
        for key in ("formJsonSchemaFilename", "formUiSchemaFilename"):
            if props.get(key):
                _load_form(props[key], forms_dir, loaded, element, add, schema=key.endswith("JsonSchemaFilename"))
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
    for path, what, mode in EVALUATED:
        for element in root.iterfind(path, NS):
            _check_code(element.text or "", element, add, what, mode=mode)
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
        what = DMN_TEXTS.get(etree.QName(parent).localname) if parent is not None else None
        text = (element.text or "").strip()
        if what is None or not text or text == "-":
            continue
        if what == DMN_TEXTS["inputEntry"]:
            text = text.replace("?", "dmninputexpr")
            try:
                ast.parse(text, mode="eval")
            except SyntaxError:
                text = f"dmninputexpr {text}"
        _check_code(text, element, add, what, mode="eval")


def _check_cardinality(expression: str, element: etree._Element, add: Any, bounds: Bounds) -> None:
    if not _check_code(expression, element, add, "kardinalitas", mode="eval"):
        return
    try:
        value = ast.literal_eval(expression.strip())
    except (ValueError, SyntaxError):
        return  # computed from task data: held to the bounds when it runs
    problem = bounds.instances_problem(value) if isinstance(value, int) else "kardinalitas harus bilangan bulat"
    if problem:
        add(problem, element)


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


def _check_code(code: str, element: etree._Element, add: Any, what: str, mode: str) -> bool:
    """Whether `code` is Python the script policy allows; if not, a problem naming the line."""
    try:
        check(code.strip() or "None", mode=mode)
    except ScriptRefused as exc:
        # The problem points at the file line of the refused code: the text starts on its tag's line.
        skipped = code[:len(code) - len(code.lstrip())].count("\n")
        line = element.sourceline + skipped + (exc.lineno or 1) - 1 if element.sourceline else None
        add(f"{what} melanggar aturan skrip (baris {exc.lineno}): {exc.reason}", element, line)
        return False
    except SyntaxError as exc:
        add(f"{what} bukan Python yang sah (baris {exc.lineno}): {exc.msg}", element)
        return False
    return True


def _check_expression(expression: str, element: etree._Element, add: Any, what: str) -> None:
    _check_code(expression, element, add, what, mode="eval")


def _check_timer(expression: str, element: etree._Element, add: Any, bounds: Bounds) -> None:
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
    tag = etree.QName(element).localname
    if _check_timer_value(value, element, add, tag=tag) and tag == "timeCycle":
        problem = bounds.cycle_problem(value)
        if problem:
            add(problem, element)


def _check_timer_value(value: Any, element: etree._Element, add: Any, tag: str = "timeDuration") -> bool:
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
        return False
    return True
