"""Scripts and expressions compiled once still behave as `exec` and `eval` of their text."""

from __future__ import annotations

import traceback

import pytest

from engine.workflow.scripts import RestrictedEnvironment, ScriptTimeout


def test_an_expression_is_evaluated_against_each_context() -> None:
    environment = RestrictedEnvironment()
    assert environment.evaluate("  skor >= batas", {"skor": 80, "batas": 70}) is True  # leading spaces, as eval
    assert environment.evaluate("  skor >= batas", {"skor": 60, "batas": 70}) is False


def test_a_script_writes_into_each_context_it_runs_in() -> None:
    environment = RestrictedEnvironment()
    first: dict[str, object] = {"n": 2}
    second: dict[str, object] = {"n": 5}
    for context in (first, second):
        environment.execute("hasil = n * 10", context)
    assert first == {"n": 2, "hasil": 20} and second == {"n": 5, "hasil": 50}


def test_a_failing_script_still_names_its_line() -> None:
    """The library finds the failing line in frames of the file `<string>`."""
    with pytest.raises(ZeroDivisionError) as raised:
        RestrictedEnvironment().execute("a = 1\nb = 2\nc = a / 0\n", {})
    lines = [frame.lineno for frame in traceback.extract_tb(raised.value.__traceback__)
             if frame.filename == "<string>"]
    assert lines == [3]


def test_the_time_limit_still_stops_a_compiled_loop() -> None:
    with pytest.raises(ScriptTimeout):
        RestrictedEnvironment(time_limit=0.2).execute("while True:\n    pass\n", {})
