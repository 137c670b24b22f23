"""The warning tier of a deploy: findings that do not block it, gathered from the checks that make them.

Errors (`lint`, `structure.dangling`, the XSD and SpiffWorkflow's parser) block a deploy; these do
not: names nothing sets, form fields nothing reads, elements without a diagram shape, unreachable
elements, form texts without English.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from lxml import etree

from engine.definitions import dataflow, form_texts, structure
from engine.definitions.bpmn_xml import NS, extension_properties
from engine.errors import Problem


def warnings(files: dict[str, etree._Element], forms: dict[str, Any], forms_dir: Path | None = None) -> list[Problem]:
    """Every warning about an upload's BPMN/DMN files (by name) and the forms they use (read from `forms_dir`)."""
    found: list[Problem] = []
    for name, root in files.items():
        if name.endswith(".bpmn"):
            found += (structure.unreachable(root, name) + structure.undrawn(root, name)
                      + structure.undeclared_collections(root, name) + structure.stale(root, name))
    found += dataflow.warnings(files, forms)
    users = _form_users(files)
    for form_name, schema in sorted(forms.items()):
        if isinstance(schema, dict) and not form_name.endswith(".ui.json"):
            found += form_texts.missing_english(form_name, schema, users.get(form_name), _text(forms_dir, form_name))
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


def without_paths(problems: list[Problem], *folders: Path) -> list[Problem]:
    """Problems whose texts name no server folder (a parser or library message may quote one)."""
    hidden = sorted({str(p) for f in folders for p in (f, f.resolve())}, key=len, reverse=True)

    def clean(value: Any) -> Any:
        if isinstance(value, str):
            for folder in hidden:
                value = value.replace(folder + "/", "").replace(folder, "")
            return value
        if isinstance(value, list):
            return [clean(v) for v in value]
        return value

    return [Problem(p.code, clean(p.file), p.line, p.element, {k: clean(v) for k, v in p.params.items()})
            for p in problems]


def _text(folder: Path | None, name: str) -> str:
    """A form file's text for pointing at lines ('' when it cannot be read: lines are then unknown)."""
    try:
        return (folder / name).read_text(encoding="utf-8") if folder is not None else ""
    except (OSError, UnicodeDecodeError):
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
