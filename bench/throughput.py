"""Whole SOP cycles through the engine against the same cycles in memory; storage, statements and growth."""

from __future__ import annotations

from dataclasses import dataclass
from statistics import mean

from sqlalchemy import func, select

from bench import sop
from bench.databases import StatementCounter, sqlite_database
from bench.report import Result, higher_is_better, lower_is_better
from engine.models import InstancePart
from engine.workflow import check

# The least one completion can cost in statements: read the instance, write it, write an audit event.
MIN_STATEMENTS = 3


@dataclass(frozen=True)
class Sizes:
    """How much work one run does."""

    engine_cycles: int
    memory_cycles: int
    growth_cycles: int
    libraries: int = 5
    growth_libraries: int = 50


def engine_throughput(sizes: Sizes) -> list[Result]:
    """Completions per second through the engine (SQLite) versus SpiffWorkflow in memory, plus costs."""
    with sqlite_database() as db:
        library_ids = sop.prepare(db.factory, sizes.libraries)
        floor = sop.CycleStats()
        memory = sop.MemoryCycle(db.factory, library_ids)
        memory.run(sop.CycleStats())  # warm caches (spec, validators) on both sides alike
        sop.engine_cycle(db.factory, library_ids, sop.CycleStats())
        before = db.size_bytes()
        ours = sop.CycleStats()
        per_round = max(1, sizes.memory_cycles // sizes.engine_cycles)
        # Floor and engine cycles alternate, so load from elsewhere on the machine hits both alike.
        with StatementCounter(db.engine) as counter:
            for _ in range(sizes.engine_cycles):
                sop.engine_cycle(db.factory, library_ids, ours)
                for _ in range(per_round):  # in memory: no statements to count
                    memory.run(floor)
        stored = (db.size_bytes() - before) / ours.cycles
        with db.factory() as session:
            findings = check.check(session, ours.instance_ids)
            parts = session.scalar(select(func.sum(func.length(InstancePart.text)))
                                   .where(InstancePart.instance_id.in_(ours.instance_ids))) or 0
            state_bytes = parts / len(ours.instance_ids)
        assert not findings, [str(f) for f in findings]
    return [
        higher_is_better("engine_throughput", "completions_per_s", ours.per_second, "1/s", floor.per_second,
                         target=0.25),
        lower_is_better("engine_throughput", "sql_per_completion", counter.statements / ours.completions,
                        "statements", MIN_STATEMENTS),
        lower_is_better("engine_throughput", "commits_per_completion", counter.commits / ours.completions,
                        "commits", 1.0),
        lower_is_better("engine_throughput", "bytes_per_instance", stored, "B", float(state_bytes)),
    ]


def growth(sizes: Sizes) -> list[Result]:
    """Mean completion latency in a cycle of 5 libraries against one of 50 (by default)."""
    with sqlite_database() as db:
        library_ids = sop.prepare(db.factory, sizes.growth_libraries)
        small, large = sop.CycleStats(), sop.CycleStats()
        sop.engine_cycle(db.factory, library_ids[:sizes.libraries], sop.CycleStats())
        for _ in range(sizes.growth_cycles):
            sop.engine_cycle(db.factory, library_ids[:sizes.libraries], small)
            sop.engine_cycle(db.factory, library_ids, large)
    lat5, lat50 = mean(small.latencies) * 1000, mean(large.latencies) * 1000
    metric = f"completion_ms_{sizes.growth_libraries}_libraries"
    return [lower_is_better("growth", metric, lat50, "ms", lat5, target=0.3)]
