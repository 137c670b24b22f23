"""`senapas bench`: each scenario measured beside its floor, on throw-away databases.

Scenarios: engine_throughput (plus SQL statements, commits and bytes per completion/instance),
inbox_latency, http_inbox, growth, contention and dashboard_latency. `--quick` runs them on sizes that finish in a
few minutes on a 2-core machine; a scenario that needs PostgreSQL is skipped with the reason when
the server is not reachable. `senapas bench soak` (`bench.soak`) is apart from these: the whole
stack, as separate processes, under sustained load and optional faults, on a database of its own.
"""

from __future__ import annotations

import importlib.util
from collections.abc import Callable
from dataclasses import dataclass

from bench.report import Result


@dataclass(frozen=True)
class Plan:
    """The sizes of one benchmark run."""

    engine_cycles: int
    memory_cycles: int
    growth_cycles: int
    inbox_tasks: int
    inbox_rounds: int
    http_tasks: int
    http_seconds: float
    http_threads: int
    contention_cycles: int
    libraries: int = 5
    growth_libraries: int = 50


QUICK = Plan(engine_cycles=16, memory_cycles=80, growth_cycles=3, inbox_tasks=10_000, inbox_rounds=3,
             http_tasks=1_000, http_seconds=6.0, http_threads=8, contention_cycles=6)
FULL = Plan(engine_cycles=40, memory_cycles=200, growth_cycles=4, inbox_tasks=100_000, inbox_rounds=5,
            http_tasks=1_000, http_seconds=15.0, http_threads=8, contention_cycles=16)
# Sizes that only prove the machinery works (the smoke test).
TINY = Plan(engine_cycles=1, memory_cycles=1, growth_cycles=1, inbox_tasks=200, inbox_rounds=1,
            http_tasks=100, http_seconds=0.3, http_threads=2, contention_cycles=1, libraries=2,
            growth_libraries=3)
SCENARIOS = ("engine_throughput", "inbox_latency", "http_inbox", "growth", "contention", "dashboard_latency")


def scenarios(plan: Plan, pg_problem: str | None) -> dict[str, Callable[[], list[Result]]]:
    """Each scenario as a call on the plan's sizes."""
    from bench import contention, dashboard, http_inbox, inbox, throughput

    sizes = throughput.Sizes(plan.engine_cycles, plan.memory_cycles, plan.growth_cycles, plan.libraries,
                             plan.growth_libraries)
    kinds = ("sqlite",) if pg_problem else ("sqlite", "postgresql")

    def needs_pg() -> list[Result]:
        raise Skipped(f"PostgreSQL not reachable: {pg_problem}")

    def needs_web() -> list[Result]:
        raise Skipped("the web app (web.app.create_app) is not there yet")

    has_web = importlib.util.find_spec("web.app") is not None

    return {
        "engine_throughput": lambda: throughput.engine_throughput(sizes),
        "inbox_latency": lambda: inbox.inbox_latency(plan.inbox_tasks, plan.inbox_rounds, kinds),
        "http_inbox": (lambda: http_inbox.http_inbox(plan.http_tasks, plan.http_seconds, plan.http_threads))
        if has_web else needs_web,
        "growth": lambda: throughput.growth(sizes),
        "contention": needs_pg if pg_problem else lambda: contention.contention(plan.contention_cycles, plan.libraries),
        "dashboard_latency": lambda: dashboard.dashboard_latency(plan.inbox_tasks, plan.inbox_rounds, kinds),
    }


class Skipped(Exception):
    """A scenario that cannot run here, with the reason."""


def run(quick: bool, only: tuple[str, ...] = (), plan: Plan | None = None,
        on_result: Callable[[Result], None] | None = None,
        on_skip: Callable[[str, str], None] | None = None) -> list[Result]:
    """Run the scenarios (all, or `only`) and return their results, reporting each as it comes."""
    from bench.databases import pg_available

    chosen = plan or (QUICK if quick else FULL)
    calls = scenarios(chosen, pg_available())
    results: list[Result] = []
    for name in only or SCENARIOS:
        try:
            found = calls[name]()
        except Skipped as skipped:
            if on_skip:
                on_skip(name, str(skipped))
            continue
        for result in found:
            results.append(result)
            if on_result:
                on_result(result)
    return results


def main(quick: bool, as_json: bool, only: tuple[str, ...] = (), echo: Callable[[str], None] = print,
         plan: Plan | None = None) -> list[Result]:
    """Run and print: a table at the end, or one JSON line per result as it is measured."""
    import logging
    import sys
    import time

    from bench.report import table

    logging.getLogger().setLevel(logging.WARNING)  # migrations of every temporary database are not news
    began = time.perf_counter()

    def skipped(name: str, reason: str) -> None:
        print(f"{name}: skipped ({reason})", file=sys.stderr)

    def progress(result: Result) -> None:
        if as_json:
            echo(result.json())
        else:
            print(f"{result.scenario} {result.metric}: {result.value:.4g} {result.unit}", file=sys.stderr)

    results = run(quick, only, plan, on_result=progress, on_skip=skipped)
    if not as_json:
        echo(table(results))
    print(f"bench {'--quick ' if quick else ''}finished in {time.perf_counter() - began:.0f} s", file=sys.stderr)
    return results
