"""Library registry pages: search and filters, one library with its monev and accreditation history."""

from __future__ import annotations

import pytest

from engine.db import run_in_transaction
from engine.libraries import registry as libraries
from engine.libraries import results as library_results
from tests.web.helpers import ADMIN, deploy, start


@pytest.fixture
def registry(factory, people):
    def work(session):
        baki, _ = libraries.create_library(session, name="Perpustakaan SD Contoh Baki", kecamatan="Baki",
                                           library_type="sekolah", subtype="SD", actor=ADMIN)
        weru, _ = libraries.create_library(session, name="TBM Contoh <Weru>", kecamatan="Weru",
                                           library_type="tbm", actor=ADMIN)
        return baki.id, weru.id
    return run_in_transaction(factory, work)


def test_registry_lists_searches_and_filters(web, registry):
    browser = web("petugas")
    page = browser.get("/libraries").text
    assert "Perpustakaan SD Contoh Baki" in page and "TBM Contoh &lt;Weru&gt;" in page and "2 perpustakaan" in page
    page = browser.get("/libraries?q=tbm").text
    assert "TBM Contoh" in page and "SD Contoh" not in page
    page = browser.get("/libraries?kecamatan=Baki").text
    assert "SD Contoh" in page and "TBM Contoh" not in page
    assert "TBM Contoh" in browser.get("/libraries?library_type=tbm").text
    assert browser.get("/libraries?kecamatan=Atlantis").status_code == 400


def test_library_page_shows_profile_and_history(web, factory, registry):
    baki, _ = registry
    deploy(factory, "laporan.bpmn")
    instance_id = start(factory, "laporan", data={"judul": "Monev 2027 Tahap I"})
    run_in_transaction(factory, lambda s: library_results.record_result(
        s, baki, "monev", 78.5, "petugas", period="Monev 2027 Tahap I", instance_id=instance_id))
    page = web("kabid").get(f"/libraries/{baki}").text
    assert "Perpustakaan SD Contoh Baki" in page and "Perpustakaan Sekolah/Madrasah" in page
    assert "78.50 · B" in page and f'href="/instances/{instance_id}">Monev 2027 Tahap I</a>' in page


def test_unknown_library_is_404_and_login_is_required(web, app, registry):
    assert web("petugas").get("/libraries/999999").status_code == 404
    assert app.test_client().get("/libraries").status_code == 302


def test_a_sub_type_kept_as_a_key_reads_in_words(web, factory, registry):
    office = run_in_transaction(factory, lambda s: libraries.create_library(
        s, name="Perpustakaan PT Contoh", kecamatan="Grogol", library_type="khusus", subtype="instansi_swasta",
        actor=ADMIN)[0].id)
    browser = web("kabid")
    for page in (browser.get("/libraries").text, browser.get(f"/libraries/{office}").text):
        assert "Perpustakaan Khusus · Instansi Swasta" in page and "instansi_swasta" not in page
