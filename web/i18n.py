"""Languages: Bahasa Indonesia by default, English on request, through Flask-Babel.

Strings are written in Indonesian inside `_()`; `web/translations/en` holds their English
versions, with the compiled `messages.mo` committed so a fresh clone needs no build step. Error
texts live in `web/error_texts/` (one module per domain), one per error code. After changing texts,
refresh the catalog (from the project root):

    pybabel extract -F web/babel.cfg -k _l --no-location --omit-header --sort-output \
        -o web/translations/messages.pot web
    pybabel update -i web/translations/messages.pot -d web/translations
    (translate the new entries in web/translations/en/LC_MESSAGES/messages.po)
    pybabel compile -d web/translations

`tests/web/test_i18n.py` fails when an entry is untranslated or the .mo is older than the .po.
"""

from __future__ import annotations

from datetime import datetime

from flask import Flask, request, session
from flask_babel import Babel, format_datetime

LANGUAGES = ("id", "en")
TIMEZONE = "Asia/Jakarta"


def select_locale() -> str:
    """Pages: Indonesian unless the person switched (the agency's language, whatever the browser
    says); the API: the Accept-Language header, as its contract states."""
    if request.path.startswith("/api/"):
        return request.accept_languages.best_match(LANGUAGES) or "id"
    chosen = session.get("lang")
    return str(chosen) if chosen in LANGUAGES else "id"


def remember_choice() -> None:
    """Store `?lang=` in the session, so one click switches every later page."""
    lang = request.args.get("lang")
    if lang in LANGUAGES and not request.path.startswith("/api/"):
        session["lang"] = lang


def when(value: datetime | None) -> str:
    """A date and time for people, in the agency's time zone (WIB)."""
    return format_datetime(value, "d MMM yyyy, HH.mm") if value else "–"


def day(value: datetime | None) -> str:
    """A date for people, in the agency's time zone."""
    return format_datetime(value, "d MMM yyyy") if value else "–"


def init(app: Flask) -> None:
    """Install Babel with our selector and the date filters."""
    app.config.setdefault("BABEL_DEFAULT_LOCALE", "id")
    app.config.setdefault("BABEL_DEFAULT_TIMEZONE", TIMEZONE)
    Babel(app, locale_selector=select_locale)
    app.before_request(remember_choice)
    app.add_template_filter(when)
    app.add_template_filter(day)
