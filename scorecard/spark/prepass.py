"""The pre-pass that turns DuckDB-only SQL of one query file into SQL every engine reads alike.

sqlglot transpiles most of DuckDB's dialect to Spark's (`::`, `strftime`, `if`, `qualify`, `filter`);
what it cannot know without the catalogue is done here, with DuckDB itself as the oracle (`Probe`: a
connection on which the same query files exist over empty tables, asked with `describe`):

- `*`, `t.*`, `* exclude (...)` and `columns(...)` are expanded into the columns DuckDB expands them to,
  each named as DuckDB names it; every rewritten select list is checked against DuckDB's own column
  names, so an expansion that differs fails here, not as a wrong number later;
- macros (`create macro m(x) as ...`) are inlined;
- `union all by name` becomes a positional union over explicit, padded column lists;
- `cast(<double> as decimal(p, s))` keeps DuckDB's rounding (half away from zero of the double
  x * 10^s, not of x's shortest decimal text as Spark's cast does), `<date> - <date>` becomes
  `datediff`, `to_days(n)` becomes `make_dt_interval(n, 0, 0, 0)`, and `list_contains(l, x)` becomes
  `array_contains(array_compact(l), x)` (DuckDB skips NULL elements: false where Spark says NULL).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

import duckdb
from sqlglot import exp

from scorecard.errors import ScorecardError


class TranslationError(ScorecardError):
    """A query file uses SQL the Spark translation cannot reproduce exactly."""


@dataclass(frozen=True)
class Macro:
    """A scalar macro: its parameter names and its body."""

    params: tuple[str, ...]
    body: exp.Expression


class Probe:
    """Asks DuckDB, over empty tables with the same query files, what a select list expands to."""

    def __init__(self, con: duckdb.DuckDBPyConnection, where: str) -> None:
        self.con = con
        self.where = where

    def describe(self, query: exp.Expression) -> list[tuple[str, str]]:
        """Column names and DuckDB types of `query`."""
        sql = query.sql("duckdb")
        try:
            rows = self.con.execute(f"describe {sql}").fetchall()
        except duckdb.Error as exc:
            raise TranslationError(f"{self.where}: DuckDB cannot describe `{sql}`: {exc}") from exc
        return [(r[0], str(r[1]).upper()) for r in rows]

    def type_of(self, select: exp.Select, value: exp.Expression) -> str | None:
        """DuckDB's type of `value` in the scope of `select` (None when it cannot be typed alone)."""
        probe = scope_query(select, [value.copy()])
        for query in (probe, probe.copy().group_by(*(select.args.get("group") or exp.Group()).expressions)):
            try:
                return self.describe(query)[0][1]
            except TranslationError:
                continue
        return None


def visible_ctes(node: exp.Expression) -> list[exp.CTE]:
    """The CTEs of the file's top-level `with` that `node` can read (those defined before its own)."""
    child: exp.Expression | None = node
    while child is not None:
        if child.args.get("with_"):  # the main body (or a select inside it) reads every CTE
            return list(child.args["with_"].expressions)
        parent = child.parent
        if isinstance(parent, exp.With):
            ctes = parent.expressions
            return ctes[: next(i for i, c in enumerate(ctes) if c is child)]
        child = parent
    return []


def scope_query(select: exp.Select, projections: list[exp.Expression]) -> exp.Select:
    """`with <visible ctes> select <projections> from <select's from and joins>` (for `describe`)."""
    query = exp.Select(expressions=projections)
    if select.args.get("from_"):
        query.set("from_", select.args["from_"].copy())
    query.set("joins", [j.copy() for j in select.args.get("joins") or []])
    ctes = visible_ctes(select)
    if ctes:
        query.set("with_", exp.With(expressions=[c.copy() for c in ctes]))
    return query


def whole_query(select: exp.Select) -> exp.Expression:
    """`select` with the CTEs it can read, as a query DuckDB can describe on its own."""
    query = select.copy()
    ctes = visible_ctes(select)
    if ctes and not query.args.get("with_"):
        query.set("with_", exp.With(expressions=[c.copy() for c in ctes]))
    return query


def _relations(select: exp.Select) -> list[str]:
    """Aliases (or names) of the relations in `select`'s from and joins, in order."""
    items = [select.args["from_"].this] if select.args.get("from_") else []
    for join in select.args.get("joins") or []:
        if join.args.get("using") or str(join.args.get("method") or "").upper() == "NATURAL":
            raise TranslationError("`using` and `natural` joins are not supported by the Spark translation")
        items.append(join.this)
    return [item.alias_or_name for item in items]


def _star_columns(probe: Probe, select: exp.Select, star: exp.Expression) -> list[tuple[str | None, str]]:
    """(qualifier, name) of each column a `*` / `t.*` (with `exclude`) expands to."""
    if isinstance(star, exp.Column):
        table, star = star.table, star.this
        relations = [table]
    else:
        relations = _relations(select)
    if star.args.get("replace") or star.args.get("rename"):
        raise TranslationError("`* replace` / `* rename` are not supported by the Spark translation")
    excluded = {c.name.lower() for c in star.args.get("except_") or []}
    qualify = len(_relations(select)) > 1
    out: list[tuple[str | None, str]] = []
    for rel in relations:
        star_of = exp.Column(this=exp.Star(), table=exp.to_identifier(rel))
        for name, _ in probe.describe(scope_query(select, [star_of])):
            if name.lower() not in excluded:
                out.append((rel if qualify or isinstance(star, exp.Column) else None, name))
    return out


def _columns_targets(probe: Probe, select: exp.Select, node: exp.Columns) -> list[tuple[str | None, str]]:
    """(qualifier, name) of each column a `columns(...)` expression selects."""
    arg = node.this
    if isinstance(arg, exp.Star) or (isinstance(arg, exp.Column) and isinstance(arg.this, exp.Star)):
        return _star_columns(probe, select, arg)
    if isinstance(arg, exp.Array) and all(isinstance(e, exp.Literal) for e in arg.expressions):
        return [(None, e.name) for e in arg.expressions]
    return [(None, name) for name, _ in probe.describe(scope_query(select, [node.copy()]))]


def _column(qualifier: str | None, name: str) -> exp.Column:
    return exp.column(name, table=qualifier, quoted=True)


def expand_projection(probe: Probe, select: exp.Select, proj: exp.Expression) -> list[exp.Expression]:
    """One select-list item as the explicit columns DuckDB expands it to."""
    if isinstance(proj, exp.Star) or (isinstance(proj, exp.Column) and isinstance(proj.this, exp.Star)):
        return [_column(q, n) for q, n in _star_columns(probe, select, proj)]
    found = list(proj.find_all(exp.Columns))
    if not found:
        return [proj.copy()]
    if len(found) > 1 or isinstance(proj, exp.Alias):
        raise TranslationError(f"`{proj.sql('duckdb')}`: one unaliased columns(...) per item is supported")
    out: list[exp.Expression] = []
    for qualifier, name in _columns_targets(probe, select, found[0]):
        if proj is found[0]:
            out.append(_column(qualifier, name))
            continue
        copy = proj.copy()
        next(copy.find_all(exp.Columns)).replace(_column(qualifier, name))
        out.append(exp.alias_(copy, name, quoted=True))
    return out


def inline_macros(node: exp.Expression, macros: dict[str, Macro]) -> exp.Expression:
    """`node` with every call of a scalar macro replaced by its body (arguments substituted)."""

    def inline(n: exp.Expression) -> exp.Expression:
        if not isinstance(n, exp.Anonymous) or n.name.lower() not in macros:
            return n
        macro = macros[n.name.lower()]
        if len(n.expressions) != len(macro.params):
            raise TranslationError(f"macro {n.name} takes {len(macro.params)} argument(s): {n.sql('duckdb')}")
        args = dict(zip(macro.params, n.expressions, strict=True))

        def substitute(m: exp.Expression) -> exp.Expression:
            if isinstance(m, exp.Column) and not m.table and m.name.lower() in args:
                return exp.Paren(this=args[m.name.lower()].copy())
            return m

        return exp.Paren(this=inline_macros(macro.body.copy().transform(substitute), macros))

    return node.transform(inline)


def duckdb_decimal_cast(value: exp.Expression, to: exp.DataType) -> exp.Expression:
    """DuckDB's `cast(<double> as decimal(p, s))` for Spark: round half away from zero of the double
    product value * 10^s (exact as a 64-bit integer: |value| * 10^s < 2^63, else Spark raises)."""
    params = [int(p.this.name) for p in to.expressions]
    precision, scale = (*params, 18, 3)[:2] if params else (18, 3)
    scaled = exp.Mul(this=exp.Paren(this=value), expression=exp.Literal.number(f"1e{scale}"))
    units = exp.cast(exp.cast(exp.Round(this=scaled), "bigint"), "decimal(19, 0)", dialect="spark")
    if scale:
        step = exp.cast(exp.Literal.string(f"1e-{scale}"), f"decimal({scale}, {scale})", dialect="spark")
        units = exp.Mul(this=units, expression=step)
    return exp.cast(units, f"decimal({precision}, {scale})", dialect="spark")


def typed_rewrites(probe: Probe, select: exp.Select, proj: exp.Expression) -> exp.Expression:
    """Rewrite the casts and date differences of one select-list item whose meaning depends on types."""

    def rewrite(n: exp.Expression) -> exp.Expression:
        decimal = isinstance(n, exp.Cast) and n.to.is_type(exp.DataType.Type.DECIMAL)
        if decimal and probe.type_of(select, n.this) in ("DOUBLE", "FLOAT"):
            return duckdb_decimal_cast(n.this, n.to)
        if isinstance(n, exp.Sub) and not isinstance(n.expression, exp.Literal):
            left, right = probe.type_of(select, n.this), probe.type_of(select, n.expression)
            if left == right == "DATE":
                return exp.Anonymous(this="datediff", expressions=[n.this, n.expression])
        return n

    return proj.transform(rewrite)


def spark_functions(node: exp.Expression) -> exp.Expression:
    """DuckDB functions sqlglot leaves as they are, or writes with another meaning, in Spark's words."""

    def rewrite(n: exp.Expression) -> exp.Expression:
        if isinstance(n, exp.ToDays):
            zeros = [exp.Literal.number(0) for _ in range(3)]
            return exp.Anonymous(this="make_dt_interval", expressions=[n.this, *zeros])
        if isinstance(n, exp.ArrayContains) and not isinstance(n.this, exp.ArrayCompact):
            # DuckDB's list_contains ignores NULL elements (['a', NULL] has no 'b': false); Spark's
            # array_contains says NULL there. Both give NULL for a NULL list or a NULL value.
            return exp.ArrayContains(this=exp.ArrayCompact(this=n.this), expression=n.expression)
        return n

    return node.transform(rewrite)


def by_name_union(probe: Probe, union: exp.Union) -> Callable[[], None]:
    """`a union all by name b` as `select <all names> from (a) union all select <all names> from (b)`,
    a name missing from one side read as NULL there (DuckDB: the left side's names first)."""
    sides = [union.this, union.expression]
    names = [[n for n, _ in probe.describe(whole_query(s))] for s in sides]
    order = names[0] + [n for n in names[1] if n.lower() not in {m.lower() for m in names[0]}]

    def apply() -> None:
        for i, (side, have) in enumerate(zip([union.this, union.expression], names, strict=True)):
            present = {n.lower() for n in have}
            cols = [
                _column(None, n) if n.lower() in present else exp.alias_(exp.null(), n, quoted=True)
                for n in order
            ]
            wrapped = exp.select(*cols).from_(exp.Subquery(this=side.copy(), alias=f"_by_name_{i}"))
            side.replace(wrapped)
        union.set("by_name", None)

    return apply
