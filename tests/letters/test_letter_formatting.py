"""Indonesian formatting used on letters."""

from __future__ import annotations

from datetime import UTC, date, datetime

import pytest

from letters.formatting import count_words, decimal, hari_tanggal, judul, nip, paragraphs, tanggal, terbilang


def test_dates_are_written_in_indonesian() -> None:
    assert tanggal("2027-03-12") == "12 Maret 2027"
    assert tanggal(date(2027, 12, 1)) == "1 Desember 2027"
    assert hari_tanggal("2027-03-12") == "Jumat, 12 Maret 2027"
    # 20:00 UTC is already the next day in Sukoharjo.
    assert tanggal(datetime(2027, 3, 12, 20, 0, tzinfo=UTC)) == "13 Maret 2027"
    assert tanggal("besok pagi") == "besok pagi"
    assert tanggal(None) == "-"


def test_nip_is_grouped_eight_six_one_three() -> None:
    assert nip("197407272006041003") == "19740727 200604 1 003"
    assert nip("19740727 200604 1 003") == "19740727 200604 1 003"
    assert nip("12345") == "12345"
    assert nip(None) == ""


@pytest.mark.parametrize(("number", "words"), [
    (0, "nol"), (1, "satu"), (10, "sepuluh"), (11, "sebelas"), (12, "dua belas"), (20, "dua puluh"),
    (45, "empat puluh lima"), (100, "seratus"), (115, "seratus lima belas"), (999, "sembilan ratus sembilan puluh "
                                                                               "sembilan"),
    (1000, "seribu"), (2027, "dua ribu dua puluh tujuh"), (11000, "sebelas ribu"),
])
def test_numbers_in_words(number: int, words: str) -> None:
    assert terbilang(number) == words


def test_small_helpers() -> None:
    assert count_words(1, "berkas") == "1 (satu) berkas"
    assert decimal(79.5) == "79,50"
    assert decimal(None) == "-"
    assert judul("DINAS PERPUSTAKAAN DAN KEARSIPAN") == "Dinas Perpustakaan dan Kearsipan"
    assert paragraphs("satu\r\n\r\ndua\n") == ["satu", "dua"]
