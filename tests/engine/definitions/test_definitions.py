"""Deploying definitions: hostile XML refused early, our lint, content addressing."""

from __future__ import annotations

import json

import pytest
from SpiffWorkflow.spiff.parser.process import SpiffBpmnParser
from sqlalchemy import func, select

from engine.db import run_in_transaction
from engine.definitions import versions
from engine.errors import Forbidden, InvalidDefinition
from engine.models import AuditEvent, Definition
from tests.engine.helpers import ADMIN, BPMN, KABID, deploy, library

HEAD = ('<?xml version="1.0" encoding="UTF-8"?>\n'
        '<bpmn:definitions xmlns:bpmn="http://www.omg.org/spec/BPMN/20100524/MODEL" '
        'xmlns:spiffworkflow="http://spiffworkflow.org/bpmn/schema/1.0/core" id="d" targetNamespace="t">\n')


def process(body: str, *, lanes: str = "", pid: str = "p") -> bytes:
    """A one-process BPMN document around the given flow elements."""
    return (HEAD + f'<bpmn:process id="{pid}" isExecutable="true">{lanes}{body}</bpmn:process>\n'
            "</bpmn:definitions>\n").encode()


LINEAR = ('<bpmn:startEvent id="s"><bpmn:outgoing>f1</bpmn:outgoing></bpmn:startEvent>'
          '<bpmn:userTask id="u" name="U"><bpmn:incoming>f1</bpmn:incoming><bpmn:outgoing>f2</bpmn:outgoing>'
          '</bpmn:userTask><bpmn:endEvent id="e"><bpmn:incoming>f2</bpmn:incoming></bpmn:endEvent>'
          '<bpmn:sequenceFlow id="f1" sourceRef="s" targetRef="u"/><bpmn:sequenceFlow id="f2" sourceRef="u" '
          'targetRef="e"/>')


def form_property(name: str) -> str:
    """The extension element that gives a task its form file."""
    return ('<bpmn:extensionElements><spiffworkflow:properties><spiffworkflow:property '
            f'name="formJsonSchemaFilename" value="{name}"/></spiffworkflow:properties></bpmn:extensionElements>')


def linear_with_form(name: str) -> bytes:
    """LINEAR with its user task `u` asking for the form file `name`."""
    return process(LINEAR.replace('<bpmn:userTask id="u" name="U">',
                                  f'<bpmn:userTask id="u" name="U">{form_property(name)}'))


def refusal_with_form(factory, tmp_path, name: str, form: dict) -> dict:
    """The one problem a deploy of LINEAR with `form` (written as `forms/name` under tmp_path) is refused with."""
    (tmp_path / "forms").mkdir(exist_ok=True)
    (tmp_path / "forms" / name).write_text(json.dumps(form))
    with pytest.raises(InvalidDefinition) as err:
        run_in_transaction(factory, lambda s: versions.deploy(s, linear_with_form(name), "x.bpmn", ADMIN,
                                                                 processes_dir=tmp_path))
    [detail] = err.value.details
    return detail


def try_deploy(factory, content: bytes, name: str = "x.bpmn", actor=ADMIN):
    return run_in_transaction(factory, lambda s: versions.deploy(s, content, name, actor, processes_dir=BPMN,
                                                                    library=library()))


def problems(factory, content: bytes) -> list[dict]:
    with pytest.raises(InvalidDefinition) as err:
        try_deploy(factory, content)
    return err.value.details


def count(factory) -> int:
    with factory() as s:
        return s.scalar(select(func.count()).select_from(Definition)) or 0


@pytest.fixture
def spiff_never_called(monkeypatch):
    """Fail the test if SpiffWorkflow's parser receives the bytes at all."""
    def refuse(*args, **kwargs):
        raise AssertionError("SpiffWorkflow saw hostile bytes")
    monkeypatch.setattr(SpiffBpmnParser, "add_bpmn_xml", refuse)


def test_identical_bytes_deploy_to_the_same_version(factory):
    first = deploy(factory, "approval.bpmn")
    again = try_deploy(factory, (BPMN / "approval.bpmn").read_bytes(), "approval.bpmn")
    assert (again.created, again.definition.id, again.definition.version) == (False, first.id, 1)
    assert count(factory) == 1


def test_new_bytes_make_the_next_version_and_old_stays(factory):
    first = deploy(factory, "approval.bpmn")
    changed = (BPMN / "approval.bpmn").read_bytes().replace(b'name="Tinjau"', b'name="Tinjau ulang"')
    second = try_deploy(factory, changed, "approval.bpmn")
    assert second.created and second.definition.version == 2 and second.definition.hash != first.hash
    with factory() as s:
        assert versions.latest(s, "approval").version == 2
        assert versions.get_version(s, "approval", 1).bpmn == (BPMN / "approval.bpmn").read_bytes()
        assert [(d.version, latest) for d, latest in versions.list_definitions(s)] == [(2, True), (1, False)]
        assert s.scalar(select(func.count()).select_from(AuditEvent).where(AuditEvent.action == "deploy")) == 2


def test_only_admin_deploys(factory):
    with pytest.raises(Forbidden):
        try_deploy(factory, (BPMN / "approval.bpmn").read_bytes(), actor=KABID)
    assert count(factory) == 0


XXE = b"""<?xml version="1.0"?>
<!DOCTYPE d [<!ENTITY xxe SYSTEM "file:///etc/passwd">]>
<bpmn:definitions xmlns:bpmn="http://www.omg.org/spec/BPMN/20100524/MODEL" id="d"><bpmn:process id="p" name="&xxe;"
 isExecutable="true"/></bpmn:definitions>"""
LAUGHS = b"""<?xml version="1.0"?>
<!DOCTYPE lolz [<!ENTITY lol "lol"><!ENTITY lol2 "&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;">
<!ENTITY lol3 "&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;">]>
<bpmn:definitions xmlns:bpmn="http://www.omg.org/spec/BPMN/20100524/MODEL" id="d">&lol3;</bpmn:definitions>"""


@pytest.mark.parametrize("payload", [XXE, LAUGHS, b'<?xml version="1.0"?>\n<!doctype html><x/>'],
                         ids=["xxe", "billion-laughs", "doctype"])
def test_hostile_xml_is_refused_before_spiffworkflow_sees_it(factory, spiff_never_called, payload):
    details = problems(factory, payload)
    assert details[0]["code"] == "doctype_entities"
    assert details[0]["line"] == 2
    assert count(factory) == 0


def test_oversized_upload_is_refused(factory, spiff_never_called):
    details = problems(factory, process(LINEAR) + b" " * (5 * 1024 * 1024))
    assert details[0]["code"] == "file_too_large" and details[0]["params"] == {"limit_mb": 5}


def test_malformed_xml_names_the_line(factory, spiff_never_called):
    details = problems(factory, b'<?xml version="1.0"?>\n<a>\n<b></a>')
    assert details[0]["line"] == 3 and details[0]["code"] == "xml_invalid"


def test_xsd_violation_names_file_and_line(factory):
    bad = process(LINEAR.replace('<bpmn:endEvent id="e">', '<bpmn:endEvent id="e" bogus="1">'))
    details = problems(factory, bad)
    assert details[0]["file"] == "x.bpmn" and details[0]["line"] == 3 and details[0]["code"] == "spec_invalid"
    assert "bogus" in details[0]["params"]["detail"]


def test_lint_finds_bare_task_gateway_without_default_and_unknown_lane(factory):
    body = ('<bpmn:startEvent id="s"><bpmn:outgoing>f1</bpmn:outgoing></bpmn:startEvent>'
            '<bpmn:exclusiveGateway id="gw"><bpmn:incoming>f1</bpmn:incoming><bpmn:outgoing>f2</bpmn:outgoing>'
            '<bpmn:outgoing>f3</bpmn:outgoing></bpmn:exclusiveGateway>'
            '<bpmn:task id="bare"><bpmn:incoming>f2</bpmn:incoming></bpmn:task>'
            '<bpmn:endEvent id="e"><bpmn:incoming>f3</bpmn:incoming></bpmn:endEvent>'
            '<bpmn:sequenceFlow id="f1" sourceRef="s" targetRef="gw"/>'
            '<bpmn:sequenceFlow id="f2" sourceRef="gw" targetRef="bare">'
            '<bpmn:conditionExpression>x ==</bpmn:conditionExpression></bpmn:sequenceFlow>'
            '<bpmn:sequenceFlow id="f3" sourceRef="gw" targetRef="e"/>')
    lanes = ('<bpmn:laneSet id="ls"><bpmn:lane id="l1" name="tamu"><bpmn:flowNodeRef>s</bpmn:flowNodeRef>'
             '</bpmn:lane></bpmn:laneSet>')
    found = {(d["element"], d["code"]) for d in problems(factory, process(body, lanes=lanes))}
    assert found == {("bare", "untyped_task"), ("gw", "gateway_without_default"), ("l1", "unknown_lane"),
                     ("f2", "condition_syntax")}


def test_missing_and_invalid_forms_are_refused(factory, tmp_path):
    (tmp_path / "forms").mkdir()
    (tmp_path / "forms" / "bad.json").write_text('{"type": "objek"}')
    for name, expected in [("missing.json", "form_file_missing"), ("bad.json", "form_schema_invalid"),
                           ("../x.json", "form_file_name")]:
        with pytest.raises(InvalidDefinition) as err:
            run_in_transaction(factory, lambda s, n=name: versions.deploy(s, linear_with_form(n), "x.bpmn", ADMIN,
                                                                             processes_dir=tmp_path))
        assert err.value.details[0]["code"] == expected and err.value.details[0]["element"] == "u"


def test_a_form_declaring_a_name_scripts_rely_on_is_refused_with_file_line_and_element(factory, tmp_path):
    form = {"type": "object", "properties": {"len": {"type": "integer"}, "__class__": {"type": "string"},
                                             "catatan": {"type": "string"},
                                             "rows": {"type": "array", "items": {"type": "object", "properties": {
                                                 "typename": {"type": "string"}, "len": {"type": "string"}}}}}}
    detail = refusal_with_form(factory, tmp_path, "nama.json", form)
    assert detail["file"] == "x.bpmn" and detail["element"] == "u" and detail["line"]
    assert detail["code"] == "form_reserved_names"
    assert detail["params"] == {"filename": "nama.json", "names": ["len", "__class__", "rows[].typename"]}


def test_a_form_field_named_like_the_item_a_step_concerns_is_refused_unless_read_only(factory, tmp_path):
    (tmp_path / "forms").mkdir()
    (tmp_path / "forms" / "ganti.json").write_text(json.dumps(
        {"type": "object", "properties": {"library": {"type": "object"}, "catatan": {"type": "string"}}}))
    (tmp_path / "forms" / "lihat.json").write_text(json.dumps(
        {"type": "object", "properties": {"library": {"type": "object", "readOnly": True}}}))
    body = ('<bpmn:startEvent id="s"><bpmn:outgoing>f1</bpmn:outgoing></bpmn:startEvent>'
            '<bpmn:userTask id="u" name="U">{}<bpmn:incoming>f1</bpmn:incoming><bpmn:outgoing>f2</bpmn:outgoing>'
            '<bpmn:multiInstanceLoopCharacteristics><bpmn:loopDataInputRef>libraries</bpmn:loopDataInputRef>'
            '<bpmn:inputDataItem id="library" name="library"/></bpmn:multiInstanceLoopCharacteristics>'
            '</bpmn:userTask><bpmn:endEvent id="e"><bpmn:incoming>f2</bpmn:incoming></bpmn:endEvent>'
            '<bpmn:sequenceFlow id="f1" sourceRef="s" targetRef="u"/>'
            '<bpmn:sequenceFlow id="f2" sourceRef="u" targetRef="e"/>')
    with pytest.raises(InvalidDefinition) as err:
        run_in_transaction(factory, lambda s: versions.deploy(
            s, process(body.format(form_property("ganti.json"))), "x.bpmn", ADMIN, processes_dir=tmp_path))
    [detail] = err.value.details
    assert detail["element"] == "u" and (detail["code"], detail["params"]) == ("form_field_shadows_item",
                                                                            {"fields": ["library"]})
    assert run_in_transaction(factory, lambda s: versions.deploy(
        s, process(body.format(form_property("lihat.json"))), "x.bpmn", ADMIN, processes_dir=tmp_path)).created


def test_timer_literal_must_be_quoted_iso(factory):
    body = ('<bpmn:startEvent id="s"><bpmn:outgoing>f1</bpmn:outgoing></bpmn:startEvent>'
            '<bpmn:intermediateCatchEvent id="t"><bpmn:incoming>f1</bpmn:incoming><bpmn:outgoing>f2</bpmn:outgoing>'
            '<bpmn:timerEventDefinition><bpmn:timeDuration>{}</bpmn:timeDuration></bpmn:timerEventDefinition>'
            '</bpmn:intermediateCatchEvent><bpmn:endEvent id="e"><bpmn:incoming>f2</bpmn:incoming></bpmn:endEvent>'
            '<bpmn:sequenceFlow id="f1" sourceRef="s" targetRef="t"/><bpmn:sequenceFlow id="f2" sourceRef="t" '
            'targetRef="e"/>')
    assert problems(factory, process(body.format("PT1H")))[0]["code"] == "timer_unquoted"
    assert problems(factory, process(body.format("2027-01-01T08:00:00")))[0]["code"] == "timer_unquoted"
    assert problems(factory, process(body.format('"1 jam"')))[0]["code"] == "timer_not_iso"
    assert try_deploy(factory, process(body.format('"PT1H"'))).created
    assert try_deploy(factory, process(body.format('due_date'), pid="q")).created  # data-driven: checked at run time


def test_call_activity_resolves_from_library_and_missing_target_is_named(factory):
    files = deploy(factory, "caller.bpmn").files
    assert [f for f in files if "/" not in f] == ["callee.bpmn", "caller.bpmn"]
    assert files["callee.bpmn"] == (BPMN / "callee.bpmn").read_text()
    broken = (BPMN / "caller.bpmn").read_bytes().replace(b'calledElement="callee"', b'calledElement="nowhere"')
    details = problems(factory, broken)
    assert details[0]["code"] == "called_element_missing" and details[0]["element"] == "call"
    assert details[0]["params"] == {"target": "nowhere"}


def test_a_failed_deploy_stores_nothing(factory):
    deploy(factory, "approval.bpmn")
    broken = (BPMN / "approval.bpmn").read_bytes().replace(b'default="f_no"', b"")
    problems(factory, broken)
    assert count(factory) == 1


def test_deploy_folder_deploys_every_bundle_folder(factory, tmp_path):
    for folder, names in (("approval", ("approval.bpmn",)), ("caller", ("caller.bpmn", "callee.bpmn"))):
        (tmp_path / folder / "forms").mkdir(parents=True)
        for name in names:
            (tmp_path / folder / name).write_bytes((BPMN / name).read_bytes())
        for form in (BPMN / "forms").iterdir():
            (tmp_path / folder / "forms" / form.name).write_bytes(form.read_bytes())
    (tmp_path / "demo").mkdir()  # a folder without BPMN is not a bundle
    results = run_in_transaction(factory, lambda s: versions.deploy_folder(s, tmp_path, ADMIN))
    # the callee is only called: it travels inside the caller's version instead of standing alone
    assert sorted(r.definition.key for r in results) == ["approval", "caller"]
    [caller] = [r.definition for r in results if r.definition.key == "caller"]
    assert caller.files["callee.bpmn"] == (BPMN / "callee.bpmn").read_text()
    assert caller.filename == "caller.bpmn" and "forms/cabang_a.json" in caller.files
    again = run_in_transaction(factory, lambda s: versions.deploy_folder(s, tmp_path, ADMIN))
    assert not any(r.created for r in again)


def test_a_bundle_folder_with_two_startable_processes_is_refused(factory, tmp_path):
    for name in ("approval.bpmn", "caller.bpmn", "callee.bpmn"):
        (tmp_path / name).write_bytes((BPMN / name).read_bytes())
    with pytest.raises(InvalidDefinition) as refused:
        run_in_transaction(factory, lambda s: versions.deploy_folder(s, tmp_path, ADMIN))
    assert [(p.code, p.params) for p in refused.value.problems] == [
        ("bundle_several_main", {"files": ["approval.bpmn", "caller.bpmn"]})]
    assert count(factory) == 0


def test_a_form_with_an_unknown_or_unusable_rule_is_refused_with_file_line_and_element(factory, tmp_path):
    form = {"type": "object", "properties": {
        "petugas": {"type": "string", "x-senapas-ref": "pegawai"},
        "tanggal": {"type": "string", "format": "date", "x-senapas-not-in-past": True},
        "sampai": {"type": "string", "format": "date", "x-senapas-after": "tanggal"},
        "hasil": {"type": "object", "properties": {"predikat": {"type": "string", "x-senapas-grade-of": "skor"}}}}}
    detail = refusal_with_form(factory, tmp_path, "aturan.json", form)
    assert detail["file"] == "x.bpmn" and detail["element"] == "u" and detail["line"]
    assert detail["code"] == "form_unknown_rules"
    assert detail["params"] == {"filename": "aturan.json", "names": ["x-senapas-ref", "x-senapas-not-in-past",
                                                                  "x-senapas-grade-of"]}
