"""Spark SQL derived from the DuckDB SQL of `queries/`, so the call-level step has one definition.

`translate()` reads the query files at run time (as `scorecard.sql.views` does), takes the ones
`int_call_days` depends on, in dependency order, and turns each into a Spark SQL query: the pre-pass
(`prepass`) removes what only DuckDB understands, with DuckDB itself as the oracle for names and types,
and sqlglot writes the rest in Spark's dialect. When `queries/` changes, the Spark path follows; a
construct the pre-pass cannot reproduce exactly fails here with the file named, and the differential
tests (Spark's rows against DuckDB's) catch any remaining drift.

The target's last select list is left without its casts: DuckDB applies the table's own column types
when it loads the rows (`load`), so every final conversion (the exact decimal sums to double) is DuckDB's.

    python -m scorecard.spark.translate      # print the Spark SQL script
"""

from __future__ import annotations

import functools
from collections.abc import Callable
from dataclasses import dataclass

import duckdb
import sqlglot
from sqlglot import exp

from scorecard.ingest import db as scdb
from scorecard.spark import prepass
from scorecard.spark.prepass import Macro, Probe, TranslationError
from scorecard.sql.views import QueryFile, dependency_order, query_files

#: The materialised table the Spark step computes.
TARGET = "int_call_days"


@dataclass(frozen=True)
class SparkQuery:
    """One query file in Spark SQL: a temporary view named after the file."""

    name: str
    sql: str


@dataclass(frozen=True)
class Translation:
    """The Spark SQL of the target and every query it reads, in dependency order (target last)."""

    target: str
    queries: tuple[SparkQuery, ...]
    #: Column names and DuckDB types of the target table, as DuckDB builds it.
    columns: tuple[tuple[str, str], ...]
    #: The tables (not query files) the queries read, e.g. raw_calls, settings.
    tables: tuple[str, ...]

    def script(self) -> str:
        """The whole translation as Spark SQL statements (temporary views; the target's too)."""
        return "\n\n".join(
            f"-- {q.name}\ncreate or replace temporary view {q.name} as\n{q.sql};" for q in self.queries
        )


def closure(files: list[QueryFile], target: str) -> list[QueryFile]:
    """The query files `target` depends on, itself included, in dependency order."""
    by_name = {f.name: f for f in files}
    if target not in by_name:
        raise TranslationError(f"No query file defines {target}.")
    needed: set[str] = set()
    stack = [target]
    while stack:
        name = stack.pop()
        if name in needed or name not in by_name:
            continue
        needed.add(name)
        stack.extend(by_name[name].depends_on)
    return [f for f in dependency_order(files) if f.name in needed]


def catalogue(files: list[QueryFile]) -> duckdb.DuckDBPyConnection:
    """An in-memory DuckDB with the raw and workspace tables (empty) and `files` applied: the oracle."""
    con = duckdb.connect()
    scdb.create_tables(con)
    for f in files:
        try:
            con.execute(f.sql).fetchall()
        except duckdb.Error as exc:
            raise TranslationError(f"{f.path}: DuckDB cannot apply it over empty tables: {exc}") from exc
    return con


def _macro(f: QueryFile, tree: exp.Create) -> Macro:
    udf = tree.this
    if not isinstance(udf, exp.UserDefinedFunction) or isinstance(tree.expression, exp.Query):
        raise TranslationError(f"{f.path}: only scalar macros can be translated for Spark.")
    return Macro(tuple(p.name.lower() for p in udf.expressions), tree.expression)


def _rewrite_selects(probe: Probe, query: exp.Expression, macros: dict[str, Macro]) -> None:
    """Expand every select list of `query` (all probes first, on the unchanged tree), then install."""
    plans: list[tuple[exp.Select, list[exp.Expression]]] = []
    for select in list(query.find_all(exp.Select)):
        new: list[exp.Expression] = []
        for proj in select.expressions:
            for item in prepass.expand_projection(probe, select, proj):
                item = prepass.inline_macros(item, macros)
                new.append(prepass.typed_rewrites(probe, select, item))
        want = [n.lower() for n, _ in probe.describe(prepass.whole_query(select))]
        got = [p.alias_or_name.lower() for p in new]
        if want != got and _names_matter(select):
            raise TranslationError(
                f"{probe.where}: the select list `{select.sql('duckdb')[:200]}` expands to columns "
                f"{got} for Spark but DuckDB names {want}; name every computed column (`as name`)."
            )
        plans.append((select, new))
    unions: list[Callable[[], None]] = [
        prepass.by_name_union(probe, u) for u in query.find_all(exp.Union) if u.args.get("by_name")
    ]
    for select, new in plans:
        select.set("expressions", new)
    for apply in unions:
        apply()


def _names_matter(select: exp.Select) -> bool:
    """False for a later branch of a positional union, whose column names the result does not use."""
    node: exp.Expression = select
    while isinstance(node.parent, exp.SetOperation):
        if node.arg_key == "expression" and not node.parent.args.get("by_name"):
            return False
        node = node.parent
    return True


def _strip_final_casts(query: exp.Expression) -> None:
    """Drop the top-level casts of the select list that gives the target its columns (the last
    projection: the main select's, or the CTE's it only passes through)."""
    select = query
    while isinstance(select, exp.Select):
        items = select.expressions
        for item in items:
            inner = item.this if isinstance(item, exp.Alias) else item
            if isinstance(inner, exp.Cast):
                inner.replace(inner.this)
        source = select.args.get("from_")
        passes = all(isinstance(i, exp.Column) for i in items) and not select.args.get("joins")
        if not (passes and source and isinstance(source.this, exp.Table)):
            return
        ctes = {c.alias_or_name: c.this for c in (query.args.get("with_") or exp.With()).expressions}
        select = ctes.get(source.this.name)


def _translate_file(
    f: QueryFile, con: duckdb.DuckDBPyConnection, macros: dict[str, Macro], target: str
) -> SparkQuery | None:
    """One query file as Spark SQL (None for a macro, which is inlined where it is called)."""
    tree = sqlglot.parse_one(f.sql, read="duckdb")
    if not isinstance(tree, exp.Create):
        raise TranslationError(f"{f.path}: expected one create statement.")
    if f.kind == "macro":
        macros[f.name.lower()] = _macro(f, tree)
        return None
    query = tree.expression
    if len(list(query.find_all(exp.With))) > 1:
        raise TranslationError(f"{f.path}: a `with` inside a CTE is not supported by the Spark translation.")
    probe = Probe(con, str(f.path))
    _rewrite_selects(probe, query, macros)
    query = prepass.spark_functions(prepass.inline_macros(query, macros))
    if f.name == target:
        _strip_final_casts(query)
    return SparkQuery(f.name, query.sql("spark", pretty=True, comments=False))


def translate(target: str = TARGET, files: list[QueryFile] | None = None) -> Translation:
    """The Spark SQL of `target` and its dependencies, from `files` (default: the installed `queries/`)."""
    if files is None:
        return _installed(target)
    chain = closure(files, target)
    con = catalogue(chain)
    try:
        macros: dict[str, Macro] = {}
        queries = tuple(q for f in chain if (q := _translate_file(f, con, macros, target)) is not None)
        columns = tuple((r[0], str(r[1]).upper()) for r in con.execute(f"describe {target}").fetchall())
    finally:
        con.close()
    names = {f.name for f in chain}
    tables = tuple(sorted({d for f in chain for d in f.depends_on if d not in names}))
    return Translation(target, queries, columns, tables)


@functools.cache
def _installed(target: str) -> Translation:
    return translate(target, query_files())


if __name__ == "__main__":
    print(translate().script())
