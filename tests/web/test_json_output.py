"""JSON responses say what Flask's own provider said: same values, keys sorted, dates as HTTP dates."""

from __future__ import annotations

import json
from datetime import UTC, date, datetime
from decimal import Decimal
from uuid import UUID

from flask import Flask
from flask.json.provider import DefaultJSONProvider

from web.json_output import JSONOutput

VALUE = {
    "nama": "Perpustakaan \u202eRTL\u202c zero\u200bwidth 📚",
    "besar": 2**80,
    "waktu": datetime(2026, 11, 29, 8, 30, tzinfo=UTC),
    "tanggal": date(2026, 11, 29),
    "uuid": UUID("12345678-1234-5678-1234-567812345678"),
    "nilai": Decimal("82.50"),
    "daftar": [{"z": 1, "a": 2}],
}


def test_the_values_are_those_of_flasks_own_provider() -> None:
    app = Flask(__name__)
    ours = JSONOutput(app).dumps(VALUE, separators=(",", ":"))
    flasks = DefaultJSONProvider(app).dumps(VALUE, separators=(",", ":"))
    assert json.loads(ours) == json.loads(flasks)
    assert json.loads(ours)["waktu"] == "Sun, 29 Nov 2026 08:30:00 GMT"
    assert ours.index('"besar"') < ours.index('"daftar"') < ours.index('"nama"')  # keys sorted


def test_a_response_is_compact_utf8_and_an_indented_one_still_works() -> None:
    app = Flask(__name__)
    app.json = JSONOutput(app)
    with app.app_context():
        body = app.json.response({"nama": "📚", "b": 1}).get_data(as_text=True)
        assert body == '{"b":1,"nama":"📚"}\n'
        assert json.loads(app.json.dumps({"a": [1]}, indent=2)) == {"a": [1]}
