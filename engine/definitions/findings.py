"""The warning tier of a deploy: findings that do not block it, gathered from the checks that make them.

Errors (`lint`, `structure.dangling`, the XSD and SpiffWorkflow's parser) block a deploy; these do
not: names nothing sets, form fields nothing reads, elements without a diagram shape, unreachable
elements, form texts without English.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from lxml import etree

from engine.definitions import dataflow, form_texts, structure
from engine.definitions.bpmn_xml import NS, extension_properties
from engine.errors import Problem


def warnings(files: dict[str, etree._Element], forms: dict[str, Any],
             bundle: Mapping[str, bytes] | None = None) -> list[Problem]:
    """Every warning about a bundle's BPMN/DMN files (by name) and the forms they use (their text in `bundle`)."""
    found: list[Problem] = []
    for name, root in files.items():
        if name.endswith(".bpmn"):
            found += (structure.unreachable(root, name) + structure.undrawn(root, name)
                      + structure.undeclared_collections(root, name) + structure.stale(root, name))
    found += dataflow.warnings(files, forms)
    users = _form_users(files)
    for form_name, schema in sorted(forms.items()):
        if isinstance(schema, dict) and not form_name.endswith(".ui.json"):
            found += form_texts.missing_english(form_name, schema, users.get(form_name), _text(bundle, form_name))
    return found


def located(problems: list[Problem], files: dict[str, etree._Element]) -> list[Problem]:
    """Problems without a line get the line of their element, found by id in the upload's files."""
    lines: dict[str, tuple[str, int]] = {}
    for name, root in files.items():
        for element in root.iter():
            if isinstance(element.tag, str) and element.get("id") and element.sourceline:
                lines.setdefault(str(element.get("id")), (name, element.sourceline))
    result = []
    for problem in problems:
        if problem.line is None and problem.element in lines:
            file, line = lines[problem.element]
            problem = Problem(problem.code, problem.file or file, line, problem.element, problem.params)
        result.append(problem)
    return result


def _text(bundle: Mapping[str, bytes] | None, name: str) -> str:
    """A form file's text for pointing at lines ('' when it is not there or not UTF-8: lines are then unknown)."""
    try:
        return (bundle or {}).get(f"forms/{name}", b"").decode("utf-8")
    except UnicodeDecodeError:
        return ""


def _form_users(files: dict[str, etree._Element]) -> dict[str, str]:
    """The id of the first element that uses each form file."""
    users: dict[str, str] = {}
    for root in files.values():
        for element in root.iter(f"{{{NS['bpmn']}}}*"):
            form = extension_properties(element).get("formJsonSchemaFilename")
            if form and element.get("id"):
                users.setdefault(form, str(element.get("id")))
    return users
