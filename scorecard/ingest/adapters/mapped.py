"""The `mapped` format: any CSV/XLSX export mapped to a canonical table in vendor.toml, without code.

Every key below is an option of the `[[exports]]` table (see docs/adapters.md for examples). Keys that
name canonical columns are checked against the export's table, so a typo is a ConfigError naming it.

- `columns`   canonical column -> source column, or a list of source columns joined with a space
              (a date and a time in two columns: `arrived_at = ["Date", "Time"]`).
- `values`    canonical column -> {source value -> canonical value}; `""` stands for an empty cell and
              `"*"` for any other value.
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
- `thousands` thousands separator of numbers. `reported` KPI id -> source column or
              {column, unit = percent|fraction|s|ms|min|h, complement, definition}: vendor-reported KPIs.
"""

from __future__ import annotations

import functools
import operator
from collections.abc import Callable
from datetime import date
from pathlib import Path
from typing import Any, NoReturn

import polars as pl

from scorecard.errors import ConfigError, RowWarning
from scorecard.ingest.adapters import readers as rd
from scorecard.ingest.adapters.base import Adapter, AdapterOutput, register
from scorecard.ingest.db import CANONICAL, TIMESTAMP_COLUMNS
from scorecard.ingest.schemas import OUTCOMES
from scorecard.metrics.catalogue import KPI_COLUMNS
from scorecard.workspace.config import ExportConfig, VendorConfig

COLUMN_KEYS = (
    "columns",
    "values",
    "units",
    "formats",
    "constants",
    "defaults",
    "sums",
    "averages",
    "elapsed",
)
DURATION_UNITS = ("s", "ms", "min", "h")
CALENDAR = ("15m", "30m", "1h", "1d", "1w", "1mo")
REPORTED_KEYS = {"column", "unit", "complement", "definition"}
PY_TYPES = {"VARCHAR": (str,), "DOUBLE": (int, float), "BIGINT": (int,), "BOOLEAN": (bool,), "DATE": (str,)}


class Spec:
    """The validated mapping of one export; every mistake is a ConfigError naming the key."""

    def __init__(self, export: ExportConfig) -> None:
        self.export, self.table = export, export.table
        self.types = CANONICAL[export.table]
        self.where = f"{export.source}: format 'mapped' (table '{export.table}')"
        opt = {
            k: rd.option(export, "mapped", k, dict, {}) for k in (*COLUMN_KEYS, "drop", "keep", "reported")
        }
        for key in COLUMN_KEYS:
            for col in opt[key]:
                if col not in self.types:
                    known = ", ".join(self.types)
                    self.fail(
                        f"{key}.{col}", f"is not a column of table '{self.table}'; expected one of: {known}"
                    )
        self.columns = {c: [s] if isinstance(s, str) else s for c, s in opt["columns"].items()}
        for col, srcs in self.columns.items():
            if not srcs or not all(isinstance(s, str) for s in srcs):
                self.fail(f"columns.{col}", "must be a source column name or a list of them")
        defined = [c for k in ("columns", "constants", "sums", "elapsed") for c in opt[k]]
        if dup := next((c for c in defined if defined.count(c) > 1), None):
            self.fail(dup, "is defined twice (in more than one of columns, constants, sums, elapsed)")
        self.values = {c: self._value_map(c, m) for c, m in opt["values"].items()}
        self.units = {c: self._unit(c, u) for c, u in opt["units"].items()}
        self.formats = {c: self._format_for(c, f) for c, f in opt["formats"].items()}
        self.constants = {c: self._literal("constants", c, v) for c, v in opt["constants"].items()}
        self.defaults = {c: self._literal("defaults", c, v) for c, v in opt["defaults"].items()}
        self.sums = {c: self._sum_terms(c, t) for c, t in opt["sums"].items()}
        self.averages = {c: self._average_of(c, n) for c, n in opt["averages"].items()}
        self.elapsed = {c: self._pair(c, p) for c, p in opt["elapsed"].items()}
        self.drop, self.keep = self._filters("drop", opt["drop"]), self._filters("keep", opt["keep"])
        self.reported = {k: self._reported_spec(k, v) for k, v in opt["reported"].items()}
        self.thousands = rd.option(export, "mapped", "thousands", str)
        start = rd.option(export, "mapped", "day_index_start", str)
        self.day_one = self._parse_date("day_index_start", start) if start is not None else None
        self.ts_col = TIMESTAMP_COLUMNS.get(self.table)
        if self.day_one and self.ts_col not in self.columns:
            self.fail("day_index_start", f"needs columns.{self.ts_col} (the column holding the day number)")
        if self.constants.get("interval_s") in CALENDAR and "interval_start" not in self.columns:
            self.fail(
                "constants.interval_s", f"= {self.constants['interval_s']!r} needs columns.interval_start"
            )
        if self.reported and self.table not in ("intervals", "calls"):
            self.fail("reported", "is only read for the intervals and calls tables")

    def fail(self, key: str, why: str) -> NoReturn:
        """Raise the ConfigError for one key."""
        raise ConfigError(f"{self.where}: '{key}' {why}. Fix it in vendor.toml.")

    def _value_map(self, col: str, mapping: Any) -> dict[str, str]:
        if not isinstance(mapping, dict) or col not in self.columns:
            self.fail(
                f"values.{col}", "must be a table of source value = canonical value for a mapped column"
            )
        return {str(k): str(v).lower() if isinstance(v, bool) else str(v) for k, v in mapping.items()}

    def _unit(self, col: str, unit: Any) -> str:
        if not (col.endswith("_s") and self.types[col] == "DOUBLE") or unit not in DURATION_UNITS:
            self.fail(f"units.{col}", f"must be one of {', '.join(DURATION_UNITS)} for a duration column")
        return unit

    def _format_for(self, col: str, fmt: Any) -> str:
        if self.types[col] not in ("TIMESTAMP", "DATE") or not isinstance(fmt, str):
            self.fail(f"formats.{col}", "must be a strptime format text for a timestamp or date column")
        return fmt

    def _literal(self, key: str, col: str, value: Any) -> Any:
        if key == "constants" and col == "interval_s" and value in CALENDAR:
            return value
        kinds = PY_TYPES.get(self.types[col], ())
        if not isinstance(value, kinds) or (isinstance(value, bool) and bool not in kinds):
            self.fail(f"{key}.{col}", f"= {value!r} does not fit the column type {self.types[col]}")
        return self._parse_date(f"{key}.{col}", value) if self.types[col] == "DATE" else value

    def _sum_terms(self, col: str, terms: Any) -> tuple[list[str], list[str]]:
        ok = isinstance(terms, dict) and set(terms) <= {"plus", "minus"} and terms.get("plus")
        ok = ok and all(isinstance(c, str) for c in [*terms["plus"], *terms.get("minus", [])])
        if not ok or self.types[col] not in ("BIGINT", "DOUBLE"):
            self.fail(f"sums.{col}", "must be {plus = [columns], minus = [columns]} for a numeric column")
        return list(terms["plus"]), list(terms.get("minus", []))

    def _average_of(self, col: str, count: Any) -> str:
        if not (count in self.types and self.types[count] == "BIGINT" and col in self.columns):
            self.fail(f"averages.{col}", 'must name the count column (e.g. "answered") of a mapped column')
        if count not in self.columns and count not in self.sums and count not in self.constants:
            self.fail(f"averages.{col}", f"needs the count column '{count}' to be mapped too")
        return count

    def _pair(self, col: str, cols: Any) -> list[str]:
        if not (isinstance(cols, list) and len(cols) == 2) or self.types[col] != "DOUBLE":
            self.fail(f"elapsed.{col}", "must be [start column, end column] for a seconds column")
        return cols

    def _filters(self, key: str, rules: dict[str, Any]) -> dict[str, list[str]]:
        for col, vals in rules.items():
            if not isinstance(vals, list):
                self.fail(f"{key}.{col}", "must be a list of values")
        return {c: [str(v) for v in vals] for c, vals in rules.items()}

    def _reported_spec(self, kpi: str, spec: Any) -> dict[str, Any]:
        spec = {"column": spec} if isinstance(spec, str) else spec
        if kpi not in KPI_COLUMNS:
            self.fail(f"reported.{kpi}", f"is not a KPI id; expected one of: {', '.join(KPI_COLUMNS)}")
        if not isinstance(spec, dict) or not set(spec) <= REPORTED_KEYS or "column" not in spec:
            self.fail(
                f"reported.{kpi}", f"must be a column name or a table with keys {sorted(REPORTED_KEYS)}"
            )
        rate = kpi.endswith("_rate") or kpi.startswith("service_level")
        units = ("percent", "fraction") if rate else DURATION_UNITS if kpi.endswith("_s") else ("number",)
        spec = {"unit": units[0], "complement": False, **spec}
        if spec["unit"] not in units or (spec["complement"] and not rate):
            self.fail(
                f"reported.{kpi}", f"unit must be one of {', '.join(units)} (complement only for rates)"
            )
        return spec

    def _parse_date(self, key: str, text: str) -> date:
        try:
            return date.fromisoformat(text)
        except ValueError:
            self.fail(key, f"= {text!r} is not a date YYYY-MM-DD")

    def observed(self) -> frozenset[str] | None:
        """For calls: the outcomes the mapping can produce (the targets of `values.outcome`, a constant,
        or any of the four when the source writes them itself) and 'revenue' when revenue is mapped."""
        if self.table != "calls":
            return None
        outcomes = set(OUTCOMES)
        if "outcome" in self.constants:
            outcomes = {self.constants["outcome"]}
        elif "outcome" in self.values:
            outcomes = set(self.values["outcome"].values()) & set(OUTCOMES)
        mapped = {*self.columns, *self.sums, *self.constants, *self.defaults}
        return frozenset(outcomes | ({"revenue"} & mapped))

    def sources(self) -> list[str]:
        """Every source column the mapping reads."""
        cols = [s for srcs in self.columns.values() for s in srcs]
        cols += [s for plus, minus in self.sums.values() for s in plus + minus]
        cols += [s for p in self.elapsed.values() for s in p] + list(self.drop) + list(self.keep)
        return list(dict.fromkeys(cols + [r["column"] for r in self.reported.values()]))


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
    tables = frozenset(CANONICAL)
    options = frozenset({*COLUMN_KEYS, "drop", "keep", "day_index_start", "thousands", "reported"})

    def read(self, path: Path, export: ExportConfig, vendor: VendorConfig) -> AdapterOutput:
        """Read one export through its mapping: filter rows, parse, combine, report vendor KPIs."""
        spec = Spec(export)
        raw = rd.read_table(path, export)
        self.require_columns(path, [c for c in raw.columns if c != rd.SOURCE_ROW], spec.sources())
        warnings: list[RowWarning] = []
        for key, rules, keep in (("drop", spec.drop, False), ("keep", spec.keep, True)):
            for col, vals in rules.items():
                out_rows = raw.filter(_matches(col, vals) != keep)
                if out_rows.height:
                    first = out_rows.row(0, named=True)
                    shown = ", ".join(repr(v) for v in vals)
                    what = f"{col} is one of {shown}" if not keep else f"{col} is not one of {shown}"
                    rule, text = f"left_out_by_{key}", f"left out by `{key}` ({what})"
                    warnings.append(RowWarning(rule, text, out_rows.height, first[rd.SOURCE_ROW], first[col]))
                    raw = raw.filter(_matches(col, vals) == keep)
        tz = vendor.timezone
        parse = _parser(spec, tz)
        prepared = raw.with_columns(
            _prepared(srcs, spec.values.get(col)).alias(f"__{col}") for col, srcs in spec.columns.items()
        )
        exprs: dict[str, pl.Expr] = {c: parse(f"__{c}", c) for c in spec.columns}
        checks = {c: srcs for c, srcs in spec.columns.items()}
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
        problems = rd.parse_failures(raw, parsed, checks)
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


def _matches(col: str, values: list[str]) -> pl.Expr:
    hit = pl.col(col).is_in([v for v in values if v != ""])
    return (hit | pl.col(col).is_null()) if "" in values else hit.fill_null(False)


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
