"""API bundles: a version is every file of a process folder, uploaded as a zip or several files, downloaded whole."""

from __future__ import annotations

import io
import stat
import zipfile

import pytest

from engine.config import PROJECT_DIR
from engine.definitions import bundles
from tests.web.helpers import FIXTURES

PENGADUAN = PROJECT_DIR / "processes" / "pengaduan"
SOP = PROJECT_DIR / "processes" / "kitapun_senapas"


def zipped(files: dict[str, bytes]) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        for name, content in files.items():
            archive.writestr(name, content)
    return buffer.getvalue()


def post_files(caller, files: list[tuple[bytes, str]], **fields):
    return caller.post("/definitions", data={"file": [(io.BytesIO(c), n) for c, n in files], **fields},
                       content_type="multipart/form-data", json=None)


def folder_files(folder) -> dict[str, bytes]:
    return {str(p.relative_to(folder)): p.read_bytes() for p in sorted(folder.rglob("*")) if p.is_file()}


def test_a_zip_bundle_deploys_downloads_whole_and_deploys_again_as_the_same_version(api):
    admin = api("admin")
    created = post_files(admin, [(zipped(folder_files(PENGADUAN)), "pengaduan.zip")])
    assert created.status_code == 201, created.text
    assert (created.json["key"], created.json["version"], created.json["status"]) == ("pengaduan", 1, "current")
    download = admin.get("/definitions/pengaduan/versions/1/bundle")
    assert download.status_code == 200 and download.mimetype == "application/zip"
    assert download.headers["Content-Disposition"] == 'attachment; filename="pengaduan-v1.zip"'
    with zipfile.ZipFile(io.BytesIO(download.data)) as archive:
        assert {n: archive.read(n) for n in archive.namelist()} == folder_files(PENGADUAN)
    again = post_files(admin, [(download.data, "unduhan.zip")])
    assert again.status_code == 200 and again.json["version"] == 1 and again.json["hash"] == created.json["hash"]
    assert admin.get("/definitions").json["total"] == 1
    assert api("petugas").get("/definitions/pengaduan/versions/1/bundle").status_code == 403


def test_a_zip_of_the_bundle_folder_itself_is_the_same_bundle(api):
    admin = api("admin")
    flat = post_files(admin, [(zipped(folder_files(PENGADUAN)), "a.zip")]).json
    nested = zipped({f"pengaduan/{name}": content for name, content in folder_files(PENGADUAN).items()})
    response = post_files(admin, [(nested, "b.zip")])
    assert response.status_code == 200 and response.json["hash"] == flat["hash"]


def test_several_files_with_their_folders_are_one_bundle_and_a_change_to_a_called_file_is_a_new_version(api):
    admin = api("admin")
    files = folder_files(SOP)
    created = post_files(admin, [(content, name) for name, content in files.items()])
    assert created.status_code == 201, created.text
    assert created.json["key"] == "kitapun_senapas" and created.json["filename"] == "kitapun_senapas.bpmn"
    called = files["monev_perpustakaan.bpmn"].replace(b'name="Kunjungan dan monev per perpustakaan"',
                                               b'name="Kunjungan dan monev satu perpustakaan"')
    assert called != files["monev_perpustakaan.bpmn"]
    changed = post_files(admin, [(called if name == "monev_perpustakaan.bpmn" else content, name)
                                 for name, content in files.items()])
    assert changed.status_code == 201 and changed.json["version"] == 2
    first = zipfile.ZipFile(io.BytesIO(admin.get("/definitions/kitapun_senapas/versions/1/bundle").data))
    second = zipfile.ZipFile(io.BytesIO(admin.get("/definitions/kitapun_senapas/versions/2/bundle").data))
    assert first.read("monev_perpustakaan.bpmn") == files["monev_perpustakaan.bpmn"]
    assert second.read("monev_perpustakaan.bpmn") == called
    assert first.read("instruments/akreditasi-sekolah-2018.json") == second.read(
        "instruments/akreditasi-sekolah-2018.json")


def test_one_bpmn_file_replaces_the_main_file_of_the_current_bundle(api):
    admin = api("admin")
    post_files(admin, [(zipped(folder_files(PENGADUAN)), "pengaduan.zip")])
    main = (PENGADUAN / "pengaduan.bpmn").read_bytes()
    edited = main.replace(b"Telaah pengaduan", b"Telaah awal pengaduan", 1)
    assert edited != main
    response = post_files(admin, [(edited, "pengaduan.bpmn")])
    assert response.status_code == 201 and response.json["version"] == 2
    with zipfile.ZipFile(io.BytesIO(admin.get("/definitions/pengaduan/versions/2/bundle").data)) as archive:
        assert archive.read("pengaduan.bpmn") == edited
        form = "forms/telaah_pengaduan.json"
        assert archive.read(form) == (PENGADUAN / form).read_bytes()


def test_a_called_process_alone_is_refused_as_not_startable(api, stored):
    admin = api("admin")
    post_files(admin, [(zipped(folder_files(SOP)), "sop.zip")])
    before = stored()
    response = post_files(admin, [(zipped({"monev_perpustakaan.bpmn": (SOP / "monev_perpustakaan.bpmn").read_bytes(),
                                           **{n: c for n, c in folder_files(SOP).items() if n.startswith("forms/")}}),
                                   "monev.zip")])
    assert response.status_code == 422
    [problem] = [d for d in response.json["error"]["details"] if d["code"] == "process_called_only"]
    assert problem["file"] == "monev_perpustakaan.bpmn" and problem["element"] == "monev_perpustakaan"
    assert "kitapun_senapas" in problem["message"]
    assert stored() == before


def test_a_missing_form_is_named_by_its_bundle_path_never_a_server_folder(api):
    response = post_files(api("admin"), [((FIXTURES / "laporan.bpmn").read_bytes(), "laporan.bpmn")])
    assert response.status_code == 422
    missing = [d for d in response.json["error"]["details"] if d["code"] == "form_file_missing"]
    assert missing and all(d["message"].startswith("berkas forms/") for d in missing)
    assert str(FIXTURES) not in response.text and str(PROJECT_DIR) not in response.text


def _symlink_zip() -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("pengaduan.bpmn", (PENGADUAN / "pengaduan.bpmn").read_bytes())
        link = zipfile.ZipInfo("forms/pengaduan_publik.json")
        link.external_attr = (stat.S_IFLNK | 0o777) << 16
        archive.writestr(link, "/etc/passwd")
    return buffer.getvalue()


def _lying_sizes_zip() -> bytes:
    """Entries that declare more bytes than the extracted cap in all (a zip bomb's shape)."""
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        for n in range(5):
            archive.writestr(f"forms/f{n}.json", b" " * (bundles.MAX_FILE_BYTES - 1))
    return buffer.getvalue()


MAIN = (PENGADUAN / "pengaduan.bpmn").read_bytes()
BAD_PATH = "nama berkas di bundel tidak sah"
HOSTILE = {
    "absolute": (zipped({"/etc/pengaduan.bpmn": MAIN}), 400, BAD_PATH),
    "dot-dot": (zipped({"pengaduan.bpmn": MAIN, "forms/../../x.json": b"{}"}), 400, BAD_PATH),
    "backslash-dot-dot": (zipped({"pengaduan.bpmn": MAIN, "..\\x.json": b"{}"}), 400, BAD_PATH),
    "symlink": (_symlink_zip(), 400, BAD_PATH),
    "nested-zip": (zipped({"pengaduan.bpmn": MAIN, "forms/lagi.zip": zipped({"a.bpmn": MAIN})}), 400,
                   "tidak boleh memuat zip lain"),
    "nested-zip-renamed": (zipped({"pengaduan.bpmn": MAIN, "forms/x.json": zipped({"a.bpmn": MAIN})}), 400,
                           "tidak boleh memuat zip lain"),
    "unexpected-file": (zipped({"pengaduan.bpmn": MAIN, "run.sh": b"rm -rf /"}), 400, "tidak termasuk bundel"),
    "too-many-files": (zipped({f"tests/t{n}.json": b"{}" for n in range(bundles.MAX_FILES + 1)}), 413,
                       "lebih dari 200 berkas"),
    "too-large-extracted": (_lying_sizes_zip(), 413, "melebihi 20 MB setelah diekstrak"),
    "not-a-zip": (b"PK\x03\x04 bukan zip", 400, "bukan zip yang sah"),
    "empty": (zipped({}), 400, "tidak memuat berkas"),
}


@pytest.mark.parametrize("case", HOSTILE)
def test_hostile_zips_are_refused_with_a_named_reason_and_store_nothing(api, stored, case):
    content, status, reason = HOSTILE[case]
    admin = api("admin")
    before = stored()
    response = post_files(admin, [(content, "bundel.zip")])
    assert response.status_code == status, response.text
    assert response.json["error"]["message"]
    assert response.json["error"]["code"] == ("too_large" if status == 413 else "invalid_request")
    assert reason in response.json["error"]["message"]
    assert stored() == before


def test_several_files_refuse_the_same_name_twice_and_unknown_folders(api):
    admin = api("admin")
    twice = post_files(admin, [(MAIN, "pengaduan.bpmn"), (MAIN, "pengaduan.bpmn")])
    assert twice.status_code == 400 and "dua kali" in twice.json["error"]["message"]
    other = post_files(admin, [(MAIN, "pengaduan.bpmn"), (b"echo", "jalankan.sh")])
    assert other.status_code == 400 and "jalankan.sh tidak termasuk bundel" in other.json["error"]["message"]
