"""Official letters and reports: Jinja2 templates rendered to PDF with WeasyPrint, and data exports.

The engine stores each document's kind and context; this package turns them into files. It may
import the engine, never the other way round.
"""

from letters.render import render_html, render_pdf

__all__ = ["render_html", "render_pdf"]
