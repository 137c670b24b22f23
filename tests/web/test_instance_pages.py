"""Instance pages: the filtered list, starting a process, the diagram, history, data and supervisor actions."""

from __future__ import annotations

import pytest
from sqlalchemy import select

from engine.db import run_in_transaction
from engine.documents.documents import Document
from engine.models import AuditEvent, Instance
from tests.web.helpers import deploy, open_task, start
from tests.web.test_task_pages import VALID


@pytest.fixture
def laporan(factory, people):
    deploy(factory, "laporan.bpmn")
    return start(factory, "laporan", data={"judul": "Monev <script>alert(1)</script> Weru"})


def status_of(factory, instance_id):
    with factory() as s:
        row = s.get(Instance, instance_id)
        return row.status if row else None


def test_list_filters_and_pagination(web, factory, laporan):
    deploy(factory, "insiden.bpmn")
    other = start(factory, "insiden")
    kabid = web("kabid")
    page = kabid.get("/instances").text
    assert f'href="/instances/{laporan}"' in page and f'href="/instances/{other}"' in page
    assert "laporan v1" in page and "&lt;script&gt;" in page and "<script>alert" not in page
    page = kabid.get("/instances?definition=insiden").text
    assert f'href="/instances/{laporan}"' not in page and f'href="/instances/{other}"' in page
    page = kabid.get("/instances?q=weru").text
    assert f'href="/instances/{laporan}"' in page and f'href="/instances/{other}"' not in page
    assert f'href="/instances/{laporan}"' not in kabid.get("/instances?status=completed").text
    assert "Halaman 1 dari 2" in kabid.get("/instances?per_page=1").text
    assert kabid.get("/instances?status=aneh").status_code == 400


def test_people_see_only_instances_they_take_part_in(web, laporan):
    assert f'href="/instances/{laporan}"' in web("petugas").get("/instances").text
    mitra = web("mitra")
    assert f'href="/instances/{laporan}"' not in mitra.get("/instances").text
    assert mitra.get(f"/instances/{laporan}").status_code == 404
    assert mitra.get("/instances/999999").status_code == 404


def test_start_a_process_from_the_list(web, factory, people):
    deploy(factory, "laporan.bpmn")
    petugas = web("petugas")
    assert "Mulai proses baru" in petugas.get("/instances").text
    untitled = petugas.post("/instances", {"definition": "laporan", "title": "  "})
    assert untitled.status_code == 400 and "beri judul proses" in untitled.text
    response = petugas.post("/instances", {"definition": "laporan", "title": "Laporan Desa Contoh 2027"})
    assert response.status_code == 303 and response.headers["Location"].startswith("/instances/")
    page = petugas.get(response.headers["Location"]).text
    assert "Isi laporan kunjungan" in page and "Laporan Desa Contoh 2027" in page
    assert "Laporan Desa Contoh 2027" in petugas.get("/tasks?scope=queue").text
    mitra = web("mitra")
    assert "Mulai proses baru" not in mitra.get("/instances").text
    assert mitra.post("/instances", {"definition": "laporan", "title": "x"}).status_code == 403
    assert petugas.post("/instances", {"definition": "tidak_ada", "title": "x"}).status_code == 404


def test_instance_page_shows_diagram_open_tasks_history_and_data(web, factory, laporan):
    before = web("kabid").get(f"/instances/{laporan}").text
    assert "Monev &lt;script&gt;alert(1)&lt;/script&gt; Weru" in before and "<script>alert" not in before
    task_id = open_task(factory, laporan, "isi")
    web("petugas").post(f"/tasks/{task_id}", {**VALID, "catatan": "<img src=x onerror=alert(1)>"})
    page = web("kabid").get(f"/instances/{laporan}").text
    assert '<svg' in page and 'class="senapas-diagram"' in page and "<style" not in page
    assert 'data-element-id="tinjau"' in page
    assert 'class="task userTask active" data-element-id="tinjau"' in page
    assert 'class="task userTask done" data-element-id="isi"' in page
    assert "Tinjau laporan" in page and "Tindakan supervisor" in page
    assert "<strong>Petugas Demo</strong> menyelesaikan · <em>Isi laporan kunjungan</em>" in page  # names, not ids
    assert "Data teknis" not in page and "onerror" not in page  # the raw data is for process owners only
    technical = web("admin").get(f"/instances/{laporan}").text
    assert '<details class="card data-card" id="data-teknis">' in technical
    assert "&lt;img src=x onerror=alert(1)&gt;" in technical and "<img src=x" not in technical
    svg = web("kabid").get(f"/instances/{laporan}/diagram.svg")
    assert svg.status_code == 200 and svg.mimetype == "image/svg+xml"


def test_supervisor_actions_need_a_reason(web, factory, laporan):
    kabid = web("kabid")
    response = kabid.post(f"/instances/{laporan}/suspend", {"reason": " ", "next": f"/instances/{laporan}"},
                          follow_redirects=True)
    assert "alasan wajib diisi" in response.text and status_of(factory, laporan) == "running"
    kabid.post(f"/instances/{laporan}/suspend", {"reason": "menunggu data"})
    assert status_of(factory, laporan) == "suspended"
    page = kabid.get(f"/instances/{laporan}").text
    assert "Lanjutkan" in page and "Tangguhkan" not in page and "menunggu data" in page
    response = kabid.post(f"/instances/{laporan}/suspend", {"reason": "lagi", "next": f"/instances/{laporan}"},
                          follow_redirects=True)
    assert "tidak dapat menjadi ditangguhkan" in response.text
    kabid.post(f"/instances/{laporan}/resume", {"reason": "data lengkap"})
    assert status_of(factory, laporan) == "running"
    confirm = kabid.post(f"/instances/{laporan}/cancel", {"reason": "salah periode"})
    assert confirm.status_code == 200 and "Batalkan proses ini?" in confirm.text
    assert 'name="confirmed" value="yes"' in confirm.text and 'value="salah periode"' in confirm.text
    assert status_of(factory, laporan) == "running"
    kabid.post(f"/instances/{laporan}/cancel", {"reason": "salah periode", "confirmed": "yes"})
    assert status_of(factory, laporan) == "cancelled"
    assert "Tindakan supervisor" not in kabid.get(f"/instances/{laporan}").text


def test_only_supervisors_act_on_instances(web, factory, laporan):
    petugas = web("petugas")
    assert "Tindakan supervisor" not in petugas.get(f"/instances/{laporan}").text
    assert petugas.post(f"/instances/{laporan}/cancel", {"reason": "x"}).status_code == 403
    assert petugas.client.post(f"/instances/{laporan}/cancel", data={"reason": "x"}).status_code == 400
    assert status_of(factory, laporan) == "running"


def test_incident_is_shown_and_can_be_retried(web, factory, people):
    deploy(factory, "insiden.bpmn")
    instance_id = start(factory, "insiden")
    petugas = web("petugas")
    response = petugas.post(f"/tasks/{open_task(factory, instance_id, 'isi')}", {"_action": "complete",
                                                                               "pembagi": "0"},
                            follow_redirects=True)
    assert "proses berhenti karena insiden" in response.text
    assert status_of(factory, instance_id) == "error"
    kabid = web("kabid")
    page = kabid.get(f"/instances/{instance_id}").text
    assert 'class="incident"' in page and "ZeroDivisionError" in page and "Coba ulang" in page
    kabid.post(f"/instances/{instance_id}/retry", {"reason": "coba lagi"})
    with factory() as s:
        actions = [e.action for e in s.scalars(select(AuditEvent).where(AuditEvent.instance_id == instance_id))]
    assert actions[-2:] == ["retry", "incident"] and status_of(factory, instance_id) == "error"


def test_documents_are_listed_and_downloaded_by_those_who_see_the_instance(web, factory, laporan):
    def add(session):
        document = Document(instance_id=laporan, kind="surat_tugas", title="Surat Tugas <Weru>",
                            number="800.1.11.1/7/Dispusip/2027", context={}, created_by="petugas",
                            pdf=b"%PDF-1.4 contoh")
        session.add(document)
        session.flush()
        return document.id
    document_id = run_in_transaction(factory, add)
    kabid = web("kabid")
    page = kabid.get(f"/instances/{laporan}").text
    assert f'href="/documents/{document_id}">Surat Tugas &lt;Weru&gt;</a>' in page
    response = kabid.get(f"/documents/{document_id}")
    assert response.status_code == 200 and response.data == b"%PDF-1.4 contoh"
    assert response.headers["Content-Disposition"] == f'attachment; filename="surat-tugas-{document_id}.pdf"'
    assert web("mitra").get(f"/documents/{document_id}").status_code == 404
    assert kabid.get("/documents/999999").status_code == 404
