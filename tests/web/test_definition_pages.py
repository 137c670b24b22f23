"""Definition pages: admins only; upload with problems listed by file, line and element; XML download."""

from __future__ import annotations

import io
import zipfile

from sqlalchemy import func, select

from engine.config import PROJECT_DIR
from engine.models import Definition
from tests.web.helpers import FIXTURES, with_forms

LAPORAN = (FIXTURES / "laporan.bpmn").read_bytes()
RUSAK = (FIXTURES / "invalid" / "rusak.bpmn").read_bytes()


def upload(browser, content, name, **extra):
    """An upload of one file, a BPMN file with the fixture forms it names."""
    files = with_forms(content, name) if name.endswith(".bpmn") else (io.BytesIO(content), name)
    return browser.post("/definitions", {"file": files, **extra},
                        content_type="multipart/form-data")


def versions(factory):
    with factory() as s:
        return s.scalar(select(func.count()).select_from(Definition))


def test_only_admins_see_definitions(web):
    for username in ("kabid", "petugas", "mitra"):
        browser = web(username)
        assert browser.get("/definitions").status_code == 403
        assert upload(browser, LAPORAN, "laporan.bpmn").status_code == 403
    assert "Definisi" not in web("petugas").get("/tasks").text.split("<main")[0]
    assert 'href="/definitions"' in web("admin").get("/tasks").text


def test_upload_deploys_once_per_content(web, factory):
    admin = web("admin")
    response = upload(admin, LAPORAN, "laporan.bpmn")
    assert response.status_code == 200  # shown at once: the deploy passed with warnings (see test_validate_pages)
    page = response.text
    assert "laporan versi 1 dipasang." in page and "<code>laporan</code>" in page and "aktif" in page
    assert "tidak ada versi baru" in upload(admin, LAPORAN, "laporan.bpmn").text and versions(factory) == 1
    upload(admin, LAPORAN.replace(b"Tinjau laporan", b"Periksa laporan"), "laporan.bpmn")
    assert versions(factory) == 2


def test_invalid_upload_lists_file_line_and_element(web, factory):
    response = upload(web("admin"), RUSAK, "rusak.bpmn")
    assert response.status_code == 422
    page = response.text
    assert "rusak.bpmn tidak dipasang" in page
    line = next(i for i, text in enumerate(RUSAK.decode().splitlines(), 1) if 'id="pilih"' in text)
    assert f'data-label="Baris">{line}</td>' in page and "<code>pilih</code>" in page
    assert "wajib punya alur default" in page and versions(factory) == 0


def test_upload_refuses_other_files_missing_files_and_csrf(web, factory):
    admin = web("admin")
    assert upload(admin, b"a,b", "data.csv").status_code == 400
    assert admin.post("/definitions", {}, content_type="multipart/form-data").status_code == 400
    no_token = admin.client.post("/definitions", data={"file": (io.BytesIO(LAPORAN), "laporan.bpmn")},
                                 content_type="multipart/form-data")
    assert no_token.status_code == 400 and versions(factory) == 0


def test_upload_over_the_size_cap_is_413(web, factory):
    response = upload(web("admin"), b" " * (5 * 1024 * 1024 + 1), "besar.bpmn")
    assert response.status_code == 413 and versions(factory) == 0


def test_xml_download(web):
    admin = web("admin")
    upload(admin, LAPORAN, "laporan.bpmn")
    response = admin.get("/definitions/laporan/versions/1/bpmn")
    assert response.status_code == 200 and response.data == LAPORAN and response.mimetype == "application/xml"
    assert response.headers["Content-Disposition"] == 'attachment; filename="laporan-v1.bpmn"'
    assert admin.get("/definitions/laporan/versions/9/bpmn").status_code == 404
    assert web("kabid").get("/definitions/laporan/versions/1/bpmn").status_code == 403


def _sop_zip(edit=None) -> bytes:
    folder = PROJECT_DIR / "processes" / "kitapun_senapas"
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        for path in sorted(folder.rglob("*")):
            if path.is_file():
                name = str(path.relative_to(folder))
                content = path.read_bytes()
                archive.writestr(name, edit(name, content) if edit else content)
    return buffer.getvalue()


def _renamed(name, content):
    return content.replace(b'name="Rapat koordinasi monev"', b'name="Rapat koordinasi monev tahunan"', 1) \
        if name == "kitapun_senapas.bpmn" else content


def test_version_page_shows_note_diff_and_activates_and_retires(web, factory):
    admin = web("admin")
    assert upload(admin, _sop_zip(), "sop.zip", note="SOP 2026").status_code in (200, 303)
    response = upload(admin, _sop_zip(_renamed), "sop.zip", note="Rapat jadi tahunan", draft="true")
    # deployed with warnings: they are shown at once, with the way to the new version
    assert response.status_code == 200 and 'id="warnings"' in response.text
    assert 'href="/definitions/kitapun_senapas/versions/2"' in response.text
    page = admin.get("/definitions/kitapun_senapas/versions/2").text
    assert "Rapat jadi tahunan" in page and "draf" in page and "Aktifkan versi ini" in page
    assert "Rapat koordinasi monev tahunan" in page and "<code>Koordinasi_Monev</code>" in page
    assert "attribute:name" in page
    assert 'href="/definitions/kitapun_senapas/diff.svg?from=1&amp;to=2"' in page
    assert 'class="task userTask changed" data-element-id="Koordinasi_Monev"' in page
    picture = admin.get("/definitions/kitapun_senapas/diff.svg?from=1&to=2")
    assert picture.status_code == 200 and picture.mimetype == "image/svg+xml" and "Diubah" in picture.text
    activated = admin.post("/definitions/kitapun_senapas/versions/2/activate", {"reason": "rapat"})
    assert activated.status_code == 303
    assert "sekarang aktif" in admin.get("/definitions/kitapun_senapas/versions/2").text
    same_as_first = upload(admin, _sop_zip(), "sop.zip").text  # shown at once with its warnings
    assert "sama dengan kitapun_senapas versi 1, yang bukan versi aktif" in same_as_first
    assert 'href="/definitions/kitapun_senapas/versions/1"' in same_as_first
    assert "Aktifkan versi ini" in admin.get("/definitions/kitapun_senapas/versions/1").text
    admin.post("/definitions/kitapun_senapas/versions/1/retire", {"reason": "lama"})
    retired = admin.get("/definitions/kitapun_senapas/versions/1").text
    assert "sudah dipensiunkan" in retired and "Aktifkan versi ini" not in retired
    assert web("kabid").get("/definitions/kitapun_senapas/versions/1").status_code == 403
    assert web("kabid").post("/definitions/kitapun_senapas/versions/1/activate", {"reason": "x"}).status_code == 403
    refused = admin.post("/definitions/kitapun_senapas/versions/1/activate", {"reason": "x"})
    assert refused.status_code == 409


def test_bundle_download_from_the_page(web):
    admin = web("admin")
    upload(admin, _sop_zip(), "sop.zip")
    response = admin.get("/definitions/kitapun_senapas/versions/1/bundle")
    assert response.status_code == 200 and response.mimetype == "application/zip"
    with zipfile.ZipFile(io.BytesIO(response.data)) as archive:
        assert "forms/monev.json" in archive.namelist() and "kitapun_senapas.bpmn" in archive.namelist()


def test_the_version_page_runs_the_bundle_scenarios(web):
    admin = web("admin")
    upload(admin, _sop_zip(), "sop.zip")
    page = admin.get("/definitions/kitapun_senapas/versions/1").text
    assert 'action="/definitions/kitapun_senapas/versions/1/test"' in page
    ran = admin.post("/definitions/kitapun_senapas/versions/1/test", {})
    assert ran.status_code == 200 and "Skenario kitapun_senapas versi 1:" in ran.text and "0 gagal" in ran.text
