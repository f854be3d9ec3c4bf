"""The Spark SQL is derived from queries/ mechanically: what the pre-pass rewrites, and the clear error
for SQL it cannot reproduce exactly (no Java; Spark runs these in test_spark_differential.py)."""

from __future__ import annotations

import textwrap
from pathlib import Path

import duckdb
import pytest

from scorecard.ingest.run import ingest
from scorecard.spark.prepass import TranslationError
from scorecard.spark.translate import TARGET, closure, translate
from scorecard.sql.views import query_files


def query_dir(tmp_path: Path, files: dict[str, str]) -> Path:
    """A queries/ folder with one file per `layer/name` (header added): synthetic SQL for the pre-pass."""
    root = tmp_path / "queries"
    for key, sql in files.items():
        layer, name = key.split("/")
        body = textwrap.dedent(sql).strip()
        deps = ", ".join(
            d
            for d in ("raw_calls", "loaded_files", "settings", "stg_m", "stg_a", "stg_b")
            if d in body and d != name
        )
        header = f"-- {name}\n-- Grain: test.\n-- Definition: test.\n-- Depends on: {deps or '(none)'}\n"
        path = root / layer / f"{name}.sql"
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(header + body + "\n", encoding="utf-8")
    return root


def test_the_installed_queries_translate_and_name_the_columns_duckdb_builds(
    workspace: Path, tmp_path: Path
) -> None:
    db = tmp_path / "acme.duckdb"
    assert ingest(workspace, db).ok
    con = duckdb.connect(str(db), read_only=True)
    built = [(r[0], r[1]) for r in con.execute(f"describe {TARGET}").fetchall()]
    con.close()
    t = translate()
    assert list(t.columns) == built
    assert [q.name for q in t.queries][-1] == TARGET
    assert set(t.tables) == {"raw_calls", "loaded_files", "settings", "vendors", "fx_rates"}
    # every DuckDB-only construct is gone from the Spark text
    script = t.script().lower()
    duckdb_only = ("exclude", "columns(", "to_days", "stg_strict_sum", "strftime", "qualify", "::", "list_")
    for construct in duckdb_only:
        assert construct not in script, construct
    assert "make_dt_interval(" in script and "date_format(" in script
    # what each call's file records (stg_loaded_files.observed) decides whether its counts are known
    assert "array_contains(array_compact(f.observed), 'blocked')" in script
    assert "create or replace temporary view stg_loaded_files as" in script


def test_closure_follows_depends_on_in_order() -> None:
    names = [f.name for f in closure(query_files(), TARGET)]
    assert names[-1] == TARGET
    assert names.index("stg_calls") < names.index("int_call_components") < names.index(TARGET)
    assert "stg_strict_sum" in names and "mart_vendor_days" not in names


SYNTHETIC = {
    "staging/stg_m": "create or replace macro stg_m(x) as case when count(*) = count(x) then sum(x) end",
    "staging/stg_a": """
        create or replace view stg_a as
        select vendor_id, call_id,
            cast(columns(['wait_s', 'talk_s']) as decimal(38, 10)),
            * exclude (
                vendor_id, call_id, wait_s, talk_s, export_key, source_file, source_row, arrived_at_local
            )
        from raw_calls
    """,
    "staging/stg_b": """
        create or replace view stg_b as
        select vendor_id, stg_m(columns(* exclude (vendor_id, call_id, program, arrived_at, outcome,
            transferred, resolved, caller_key, agent_id)))
        from stg_a
        group by vendor_id
        union all by name
        select 'none' as vendor_id, 1.5 as revenue
    """,
}


def test_prepass_expands_columns_exclude_macros_and_unions_by_name(tmp_path: Path) -> None:
    t = translate("stg_b", query_files(query_dir(tmp_path, SYNTHETIC)))
    a, b = (q.sql for q in t.queries)
    # columns([...]) -> one cast per column, named after it; * exclude -> the remaining columns
    assert "AS DECIMAL(38, 10)) AS `wait_s`" in a and "AS `talk_s`" in a
    assert "`program`," in a and "`source_file`" not in a
    # the macro inlined once per column that columns(* exclude ...) leaves of stg_a: wait_s, talk_s,
    # hold_s, acw_s, revenue, ring_s (stg_a's 15 columns less the 9 excluded)
    assert b.count("COUNT(*) = COUNT(") == 6
    assert "stg_m" not in b.lower() and ") AS `revenue`" in b
    # union all by name: both sides list every name in the left side's order, the missing ones as NULL
    assert "NULL AS `wait_s`" in b and "NULL AS `revenue`" not in b


def test_an_aliased_columns_expression_is_refused(tmp_path: Path) -> None:
    root = query_dir(
        tmp_path,
        {"staging/stg_a": "create or replace view stg_a as select columns(['wait_s']) as w from raw_calls"},
    )
    with pytest.raises(TranslationError, match="one unaliased columns"):
        translate("stg_a", query_files(root))


def test_an_unnamed_computed_column_is_an_error_naming_the_file(tmp_path: Path) -> None:
    root = query_dir(
        tmp_path, {"staging/stg_a": "create or replace view stg_a as select wait_s + 1 from raw_calls"}
    )
    with pytest.raises(TranslationError) as err:
        translate("stg_a", query_files(root))
    assert "stg_a.sql" in str(err.value)
    assert "name every computed column" in str(err.value)


def test_star_replace_is_refused(tmp_path: Path) -> None:
    root = query_dir(
        tmp_path,
        {"staging/stg_a": "create or replace view stg_a as select * replace (1 as wait_s) from raw_calls"},
    )
    with pytest.raises(TranslationError, match="replace"):
        translate("stg_a", query_files(root))


def test_date_difference_and_to_days_are_rewritten(tmp_path: Path) -> None:
    root = query_dir(
        tmp_path,
        {
            "staging/stg_a": """
                create or replace view stg_a as
                select period_end - period_start + 1 as period_days,
                    cast(period_start as timestamp) + to_days(3) as later
                from raw_costs
            """
        },
    )
    [q] = translate("stg_a", query_files(root)).queries
    assert "DATEDIFF(period_end, period_start) + 1 AS period_days" in q.sql
    assert "MAKE_DT_INTERVAL(3, 0, 0, 0)" in q.sql


def test_list_contains_over_the_loaded_files_join_keeps_duckdbs_meaning(tmp_path: Path) -> None:
    # int_call_components' shape: each call left-joined to the load it came from, and a measure known
    # only when the load's `observed` list holds it (a call without its load: NULL, never 0)
    root = query_dir(
        tmp_path,
        {
            "staging/stg_a": """
                create or replace view stg_a as
                select c.vendor_id, c.call_id,
                    if(list_contains(f.observed, 'blocked'), cast(c.outcome = 'blocked' as bigint), null)
                        as blocked
                from raw_calls as c
                left join loaded_files as f
                    on f.vendor_id = c.vendor_id and f.export_key = c.export_key
                    and f.source_file = c.source_file
            """
        },
    )
    [q] = translate("stg_a", query_files(root)).queries
    # DuckDB skips NULL elements of a list (false where Spark's array_contains says NULL): compacted first
    assert "ARRAY_CONTAINS(ARRAY_COMPACT(f.observed), 'blocked')" in q.sql
    assert "LEFT JOIN loaded_files AS f" in q.sql and "f.export_key = c.export_key" in q.sql
