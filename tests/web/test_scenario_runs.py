"""Running the scenario tests stored with a version over the API and from the definitions page."""

from __future__ import annotations

from pathlib import Path

import pytest
from sqlalchemy import func, select

from engine.db import run_in_transaction
from engine.definitions import versions
from engine.models import Instance
from tests.web.helpers import ADMIN

PROCESSES = Path(__file__).resolve().parents[2] / "processes"


@pytest.fixture
def shipped(factory) -> dict[str, int]:
    results = run_in_transaction(factory, lambda s: versions.deploy_folder(s, PROCESSES, ADMIN))
    return {r.definition.key: r.definition.version for r in results}


def test_api_runs_the_scenarios_in_memory(api, factory, shipped):
    response = api("admin").post(f"/definitions/pengaduan/versions/{shipped['pengaduan']}/test")
    assert response.status_code == 200
    assert response.json == {"passed": 3, "failed": []}
    with factory() as s:
        assert s.scalar(select(func.count()).select_from(Instance)) == 0


def test_api_scenarios_are_for_admins_and_known_versions(api, shipped):
    assert api("kabid").post("/definitions/pengaduan/versions/1/test").status_code == 403
    assert api("admin").post("/definitions/pengaduan/versions/99/test").status_code == 404


def test_page_lists_the_scenario_outcome(web, shipped):
    page = web("admin").post(f"/definitions/kitapun_senapas/versions/{shipped['kitapun_senapas']}/test")
    assert page.status_code == 200
    assert "Skenario kitapun_senapas versi 1: 6 lulus, 0 gagal." in page.text
    assert web("kabid").post("/definitions/kitapun_senapas/versions/1/test").status_code == 403
