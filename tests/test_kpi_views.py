"""Applying `queries/`: header parsing, dependency order, read-only databases, audits."""

from __future__ import annotations

import textwrap
from pathlib import Path

import duckdb
import pytest
from kpi_fixtures import add_vendor, call, insert, interval, new_db, ready

from scorecard.errors import DatabaseError, ScorecardError
from scorecard.ingest import db
from scorecard.metrics.kpis import kpi_notes, kpis
from scorecard.sql.views import (
    apply_views,
    dependency_order,
    parse_query_file,
    queries_dir,
    query_files,
    run_audits,
)


def _write(path: Path, text: str) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(textwrap.dedent(text).lstrip("\n"), encoding="utf-8")
    return path


def test_query_files_parse_headers() -> None:
    files = {f.name: f for f in query_files()}
    assert queries_dir() == Path(__file__).resolve().parents[1] / "queries"
    stg = files["stg_calls"]
    assert (stg.layer, stg.kind, stg.depends_on) == ("staging", "view", ("raw_calls",))
    assert stg.grain == "one row per call (vendor_id x call_id)."
    table = files["kpi_table"]
    assert (table.layer, table.kind, table.depends_on) == ("kpi", "macro", ("kpi_values",))
    strict = files["stg_strict_sum"]
    assert (strict.layer, strict.kind, strict.depends_on) == ("macros", "macro", ())
    # A Depends-on header continued on a second comment line.
    assert files["int_vendor_sources"].depends_on[-3:] == (
        "int_survey_days",
        "int_quality_days",
        "stg_forecast",
    )


def test_apply_views_runs_dependencies_first() -> None:
    con = new_db()
    names = apply_views(con)
    assert sorted(names) == sorted(f.name for f in query_files())
    position = {name: i for i, name in enumerate(names)}
    for f in query_files():
        for dep in f.depends_on:
            if dep in position:
                assert position[dep] < position[f.name], (dep, f.name)
    assert apply_views(con) == names  # idempotent: create or replace


def test_read_only_database_gets_temporary_views(tmp_path: Path) -> None:
    path = tmp_path / "scorecard.duckdb"
    con = duckdb.connect(str(path))
    db.create_tables(con)
    con.execute("insert into settings values ('EUR', 20, 5, 'negative', 'survey', 7, 'q')").fetchall()
    insert(con, "calls", "acme", [call("a", "answered", 12)])
    con.close()
    ro = db.connect(path, read_only=True)
    apply_views(ro)  # would fail with persistent views: the file is read-only
    assert kpis(ro)["asa_s"].to_list() == [12.0]
    ro.close()
    rw = duckdb.connect(str(path))
    persisted = rw.execute(
        "select count(*) from duckdb_views() where not temporary and view_name like 'kpi%'"
    )
    assert persisted.fetchall() == [(0,)]
    rw.close()


def test_kpis_apply_missing_views_on_their_own() -> None:
    con = new_db()
    insert(con, "calls", "acme", [call("a", "answered", 12)])
    assert kpis(con)["asa_s"].to_list() == [12.0]


def test_views_of_an_older_version_are_completed() -> None:
    # A database whose persisted views predate kpi_notes: the library adds the missing (temporary) ones.
    con = new_db()
    insert(con, "calls", "acme", [call("a", "abandoned", 2)])
    apply_views(con)
    con.execute("drop macro table kpi_notes").fetchall()
    assert kpi_notes(con)["kpi"].to_list()[:2] == ["abandon_rate", "service_level"]


def test_database_without_the_tables_is_explained() -> None:
    con = duckdb.connect()
    with pytest.raises(DatabaseError) as err:
        apply_views(con)
    assert str(err.value) == (
        "The database lacks the tables fx_rates, ingest_log, ingest_warnings, loaded_files, raw_agent_time, "
        "raw_calls, raw_costs, raw_forecast, "
        "raw_intervals, raw_quality, raw_surveys, reported_kpis, settings, vendors that the KPI views read; "
        "build it with `scorecard ingest WORKSPACE --db PATH`."
    )


def test_header_errors_name_the_file(tmp_path: Path) -> None:
    bad = _write(
        tmp_path / "staging" / "stg_x.sql",
        """
        -- stg_x
        -- Grain: one row.
        create or replace view stg_x as select 1
        """,
    )
    with pytest.raises(ScorecardError) as err:
        parse_query_file(bad, "staging")
    assert (
        str(err.value)
        == f"{bad}: header lacks Definition, Depends on; see docs/internals.md, Conventions, for the header."
    )
    wrong = _write(
        tmp_path / "staging" / "stg_y.sql",
        """
        -- stg_y
        -- Grain: one row.
        -- Definition: a constant.
        -- Depends on: (none)
        create or replace view stg_z as select 1
        """,
    )
    with pytest.raises(ScorecardError) as err:
        parse_query_file(wrong, "staging")
    assert str(err.value) == (
        f"{wrong}: header names 'stg_y' and the statement creates 'stg_z'; "
        "both must equal the file name 'stg_y'."
    )


def test_dependency_cycle_is_reported(tmp_path: Path) -> None:
    for name, dep in (("int_a", "int_b"), ("int_b", "int_a")):
        _write(
            tmp_path / "intermediate" / f"{name}.sql",
            f"""
            -- {name}
            -- Grain: one row.
            -- Definition: a cycle.
            -- Depends on: {dep}
            create or replace view {name} as select * from {dep}
            """,
        )
    with pytest.raises(ScorecardError) as err:
        dependency_order(query_files(tmp_path))
    assert str(err.value) == "Query files depend on each other in a cycle: int_a -> int_b -> int_a"


def test_audits_pass_on_clean_data() -> None:
    con = new_db()
    add_vendor(con, "acme")
    insert(con, "calls", "acme", [call("a"), call("b", "abandoned", 3)])
    assert run_audits(ready(con)) == {}


def test_audits_report_offending_rows() -> None:
    con = new_db()
    add_vendor(con, "acme")
    insert(con, "calls", "acme", [call("dup"), call("dup")])
    costs = [{"period_start": "2026-04-10", "period_end": "2026-04-01", "amount": 5.0, "kind": "invoice"}]
    insert(con, "costs", "acme", costs)
    found = run_audits(ready(con))
    assert sorted(found) == ["assert_calls_unique_per_vendor", "assert_cost_periods_valid"]
    dup = found["assert_calls_unique_per_vendor"]
    assert dup.rows() == [("acme", "dup", 2, ["calls.csv:1", "calls.csv:2"])]
    assert found["assert_cost_periods_valid"].select("source_row", "amount").rows() == [(1, 5.0)]


def test_audits_report_inconsistent_counts() -> None:
    # An interval row claiming 2 calls answered within T out of 1 answered.
    con = new_db()
    add_vendor(con, "acme")
    insert(con, "intervals", "acme", [interval(program="support", answered=1, answered_in_sl=2)])
    found = run_audits(ready(con))
    assert sorted(found) == ["assert_components_consistent", "assert_kpi_rates_in_range"]
    assert found["assert_components_consistent"].select("source", "program", "rule").rows() == [
        ("int_vendor_days", None, "answered_in_sl <= answered"),
        ("int_program_days", "support", "answered_in_sl <= answered"),
    ]
    assert found["assert_kpi_rates_in_range"].select("kpi", "value").rows() == [
        ("service_level", 2.0),  # 2 / (1 queued - 0 short)
        ("service_level_negative", 2.0),
        ("service_level_answered_only", 2.0),  # 2 / 1
        ("service_level_ignore_early_abandons", 2.0),  # 2 / (1 - 0)
        ("service_level_positive", 2.0),  # (2 + 0) / 1
    ]


def test_audit_of_the_settings_row() -> None:
    con = new_db()
    con.execute("insert into settings select * from settings").fetchall()
    assert run_audits(ready(con))["assert_settings_single_row"].rows() == [(2,)]
