"""Findings of a quarterly review: each KPI out of its band, with the likely causes and what to check.

The advice is declared with each KPI in the catalogue (`scorecard/metrics/catalogue.toml`, one
`[kpis.<kpi>.advice.<side>]` table per KPI and side, `low` or `high`), so it can be read and edited
without touching code; another file of `[<kpi>.<side>]` tables can replace it. A band is
`[target_low, target_high]` with either end open: a "higher is better" KPI with target 0.80 has the
band [0.80, ∞), a "lower is better" one with target 0.05 has (−∞, 0.05], a two-sided KPI has both ends.
"""

from __future__ import annotations

import math
import tomllib
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from functools import cache
from pathlib import Path
from typing import Any

import polars as pl

from scorecard.errors import ConfigError
from scorecard.metrics import catalogue

SIDES: tuple[str, ...] = ("low", "high")
_KEYS = ("summary", "causes", "checks")


@dataclass(frozen=True)
class Advice:
    """What a KPI out of its band on one side usually means and how to find out."""

    kpi: str
    side: str
    summary: str
    causes: tuple[str, ...]
    checks: tuple[str, ...]


@dataclass(frozen=True)
class Finding:
    """One KPI out of its band in the review period, with its advice (None if the catalogue has none)."""

    kpi: str
    label: str
    side: str
    value: float
    target_low: float | None
    target_high: float | None
    source: str
    advice: Advice | None

    @property
    def gap(self) -> float:
        """Distance to the band's nearer edge relative to that edge (0.1 = 10 % away)."""
        edge = self.target_low if self.side == "low" else self.target_high
        assert edge is not None
        return abs(self.value - edge) / (abs(edge) or 1.0)


def sides_for(direction: str) -> tuple[str, ...]:
    """The sides a KPI can be out of band on: below for higher-is-better, above for lower-is-better."""
    return {"higher": ("low",), "lower": ("high",), "band": SIDES}[direction]


def base_kpi(kpi_id: str) -> str:
    """The headline KPI id of a variant column (`service_level_positive` -> `service_level`)."""
    return catalogue.headline_of(kpi_id)


def parse_advice(data: dict[str, Any], source: str) -> dict[tuple[str, str], Advice]:
    """Validate a findings catalogue (`{kpi: {side: {summary, causes, checks}}}`)."""
    out: dict[tuple[str, str], Advice] = {}
    for kpi_id, by_side in data.items():
        if kpi_id not in catalogue.KPI_COLUMNS:
            raise ConfigError(f"{source}: [{kpi_id}]: unknown KPI id; use an id of the KPI catalogue")
        direction = catalogue.kpi(kpi_id).direction
        for side, table in by_side.items():
            where = f"{source}: [{kpi_id}.{side}]"
            if side not in sides_for(direction):
                raise ConfigError(
                    f"{where}: {kpi_id} is '{direction} is better'; expected side(s): "
                    f"{', '.join(sides_for(direction))}"
                )
            if sorted(table) != sorted(_KEYS):
                raise ConfigError(f"{where}: expected exactly the keys {', '.join(_KEYS)}")
            lists = (table["causes"], table["checks"])
            if not isinstance(table["summary"], str) or not all(
                isinstance(x, list) and x and all(isinstance(s, str) for s in x) for x in lists
            ):
                raise ConfigError(f"{where}: summary must be text, causes and checks non-empty lists of text")
            out[(kpi_id, side)] = Advice(kpi_id, side, table["summary"], *(tuple(x) for x in lists))
    return out


@cache
def load_advice(path: str | None = None) -> dict[tuple[str, str], Advice]:
    """The findings catalogue: the advice declared in the KPI catalogue, or a file of `[<kpi>.<side>]`."""
    if path is None:
        return parse_advice(catalogue.ADVICE, str(catalogue.DECLARATION.name))
    with Path(path).open("rb") as fh:
        return parse_advice(tomllib.load(fh), str(path))


def side_of(value: float | None, target_low: float | None, target_high: float | None) -> str | None:
    """`low` below the band, `high` above it, None inside it or without a value."""
    if value is None or math.isnan(value):
        return None
    if target_low is not None and value < target_low:
        return "low"
    if target_high is not None and value > target_high:
        return "high"
    return None


def findings(rows: Iterable[Mapping[str, Any]], advice: Mapping | None = None) -> list[Finding]:
    """The out-of-band KPIs of review rows (`kpi, value, target_low, target_high, target_source`).

    Contract targets come first, then the largest relative gap.
    """
    advice = load_advice() if advice is None else advice
    out = []
    for row in rows:
        side = side_of(row["value"], row["target_low"], row["target_high"])
        if side is None:
            continue
        kpi_id = row["kpi"]
        found = Finding(
            kpi_id,
            catalogue.kpi(kpi_id).label,
            side,
            float(row["value"]),
            row["target_low"],
            row["target_high"],
            row["target_source"],
            advice.get((base_kpi(kpi_id), side)),
        )
        out.append(found)
    return sorted(out, key=lambda f: (f.source != "contract", -f.gap, f.kpi))


def findings_frame(items: list[Finding]) -> pl.DataFrame:
    """Findings as a table; causes and checks are joined with ' | '."""
    schema = {
        "kpi": pl.String,
        "label": pl.String,
        "side": pl.String,
        "value": pl.Float64,
        "target_low": pl.Float64,
        "target_high": pl.Float64,
        "target_source": pl.String,
        "summary": pl.String,
        "causes": pl.String,
        "checks": pl.String,
    }
    rows = [
        (
            f.kpi,
            f.label,
            f.side,
            f.value,
            f.target_low,
            f.target_high,
            f.source,
            f.advice.summary if f.advice else None,
            " | ".join(f.advice.causes) if f.advice else None,
            " | ".join(f.advice.checks) if f.advice else None,
        )
        for f in items
    ]
    return pl.DataFrame(rows, schema=schema, orient="row")
