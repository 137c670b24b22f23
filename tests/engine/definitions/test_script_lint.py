"""Deploy refuses scripts, expressions, cardinalities and timer cycles outside the script policy, naming where."""

from __future__ import annotations

from pathlib import Path

import pytest
from lxml import etree

from engine import settings
from engine.db import run_in_transaction
from engine.definitions import versions
from engine.definitions.lint import lint
from engine.errors import InvalidDefinition
from tests.engine.helpers import ADMIN, BPMN, library

HEAD = ('<?xml version="1.0" encoding="UTF-8"?>\n'
        '<bpmn:definitions xmlns:bpmn="http://www.omg.org/spec/BPMN/20100524/MODEL" '
        'xmlns:spiffworkflow="http://spiffworkflow.org/bpmn/schema/1.0/core" id="d" targetNamespace="t">\n'
        '<bpmn:process id="p" isExecutable="true">\n'
        '<bpmn:startEvent id="s"><bpmn:outgoing>f1</bpmn:outgoing></bpmn:startEvent>\n')
TAIL = ('<bpmn:endEvent id="e"><bpmn:incoming>f2</bpmn:incoming></bpmn:endEvent>\n'
        '<bpmn:sequenceFlow id="f1" sourceRef="s" targetRef="t1"/>\n'
        '<bpmn:sequenceFlow id="f2" sourceRef="t1" targetRef="e"/>\n'
        '</bpmn:process>\n</bpmn:definitions>\n')
ESCAPE = ("klas = [k for k in ().__class__.__base__.__subclasses__() if k.__name__ == '_wrap_close'][0]\n"
          "hasil = klas.__init__.__globals__['popen']('id').read()")


def with_script(script: str) -> bytes:
    """A process whose one step (line 5) is a script task with `script` starting on that line."""
    return (HEAD + f'<bpmn:scriptTask id="t1"><bpmn:incoming>f1</bpmn:incoming><bpmn:outgoing>f2</bpmn:outgoing>'
            f'<bpmn:script>{script}</bpmn:script></bpmn:scriptTask>\n' + TAIL).encode()


def with_user_task(inner: str = "", boundary: str = "") -> bytes:
    """A process whose one step (line 5) is a user task holding `inner`, with `boundary` events after it."""
    return (HEAD + f'<bpmn:userTask id="t1" name="U"><bpmn:incoming>f1</bpmn:incoming><bpmn:outgoing>f2'
            f'</bpmn:outgoing>{inner}</bpmn:userTask>\n{boundary}' + TAIL).encode()


def problems(factory, content: bytes) -> list[dict]:
    with pytest.raises(InvalidDefinition) as refused:
        run_in_transaction(factory, lambda s: versions.deploy(s, content, "x.bpmn", ADMIN, processes_dir=BPMN,
                                                               library=library()))
    return refused.value.details


@pytest.mark.parametrize("script,line,word", [
    ("a = 1\n" + ESCAPE, 6, "__class__"),
    ("import os\nhasil = os.system('id')", 5, "import"),
    ("hasil = open('/etc/passwd').read()", 5, "open"),
    ("a = 1\nb = 2\nhasil = eval(kode)", 7, "eval"),
    ("hasil = getattr(data, nama)", 5, "getattr"),
])
def test_a_script_outside_the_policy_is_refused_with_file_line_and_element(factory, script, line, word):
    [problem] = problems(factory, with_script(script))
    assert (problem["file"], problem["line"], problem["element"]) == ("x.bpmn", line, "t1")
    assert problem["code"] == "script_refused" and word in problem["params"]["detail"]


def test_a_condition_outside_the_policy_names_its_flow(factory):
    body = with_script("x = 1").replace(
        b'<bpmn:sequenceFlow id="f2" sourceRef="t1" targetRef="e"/>',
        b'<bpmn:sequenceFlow id="f2" sourceRef="t1" targetRef="e">'
        b'<bpmn:conditionExpression>x.__class__ is int</bpmn:conditionExpression></bpmn:sequenceFlow>')
    [problem] = problems(factory, body)
    assert problem["element"] == "f2" and "__class__" in problem["params"]["detail"]


def test_a_static_cardinality_past_the_bound_is_refused(factory):
    loop = ('<bpmn:multiInstanceLoopCharacteristics isSequential="false">'
            '<bpmn:loopCardinality>20000</bpmn:loopCardinality></bpmn:multiInstanceLoopCharacteristics>')
    [problem] = problems(factory, with_user_task(loop))
    assert (problem["line"], problem["element"]) == (5, "t1") and problem["code"] == "beyond_bounds"
    assert "multi-instance 20000 kali" in problem["params"]["detail"]


def test_the_cardinality_bound_is_the_agency_setting(factory):
    loop = ('<bpmn:multiInstanceLoopCharacteristics isSequential="false">'
            '<bpmn:loopCardinality>30</bpmn:loopCardinality></bpmn:multiInstanceLoopCharacteristics>')
    run_in_transaction(factory, lambda s: versions.deploy(s, with_user_task(loop), "x.bpmn", ADMIN,
                                                          processes_dir=BPMN, library=library()))
    run_in_transaction(factory, lambda s: settings.put(s, "multi_instance_max", 20, "admin"))
    [problem] = problems(factory, with_user_task(loop.replace("30", "31")))
    assert "batas 20" in problem["params"]["detail"]


@pytest.mark.parametrize("cycle,word", [('"R/PT1S"', "paling banyak"), ('"R5/PT1S"', "lebih rapat"),
                                        ('"R1000/P1D"', "paling banyak")])
def test_a_static_timer_cycle_without_bounds_is_refused(factory, cycle, word):
    boundary = ('<bpmn:boundaryEvent id="b" attachedToRef="t1" cancelActivity="false">'
                f'<bpmn:timerEventDefinition><bpmn:timeCycle>{cycle}</bpmn:timeCycle></bpmn:timerEventDefinition>'
                '</bpmn:boundaryEvent>\n')
    [problem] = problems(factory, with_user_task(boundary=boundary))
    assert (problem["line"], problem["element"]) == (6, "b") and word in problem["params"]["detail"]


def test_dmn_expressions_follow_the_same_policy(tmp_path: Path):
    dmn = (b'<?xml version="1.0" encoding="UTF-8"?>\n'
           b'<definitions xmlns="https://www.omg.org/spec/DMN/20191111/MODEL/" id="d" name="d" namespace="t">\n'
           b'<decision id="k" name="k"><decisionTable id="dt">\n'
           b'<input id="i"><inputExpression id="ie"><text>skor.__class__</text></inputExpression></input>\n'
           b'<output id="o" name="hasil"/>\n'
           b'<rule id="r"><inputEntry id="en"><text>&gt;= 60</text></inputEntry>\n'
           b'<outputEntry id="out"><text>open("/etc/passwd")</text></outputEntry></rule>\n'
           b'</decisionTable></decision></definitions>\n')
    found, _forms = lint(etree.fromstring(dmn), "k.dmn", tmp_path)
    assert [(p.line, p.element) for p in found] == [(4, "ie"), (7, "out")]


def test_every_sop_definition_keeps_to_the_policy(tmp_path: Path):
    processes = Path(__file__).parents[3] / "processes"
    for path in sorted(processes.glob("*/*.bpmn")) + sorted(processes.glob("*/*.dmn")):
        found, _forms = lint(etree.parse(str(path)).getroot(), path.name, path.parent / "forms")
        assert found == [], path.name
