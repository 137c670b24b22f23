"""The instance page of a monev cycle, built for people: libraries stage by stage, names, counts."""

from __future__ import annotations

import re
from collections.abc import Callable

from sqlalchemy.orm import Session, sessionmaker

from tests.web.cycle_data import monev_cycle
from tests.web.helpers import Api, Web


def _row(html: str, library_id: int) -> str:
    match = re.search(rf'<tr data-library-id="{library_id}"[^>]*>(.*?)</tr>', html, re.S)
    assert match, f"no progress row for library {library_id}"
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", match.group(1))).strip()


def test_each_library_has_a_row_with_stage_officer_due_and_score(
        factory: sessionmaker[Session], web: Callable[[str], Web]) -> None:
    iid, (one, two, three) = monev_cycle(factory)
    html = web("kabid").get(f"/instances/{iid}").text
    assert _row(html, one).startswith("Perpustakaan SD Negeri 1 Weru Weru Monev · selesai Petugas Demo")
    assert "siap dibina" in _row(html, one)
    late = _row(html, two)
    assert late.startswith("TBM Pelangi Nguter Monev · terlambat Petugas2 Demo Terlambat ·")
    assert f'<tr data-library-id="{two}" class="is-overdue">' in html
    assert _row(html, three).startswith("Perpustakaan Desa Bulu Bulu Monev · berjalan Petugas Demo")
    assert html.index('id="h-open"') < html.index('id="h-libraries"') < html.index("senapas-diagram")
    assert 'data-element-id="Monev_Perpustakaan"' in html and ">1/3</text>" in html
    assert "<strong>Kabid Demo</strong> memulai" in html
    assert "Data teknis" not in html and "hasil_monev" not in html


def test_the_api_keeps_its_fields(factory: sessionmaker[Session], api: Callable[[str], Api]) -> None:
    iid, _ = monev_cycle(factory)
    body = api("kabid").get(f"/instances/{iid}").json
    assert {"id", "definition", "version", "status", "title", "started_by", "started_at", "ended_at", "open_tasks",
            "tasks", "history", "documents", "data"} <= set(body)
    assert body["data"]["jadwal"] and body["history"][0]["actor"] == "kabid"
