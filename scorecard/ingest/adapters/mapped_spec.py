"""The `mapped` format's options, validated when vendor.toml loads: every mistake names the file and key.

A mapping says which source column (or rule, constant, sum ...) gives each canonical column. What can be
checked without the file is checked here: canonical column names, canonical values (an outcome, a cost
kind), value types, the shape of every rule. Source column names are checked against the file's header
when it is read (`scorecard check` reads every file without loading it).
"""

from __future__ import annotations

from datetime import date
from typing import Any, ClassVar, NoReturn

from scorecard.errors import ConfigError
from scorecard.ingest.adapters import mapped_rules
from scorecard.ingest.adapters import readers as rd
from scorecard.ingest.db import CANONICAL, TIMESTAMP_COLUMNS
from scorecard.ingest.schemas import OUTCOMES
from scorecard.metrics.catalogue import KPI_COLUMNS
from scorecard.workspace.config import ExportConfig

#: Option keys keyed by canonical column.
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
    "rules",
)
#: Option keys keyed by source column.
SOURCE_KEYS = ("drop", "keep", "nulls")
#: Every option of the format.
OPTIONS = frozenset({*COLUMN_KEYS, *SOURCE_KEYS, "day_index_start", "thousands", "reported", "ragged_lines"})
DURATION_UNITS = ("s", "ms", "min", "h")
CALENDAR = ("15m", "30m", "1h", "1d", "1w", "1mo")
REPORTED_KEYS = {"column", "unit", "complement", "definition"}
RAGGED = ("error", "leave_out")
PY_TYPES = {"VARCHAR": (str,), "DOUBLE": (int, float), "BIGINT": (int,), "BOOLEAN": (bool,), "DATE": (str,)}
#: Canonical columns that take one of a few values.
ALLOWED = {"outcome": tuple(OUTCOMES), "kind": ("invoice", "credit", "adjustment")}
_TRUE, _FALSE = ("true", "yes", "y", "1", "t"), ("false", "no", "n", "0", "f")
_DEFINED_BY = ("columns", "constants", "sums", "elapsed", "rules")


class Spec:
    """The validated mapping of one export; every mistake is a ConfigError naming the key."""

    #: Canonical columns that take one of a few values (an outcome, a cost kind).
    allowed: ClassVar[dict[str, tuple[str, ...]]] = ALLOWED

    def __init__(self, export: ExportConfig, where: str | None = None) -> None:
        self.export, self.table = export, export.table
        self.types = CANONICAL[export.table]
        self.where = f"{where or export.source}: format 'mapped' (table '{export.table}')"
        opt = {k: self._option(k, dict, {}) for k in (*COLUMN_KEYS, *SOURCE_KEYS, "reported")}
        for key in COLUMN_KEYS:
            for col in opt[key]:
                if col not in self.types:
                    known = ", ".join(self.types)
                    self.fail(
                        f"{key}.{col}", f"is not a column of table '{self.table}'; expected one of: {known}"
                    )
        self.columns = {c: [s] if isinstance(s, str) else s for c, s in opt["columns"].items()}
        for col, srcs in self.columns.items():
            if not isinstance(srcs, list) or not srcs or not all(isinstance(s, str) for s in srcs):
                self.fail(f"columns.{col}", "must be a source column name or a list of them")
        defined = [c for k in _DEFINED_BY for c in opt[k]]
        if dup := next((c for c in defined if defined.count(c) > 1), None):
            self.fail(dup, f"is defined twice (in more than one of {', '.join(_DEFINED_BY)})")
        self.values = {c: self._value_map(c, m) for c, m in opt["values"].items()}
        self.units = {c: self._unit(c, u) for c, u in opt["units"].items()}
        self.formats = {c: self._format_for(c, f) for c, f in opt["formats"].items()}
        self.constants = {c: self._literal("constants", c, v) for c, v in opt["constants"].items()}
        self.defaults = {c: self._literal("defaults", c, v) for c, v in opt["defaults"].items()}
        self.sums = {c: self._sum_terms(c, t) for c, t in opt["sums"].items()}
        self.averages = {c: self._average_of(c, n) for c, n in opt["averages"].items()}
        self.elapsed = {c: self._pair(c, p) for c, p in opt["elapsed"].items()}
        self.rules = {c: mapped_rules.parse_rules(self, c, r) for c, r in opt["rules"].items()}
        self.drop, self.keep = self._filters("drop", opt["drop"]), self._filters("keep", opt["keep"])
        self.reported = {k: self._reported_spec(k, v) for k, v in opt["reported"].items()}
        self.thousands = self._option("thousands", str) or None
        if self.thousands and (
            len(self.thousands) != 1 or self.thousands in f"0123456789+-eE%{export.decimal}"
        ):
            self.fail(
                "thousands",
                f"= {self.thousands!r} must be one character, not a digit, a sign or the decimal mark "
                f"(decimal = {export.decimal!r})",
            )
        self.ragged = self._option("ragged_lines", str, "error")
        if self.ragged not in RAGGED:
            self.fail("ragged_lines", f"= {self.ragged!r} must be one of: {', '.join(RAGGED)}")
        start = self._option("day_index_start", str)
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
        self.nulls = self._filters("nulls", opt["nulls"])
        for col in self.nulls:
            if col not in self.sources(with_nulls=False):
                self.fail(f"nulls.{col}", "names a source column that the mapping does not read")

    def fail(self, key: str, why: str) -> NoReturn:
        """Raise the ConfigError for one key."""
        raise ConfigError(f"{self.where}: '{key}' {why}. Fix it in vendor.toml.")

    def _option(self, key: str, kind: type, default: Any = None) -> Any:
        return rd.option(self.export, "mapped", key, kind, default)

    def _value_map(self, col: str, mapping: Any) -> dict[str, str]:
        if not isinstance(mapping, dict) or col not in self.columns:
            self.fail(
                f"values.{col}", "must be a table of source value = canonical value for a mapped column"
            )
        for source, target in mapping.items():
            self.check_target(f"values.{col}.{source}", col, target, text_ok=True)
        return {str(k): str(v).lower() if isinstance(v, bool) else str(v) for k, v in mapping.items()}

    def check_target(self, key: str, col: str, value: Any, text_ok: bool = False) -> None:
        """A canonical value given in vendor.toml must fit its column: one of the allowed values, a
        number for a numeric column, true/false for a boolean one ("" = empty where `text_ok`)."""
        kind = self.types[col]
        if text_ok and value == "":
            return
        if col in ALLOWED and value not in ALLOWED[col]:
            self.fail(key, f"= {value!r} is not a value of {col}; expected one of: {', '.join(ALLOWED[col])}")
        if kind == "BOOLEAN" and not (
            isinstance(value, bool) or (text_ok and str(value).lower() in (*_TRUE, *_FALSE))
        ):
            self.fail(key, f"= {value!r} is not true or false (column {col} is a boolean)")
        if kind in ("BIGINT", "DOUBLE") and not _is_number(value, kind, text_ok):
            what = "a whole number" if kind == "BIGINT" else "a number"
            self.fail(key, f"= {value!r} is not {what} (column {col})")

    def _unit(self, col: str, unit: Any) -> str:
        if not (col.endswith("_s") and self.types[col] == "DOUBLE") or unit not in DURATION_UNITS:
            self.fail(f"units.{col}", f"must be one of {', '.join(DURATION_UNITS)} for a duration column")
        return unit

    def _format_for(self, col: str, fmt: Any) -> str:
        if self.types[col] not in ("TIMESTAMP", "DATE") or not isinstance(fmt, str):
            self.fail(f"formats.{col}", "must be a strptime format text for a timestamp or date column")
        return fmt

    def check_value(self, key: str, col: str, value: Any) -> None:
        """A value given in vendor.toml (a constant, a default, a rule's value) must fit its column."""
        kinds = PY_TYPES.get(self.types[col], ())
        if not isinstance(value, kinds) or (isinstance(value, bool) and bool not in kinds):
            self.fail(key, f"= {value!r} does not fit the column type {self.types[col]}")
        self.check_target(key, col, value)

    def _literal(self, key: str, col: str, value: Any) -> Any:
        if key == "constants" and col == "interval_s" and value in CALENDAR:
            return value
        self.check_value(f"{key}.{col}", col, value)
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
        """For calls: the outcomes the mapping can produce (the values of `rules.outcome` or the targets of
        `values.outcome`, a constant or default, or any of the four when the source writes them itself) and
        'revenue' when revenue is mapped."""
        if self.table != "calls":
            return None
        outcomes = set(OUTCOMES)
        if "outcome" in self.constants:
            outcomes = {self.constants["outcome"]}
        elif "outcome" in self.rules:
            outcomes = {r.value for r in self.rules["outcome"] if r.leave_out is None and r.value}
        elif "outcome" in self.values:
            outcomes = set(self.values["outcome"].values()) & set(OUTCOMES)
        if "outcome" in self.defaults:
            outcomes.add(self.defaults["outcome"])
        revenue = "revenue" in {*self.columns, *self.sums, *self.constants, *self.defaults}
        if "revenue" in self.rules:
            revenue = any(r.value is not None for r in self.rules["revenue"])
        return frozenset(outcomes | ({"revenue"} if revenue else set()))

    def sources(self, with_nulls: bool = True) -> list[str]:
        """Every source column the mapping reads."""
        cols = [s for srcs in self.columns.values() for s in srcs]
        cols += [s for plus, minus in self.sums.values() for s in plus + minus]
        cols += [s for p in self.elapsed.values() for s in p] + list(self.drop) + list(self.keep)
        cols += [c for rules in self.rules.values() for r in rules for c in r.when]
        cols += list(self.nulls) if with_nulls else []
        return list(dict.fromkeys(cols + [r["column"] for r in self.reported.values()]))


def _is_number(value: Any, kind: str, text_ok: bool) -> bool:
    """True for a TOML number of the column's kind (or, in a value map, its text)."""
    if isinstance(value, bool):
        return False
    if isinstance(value, int) or (kind == "DOUBLE" and isinstance(value, float)):
        return True
    if not (text_ok and isinstance(value, str)):
        return False
    try:
        number = float(value.replace(",", "."))
    except ValueError:
        return False
    return kind == "DOUBLE" or number.is_integer()
