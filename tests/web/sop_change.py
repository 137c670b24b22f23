"""The SOP bundle as a process owner changes it: a task renamed, a form field added, a kabid review after the monev."""

from __future__ import annotations

import io
import json
import zipfile

from engine.config import PROJECT_DIR

SOP = PROJECT_DIR / "processes" / "kitapun_senapas"
REVIEW = """    <bpmn:userTask id="Tinjau_Hasil_Monev" name="Kabid meninjau hasil monev">
      <bpmn:incoming>Flow_Monev_Perpustakaan_Tinjau_Hasil_Monev</bpmn:incoming>
      <bpmn:outgoing>Flow_Tinjau_Hasil_Monev_Pemilihan_Pembinaan</bpmn:outgoing>
    </bpmn:userTask>
    <bpmn:sequenceFlow id="Flow_Monev_Perpustakaan_Tinjau_Hasil_Monev"
      sourceRef="Monev_Perpustakaan" targetRef="Tinjau_Hasil_Monev"/>
    <bpmn:sequenceFlow id="Flow_Tinjau_Hasil_Monev_Pemilihan_Pembinaan"
      sourceRef="Tinjau_Hasil_Monev" targetRef="Pemilihan_Pembinaan"/>
"""
REVIEW_DI = """      <bpmndi:BPMNShape id="Tinjau_Hasil_Monev_di" bpmnElement="Tinjau_Hasil_Monev">
        <dc:Bounds x="820" y="130" width="100" height="80"/>
      </bpmndi:BPMNShape>
      <bpmndi:BPMNEdge id="Flow_Monev_Perpustakaan_Tinjau_Hasil_Monev_di"
        bpmnElement="Flow_Monev_Perpustakaan_Tinjau_Hasil_Monev">
        <di:waypoint x="870" y="380"/>
        <di:waypoint x="870" y="210"/>
      </bpmndi:BPMNEdge>
      <bpmndi:BPMNEdge id="Flow_Tinjau_Hasil_Monev_Pemilihan_Pembinaan_di"
        bpmnElement="Flow_Tinjau_Hasil_Monev_Pemilihan_Pembinaan">
        <di:waypoint x="920" y="170"/>
        <di:waypoint x="960" y="170"/>
      </bpmndi:BPMNEdge>
"""


def files() -> dict[str, bytes]:
    """The shipped SOP bundle, path -> bytes."""
    return {str(p.relative_to(SOP)): p.read_bytes() for p in sorted(SOP.rglob("*")) if p.is_file()}


def changed() -> dict[str, bytes]:
    """The SOP bundle with Koordinasi_Monev renamed, a field added to its form and a kabid review after the monev."""
    bundle = files()
    main = bundle["kitapun_senapas.bpmn"].decode()
    main = main.replace('name="Rapat koordinasi monev"', 'name="Rapat koordinasi monev tahunan"', 1)
    main = main.replace("<bpmn:flowNodeRef>Koordinasi_Monev</bpmn:flowNodeRef>",
                        "<bpmn:flowNodeRef>Koordinasi_Monev</bpmn:flowNodeRef>\n"
                        "        <bpmn:flowNodeRef>Tinjau_Hasil_Monev</bpmn:flowNodeRef>", 1)
    main = main.replace("<bpmn:outgoing>Flow_Monev_Perpustakaan_Pemilihan_Pembinaan</bpmn:outgoing>",
                        "<bpmn:outgoing>Flow_Monev_Perpustakaan_Tinjau_Hasil_Monev</bpmn:outgoing>", 1)
    main = main.replace("<bpmn:incoming>Flow_Monev_Perpustakaan_Pemilihan_Pembinaan</bpmn:incoming>",
                        "<bpmn:incoming>Flow_Tinjau_Hasil_Monev_Pemilihan_Pembinaan</bpmn:incoming>", 1)
    flow = main.index('    <bpmn:sequenceFlow id="Flow_Monev_Perpustakaan_Pemilihan_Pembinaan"')
    main = main[:flow] + REVIEW + main[main.index("\n", flow) + 1:]
    edge = main.index('      <bpmndi:BPMNEdge id="Flow_Monev_Perpustakaan_Pemilihan_Pembinaan_di"')
    main = main[:edge] + REVIEW_DI + main[main.index("</bpmndi:BPMNEdge>", edge) + len("</bpmndi:BPMNEdge>\n"):]
    bundle["kitapun_senapas.bpmn"] = main.encode()
    form = json.loads(bundle["forms/koordinasi_monev.json"])
    form["properties"]["periode"]["maxLength"] = 150
    form["properties"]["catatan_kabid"] = {"type": "string", "title": "Catatan kabid", "maxLength": 500}
    bundle["forms/koordinasi_monev.json"] = json.dumps(form, ensure_ascii=False, indent=2).encode()
    return bundle


def zipped(bundle: dict[str, bytes]) -> bytes:
    """A bundle as a zip."""
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        for name, content in bundle.items():
            archive.writestr(name, content)
    return buffer.getvalue()
