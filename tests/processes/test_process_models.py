"""Static checks of the process models: valid, fully drawn, lanes are roles, forms exist and are sound."""

from __future__ import annotations

import ast
import json
from itertools import pairwise
from pathlib import Path
from typing import Any

import pytest
from jsonschema import Draft202012Validator
from lxml import etree
from SpiffWorkflow.bpmn.specs.event_definitions.timer import TimerEventDefinition
from SpiffWorkflow.bpmn.specs.mixins.multiinstance_task import MultiInstanceTask

from engine.definitions.bpmn_xml import NS
from engine.libraries import instruments
from tests.processes.helpers import (
    FORMS_DIR,
    INSTRUMENT_ID,
    SOP_DIR,
    all_bpmn,
    all_forms,
    bpmn_files,
    bpmn_path,
    form_path,
    load_form,
    parse,
)

# Processes people start, and every BPMN file of the folder (a file is named after its one process).
PROCESSES = ("kitapun_senapas", "pengaduan")
FILES = tuple(sorted(p.stem for p in all_bpmn()))
# Called process of each call activity, with the multi-instance item it receives and the result it returns.
CALLED = {
    "Monev_Perpustakaan": ("monev_perpustakaan", "kunjungan", "hasil"),
    "Pembinaan_Perpustakaan": ("pembinaan_perpustakaan", "binaan", "hasil_binaan"),
}
CALLED_KEYS = {called for called, _, _ in CALLED.values()}
ROLE_LANES = {"koordinasi", "kabid", "subkoor", "petugas", "mitra", "pustakawan", "publik"}
DOCUMENT_KINDS = {"monev_notification", "surat_tugas", "monev_report", "monev_summary", "coaching_notification",
                  "accreditation_summary", "complaint_reply"}
FLOW_NODES = ("startEvent", "endEvent", "boundaryEvent", "intermediateCatchEvent", "intermediateThrowEvent",
              "userTask", "scriptTask", "businessRuleTask", "serviceTask", "manualTask", "task", "sendTask",
              "receiveTask", "callActivity", "subProcess", "exclusiveGateway", "parallelGateway",
              "inclusiveGateway", "eventBasedGateway")
ALLOWED_NODES = {"startEvent", "endEvent", "boundaryEvent", "userTask", "scriptTask", "businessRuleTask",
                 "subProcess", "callActivity", "exclusiveGateway", "parallelGateway"}

# Lane of every user task as SpiffWorkflow resolves it, called processes included (a call activity's
# lane does not reach into the called process: each of its tasks has the lane of the called process).
EXPECTED_LANES = {
    "kitapun_senapas": {
        "Koordinasi_Monev": "koordinasi", "Surat_Pemberitahuan_Monev": "petugas",
        "Konfirmasi_Penyebarluasan": "mitra", "Kunjungan_Monev": "petugas", "Eskalasi_Kunjungan": "kabid",
        "Monev": "petugas", "Penilaian_Mandiri": "pustakawan", "Pemilihan_Pembinaan": "koordinasi",
        "Surat_Pemberitahuan_Pembinaan": "petugas",
        "Kunjungan_Pembinaan": "petugas", "Pengajuan_Akreditasi": "petugas",
        "Pendampingan_Akreditasi": "koordinasi", "Hasil_Akreditasi": "koordinasi",
        "Tindak_Lanjut_Akreditasi": "koordinasi",
    },
    "pengaduan": {
        "Telaah_Pengaduan": "subkoor", "Eskalasi_Pengaduan": "kabid", "Penanganan_Pengaduan": "petugas",
        "Penerusan_Pengaduan": "petugas", "Balasan_Pengaduan": "petugas", "Tinjauan_Penutupan": "kabid",
    },
}


def tree(process_id: str) -> etree._Element:
    return etree.parse(str(bpmn_path(process_id))).getroot()


def local(element: etree._Element) -> str:
    return etree.QName(element).localname


def flow_nodes(root: etree._Element) -> list[etree._Element]:
    return [e for name in FLOW_NODES for e in root.iterfind(f".//bpmn:{name}", NS)]


def props(element: etree._Element) -> dict[str, str]:
    return {p.get("name", ""): p.get("value", "") for p in element.iterfind(
        "bpmn:extensionElements/spiffworkflow:properties/spiffworkflow:property", NS)}


def bounds(root: etree._Element, element_id: str) -> tuple[float, float, float, float]:
    found = root.find(f".//bpmndi:BPMNShape[@bpmnElement='{element_id}']/dc:Bounds", NS)
    assert found is not None, f"{element_id} has no BPMNShape"
    return (float(found.get("x", "nan")), float(found.get("y", "nan")),
            float(found.get("width", "nan")), float(found.get("height", "nan")))


def centre(box: tuple[float, float, float, float]) -> tuple[float, float]:
    return box[0] + box[2] / 2, box[1] + box[3] / 2


def inside(point: tuple[float, float], box: tuple[float, float, float, float]) -> bool:
    return box[0] < point[0] < box[0] + box[2] and box[1] < point[1] < box[1] + box[3]


def on_border(point: tuple[float, float], box: tuple[float, float, float, float], tol: float = 1.0) -> bool:
    x, y, w, h = box
    px, py = point
    within_x, within_y = x - tol <= px <= x + w + tol, y - tol <= py <= y + h + tol
    return (within_y and (abs(px - x) <= tol or abs(px - x - w) <= tol)) or \
           (within_x and (abs(py - y) <= tol or abs(py - y - h) <= tol))


@pytest.mark.parametrize("process_id", FILES)
def test_process_parses_with_xsd_validation_and_dmn(process_id: str) -> None:
    spec, subprocess_specs = parse(process_id)
    assert spec.name == process_id
    if process_id == "kitapun_senapas":
        # the called processes, and the visit subprocesses embedded in monev_perpustakaan
        assert set(subprocess_specs) == {"monev_perpustakaan", "pembinaan_perpustakaan", "Kunjungan_dan_Monev",
                                         "Kunjungan"}
        assert [p.name for p in bpmn_files(process_id)] == [
            "kitapun_senapas.bpmn", "monev_perpustakaan.bpmn", "pembinaan_perpustakaan.bpmn"]


def test_every_file_is_a_process_people_start_or_one_that_is_called() -> None:
    called = {target for target, _, _ in CALLED.values()}
    assert set(FILES) == set(PROCESSES) | called
    for process_id in FILES:
        calls = {c.get("calledElement") for c in tree(process_id).iterfind(".//bpmn:callActivity", NS)}
        assert calls <= called, process_id


@pytest.mark.parametrize("process_id", FILES)
def test_one_pool_whose_lanes_are_role_keys(process_id: str) -> None:
    root = tree(process_id)
    participants = root.findall("bpmn:collaboration/bpmn:participant", NS)
    assert [p.get("processRef") for p in participants] == [process_id]
    lanes = root.findall(f"bpmn:process[@id='{process_id}']/bpmn:laneSet/bpmn:lane", NS)
    assert lanes and {lane.get("name") for lane in lanes} <= ROLE_LANES


@pytest.mark.parametrize("process_id", FILES)
def test_every_node_lane_and_flow_is_drawn(process_id: str) -> None:
    root = tree(process_id)
    shaped = {s.get("bpmnElement") for s in root.iterfind(".//bpmndi:BPMNShape", NS)}
    edged = {e.get("bpmnElement") for e in root.iterfind(".//bpmndi:BPMNEdge", NS)}
    nodes = {n.get("id") for n in flow_nodes(root)}
    lanes = {lane.get("id") for lane in root.iterfind(".//bpmn:lane", NS)}
    participants = {p.get("id") for p in root.iterfind(".//bpmn:participant", NS)}
    flows = {f.get("id") for f in root.iterfind(".//bpmn:sequenceFlow", NS)}
    assert nodes | lanes | participants <= shaped
    assert flows <= edged
    for sub in root.iterfind(".//bpmn:subProcess", NS):
        shape = root.find(f".//bpmndi:BPMNShape[@bpmnElement='{sub.get('id')}']", NS)
        assert shape is not None and shape.get("isExpanded") == "true"
    for call in root.iterfind(".//bpmn:callActivity", NS):  # drawn collapsed: its steps are in its own file
        shape = root.find(f".//bpmndi:BPMNShape[@bpmnElement='{call.get('id')}']", NS)
        assert shape is not None and shape.get("isExpanded") != "true"
        assert bounds(root, str(call.get("id")))[2:] == (100.0, 80.0)


@pytest.mark.parametrize("process_id", FILES)
def test_drawing_is_consistent_with_lanes_containers_and_flows(process_id: str) -> None:
    root = tree(process_id)
    pool = bounds(root, f"Participant_{process_id}")
    lane_boxes = {}
    for lane in root.iterfind(".//bpmn:lane", NS):
        box = bounds(root, str(lane.get("id")))
        assert box[0] >= pool[0] and box[0] + box[2] <= pool[0] + pool[2]
        lane_boxes[lane.get("id")] = box
        for ref in lane.iterfind("bpmn:flowNodeRef", NS):
            assert inside(centre(bounds(root, str(ref.text))), box), f"{ref.text} drawn outside its lane"
    tops = sorted((box[1], box[1] + box[3]) for box in lane_boxes.values())
    assert all(a[1] == b[0] for a, b in pairwise(tops)), "lanes are stacked without gaps"
    for sub in root.iterfind(".//bpmn:subProcess", NS):
        box = bounds(root, str(sub.get("id")))
        for child in sub:
            if child.get("id") and local(child) in FLOW_NODES:
                assert inside(centre(bounds(root, str(child.get("id")))), box), f"{child.get('id')} outside"
    for flow in root.iterfind(".//bpmn:sequenceFlow", NS):
        points = [(float(w.get("x", "nan")), float(w.get("y", "nan"))) for w in root.iterfind(
            f".//bpmndi:BPMNEdge[@bpmnElement='{flow.get('id')}']/di:waypoint", NS)]
        assert len(points) >= 2
        assert on_border(points[0], bounds(root, str(flow.get("sourceRef")))), flow.get("id")
        assert on_border(points[-1], bounds(root, str(flow.get("targetRef")))), flow.get("id")


@pytest.mark.parametrize("process_id", FILES)
def test_subprocesses_with_several_lanes_are_outside_every_lane(process_id: str) -> None:
    # SpiffWorkflow gives every task of an embedded subprocess the subprocess's own lane when it has
    # one, which would hand the kabid escalation to petugas: such a subprocess must not be in a lane.
    root = tree(process_id)
    referenced = {ref.text for ref in root.iterfind(".//bpmn:flowNodeRef", NS)}
    for sub in root.iterfind(".//bpmn:subProcess", NS):
        assert sub.get("id") not in referenced


@pytest.mark.parametrize("call_id", CALLED)
def test_called_processes_have_their_own_lanes(call_id: str) -> None:
    # A called process does not take the lane of the call activity: without its own lanes its user
    # tasks would have none and go to supervisors only. Every node sits in exactly one of its lanes.
    called, _, _ = CALLED[call_id]
    root = tree(called)
    process = root.find(f"bpmn:process[@id='{called}']", NS)
    assert process is not None
    refs = [str(ref.text) for ref in process.iterfind("bpmn:laneSet/bpmn:lane/bpmn:flowNodeRef", NS)]
    # An embedded subprocess spanning lanes sits in none (SpiffWorkflow would give its lane to every inner task).
    embedded = {str(n.get("id")) for n in process.iterfind(".//bpmn:subProcess", NS)}
    assert sorted(refs) == sorted(str(n.get("id")) for n in flow_nodes(process) if n.get("id") not in embedded)
    spec, subprocesses = parse(called)
    user_tasks = {name: t.lane for sub in (spec, *(s for k, s in subprocesses.items() if k not in CALLED_KEYS))
                  for name, t in sub.task_specs.items() if type(t).__name__ == "UserTask"}
    assert user_tasks and all(user_tasks.values())


@pytest.mark.parametrize("call_id", CALLED)
def test_called_processes_take_only_the_item_and_give_back_only_the_result(call_id: str) -> None:
    # CallActivity copies only the declared data inputs into the called process and only the data
    # outputs back (SpiffWorkflow matches them on their ids), so a track never carries the cycle's data.
    called, item, result = CALLED[call_id]
    io = tree(called).find(f"bpmn:process[@id='{called}']/bpmn:ioSpecification", NS)
    assert io is not None
    assert [e.get("id") for e in io.iterfind("bpmn:dataInput", NS)] == [item]
    assert [e.get("id") for e in io.iterfind("bpmn:dataOutput", NS)] == [result]
    assert [r.text for r in io.iterfind("bpmn:inputSet/bpmn:dataInputRefs", NS)] == [item]
    assert [r.text for r in io.iterfind("bpmn:outputSet/bpmn:dataOutputRefs", NS)] == [result]
    spec, _ = parse(called)
    assert spec.io_specification is not None
    assert [d.bpmn_id for d in spec.io_specification.data_inputs] == [item]
    assert [d.bpmn_id for d in spec.io_specification.data_outputs] == [result]


@pytest.mark.parametrize("process_id", PROCESSES)
def test_user_tasks_have_the_expected_lanes(process_id: str) -> None:
    spec, subprocess_specs = parse(process_id)
    lanes = {name: task_spec.lane for s in (spec, *subprocess_specs.values())
             for name, task_spec in s.task_specs.items() if type(task_spec).__name__ == "UserTask"}
    assert lanes == EXPECTED_LANES[process_id]


@pytest.mark.parametrize("process_id", FILES)
def test_only_supported_node_kinds(process_id: str) -> None:
    kinds = {local(n) for n in flow_nodes(tree(process_id))}
    assert kinds <= ALLOWED_NODES


@pytest.mark.parametrize("process_id", FILES)
def test_gateways_have_defaults_and_tasks_one_outgoing_flow(process_id: str) -> None:
    root = tree(process_id)
    flows = {f.get("id"): f for f in root.iterfind(".//bpmn:sequenceFlow", NS)}
    for gateway in root.iterfind(".//bpmn:exclusiveGateway", NS):
        outgoing = [f for f in flows.values() if f.get("sourceRef") == gateway.get("id")]
        default = gateway.get("default")
        assert default in {f.get("id") for f in outgoing}, f"{gateway.get('id')} has no default flow"
        for f in outgoing:
            has_condition = f.find("bpmn:conditionExpression", NS) is not None
            assert has_condition == (f.get("id") != default), f"{f.get('id')}: only non-default flows have conditions"
    for node in flow_nodes(root):
        if local(node) not in ("exclusiveGateway", "parallelGateway"):
            assert len([f for f in flows.values() if f.get("sourceRef") == node.get("id")]) <= 1, node.get("id")


@pytest.mark.parametrize("process_id", FILES)
def test_expressions_scripts_and_timers_are_valid_python(process_id: str) -> None:
    root = tree(process_id)
    for script in root.iterfind(".//bpmn:script", NS):
        ast.parse(script.text or "", mode="exec")
    for condition in root.iterfind(".//bpmn:conditionExpression", NS):
        ast.parse(condition.text or "", mode="eval")
    for timer in root.iterfind(".//bpmn:timerEventDefinition/*", NS):
        tree_ = ast.parse(timer.text or "", mode="eval")
        if not any(isinstance(n, ast.Name) for n in ast.walk(tree_)):  # a literal: must be ISO 8601
            value = ast.literal_eval(tree_)
            assert isinstance(value, str)
            TimerEventDefinition.parse_iso_duration(value)
    for element in root.iter():
        p = props(element) if isinstance(element.tag, str) else {}
        if "dueDate" in p:
            ast.parse(p["dueDate"], mode="eval")
        if "dueDuration" in p:
            TimerEventDefinition.parse_iso_duration(p["dueDuration"])


@pytest.mark.parametrize("process_id", FILES)
def test_user_tasks_have_forms_instructions_and_known_documents(process_id: str) -> None:
    root = tree(process_id)
    for task in root.iterfind(".//bpmn:userTask", NS):
        p = props(task)
        assert form_path(p["formJsonSchemaFilename"]).is_file(), task.get("id")
        assert form_path(p["formUiSchemaFilename"]).is_file(), task.get("id")
        instructions = task.findtext("bpmn:extensionElements/spiffworkflow:instructionsForEndUser", "", NS)
        assert len(instructions.strip()) > 40, task.get("id")
        kinds = [k.strip() for prop in ("documents", "documentsOnOpen") for k in p.get(prop, "").split(",")
                 if k.strip()]
        assert set(kinds) <= DOCUMENT_KINDS, task.get("id")
    start = root.find(".//bpmn:process/bpmn:startEvent", NS)
    assert start is not None
    if process_id == "pengaduan":
        assert props(start)["formJsonSchemaFilename"] == "pengaduan_publik.json"


def test_documents_are_produced_by_the_sop_steps() -> None:
    produced: dict[str, list[str]] = {}
    for process_id in FILES:
        for task in [*tree(process_id).iterfind(".//bpmn:userTask", NS),
                     *tree(process_id).iterfind(".//bpmn:scriptTask", NS)]:
            for prop in ("documents", "documentsOnOpen"):
                for kind in props(task).get(prop, "").split(","):
                    if kind:
                        produced.setdefault(kind, []).append(f"{task.get('id')} ({prop})")
    assert produced == {
        "monev_notification": ["Surat_Pemberitahuan_Monev (documents)"],
        # a surat tugas is issued when the visit is due to be made, not after it
        "surat_tugas": ["Kunjungan_Monev (documentsOnOpen)", "Kunjungan_Pembinaan (documentsOnOpen)",
                        "Pendampingan_Akreditasi (documentsOnOpen)"],
        "monev_report": ["Monev (documents)"],
        "monev_summary": ["Pemilihan_Pembinaan (documents)"],
        "coaching_notification": ["Surat_Pemberitahuan_Pembinaan (documents)"],
        # the accreditation result, and the end of a coaching a library dropped out of
        "accreditation_summary": ["Hasil_Akreditasi (documents)", "Catat_Mundur (documents)"],
        "complaint_reply": ["Balasan_Pengaduan (documents)"],
    }


def test_multi_instance_collections_and_items() -> None:
    spec, subprocess_specs = parse("kitapun_senapas")
    loops = {name: t for name, t in spec.task_specs.items() if isinstance(t, MultiInstanceTask)}
    shape = {name: (t.data_input.bpmn_id, t.input_item.bpmn_id, t.data_output.bpmn_id, t.output_item.bpmn_id)
             for name, t in loops.items()}
    assert shape == {
        "Monev_Perpustakaan": ("jadwal", "kunjungan", "hasil_monev", "hasil"),
        "Pembinaan_Perpustakaan": ("daftar_pembinaan", "binaan", "hasil_pembinaan", "hasil_binaan"),
    }
    assert all(type(t).__name__ == "ParallelMultiInstanceTask" for t in loops.values())
    for name, loop in loops.items():
        child = spec.task_specs[loop.task_spec]
        called, item, result = CALLED[name]
        assert type(child).__name__ == "CallActivity" and child.spec == called
        assert (loop.input_item.bpmn_id, loop.output_item.bpmn_id) == (item, result)
        called_spec = subprocess_specs[called]
        assert [d.bpmn_id for d in called_spec.io_specification.data_inputs] == [item]
        assert [d.bpmn_id for d in called_spec.io_specification.data_outputs] == [result]


def test_score_script_uses_the_instrument_chosen_for_the_library_among_those_the_forms_offer() -> None:
    root = tree("monev_perpustakaan")
    script = root.findtext(".//bpmn:scriptTask[@id='Hitung_Skor_Monev']/bpmn:script", "", NS)
    assert script == "skor_monev = monev_score(answers, instrumen)"
    for task in ("Monev", "Penilaian_Mandiri"):
        assert root.findtext(f".//bpmn:userTask[@id='{task}']//spiffworkflow:preScript", "", NS) == (
            "instrumen = instrument_for(kunjungan)"), task
    typed = {i.id for i in instruments.typed(SOP_DIR)}
    assert INSTRUMENT_ID in typed and len(typed) == 4
    for name in ("monev.json", "penilaian_mandiri.json"):
        form = json.loads((FORMS_DIR / name).read_text(encoding="utf-8"))
        assert set(form["x-senapas-instrument"]) == typed, name


def form_files() -> list[Path]:
    return [p for p in all_forms() if not p.name.endswith(".ui.json")]


def test_every_form_is_used_by_a_process() -> None:
    used = set()
    for process_id in FILES:
        for element in tree(process_id).iter():
            if isinstance(element.tag, str):
                used |= {v for k, v in props(element).items() if k.startswith("form")}
    files = {p.name for p in all_forms()}
    assert files == used


@pytest.mark.parametrize("path", form_files(), ids=lambda p: p.name)
def test_form_is_a_described_draft_2020_12_schema(path: Path) -> None:
    schema = load_form(path.name)
    Draft202012Validator.check_schema(schema)
    assert schema["$schema"] == "https://json-schema.org/draft/2020-12/schema"
    assert schema["type"] == "object" and schema["required"]

    def walk(node: dict[str, Any], where: str) -> None:
        assert node.get("title") and node.get("description"), f"{where} lacks an Indonesian title/description"
        for name, child in node.get("properties", {}).items():
            walk(child, f"{where}.{name}")
        if node.get("type") == "array" and isinstance(node.get("items"), dict) and "title" in node["items"]:
            walk(node["items"], f"{where}[]")

    walk(schema, path.name)


@pytest.mark.parametrize("path", form_files(), ids=lambda p: p.name)
def test_form_has_an_english_entry_for_every_field_and_choice(path: Path) -> None:
    raw = json.loads(path.read_text(encoding="utf-8"))
    english = raw["x-senapas-i18n"]["en"]
    assert english["title"] and english["description"]
    fields = english["fields"]
    expected: set[str] = set()

    def consts(node: dict[str, Any]) -> set[str]:
        return {str(option["const"]) for option in node.get("oneOf", [])}

    def walk(node: dict[str, Any], prefix: str) -> None:
        for name, child in node.get("properties", {}).items():
            here = f"{prefix}.{name}" if prefix else name
            expected.add(here)
            assert fields[here]["title"] and fields[here]["description"], here
            if consts(child):
                assert set(fields[here]["options"]) == consts(child), here
            items = child.get("items")
            if child.get("type") == "array" and isinstance(items, dict):
                if "title" in items:
                    expected.add(f"{here}[]")
                    assert fields[f"{here}[]"]["title"], here
                    walk(items, f"{here}[]")
                elif consts(items):  # a multiple choice: the English choices sit on its items
                    expected.add(f"{here}[]")
                    assert set(fields[f"{here}[]"]["options"]) == consts(items), here
            walk(child, here)

    walk(raw, "")
    assert set(fields) == expected


@pytest.mark.parametrize("path", form_files(), ids=lambda p: p.name)
def test_ui_schema_orders_every_top_level_field(path: Path) -> None:
    ui = json.loads(path.with_name(path.name.replace(".json", ".ui.json")).read_text(encoding="utf-8"))
    assert ui["ui:order"] == list(json.loads(path.read_text(encoding="utf-8"))["properties"])


def test_monev_form_expands_one_required_choice_per_indicator() -> None:
    schema = load_form("monev.json")
    instrument = instruments.load(INSTRUMENT_ID, SOP_DIR)
    answers = schema["properties"]["answers"]
    assert "answers" in schema["required"]
    assert schema["x-senapas-instrument-version"] == instrument.version
    assert answers["required"] == [c.key for c in instrument.components]
    for component in instrument.components:
        group = answers["properties"][component.key]
        assert group["required"] == [i.id for i in component.indicators]
        for indicator in component.indicators:
            field = group["properties"][indicator.id]
            assert field["title"] == indicator.text
            assert [o["const"] for o in field["oneOf"]] == ["a", "b", "c", "d", "e"]
            assert field["oneOf"][0]["title"] == f"a. {indicator.options['a']}"
    assert sum(len(g["properties"]) for g in answers["properties"].values()) == 29


def test_library_fields_are_marked_for_the_registry() -> None:
    sources = {}
    for path in form_files():
        text = path.read_text(encoding="utf-8")
        sources[path.name] = text.count('"x-senapas-source": "library"')
    assert {name: n for name, n in sources.items() if n} == {
        "koordinasi_monev.json": 1, "pemilihan_pembinaan.json": 1, "surat_pemberitahuan_pembinaan.json": 1,
        "surat_pemberitahuan_monev.json": 1}
