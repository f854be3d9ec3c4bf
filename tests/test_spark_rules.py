"""The Spark validation's rules stay the polars models' rules: every row rule has its SQL twin and the
twin gives the same verdict as the polars check on edge rows; every column check has its SQL (no Java)."""

from __future__ import annotations

from datetime import date

import polars as pl
import pytest

from scorecard.ingest import db as scdb
from scorecard.ingest.schemas import ROW_RULES, SCHEMAS
from scorecard.spark.validate import column_rule_sql, rules, unique_key

# Edge rows for each table: nulls in every nullable column, each outcome, values on and beside each
# bound. A row rule and its SQL must agree on every row (True = passes).
EDGES: dict[str, dict[str, list]] = {
    "calls": {
        "outcome": [
            "answered",
            "abandoned",
            "blocked",
            "self_service",
            "blocked",
            "self_service",
            "abandoned",
            "blocked",
            "answered",
            "blocked",
            "self_service",
        ],
        "wait_s": [3.0, None, 0.0, 5.0, None, 0.0, 0.0, 0.0, None, 0.0, 0.0],
        "talk_s": [100.0, 0.0, None, 0.0, 0.0, 0.0, 5.0, 0.0, None, 0.0, 0.0],
        "hold_s": [None, 1.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0, None, 0.0, 0.0],
        "acw_s": [0.0, 0.0, 0.0, None, 0.0, 2.0, 0.0, 0.0, None, 0.0, 0.0],
        "transferred": [True, None, False, None, True, False, False, None, None, False, False],
        "revenue": [10.0, None, 0.0, None, None, None, 0.0, 5.0, None, None, 0.0],
    },
    # the last two rows: a report without answered or abandoned counts (unknown, not 0), whose parts
    # break nothing, as in the polars model
    "intervals": {
        "answered": [5, 5, 0, 3, 3, None, None],
        "answered_in_sl": [5, 6, None, 3, 0, 7, None],
        "abandoned": [2, 0, 1, 1, 0, None, 1],
        "abandoned_in_sl": [2, None, 2, 0, 0, 3, None],
        "short_abandoned": [None, 0, 1, 2, 0, 4, None],
        "transferred": [0, None, 1, 3, 4, 2, None],
    },
    "agent_time": {
        "scheduled_s": [100.0, 100.0, 50.0, 0.0],
        "in_adherence_s": [100.0, 100.5, 20.0, 0.0],
        "staffed_s": [100.0, 100.0, 10.0, 0.0],
        "handle_s": [60.0, 60.0, 5.0, 0.0],
        "available_s": [40.0, 40.0000001, 5.1, 0.0],
    },
    "surveys": {"csat": [5, None, None, 1], "resolved": [None, True, None, False]},
    "quality": {},
    "costs": {
        "period_start": [date(2026, 4, 1), date(2026, 4, 2), date(2026, 4, 2)],
        "period_end": [date(2026, 4, 30), date(2026, 4, 2), date(2026, 4, 1)],
        "quantity": [412.5, None, 10.0],  # a billed quantity with its basis, none, one without a basis
        "per": ["productive_hour", None, None],
    },
}


@pytest.mark.parametrize("table", list(SCHEMAS))
def test_every_row_rule_has_its_sql_twin_and_no_other(table: str) -> None:
    checks = {c.name for c in SCHEMAS[table].to_schema().checks}
    assert set(ROW_RULES[table]) == checks


@pytest.mark.parametrize("table", [t for t in SCHEMAS if ROW_RULES[t]])
def test_sql_twins_give_the_polars_checks_verdict_on_edge_rows(table: str) -> None:
    frame = pl.DataFrame(EDGES[table])
    schema = SCHEMAS[table].to_schema()
    for check in schema.checks:
        polars_verdict = check._check_fn(_polars_data(frame)).collect().to_series().fill_null(False)
        sql_verdict = frame.select(pl.sql_expr(ROW_RULES[table][check.name])).to_series().fill_null(False)
        assert sql_verdict.to_list() == polars_verdict.to_list(), check.name
        # each rule is broken by at least one edge row and kept by another, so the comparison means something
        assert set(sql_verdict.to_list()) == {True, False}, check.name


def _polars_data(frame: pl.DataFrame):
    from pandera.api.polars.types import PolarsData

    return PolarsData(frame.lazy())


def test_column_checks_become_sql_with_the_same_bounds() -> None:
    calls = SCHEMAS["calls"].to_schema().columns
    [wait] = calls["wait_s"].checks
    [outcome] = calls["outcome"].checks
    [call_id] = calls["call_id"].checks
    assert column_rule_sql("wait_s", wait) == "`wait_s` is null or (`wait_s` >= 0)"
    assert column_rule_sql("outcome", outcome) == (
        "`outcome` is null or (`outcome` in ('answered', 'abandoned', 'blocked', 'self_service'))"
    )
    assert column_rule_sql("call_id", call_id) == "`call_id` is null or (length(`call_id`) >= 1)"
    [low, high] = SCHEMAS["surveys"].to_schema().columns["csat"].checks
    assert column_rule_sql("csat", low) == "`csat` is null or (`csat` >= 1)"
    assert column_rule_sql("csat", high) == "`csat` is null or (`csat` <= 5)"


@pytest.mark.parametrize("table", list(SCHEMAS))
def test_every_column_check_of_every_model_has_sql(table: str) -> None:
    model = SCHEMAS[table].to_schema()
    expected = sum(len(c.checks) for c in model.columns.values())
    expected += sum(not c.nullable for c in model.columns.values()) + 3  # + vendor_id, source_file, _row
    expected += len(model.checks)
    assert len(rules(table)) == expected


def test_uniqueness_is_per_source_file_as_at_ingest() -> None:
    assert unique_key("calls") == ["vendor_id", "source_file", "call_id"]
    assert unique_key("intervals") == ["vendor_id", "source_file", "program", "interval_start"]
    assert unique_key("costs") is None


def test_models_describe_the_raw_tables_spark_reads() -> None:
    for table, model in SCHEMAS.items():
        assert list(model.to_schema().columns) == list(scdb.CANONICAL[table])


def test_edge_rows_use_real_columns() -> None:
    for table, columns in EDGES.items():
        assert set(columns) <= set(scdb.CANONICAL[table]), table
