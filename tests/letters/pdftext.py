"""Reading a rendered PDF's text back for assertions, with pypdf (pure Python, no system tool needed)."""

from __future__ import annotations

import io

from pypdf import PdfReader


def text_of(pdf: bytes) -> str:
    """The PDF's text in reading order, then in layout order (rows of label, colon, value kept together),
    each with runs of whitespace collapsed."""
    pages = PdfReader(io.BytesIO(pdf)).pages
    texts = []
    for mode in ("plain", "layout"):
        text = "\n".join(page.extract_text(extraction_mode=mode) for page in pages)
        texts.append(" ".join(text.split()))
    return " ||| ".join(texts)


def assert_has(text: str, *parts: str) -> None:
    """Every part occurs in the text."""
    missing = [p for p in parts if p not in text]
    assert not missing, f"missing {missing} in: {text[:3000]}"
