"""The `mapped` format: any CSV/XLSX export mapped to a canonical table in vendor.toml, without code.

Every key below is an option of the `[[exports]]` table (docs/adapters.md documents each with examples).
The mapping is validated when vendor.toml loads (`mapped_spec.Spec`): keys that name canonical columns are
checked against the export's table, canonical values and types against the column, so a typo is a
ConfigError naming the file and key.

- `columns`   canonical column -> source column, or a list of source columns joined with a space
              (a date and a time in two columns `arrived_at = ["Date", "Time"]`; a composite key
              `call_id = ["Line", "Call"]`).
- `values`    canonical column -> {source value -> canonical value}; `""` stands for an empty cell and
              `"*"` for any other value.
- `rules`     canonical column -> ordered rules `{ when = {source column = value(s)}, value = ... }` or
              `{ when = ..., leave_out = true }`; the first rule a row matches wins, a row no rule
              matches rejects the file (mapped_rules.py).
- `nulls`     source column -> sentinel values read as an empty cell (`customer_id = ["0"]`), counted.
- `units`     duration column -> `s` | `ms` | `min` | `h` for plain numbers (`h:mm:ss` is always read).
- `formats`   timestamp/date column -> strptime format (day-first `%d.%m.%Y %H:%M`, months `%b %Y`).
- `constants` canonical column -> value; `interval_s` may be `15m`, `30m`, `1h`, `1d`, `1w`, `1mo`
              (calendar-aware in the vendor's time zone).
- `defaults`  canonical column -> value used where the mapped source cell is empty.
- `sums`      canonical column -> {plus = [columns], minus = [columns]} (`answered = inbound − abandoned`).
- `averages`  canonical column -> the count column its source is an average over (sum = average × count).
- `elapsed`   canonical column -> [start column, end column]: seconds between two timestamps.
- `drop` / `keep`  source column -> values: rows to leave out / the only rows to read (`""` = empty).
- `day_index_start`  the date of day 1 when the table's timestamp column holds a day number.
- `ragged_lines` `"error"` (default) or `"leave_out"`: lines with more or fewer fields than the header.
- `thousands` thousands separator of numbers. `reported` KPI id -> source column or
              {column, unit = percent|fraction|s|ms|min|h, complement, definition}: vendor-reported KPIs.
"""

from __future__ import annotations

import functools
import operator
from collections.abc import Callable
from pathlib import Path
from typing import Any

import polars as pl

from scorecard.errors import RowWarning
from scorecard.ingest.adapters import mapped_rules, mapped_spec
from scorecard.ingest.adapters import readers as rd
from scorecard.ingest.adapters.base import Adapter, AdapterOutput, register
from scorecard.ingest.adapters.mapped_spec import CALENDAR, DURATION_UNITS, Spec
from scorecard.workspace.config import ExportConfig, VendorConfig


def _prepared(srcs: list[str], values: dict[str, str] | None) -> pl.Expr:
    """The source text of a mapped column: sources joined with a space, then the value map applied."""
    e = pl.concat_str([pl.col(s) for s in srcs], separator=" ") if len(srcs) > 1 else pl.col(srcs[0])
    if values:
        listed = {k: v for k, v in values.items() if k not in ("", "*")}
        mapped = e.replace(listed)
        if "*" in values:
            mapped = pl.when(e.is_in(list(listed)) | e.is_null()).then(mapped).otherwise(pl.lit(values["*"]))
        e = mapped.fill_null(values[""]) if "" in values else mapped
    return pl.when(e != "").then(e)


@register
class MappedAdapter(Adapter):
    """Any CSV/XLSX export, mapped to a canonical table by vendor.toml options alone."""

    format = "mapped"
    tables = frozenset(mapped_spec.CANONICAL)
    options = mapped_spec.OPTIONS
    helpers = (mapped_spec, mapped_rules)

    def check_options(self, export: ExportConfig, where: str) -> None:
        """Validate the mapping when vendor.toml loads (a mistake is a ConfigError naming the key)."""
        Spec(export, where)

    def read(self, path: Path, export: ExportConfig, vendor: VendorConfig) -> AdapterOutput:
        """Read one export through its mapping: filter rows, apply rules, parse, combine, report KPIs."""
        spec = Spec(export)
        warnings: list[RowWarning] = []
        raw = rd.read_table(path, export, left_out=warnings if spec.ragged == "leave_out" else None)
        self.require_columns(path, [c for c in raw.columns if c != rd.SOURCE_ROW], spec.sources())
        raw = mapped_rules.filters(raw, spec, warnings)
        raw = mapped_rules.null_flags(raw, spec)
        problems: list = []
        raw = mapped_rules.apply_rules(raw, spec, warnings, problems)
        warnings += mapped_rules.null_warnings(raw, spec)
        tz = vendor.timezone
        parse = _parser(spec, tz)
        prepared = raw.with_columns(
            _prepared(srcs, spec.values.get(col)).alias(f"__{col}") for col, srcs in spec.columns.items()
        )
        exprs: dict[str, pl.Expr] = {c: parse(f"__{c}", c) for c in spec.columns}
        exprs |= {c: pl.col(f"__value_{c}") for c in spec.rules}
        problems += mapped_rules.partial_keys(raw, spec)
        checks = {c: s for c, s in spec.columns.items() if len(s) == 1 or spec.types[c] != "VARCHAR"}
        for col, (plus, minus) in spec.sums.items():
            for i, term in enumerate(plus + minus):
                exprs[f"__{col}{i}"], checks[f"__{col}{i}"] = parse(term, col), [term]
        for col, pair in spec.elapsed.items():
            for end, src in zip(("start", "end"), pair, strict=True):
                exprs[f"__{col}_{end}"] = rd.timestamp(src, tz, export.timestamp_format)
                checks[f"__{col}_{end}"] = [src]
        for kpi, r in spec.reported.items():
            exprs[f"__kpi_{kpi}"] = _reported_value(r, export.decimal, spec.thousands)
            checks[f"__kpi_{kpi}"] = [r["column"]]
        parsed = prepared.select(rd.SOURCE_ROW, *(e.alias(n) for n, e in exprs.items()))
        problems = sorted(
            problems + rd.parse_failures(raw, parsed, checks, None, export.decimal, spec.thousands),
            key=lambda f: (f.row or 0, f.column),
        )
        out = rd.canonical_frame(_combine(parsed, spec, tz), export.table)
        observed = spec.observed()
        if not spec.reported:
            return AdapterOutput(out, problems=problems, warnings=warnings, observed=observed)
        with_kpis = out.hstack(parsed.select(f"__kpi_{k}" for k in spec.reported))
        kpis = {k: (pl.col(f"__kpi_{k}"), _definition(r)) for k, r in spec.reported.items()}
        reported = rd.reported_frame(with_kpis, tz, kpis, spec.ts_col or "interval_start")
        return AdapterOutput(out, reported, problems, warnings, observed)


def _parser(spec: Spec, tz: str) -> Callable[[str, str], pl.Expr]:
    """parse(text column, canonical column) -> the expression reading it as that column's type."""
    export, num = spec.export, (spec.export.decimal, spec.thousands)

    def parse(name: str, col: str) -> pl.Expr:
        kind = spec.types[col]
        if kind == "TIMESTAMP" and spec.day_one and col == spec.ts_col:
            naive = pl.lit(spec.day_one).cast(pl.Datetime("us")) + pl.duration(days=rd.integer(name) - 1)
            return rd.local_to_utc(naive, tz)
        if kind == "TIMESTAMP":
            return rd.timestamp(name, tz, spec.formats.get(col) or export.timestamp_format)
        if kind == "DATE":
            return rd.date(name, spec.formats.get(col))
        if kind == "DOUBLE" and col.endswith("_s"):
            return rd.seconds(name, spec.units.get(col, "s"), *num)
        if kind == "DOUBLE":
            return rd.number(name, *num)
        if kind == "BIGINT":
            return rd.integer(name, *num)
        if kind == "BOOLEAN":
            return rd.boolean(name)
        return rd.hashed(name) if col == "caller_key" else pl.col(name)

    return parse


def _combine(parsed: pl.DataFrame, spec: Spec, tz: str) -> pl.DataFrame:
    """Sums, elapsed times and constants, then averages × counts, then defaults and calendar lengths."""
    frame = parsed.with_columns(
        *(_sum(c, len(p), len(m)).alias(c) for c, (p, m) in spec.sums.items()),
        *(
            ((pl.col(f"__{c}_end") - pl.col(f"__{c}_start")).dt.total_microseconds() / 1e6).alias(c)
            for c in spec.elapsed
        ),
        *(pl.lit(v).alias(c) for c, v in spec.constants.items() if c != "interval_s" or v not in CALENDAR),
    )
    frame = frame.with_columns(
        pl.when(pl.col(n) == 0).then(0.0).otherwise(pl.col(c) * pl.col(n)).alias(c)
        for c, n in spec.averages.items()
    )
    frame = frame.with_columns(
        (pl.col(c).fill_null(pl.lit(v)) if c in frame.columns else pl.lit(v)).alias(c)
        for c, v in spec.defaults.items()
    )
    if (calendar := spec.constants.get("interval_s")) in CALENDAR:
        local = pl.col("interval_start").dt.convert_time_zone(tz)
        frame = frame.with_columns(
            (local.dt.offset_by(calendar) - local).dt.total_seconds().alias("interval_s")
        )
    return frame


def _sum(col: str, plus: int, minus: int) -> pl.Expr:
    """plus terms − minus terms of a `sums` column; null when any term is empty (never a partial sum)."""
    total = functools.reduce(operator.add, [pl.col(f"__{col}{i}") for i in range(plus)])
    for j in range(plus, plus + minus):
        total = total - pl.col(f"__{col}{j}")
    return total


def _reported_value(r: dict[str, Any], decimal: str, thousands: str | None) -> pl.Expr:
    col, unit = r["column"], r["unit"]
    if unit in DURATION_UNITS:
        return rd.seconds(col, unit, decimal, thousands)
    value = rd.number(col, decimal, thousands) / (100 if unit == "percent" else 1)
    return 1 - value if r["complement"] else value


def _definition(r: dict[str, Any]) -> str:
    if "definition" in r:
        return str(r["definition"])
    return f"vendor-reported column '{r['column']}'" + (" (1 − value)" if r["complement"] else "")
