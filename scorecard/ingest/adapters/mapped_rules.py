"""Row-level parts of the `mapped` format that decide which rows load and what is unknown:
`drop` / `keep` filters, `nulls` (sentinel values read as empty) and `rules` (first match wins).

Rows left out on purpose and sentinels read as unknown are RowWarnings (counted per file and rule); a row
that no rule matches is a ValidationFailure, so its file is rejected with every such line named.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

import polars as pl

from scorecard.errors import RowWarning, ValidationFailure
from scorecard.ingest.adapters.readers import SOURCE_ROW

if TYPE_CHECKING:
    from scorecard.ingest.adapters.mapped_spec import Spec

RULE_KEYS = {"when", "value", "leave_out"}

_POLARS = {"VARCHAR": pl.String, "BIGINT": pl.Int64, "DOUBLE": pl.Float64, "BOOLEAN": pl.Boolean}


@dataclass(frozen=True)
class Rule:
    """One rule of `rules.<column>`: rows where every `when` condition holds get `value` (None: unknown),
    or are left out (`leave_out` is the reason, "" when none was given)."""

    number: int
    when: dict[str, tuple[str, ...]]
    value: Any = None
    leave_out: str | None = None

    def describe(self) -> str:
        """`outcome is 'PHANTOM'` / `every row`, for messages."""
        if not self.when:
            return "every row"
        parts = []
        for col, accepted in self.when.items():
            shown = [("empty" if v == "" else "set" if v == "*" else repr(v)) for v in accepted]
            parts.append(f"{col} is {' or '.join(shown)}")
        return " and ".join(parts)


def parse_rules(spec: Spec, col: str, rules: Any) -> list[Rule]:
    """Validate `rules.<col>` from vendor.toml (a mistake is a ConfigError naming the rule)."""
    key = f"rules.{col}"
    if spec.types[col] in ("TIMESTAMP", "DATE"):
        spec.fail(key, "cannot give a timestamp or date; map it with columns (and formats)")
    if not isinstance(rules, list) or not rules:
        spec.fail(key, 'must be a list of rules, e.g. [{ when = { Status = "OK" }, value = "answered" }]')
    out = []
    for n, rule in enumerate(rules, start=1):
        where = f"{key} #{n}"
        if not isinstance(rule, dict):
            spec.fail(where, "must be a table { when = {...}, value = ... }")
        if extra := sorted(set(rule) - RULE_KEYS):
            spec.fail(where, f"has the unknown key '{extra[0]}'; a rule has the keys when, value, leave_out")
        if ("value" in rule) == ("leave_out" in rule):
            spec.fail(where, "needs exactly one of value or leave_out")
        if out and not out[-1].when:
            spec.fail(where, f"can never match: rule #{n - 1} has no `when` and matches every row")
        when = _conditions(spec, where, rule.get("when", {}))
        if "leave_out" in rule:
            reason = rule["leave_out"]
            if reason is False or not isinstance(reason, (bool, str)):
                spec.fail(where, "leave_out must be true or a text saying why the rows are left out")
            out.append(Rule(n, when, leave_out="" if reason is True else reason))
            continue
        value = rule["value"]
        if value == "" and col in spec.allowed:
            spec.fail(f"{where} value", f"cannot be empty: every row needs a {col}")
        if value != "":
            spec.check_value(f"{where} value", col, value)
        out.append(Rule(n, when, value=None if value == "" else value))
    return out


def _conditions(spec: Spec, where: str, when: Any) -> dict[str, tuple[str, ...]]:
    """`when = { Source column = value or [values] }`: "" is an empty cell, "*" any non-empty one."""
    ok = isinstance(when, dict)
    conds: dict[str, tuple[str, ...]] = {}
    for col, accepted in (when if ok else {}).items():
        vals = accepted if isinstance(accepted, list) else [accepted]
        if not vals or not all(isinstance(v, (str, int, float)) and not isinstance(v, bool) for v in vals):
            ok = False
            break
        conds[col] = tuple(str(v) for v in vals)
    if not ok:
        spec.fail(
            f"{where} when",
            'must be a table of source column = value or [values] ("" = empty, "*" = set)',
        )
    return conds


def matches(col: str, values: list[str] | tuple[str, ...]) -> pl.Expr:
    """True where the source cell is one of `values` ("" = an empty cell, "*" = any non-empty cell)."""
    cell = pl.col(col)
    listed = [v for v in values if v not in ("", "*")]
    parts = [cell.is_in(listed).fill_null(False)] if listed else []
    if "" in values:
        parts.append(cell.is_null())
    if "*" in values:
        parts.append(cell.is_not_null())
    return pl.any_horizontal(parts) if parts else pl.lit(False)


def _first_row(frame: pl.DataFrame, col: str | None) -> tuple[int | None, Any]:
    first = frame.row(0, named=True)
    return first[SOURCE_ROW], (first[col] if col else None)


def filters(raw: pl.DataFrame, spec: Spec, warnings: list[RowWarning]) -> pl.DataFrame:
    """Leave out the rows of `drop` and those outside `keep`, counting them."""
    for key, rules, keep in (("drop", spec.drop, False), ("keep", spec.keep, True)):
        for col, vals in rules.items():
            hit = matches(col, vals)
            out_rows = raw.filter(hit != keep)
            if out_rows.height:
                shown = ", ".join(repr(v) for v in vals)
                what = f"{col} is one of {shown}" if not keep else f"{col} is not one of {shown}"
                row, example = _first_row(out_rows, col)
                text = f"left out by `{key}` ({what})"
                warnings.append(RowWarning(f"left_out_by_{key}", text, out_rows.height, row, example))
                raw = raw.filter(hit == keep)
    return raw


def null_flags(raw: pl.DataFrame, spec: Spec) -> pl.DataFrame:
    """Empty every sentinel cell of `nulls`, keeping a flag column per source column for the count."""
    if not spec.nulls:
        return raw
    flags = [matches(c, v).alias(f"__null{i}") for i, (c, v) in enumerate(spec.nulls.items())]
    return raw.with_columns(
        *flags,
        *(pl.when(matches(c, v)).then(None).otherwise(pl.col(c)).alias(c) for c, v in spec.nulls.items()),
    )


def null_warnings(raw: pl.DataFrame, spec: Spec) -> list[RowWarning]:
    """One warning per `nulls` column whose sentinel occurs in the rows that load."""
    found = []
    for i, (col, vals) in enumerate(spec.nulls.items()):
        hits = raw.filter(pl.col(f"__null{i}"))
        if hits.height:
            shown = " or ".join(repr(v) for v in vals)
            text = f"{col} = {shown} read as unknown (empty) by `nulls`"
            found.append(RowWarning("unknown_by_nulls", text, hits.height, hits[SOURCE_ROW][0], vals[0]))
    return found


def _rule_index(rules: list[Rule]) -> pl.Expr:
    """The 1-based number of the first rule each row matches, 0 for none."""
    expr: Any = None
    for rule in rules:
        cond = pl.all_horizontal(matches(c, v) for c, v in rule.when.items()) if rule.when else pl.lit(True)
        expr = pl.when(cond).then(rule.number) if expr is None else expr.when(cond).then(rule.number)
    return expr.otherwise(0).cast(pl.Int32)


def apply_rules(
    raw: pl.DataFrame, spec: Spec, warnings: list[RowWarning], problems: list[ValidationFailure]
) -> pl.DataFrame:
    """Evaluate `rules` column by column: rows a `leave_out` rule matches are left out (counted), rows no
    rule matches are problems, and every other row gets the value of its first matching rule."""
    for col, rules in spec.rules.items():
        index = f"__rule_{col}"
        raw = raw.with_columns(_rule_index(rules).alias(index))
        for rule in rules:
            if rule.leave_out is None:
                continue
            out_rows = raw.filter(pl.col(index) == rule.number)
            if out_rows.height:
                why = f": {rule.leave_out}" if rule.leave_out else ""
                text = f"left out by rules.{col} #{rule.number} ({rule.describe()}){why}"
                first = next(iter(rule.when), None)
                row, example = _first_row(out_rows, first)
                warnings.append(RowWarning("left_out_by_rules", text, out_rows.height, row, example))
        left_out = [r.number for r in rules if r.leave_out is not None]
        raw = raw.filter(~pl.col(index).is_in(left_out))
        problems += _unmatched(raw, col, index, rules)
        dtype = _POLARS[spec.types[col]]
        value = pl.lit(None, dtype)
        for rule in reversed(rules):
            if rule.leave_out is None:
                value = pl.when(pl.col(index) == rule.number).then(pl.lit(rule.value, dtype)).otherwise(value)
        raw = raw.with_columns(value.alias(f"__value_{col}"))
    return raw


def _unmatched(raw: pl.DataFrame, col: str, index: str, rules: list[Rule]) -> list[ValidationFailure]:
    """Rows that match no rule of `rules.<col>`: each one a problem naming its line and the cells read."""
    sources = list(dict.fromkeys(c for r in rules for c in r.when))
    bad = raw.filter(pl.col(index) == 0).select(SOURCE_ROW, *sources)
    rule = (
        f"matches no rule of rules.{col}; add a rule for these values to vendor.toml "
        "(or one with leave_out = true to leave such rows out)"
    )
    return [
        ValidationFailure(r[SOURCE_ROW], col, {c: r[c] for c in sources}, rule)
        for r in bad.iter_rows(named=True)
    ]


def partial_keys(raw: pl.DataFrame, spec: Spec) -> list[ValidationFailure]:
    """Text columns joined from several source columns (a composite key) where some parts are empty:
    the joined value would be empty, so the row names the part that is missing."""
    found = []
    for col, srcs in spec.columns.items():
        if len(srcs) < 2 or spec.types[col] != "VARCHAR":
            continue
        some = pl.any_horizontal(pl.col(s).is_not_null() for s in srcs)
        every = pl.all_horizontal(pl.col(s).is_not_null() for s in srcs)
        for r in raw.filter(some & ~every).select(SOURCE_ROW, *srcs).iter_rows(named=True):
            empty = ", ".join(s for s in srcs if r[s] is None)
            why = f"joined from {' + '.join(srcs)}, and {empty} is empty: the key would be incomplete"
            found.append(ValidationFailure(r[SOURCE_ROW], col, {s: r[s] for s in srcs}, why))
    return found
