"""The letter texts section of the agency settings (page and API twins), and what a letter then prints."""

from __future__ import annotations

from engine import settings

FORM = {"letter_legal_bases": "Undang-Undang Nomor 43 Tahun 2007 tentang Perpustakaan;\n\n"
                              "Peraturan Bupati Sukoharjo Nomor 9 Tahun 2026 (contoh);",
        "letter_budget_basis": "DPA Dispusip Tahun Anggaran {year}.", "letter_order_word": "MEMERINTAHKAN",
        "letter_no_gratuity": "Petugas tidak menerima apa pun.", "letter_free_of_charge": "Gratis.",
        "contact_name": "Rahmat (contoh)", "contact_phone": "0271-000", "letter_visit_time": "09.00 WIB",
        "letter_supervisors": "sekolah:SMA = Kepala Cabang Dinas Pendidikan Wilayah VII\ndesa = Kades {desa}",
        "letter_number_timing": "on_issue"}


def test_the_page_saves_the_letter_texts_and_shows_them_again(web, factory):
    admin = web("admin")
    assert "Isi surat" in admin.get("/admin/settings").text
    saved = admin.post("/admin/settings/letter_texts", FORM)
    assert saved.status_code == 303, saved.text
    with factory() as s:
        assert settings.get(s, "letter_legal_bases") == ["Undang-Undang Nomor 43 Tahun 2007 tentang Perpustakaan;",
                                                         "Peraturan Bupati Sukoharjo Nomor 9 Tahun 2026 (contoh);"]
        assert settings.get(s, "letter_contact") == {"name": "Rahmat (contoh)", "phone": "0271-000"}
        assert settings.get(s, "letter_supervisors") == {
            "sekolah:SMA": "Kepala Cabang Dinas Pendidikan Wilayah VII", "desa": "Kades {desa}"}
        assert (settings.get(s, "letter_order_word"), settings.get(s, "letter_number_timing")) == \
            ("MEMERINTAHKAN", "on_issue")
    page = admin.get("/admin/settings").text
    assert "Peraturan Bupati Sukoharjo Nomor 9 Tahun 2026 (contoh);" in page and "desa = Kades {desa}" in page


def test_wrong_letter_texts_are_named_and_nothing_is_stored(web, factory):
    admin = web("admin")
    bad = admin.post("/admin/settings/letter_texts", {**FORM, "letter_legal_bases": "", "contact_name": "",
                                                      "letter_supervisors": "sekolah:SMA = X\nsekolh = Y",
                                                      "letter_order_word": "MEMUTUSKAN"})
    assert bad.status_code == 422
    assert "bukan jenis perpustakaan" in bad.text and "nilai tidak termasuk pilihan" in bad.text
    with factory() as s:
        assert settings.stored(s) == {}
    assert web("kabid").post("/admin/settings/letter_texts", FORM).status_code == 403


def test_the_api_replaces_the_letter_texts_section(api, factory):
    admin = api("admin")
    current = admin.get("/settings").json
    body = {key: current[key] for key in ("letter_legal_bases", "letter_budget_basis", "letter_order_word",
                                          "letter_no_gratuity", "letter_free_of_charge", "letter_contact",
                                          "letter_visit_time", "letter_supervisors", "letter_number_timing")}
    body["letter_supervisors"] = {**body["letter_supervisors"], "sekolah:SLB": "Kepala Cabang Dinas (contoh)"}
    response = admin.client.put("/api/v1/settings/letter_texts", headers=admin.headers, json=body)
    assert response.status_code == 200, response.text
    assert response.json["changed"] == ["letter_supervisors"]
    wrong = admin.client.put("/api/v1/settings/letter_texts", headers=admin.headers,
                             json={**body, "letter_legal_bases": "UU 43/2007"})
    assert wrong.status_code == 400 and wrong.json["error"]["code"] == "invalid_request"
    refused = admin.client.put("/api/v1/settings/letter_texts", headers=admin.headers,
                               json={**body, "letter_number_timing": "kapan-kapan"})
    assert refused.status_code == 422
    assert [d["path"] for d in refused.json["error"]["details"]] == ["letter_number_timing"]
    kabid = api("kabid")
    assert kabid.client.put("/api/v1/settings/letter_texts", headers=kabid.headers, json=body).status_code == 403
