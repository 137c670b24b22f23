"""Tests for rendering a BPMN diagram to SVG."""

from __future__ import annotations

from pathlib import Path

import pytest
from lxml import etree

from engine.definitions.diagram import render_svg

FIXTURES = Path(__file__).resolve().parents[2] / "fixtures" / "diagram"
SVG = "http://www.w3.org/2000/svg"
BPMN = "http://www.omg.org/spec/BPMN/20100524/MODEL"
BPMNDI = "http://www.omg.org/spec/BPMN/20100524/DI"
DC = "http://www.omg.org/spec/DD/20100524/DC"
DI = "http://www.omg.org/spec/DD/20100524/DI"
NS = {"svg": SVG}


def fixture(name: str) -> bytes:
    return (FIXTURES / name).read_bytes()


def parse(svg: str) -> etree._Element:
    return etree.fromstring(svg.encode())


def groups(root: etree._Element) -> dict[str, etree._Element]:
    found = root.xpath("//svg:g[@data-element-id]", namespaces=NS)
    ids = [g.get("data-element-id") for g in found]
    assert len(ids) == len(set(ids)), "one group per element"
    return dict(zip(ids, found, strict=True))


def plane_refs(bpmn: bytes, plane_id: str) -> set[str]:
    plane = etree.fromstring(bpmn).find(f".//{{{BPMNDI}}}BPMNPlane[@id='{plane_id}']")
    return {node.get("bpmnElement") for node in plane}


def with_name(bpmn: bytes, element_id: str, name: str) -> bytes:
    root = etree.fromstring(bpmn)
    root.find(f".//*[@id='{element_id}']").set("name", name)
    return etree.tostring(root)


def test_output_is_svg_that_scales_to_its_container() -> None:
    root = parse(render_svg(fixture("monev.bpmn")))
    assert root.tag == f"{{{SVG}}}svg"
    assert root.get("width") == "100%"
    assert root.get("preserveAspectRatio")
    assert len(root.get("viewBox").split()) == 4


def test_inline_form_has_natural_size_and_no_style_element() -> None:
    root = parse(render_svg(fixture("monev.bpmn"), inline=True))
    _x, _y, width, height = root.get("viewBox").split()
    assert (root.get("width"), root.get("height")) == (width, height)
    assert root.find(f"{{{SVG}}}style") is None
    assert parse(render_svg(fixture("monev.bpmn"))).find(f"{{{SVG}}}style") is not None


def test_one_group_per_drawn_element_named_by_its_bpmn_id() -> None:
    bpmn = fixture("monev.bpmn")
    drawn = groups(parse(render_svg(bpmn)))
    assert set(drawn) == plane_refs(bpmn, "Plane_monev")
    assert drawn["Task_isi"].findtext(f"{{{SVG}}}title") == "Isi instrumen monev"
    assert "task" in drawn["Task_isi"].get("class").split()


def test_active_and_done_classes_mark_exactly_the_given_ids() -> None:
    done, active = {"Start_1", "Task_isi", "Flow_1"}, {"Task_skor", "Task_catat"}
    root = parse(render_svg(fixture("monev.bpmn"), done=done, active=active))
    classes = {key: g.get("class").split() for key, g in groups(root).items()}
    assert {key for key, names in classes.items() if "done" in names} == done
    assert {key for key, names in classes.items() if "active" in names} == active


def test_state_colours_are_presentation_attributes() -> None:
    root = parse(render_svg(fixture("monev.bpmn"), done=["Task_isi"], active=["Task_skor"]))
    drawn = groups(root)
    active_outline = drawn["Task_skor"].find(f"{{{SVG}}}rect[@class='outline']")
    done_outline = drawn["Task_isi"].find(f"{{{SVG}}}rect[@class='outline']")
    plain_outline = drawn["Task_pilih"].find(f"{{{SVG}}}rect[@class='outline']")
    assert active_outline.get("stroke") != plain_outline.get("stroke")
    assert float(active_outline.get("stroke-width")) > float(plain_outline.get("stroke-width"))
    assert done_outline.get("fill") != plain_outline.get("fill")


def test_legend_is_drawn_when_state_is_given() -> None:
    assert "Selesai" not in render_svg(fixture("two_planes.bpmn"))
    root = parse(render_svg(fixture("monev.bpmn"), active=["Task_isi"]))
    legend = root.find(f".//{{{SVG}}}g[@class='legend']")
    assert "Sedang dikerjakan" in "".join(legend.itertext())


def test_untrusted_names_are_escaped_text() -> None:
    name = '<script>alert("x")</script> & <img src=x onerror=alert(1)>'
    bpmn = with_name(fixture("monev.bpmn"), "Task_isi", name)
    svg = render_svg(bpmn, labels={"Task_skor": "<script>evil()</script> & co"})
    root = parse(svg)
    assert not root.xpath("//*[local-name()='script' or local-name()='img']")
    assert "<script" not in svg
    drawn = groups(root)
    assert drawn["Task_isi"].findtext(f"{{{SVG}}}title") == name
    assert drawn["Task_skor"].findtext(f"{{{SVG}}}title") == "<script>evil()</script> & co"


def test_output_has_no_scripts_or_external_references() -> None:
    root = parse(render_svg(fixture("monev.bpmn"), active=["Task_isi"]))
    attributes = [(key, value) for node in root.iter() for key, value in node.attrib.items()]
    assert not [key for key, _ in attributes if "href" in key or key.startswith("on")]
    assert all(value.startswith("url(#") for _, value in attributes if "url(" in value)
    assert not root.xpath("//*[local-name()='script' or local-name()='foreignObject']")


def test_labels_override_display_names() -> None:
    labels = {"Lane_petugas": "Petugas pembina", "Task_isi": "Fill in the instrument"}
    root = parse(render_svg(fixture("monev.bpmn"), labels=labels))
    drawn = groups(root)
    assert "Petugas pembina" in " ".join(drawn["Lane_petugas"].itertext())
    assert drawn["Task_isi"].findtext(f"{{{SVG}}}title") == "Fill in the instrument"


@pytest.mark.parametrize("doctype", [
    b'<!DOCTYPE definitions [<!ENTITY boom "boom">]>',
    b'<!DOCTYPE definitions SYSTEM "http://example.invalid/bpmn.dtd">',
])
def test_doctype_is_refused(doctype: bytes) -> None:
    bpmn = fixture("no_di.bpmn").replace(b"?>\n", b"?>\n" + doctype + b"\n", 1)
    with pytest.raises(ValueError, match="doctype"):
        render_svg(bpmn)


def test_doctype_is_refused_in_any_encoding() -> None:
    text = fixture("no_di.bpmn").decode().replace('encoding="UTF-8"?>', 'encoding="UTF-16"?>')
    text = text.replace("?>\n", '?>\n<!DOCTYPE definitions [<!ENTITY boom "boom">]>\n', 1)
    with pytest.raises(ValueError, match="doctype"):
        render_svg(text.encode("utf-16"))


def test_malformed_xml_is_a_value_error() -> None:
    with pytest.raises(ValueError, match="xml_invalid"):
        render_svg(b"<bpmn:definitions")


def test_file_without_diagram_gives_fallback_text() -> None:
    root = parse(render_svg(fixture("no_di.bpmn")))
    assert root.tag == f"{{{SVG}}}svg"
    assert "Diagram tidak tersedia" in "".join(root.itertext())


def test_viewbox_covers_every_shape_and_waypoint() -> None:
    bpmn = fixture("monev.bpmn")
    x, y, width, height = map(float, parse(render_svg(bpmn)).get("viewBox").split())
    source = etree.fromstring(bpmn)
    for bounds in source.iter(f"{{{DC}}}Bounds"):
        left, top = float(bounds.get("x")), float(bounds.get("y"))
        assert x <= left and left + float(bounds.get("width")) <= x + width
        assert y <= top and top + float(bounds.get("height")) <= y + height
    for point in source.iter(f"{{{DI}}}waypoint"):
        assert x <= float(point.get("x")) <= x + width
        assert y <= float(point.get("y")) <= y + height


def test_default_plane_is_the_collaboration_of_the_executable_process() -> None:
    bpmn = fixture("two_planes.bpmn")
    drawn = groups(parse(render_svg(bpmn)))
    assert set(drawn) == plane_refs(bpmn, "Plane_a")
    assert "message-flow" in drawn["Msg_1"].get("class").split()
    assert drawn["Msg_1"].find(f"{{{SVG}}}polyline").get("stroke-dasharray")


def test_process_id_selects_its_own_plane() -> None:
    bpmn = fixture("two_planes.bpmn")
    drawn = groups(parse(render_svg(bpmn, process_id="Proc_b")))
    assert set(drawn) == plane_refs(bpmn, "Plane_b")


def test_unknown_process_id_is_refused() -> None:
    with pytest.raises(ValueError, match="Proc_missing"):
        render_svg(fixture("two_planes.bpmn"), process_id="Proc_missing")


def test_process_without_a_plane_gives_fallback_text() -> None:
    svg = render_svg(fixture("no_di.bpmn"), process_id="Proc_plain")
    assert "Diagram tidak tersedia" in svg


def test_broken_di_is_skipped() -> None:
    root = etree.fromstring(fixture("monev.bpmn"))
    plane = root.find(f".//{{{BPMNDI}}}BPMNPlane")
    ghost = etree.SubElement(plane, f"{{{BPMNDI}}}BPMNShape", bpmnElement="Ghost")
    etree.SubElement(ghost, f"{{{DC}}}Bounds", x="0", y="0", width="10", height="10")
    root.find(f".//{{{BPMNDI}}}BPMNShape[@bpmnElement='Task_isi']/{{{DC}}}Bounds").set("x", "NaN")
    edge = root.find(f".//{{{BPMNDI}}}BPMNEdge[@bpmnElement='Flow_2']")
    for point in edge.findall(f"{{{DI}}}waypoint")[1:]:
        edge.remove(point)
    drawn = groups(parse(render_svg(etree.tostring(root))))
    assert not {"Ghost", "Task_isi", "Flow_2"} & set(drawn)
    assert "Task_skor" in drawn


def test_markers_show_element_details() -> None:
    drawn = groups(parse(render_svg(fixture("monev.bpmn"))))
    assert drawn["Flow_tidak"].find(f"{{{SVG}}}path[@class='default-marker']") is not None
    assert drawn["Flow_ya"].find(f"{{{SVG}}}path[@class='default-marker']") is None
    assert drawn["Timer_ingat"].find(f"{{{SVG}}}circle").get("stroke-dasharray")
    assert drawn["Timer_batas"].find(f"{{{SVG}}}circle").get("stroke-dasharray") is None
    sub_paths = [p.get("d") for p in drawn["Sub_bina"].iter(f"{{{SVG}}}path")]
    assert "M-5-6v12 M0-6v12 M5-6v12" in sub_paths
