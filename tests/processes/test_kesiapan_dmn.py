"""The readiness decision (processes/kesiapan_pembinaan.dmn) on both sides of its threshold."""

from __future__ import annotations

from typing import Any

import pytest
from SpiffWorkflow.bpmn.workflow import BpmnWorkflow
from SpiffWorkflow.spiff.parser.process import VALIDATOR, SpiffBpmnParser

from tests.processes.helpers import SOP_DIR, script_engine

# The smallest process that calls the decision the way the monev track does.
CALLER = b"""<?xml version="1.0" encoding="UTF-8"?>
<bpmn:definitions xmlns:bpmn="http://www.omg.org/spec/BPMN/20100524/MODEL"
    xmlns:spiffworkflow="http://spiffworkflow.org/bpmn/schema/1.0/core" id="d" targetNamespace="urn:test">
  <bpmn:process id="saran" isExecutable="true">
    <bpmn:startEvent id="start"><bpmn:outgoing>f1</bpmn:outgoing></bpmn:startEvent>
    <bpmn:businessRuleTask id="saran_kesiapan">
      <bpmn:extensionElements>
        <spiffworkflow:calledDecisionId>kesiapan_pembinaan</spiffworkflow:calledDecisionId>
      </bpmn:extensionElements>
      <bpmn:incoming>f1</bpmn:incoming><bpmn:outgoing>f2</bpmn:outgoing>
    </bpmn:businessRuleTask>
    <bpmn:endEvent id="end"><bpmn:incoming>f2</bpmn:incoming></bpmn:endEvent>
    <bpmn:sequenceFlow id="f1" sourceRef="start" targetRef="saran_kesiapan"/>
    <bpmn:sequenceFlow id="f2" sourceRef="saran_kesiapan" targetRef="end"/>
  </bpmn:process>
</bpmn:definitions>"""


def decide(total: float) -> dict[str, Any]:
    parser = SpiffBpmnParser(validator=VALIDATOR)
    parser.add_dmn_file(str(SOP_DIR / "kesiapan_pembinaan.dmn"))
    parser.add_bpmn_str(CALLER)
    workflow = BpmnWorkflow(parser.get_spec("saran"), script_engine=script_engine())
    workflow.task_tree.data["skor_monev"] = {"total": total}
    for task in workflow.task_tree.children:
        task.data["skor_monev"] = {"total": total}
    workflow.do_engine_steps()
    assert workflow.is_completed()
    result: dict[str, Any] = workflow.data["kesiapan"]
    return result


@pytest.mark.parametrize(("total", "ready"), [(60.0, True), (60, True), (100.0, True), (59.99, False), (0.0, False)])
def test_suggestion_on_both_sides_of_the_threshold(total: float, ready: bool) -> None:
    result = decide(total)
    assert result["siap_dibina"] is ready
    assert result["saran"].startswith("Siap dibina" if ready else "Belum siap")
