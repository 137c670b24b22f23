"""Counts on multi-instance activities in the diagram: how many of the started instances are done."""

from __future__ import annotations

from engine.definitions.diagram import render_svg
from tests.engine.definitions.test_diagram import NS, SVG, fixture, groups, parse


def test_a_counted_activity_carries_done_of_started_in_a_badge_and_its_title() -> None:
    drawn = groups(parse(render_svg(fixture("monev.bpmn"), active=["Task_isi"], counts={"Task_isi": (2, 5)})))
    badge = drawn["Task_isi"].xpath("svg:rect[@class='count-badge']/following-sibling::svg:text[1]", namespaces=NS)
    assert [node.text for node in badge] == ["2/5"]
    assert drawn["Task_isi"].findtext(f"{{{SVG}}}title") == "Isi instrumen monev: 2/5 selesai"
    others = [key for key, g in drawn.items() if g.xpath("svg:rect[@class='count-badge']", namespaces=NS)]
    assert others == ["Task_isi"]


def test_no_counts_no_badge() -> None:
    root = parse(render_svg(fixture("monev.bpmn"), active=["Task_isi"]))
    assert root.xpath("//svg:rect[@class='count-badge']", namespaces=NS) == []
