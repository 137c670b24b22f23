"""Benchmark results: one measured value beside its floor, shown as a table or as JSON lines."""

from __future__ import annotations

import json
import math
from dataclasses import dataclass
from statistics import quantiles


@dataclass(frozen=True)
class Result:
    """One figure of a scenario; `ratio` is the fraction of the floor reached (1.0 = at the limit)."""

    scenario: str
    metric: str
    value: float
    unit: str
    floor: float
    ratio: float
    target: float | None = None

    def json(self) -> str:
        """The JSON line of this result (the fixed keys other tools read)."""
        return json.dumps({"scenario": self.scenario, "metric": self.metric, "value": _round(self.value),
                           "unit": self.unit, "floor": _round(self.floor), "ratio": _round(self.ratio)})

    @property
    def verdict(self) -> str:
        """"ok" or "below" against the target, or "" without one."""
        if self.target is None:
            return ""
        return "ok" if self.ratio >= self.target else "below"


def higher_is_better(scenario: str, metric: str, value: float, unit: str, floor: float,
                     target: float | None = None) -> Result:
    """A throughput-like figure: ratio = value / floor."""
    return Result(scenario, metric, value, unit, floor, value / floor if floor else 0.0, target)


def lower_is_better(scenario: str, metric: str, value: float, unit: str, floor: float,
                    target: float | None = None) -> Result:
    """A latency- or size-like figure: ratio = floor / value."""
    return Result(scenario, metric, value, unit, floor, floor / value if value else 0.0, target)


def p95(samples: list[float]) -> float:
    """The 95th percentile of some samples (the largest one when there are few)."""
    if len(samples) < 20:
        return max(samples)
    return quantiles(samples, n=20, method="inclusive")[-1]


def _round(value: float) -> float:
    if value == 0 or not math.isfinite(value):
        return value
    digits = max(0, 4 - int(math.floor(math.log10(abs(value)))) - 1)
    return round(value, digits)


def table(results: list[Result]) -> str:
    """The results as an aligned text table."""
    header = ("scenario", "metric", "value", "unit", "floor", "ratio", "target")
    rows = [header] + [(r.scenario, r.metric, f"{_round(r.value):g}", r.unit, f"{_round(r.floor):g}",
                        f"{r.ratio:.3f}", "" if r.target is None else f"≥ {r.target:g} {r.verdict}")
                       for r in results]
    widths = [max(len(row[i]) for row in rows) for i in range(len(header))]
    lines = ["  ".join(cell.ljust(widths[i]) for i, cell in enumerate(row)).rstrip() for row in rows]
    lines.insert(1, "  ".join("-" * w for w in widths))
    return "\n".join(lines)
