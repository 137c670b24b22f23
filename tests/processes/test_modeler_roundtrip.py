"""The shipped BPMN files survive bpmn.io / Camunda Modeler: bpmn-moddle imports them without a warning,
saves them without dropping anything, and bpmnlint's recommended rules find nothing.

The check runs tools/moddle/roundtrip.mjs with node; `npm ci` installs its pinned packages when they
are missing. Without node the test is skipped, except in CI, where node is required.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
from collections import Counter
from functools import cache
from pathlib import Path
from typing import Any

import pytest
from lxml import etree

ROOT = Path(__file__).resolve().parents[2]
TOOL = ROOT / "tools" / "moddle"
FILES = sorted((ROOT / "processes").rglob("*.bpmn"))
XSI_TYPE = "{http://www.w3.org/2001/XMLSchema-instance}type"


@cache
def roundtrip() -> dict[str, dict[str, Any]]:
    """The tool's report per file name, after installing its packages if needed."""
    node, npm = shutil.which("node"), shutil.which("npm")
    if node is None or npm is None:
        if os.environ.get("CI"):
            pytest.fail("node and npm are required in CI for the modeler round trip")
        pytest.skip("node is not installed")
    if not (TOOL / "node_modules" / "bpmn-moddle").is_dir():
        subprocess.run([npm, "ci", "--no-audit", "--no-fund"], cwd=TOOL, check=True, capture_output=True)
    out = subprocess.run([node, "roundtrip.mjs", *map(str, FILES)], cwd=TOOL, check=True,
                         capture_output=True, text=True, timeout=120)
    return {item["file"]: item for item in json.loads(out.stdout)}


def facts(root: etree._Element) -> Counter[tuple[Any, ...]]:
    """Every element as (tag, its nearest id, attributes, text): what a save must keep, not how it is spelt."""
    found: Counter[tuple[Any, ...]] = Counter()
    for element in root.iter():
        if not isinstance(element.tag, str):
            continue
        owner = next((e.get("id") for e in element.iterancestors() if e.get("id")), None)
        attributes = tuple(sorted((k, _resolved(element, k, v)) for k, v in element.attrib.items()))
        found[(element.tag, owner, attributes, " ".join((element.text or "").split()))] += 1
    return found


def _resolved(element: etree._Element, key: str, value: str) -> str:
    """An `xsi:type` value with its prefix replaced by the namespace, so a renamed prefix is no loss."""
    if key != XSI_TYPE or ":" not in value:
        return value
    prefix, name = value.split(":", 1)
    return f"{{{element.nsmap.get(prefix, prefix)}}}{name}"


def test_every_shipped_process_file_is_checked() -> None:
    names = {p.name for p in FILES}
    assert {"kitapun_senapas.bpmn", "monev_perpustakaan.bpmn", "pembinaan_perpustakaan.bpmn",
            "pengaduan.bpmn"} <= names


@pytest.mark.parametrize("path", FILES, ids=lambda p: p.name)
def test_modeler_imports_without_unresolved_references(path: Path) -> None:
    report = roundtrip()[path.name]
    assert report["warnings"] == []
    assert report["reimportWarnings"] == []


@pytest.mark.parametrize("path", FILES, ids=lambda p: p.name)
def test_bpmnlint_recommended_rules_find_nothing(path: Path) -> None:
    assert roundtrip()[path.name]["lint"] == []


@pytest.mark.parametrize("path", FILES, ids=lambda p: p.name)
def test_saving_in_the_modeler_loses_nothing(path: Path) -> None:
    before = facts(etree.parse(str(path)).getroot())
    after = facts(etree.fromstring(roundtrip()[path.name]["saved"].encode()))
    assert before - after == Counter()
    assert after - before == Counter()


def test_the_check_notices_a_reference_to_nothing(tmp_path: Path) -> None:
    broken = (ROOT / "processes").rglob("kitapun_senapas.bpmn").__next__().read_text(encoding="utf-8")
    broken = broken.replace('<bpmn:property id="jadwal" name="jadwal">', '<bpmn:property id="jadwal_x" name="jadwal">')
    target = tmp_path / "broken.bpmn"
    target.write_text(broken, encoding="utf-8")
    roundtrip()  # installs the tool or skips
    out = subprocess.run([str(shutil.which("node")), "roundtrip.mjs", str(target)], cwd=TOOL, check=True,
                         capture_output=True, text=True, timeout=120)
    report = json.loads(out.stdout)[0]
    assert report["warnings"] == ["unresolved reference <jadwal>"]
    assert "<bpmn:loopDataInputRef>jadwal</bpmn:loopDataInputRef>" not in report["saved"]
