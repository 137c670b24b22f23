"""Scripts: compiled once under the script policy, bounded in work, and held to the agency's bounds."""

from __future__ import annotations

import time
import traceback

import pytest

from engine import settings
from engine.db import run_in_transaction
from engine.workflow import script_policy
from engine.workflow.script_policy import ScriptRefused, ScriptTooCostly
from engine.workflow.scripts import DEFAULT_BOUNDS, RestrictedEnvironment, ScriptTimeout, bounds_of
from tests.engine.helpers import (
    KABID,
    PETUGAS,
    complete,
    deploy,
    deploy_before_the_policy,
    instance,
    open_names,
    open_task,
    start,
)


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


ESCAPE = ("klas = [k for k in ().__class__.__base__.__subclasses__() if k.__name__ == '_wrap_close'][0]\n"
          "hasil = klas.__init__.__globals__['popen']('id').read()")


@pytest.mark.parametrize("source", [
    ESCAPE,
    "import os",
    "from os import system",
    "x = __import__('os')",
    "x = open('/etc/passwd').read()",
    "x = eval('1 + 1')",
    "exec('x = 1')",
    "x = compile('1', 'f', 'eval')",
    "x = getattr(monev_score, nama)",
    "x = (y for y in []).gi_frame.f_back",
    "x = '{0.__class__}'.format(1)",
    "x = str.format('{0}', 1)",
    "x = '%s' % nama",
    "monev_score.cache = {}",
    "class K:\n    pass",
    "def f():\n    yield 1",
])
def test_scripts_reaching_into_the_interpreter_are_refused_before_they_run(source: str) -> None:
    context: dict[str, object] = {"nama": "real"}
    with pytest.raises(ScriptRefused):
        RestrictedEnvironment().execute(source, context)
    assert "x" not in context and "hasil" not in context


def test_the_subclasses_escape_names_its_line() -> None:
    with pytest.raises(ScriptRefused) as refused:
        script_policy.check("a = 1\nb = ().__class__\n", "exec")
    assert refused.value.lineno == 2 and "__class__" in refused.value.reason


@pytest.mark.parametrize("source", [
    "x = sum(range(1500000000))",
    "x = len('ab' * 10**9)",
    "x = [0] * 10**9",
    "x = [0]\nx *= 10**9",
    "x = 9 ** 10**9",
    "x = 1 << 10**9",
    "x = 10**50000 * 10**50000",
    "x = f'{1:>1000000000}'",
    "x = format(1, '>1000000000')",
    "x = sum([[0] * 1000] * 1000, [])",
    "x = [0] * 999999\nx = x + x",
    "x = [1] * 999999\nx = x + [*x]",
])
def test_one_line_of_unbounded_work_stops_at_once(source: str) -> None:
    """The time limit only acts between lines: each costly step is refused before it runs."""
    began = time.monotonic()
    with pytest.raises((ScriptTooCostly, ScriptRefused)):
        RestrictedEnvironment(time_limit=5).execute(source, {})
    assert time.monotonic() - began < 0.5


def test_ordinary_arithmetic_and_text_still_work() -> None:
    context: dict[str, object] = {"daftar": [1, 2], "n": 3}
    RestrictedEnvironment().execute(
        "daftar = daftar + [3]\nkali = n * 2\nkode = f'{n:03d}'\npangkat = n ** 2\nn *= 2\n"
        "total = sum(x * 2 for x in daftar)\nbaris = ', '.join(str(x) for x in range(3))\n"
        "_ = [i for i in range(2)]\n", context)
    assert context == {"daftar": [1, 2, 3], "n": 6, "kali": 6, "kode": "003", "pangkat": 9, "total": 12,
                       "baris": "0, 1, 2", "_": [0, 1]}


@pytest.mark.parametrize("cycle,allowed", [
    ("R/PT1S", False), ("R/P1D", False), ("R5/PT1S", False), ("R101/P1D", False), ("R3/P1D", True), ("R100/PT1H", True),
])
def test_timer_cycles_need_a_bounded_count_and_a_minimum_interval(cycle: str, allowed: bool) -> None:
    assert (DEFAULT_BOUNDS.cycle_problem(cycle) is None) is allowed


def test_multi_instance_cardinality_is_bounded() -> None:
    bounds = bounds_of({**settings.DEFAULTS, "multi_instance_max": 10})
    assert bounds.instances_problem(10) is None and "melebihi batas 10" in str(bounds.instances_problem(11))


def test_a_refused_script_that_reaches_run_time_is_an_incident(factory, monkeypatch):
    deploy_before_the_policy(factory, "forbidden.bpmn", monkeypatch)
    iid = start(factory, "forbidden", KABID)
    complete(factory, open_task(factory, iid, "go"), KABID, {"mode": "import"})
    row = instance(factory, iid)
    assert row.status == "error" and "import tidak diizinkan" in row.incident["message"]
    assert row.incident["task"] == "run" and open_names(factory, iid) == ["go"]


def test_a_computed_cardinality_past_the_bound_is_an_incident_before_any_task_exists(factory):
    deploy(factory, "cardinality.bpmn")
    iid = start(factory, "cardinality", PETUGAS, {"jumlah": 20000})
    row = instance(factory, iid)
    assert row.status == "error" and "multi-instance 20000 kali" in row.incident["message"]
    assert open_names(factory, iid) == [] and row.open_tasks == 0
    fine = start(factory, "cardinality", PETUGAS, {"jumlah": 3})
    assert open_names(factory, fine) == ["visit"] * 3


def test_a_collection_past_the_bound_is_an_incident_with_no_tasks_written(factory):
    deploy(factory, "multi.bpmn")
    libraries = [{"library": n, "visit_date": "2027-03-01"} for n in range(201)]
    iid = start(factory, "multi", PETUGAS, {"libraries": libraries})
    row = instance(factory, iid)
    assert row.status == "error" and "multi-instance 201 kali" in row.incident["message"]
    assert row.incident["task"] == "visit" and open_names(factory, iid) == []


def test_the_agency_setting_is_the_bound(factory):
    run_in_transaction(factory, lambda s: settings.put(s, "multi_instance_max", 2, "admin"))
    deploy(factory, "cardinality.bpmn")
    assert instance(factory, start(factory, "cardinality", PETUGAS, {"jumlah": 3})).status == "error"
    assert open_names(factory, start(factory, "cardinality", PETUGAS, {"jumlah": 2})) == ["visit"] * 2


@pytest.mark.parametrize("cycle", ["R/PT1S", "R5/PT1S"])
def test_a_computed_timer_cycle_past_the_bounds_is_an_incident(factory, cycle):
    deploy(factory, "cycle.bpmn")
    iid = start(factory, "cycle", PETUGAS, {"siklus": cycle})
    row = instance(factory, iid)
    assert row.status == "error" and "siklus timer" in row.incident["message"]
    assert row.next_due_at is None


def test_a_bounded_timer_cycle_runs(factory):
    deploy(factory, "cycle.bpmn")
    iid = start(factory, "cycle", PETUGAS, {"siklus": "R3/P1D"})
    row = instance(factory, iid)
    assert row.status == "running" and row.next_due_at is not None and open_names(factory, iid) == ["work"]
