"""Reading a rendered PDF's text back for assertions (poppler's pdftotext)."""

from __future__ import annotations

import os
import shutil
import subprocess

import pytest

# Outside CI a missing poppler skips with the reason shown; in CI (`make system-deps` installs it)
# the tests run and a missing tool fails them instead of hiding.
needs_pdftotext = pytest.mark.skipif(shutil.which("pdftotext") is None and os.environ.get("CI") != "true",
                                     reason="pdftotext (poppler-utils) is not installed")


def text_of(pdf: bytes) -> str:
    """The PDF's text in reading order, then in layout order (rows of label, colon, value kept together),
    each with runs of whitespace collapsed."""
    texts = []
    for mode in ([], ["-layout"]):
        out = subprocess.run(["pdftotext", *mode, "-enc", "UTF-8", "-", "-"], input=pdf, capture_output=True,
                             check=True)
        texts.append(" ".join(out.stdout.decode("utf-8").split()))
    return " ||| ".join(texts)


def assert_has(text: str, *parts: str) -> None:
    """Every part occurs in the text."""
    missing = [p for p in parts if p not in text]
    assert not missing, f"missing {missing} in: {text[:3000]}"
