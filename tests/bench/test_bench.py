"""The benchmark machinery runs end to end on tiny sizes (no figure is asserted: only that it measures)."""

from __future__ import annotations

import importlib.util
import json

import pytest
from click.testing import CliRunner
from sqlalchemy import update

import bench
from bench import sop
from bench.databases import pg_available
from bench.report import Result, higher_is_better, lower_is_better, table
from engine.db import make_engine, make_session_factory
from engine.migrate import upgrade
from engine.models import Instance
from web.cli import main

JSON_KEYS = {"scenario", "metric", "value", "unit", "floor", "ratio"}


def test_every_scenario_runs_on_tiny_sizes_and_prints_json_lines() -> None:
    lines: list[str] = []
    results = bench.main(quick=True, as_json=True, echo=lines.append, plan=bench.TINY)
    scenarios = {r.scenario for r in results}
    expected = set(bench.SCENARIOS) - (set() if pg_available() is None else {"contention"})
    if importlib.util.find_spec("web.app") is None:
        expected -= {"http_inbox"}
    assert scenarios == expected
    assert len(lines) == len(results)
    for line in lines:
        record = json.loads(line)
        assert set(record) == JSON_KEYS
        assert record["value"] >= 0 and record["floor"] >= 0 and record["ratio"] >= 0
    by_metric = {(r.scenario, r.metric): r for r in results}
    if "contention" in scenarios:
        assert by_metric[("contention", "lost_updates")].value == 0
        assert by_metric[("contention", "double_completions")].value == 0
    assert by_metric[("engine_throughput", "completions_per_s")].value > 0


def test_ratio_is_the_fraction_of_the_floor_reached() -> None:
    assert higher_is_better("s", "m", 50.0, "1/s", 200.0).ratio == 0.25
    assert lower_is_better("s", "m", 8.0, "ms", 2.0).ratio == 0.25
    result = Result("s", "m", 1.0, "ms", 0.5, 0.5, target=0.3)
    assert result.verdict == "ok"
    assert "≥ 0.3 ok" in table([result])


def test_cli_refuses_an_unknown_scenario() -> None:
    outcome = CliRunner().invoke(main, ["bench", "--only", "nonsense"])
    assert outcome.exit_code != 0
    assert "unknown scenario nonsense" in outcome.output


@pytest.mark.parametrize("broken", [False, True])
def test_cli_check_reports_findings_and_exits_1(tmp_path, monkeypatch, broken: bool) -> None:
    url = f"sqlite:///{tmp_path / 'check.db'}"
    engine = make_engine(url)
    upgrade(engine)
    factory = make_session_factory(engine)
    library_ids = sop.prepare(factory, 1)
    iid = sop.start(factory)
    sop.complete_next(factory, iid, library_ids)
    if broken:
        with engine.begin() as conn:
            conn.execute(update(Instance).values(open_tasks=7))
    engine.dispose()
    monkeypatch.setenv("SENAPAS_DATABASE_URL", url)
    outcome = CliRunner().invoke(main, ["check"])
    if broken:
        assert outcome.exit_code == 1
        assert f"instance {iid}" in outcome.output
    else:
        assert outcome.exit_code == 0, outcome.output
        assert "tidak ada temuan" in outcome.output


def test_soak_runs_the_whole_stack_briefly_and_every_check_holds() -> None:
    from bench import soak

    if pg_available() is not None:
        pytest.skip(f"the soak needs PostgreSQL: {pg_available()}")
    results = soak.soak(soak.Plan(seconds=8, clients=4, think=(0.2, 0.6)), say=lambda _text: None)
    by_metric = {r.metric: r for r in results}
    assert by_metric["requests"].value > 0
    assert [r.metric for r in results if r.verdict == "below"] == []
    assert by_metric["completions_acknowledged"].value == by_metric["completions_acknowledged_found"].value
    assert {"rss_start_mib web_worker_1", "rss_end_mib senapas_worker_2", "db_connections_max"} <= set(by_metric)
    for line in (r.json() for r in results):
        assert set(json.loads(line)) == JSON_KEYS


def test_soak_faults_need_the_cluster_named() -> None:
    outcome = CliRunner().invoke(main, ["bench", "soak", "--faults"])
    assert outcome.exit_code != 0 and "--pg-url" in outcome.output
