"""Render a document's (kind, context) to HTML with Jinja2 and to PDF with WeasyPrint.

Templates autoescape every value, so text people typed (a complaint, a library name) prints
literally and cannot add markup; the URL fetcher only serves files of this package, so nothing a
document contains can make the renderer read other files or the network.
"""

from __future__ import annotations

from functools import cache
from pathlib import Path
from typing import Any, Protocol

import weasyprint
from jinja2 import Environment, FileSystemLoader, StrictUndefined, select_autoescape

from letters import formatting
from letters.views import view

HERE = Path(__file__).resolve().parent
TEMPLATES = HERE / "templates"
STYLESHEET = HERE / "letter.css"


class Renderable(Protocol):
    """What rendering needs of a stored document (engine.documents.Document fits)."""

    kind: str
    context: dict[str, Any]


@cache
def environment() -> Environment:
    """The Jinja2 environment of the letter templates, built once on first use."""
    env = Environment(loader=FileSystemLoader(TEMPLATES), autoescape=select_autoescape(default=True),
                      undefined=StrictUndefined, trim_blocks=True, lstrip_blocks=True)
    env.filters.update(tanggal=formatting.tanggal, hari_tanggal=formatting.hari_tanggal, nip=formatting.nip,
                       decimal=formatting.decimal, weight=formatting.weight, paragraphs=formatting.paragraphs,
                       terbilang=formatting.terbilang, judul=formatting.judul)
    return env


@cache
def _stylesheet() -> weasyprint.CSS:
    return weasyprint.CSS(filename=str(STYLESHEET), url_fetcher=_fetch)


def _fetch(url: str, timeout: int = 10, ssl_context: Any = None) -> dict[str, Any]:
    """Serve only files inside this package; refuse every other URL."""
    if not url.startswith(HERE.as_uri() + "/"):
        raise ValueError(f"sumber luar tidak diizinkan: {url[:100]}")
    return dict(weasyprint.default_url_fetcher(url, timeout=timeout, ssl_context=ssl_context))


def render_html(kind: str, context: dict[str, Any]) -> str:
    """The HTML of one document."""
    return environment().get_template(f"{kind}.html").render(view(kind, context))


def render_pdf(document: Renderable) -> bytes:
    """The PDF of one document; the same context always gives the same bytes."""
    html = weasyprint.HTML(string=render_html(document.kind, document.context), base_url=str(TEMPLATES) + "/",
                           url_fetcher=_fetch)
    pdf = html.write_pdf(stylesheets=[_stylesheet()])
    assert pdf is not None
    return bytes(pdf)
