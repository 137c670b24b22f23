"""Render a document's (kind, context) to HTML with Jinja2 and to PDF with WeasyPrint.

Templates autoescape every value, so text people typed (a complaint, a library name) prints
literally and cannot add markup; the URL fetcher only serves files of this package, so nothing a
document contains can make the renderer read other files or the network (the one exception: the
agency's emblem, a PNG data URL the engine re-encoded from the upload).
"""

from __future__ import annotations

from functools import cache
from pathlib import Path
from typing import Any, Protocol
from urllib.parse import unquote, urlparse

import weasyprint
from jinja2 import Environment, FileSystemLoader, StrictUndefined, select_autoescape
from weasyprint.urls import URLFetcher

from letters import formatting
from letters.views import view

HERE = Path(__file__).resolve().parent
TEMPLATES = HERE / "templates"
STYLESHEET = HERE / "letter.css"
EMBLEM_PREFIX = "data:image/png;base64,"


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


def allowed_path(url: str) -> Path:
    """The file a URL names, if it is inside this package; anything else raises ValueError."""
    parsed = urlparse(url)
    path = Path(unquote(parsed.path)).resolve()
    if parsed.scheme != "file" or parsed.netloc or not path.is_relative_to(HERE):
        raise ValueError(f"sumber luar tidak diizinkan: {url[:100]}")
    return path


class PackageFetcher(URLFetcher):
    """WeasyPrint's fetcher limited to the files of this package (templates, stylesheet)."""

    def fetch(self, url: str, headers: Any = None) -> Any:
        # The emblem setting is stored as a PNG the engine re-encoded itself; no other data URL is read.
        if url.startswith(EMBLEM_PREFIX):
            return super().fetch(url, headers)
        return super().fetch(allowed_path(url).as_uri(), headers)


@cache
def _stylesheet() -> weasyprint.CSS:
    return weasyprint.CSS(filename=str(STYLESHEET), url_fetcher=PackageFetcher())


def render_html(kind: str, context: dict[str, Any]) -> str:
    """The HTML of one document."""
    return environment().get_template(f"{kind}.html").render(view(kind, context))


def render_pdf(document: Renderable) -> bytes:
    """The PDF of one document; the same context always gives the same bytes."""
    html = weasyprint.HTML(string=render_html(document.kind, document.context), base_url=str(TEMPLATES) + "/",
                           url_fetcher=PackageFetcher())
    pdf = html.write_pdf(stylesheets=[_stylesheet()])
    assert pdf is not None
    return bytes(pdf)
