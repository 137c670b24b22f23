"""The regency emblem uploaded in the settings prints at the side of the letterhead; no other data URL is read."""

from __future__ import annotations

import io
from types import SimpleNamespace

import pytest
from PIL import Image
from pypdf import PdfReader
from sqlalchemy.orm import Session, sessionmaker

import letters
from engine import agency, settings
from engine.db import run_in_transaction
from engine.people.users import Actor
from letters import render as render_module
from tests.letters.pdftext import assert_has, text_of
from tests.letters.samples import context

ADMIN = Actor("admin", frozenset({"admin"}))


def _images(pdf: bytes) -> int:
    return sum(len(page.images) for page in PdfReader(io.BytesIO(pdf)).pages[:1])


def test_the_uploaded_emblem_prints_on_the_letterhead(factory: sessionmaker[Session]) -> None:
    picture = io.BytesIO()
    Image.new("RGB", (300, 360), (180, 0, 0)).save(picture, format="JPEG")
    run_in_transaction(factory, lambda s: agency.save_emblem(s, ADMIN, picture.getvalue()))
    with factory() as s:
        emblem = settings.get(s, "agency_emblem")
    plain = letters.render_pdf(SimpleNamespace(kind="monev_notification", context=context("monev_notification")))
    with_emblem = context("monev_notification")
    with_emblem["agency"]["emblem"] = emblem
    pdf = letters.render_pdf(SimpleNamespace(kind="monev_notification", context=with_emblem))
    assert (_images(plain), _images(pdf)) == (0, 1)
    assert_has(text_of(pdf), "PEMERINTAH KABUPATEN SUKOHARJO", "DINAS PERPUSTAKAAN DAN KEARSIPAN")


def test_a_context_from_before_emblems_still_renders() -> None:
    old = context("surat_tugas")
    del old["agency"]["emblem"]
    assert _images(letters.render_pdf(SimpleNamespace(kind="surat_tugas", context=old))) == 0


@pytest.mark.parametrize("url", ["data:text/css,body{}", "data:image/svg+xml;base64,PHN2Zy8+",
                                 "data:image/png,raw"])
def test_only_png_data_urls_pass_the_fetcher(url: str) -> None:
    with pytest.raises(ValueError):
        render_module.PackageFetcher().fetch(url)
