"""Canonical tables from a lakehouse, validated on Spark with pandera's PySpark backend: tables shaped
like a real one (no provenance or local-time columns, instants with a time zone, 32-bit numbers, two
files), broken rows reported per file with row, column, value and rule, as an ingest reports them."""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path

import pyarrow as pa
import pyarrow.parquet as pq
import pytest

from scorecard.spark import source as src
from scorecard.spark.validate import SourceValidationError, pandera_schema, widen

pytestmark = pytest.mark.spark

COLUMNS = ["call_id", "program", "arrived_at", "outcome", "wait_s", "talk_s"]


def lake_calls(path: Path, rows: list[tuple], vendor: str = "acme") -> None:
    """One Parquet file of calls as a lakehouse holds them: UTC instants, int32 waits, float talk."""
    cols = list(zip(*rows, strict=True))
    n = len(rows)
    table = pa.table(
        {
            "vendor_id": [vendor] * n,
            "call_id": list(cols[0]),
            "program": list(cols[1]),
            "arrived_at": pa.array(cols[2], pa.timestamp("us", tz="UTC")),
            "outcome": list(cols[3]),
            "wait_s": pa.array(cols[4], pa.int32()),
            "talk_s": pa.array(cols[5], pa.float64()),
            "hold_s": pa.array([0.0] * n),
            "acw_s": pa.array([0.0] * n),
            "transferred": pa.array([False] * n),
            "resolved": pa.array([None] * n, pa.bool_()),
            "caller_key": pa.array([None] * n, pa.string()),
            "agent_id": pa.array([None] * n, pa.string()),
            "revenue": pa.array([None] * n, pa.float64()),
        }
    )
    path.parent.mkdir(parents=True, exist_ok=True)
    pq.write_table(table, path)


T = datetime(2026, 3, 29, 0, 30, tzinfo=UTC)  # 01:30 in Paris, half an hour before the clocks go forward
CLEAN = [("c1", "sales", T, "answered", 12, 200.0), ("c2", "sales", T, "blocked", 0, 0.0)]
BROKEN = [
    ("c10", "sales", T, "answered", 5, 100.0),  # row 1: fine, but its call_id comes back in row 4
    ("c11", "sales", T, "hung_up", 30, 0.0),  # row 2: unknown outcome, so its wait breaks the queue rule
    ("c12", "care", T, "blocked", 12, 0.0),  # row 3: a blocked call never waited
    ("c10", "sales", T, "abandoned", 40, 0.0),  # row 4: call_id c10 twice in the file
    ("c13", "sales", T, "answered", 8, -5.0),  # row 5: negative talk time
    ("c14", "", T, "answered", 3, 60.0),  # row 6: empty program
]


@pytest.fixture
def vendors(spark):
    ddl = "vendor_id string, name string, country string, timezone string, currency string"
    return spark.createDataFrame([("acme", "Acme", "FR", "Europe/Paris", "EUR")], ddl)


def test_a_clean_lake_table_gets_provenance_types_and_local_time(spark, vendors, tmp_path: Path) -> None:
    lake_calls(tmp_path / "lake" / "calls" / "part-0.parquet", CLEAN)
    frame = src.read_raw(spark, str(tmp_path / "lake"), "calls", vendors)
    rows = sorted(frame.select("call_id", "source_file", "source_row", "arrived_at", "arrived_at_local",
                               "wait_s").collect())  # fmt: skip
    assert [r["call_id"] for r in rows] == ["c1", "c2"]
    assert rows[0]["source_file"].endswith("/lake/calls/part-0.parquet")
    # the table is its own export: every row gets the documented export_key 'lake'
    keys = {r[0] for r in frame.select("export_key").distinct().collect()}
    assert keys == {src.LAKE_EXPORT_KEY} == {"lake"}
    assert [r["source_row"] for r in rows] == [1, 2]  # 1-based row of the Parquet file
    assert rows[0]["arrived_at"] == datetime(2026, 3, 29, 0, 30)  # naive UTC, as the raw tables keep it
    assert rows[0]["arrived_at_local"] == datetime(2026, 3, 29, 1, 30)  # Paris: UTC+1 until 02:00 local
    assert rows[0]["wait_s"] == 12.0 and dict(frame.dtypes)["wait_s"] == "double"  # int32 widened


def test_broken_rows_are_listed_per_file_like_an_ingest(spark, vendors, tmp_path: Path) -> None:
    lake_calls(tmp_path / "lake" / "calls" / "part-0.parquet", CLEAN)
    lake_calls(tmp_path / "lake" / "calls" / "part-1.parquet", BROKEN)
    with pytest.raises(SourceValidationError) as err:
        src.read_raw(spark, str(tmp_path / "lake"), "calls", vendors)
    [report] = err.value.files  # part-0 is clean: only part-1 is reported
    assert report.path.endswith("/lake/calls/part-1.parquet") and report.table == "calls"
    lines = str(err.value).splitlines()
    assert lines[0].endswith("part-1.parquet: 7 problem(s); nothing from this file was loaded into 'calls'.")
    assert lines[1:] == [
        "  row 1, column 'call_id', value 'c10': must be unique in the file",
        "  row 2, column 'outcome', value 'hung_up': "
        "must be one of: answered, abandoned, blocked, self_service",
        "  row 2, column 'wait_s', value 30.0: must be 0 for blocked and self_service calls",
        "  row 3, column 'wait_s', value 12.0: must be 0 for blocked and self_service calls",
        "  row 4, column 'call_id', value 'c10': must be unique in the file",
        "  row 5, column 'talk_s', value -5.0: must be ≥ 0",
        "  row 6, column 'program', value '': must not be empty",
        "Fix these rows in the source and run the build again; nothing was written to the database.",
    ]


def test_pandera_pyspark_fails_the_same_rules_the_listing_names(spark, vendors, tmp_path: Path) -> None:
    lake_calls(tmp_path / "lake" / "calls" / "part-1.parquet", BROKEN)
    read = src.read_table(spark, str(tmp_path / "lake" / "calls"), "parquet")
    frame = widen(src.with_later_columns(src.with_provenance(read), "calls"), "calls")  # as read_raw does
    errors = pandera_schema("calls").validate(frame, lazy=True).pandera.errors
    failed = {(e["column"], e["check"]) for entries in errors["DATA"].values() for e in entries}
    assert failed == {
        ("program", "str_length(1, None)"),
        ("outcome", "isin(['answered', 'abandoned', 'blocked', 'self_service'])"),
        ("talk_s", "greater_than_or_equal_to(0)"),
        ("calls", "wait_s: must be 0 for blocked and self_service calls"),  # a row rule: the table's name
        ("calls", "unique"),
    }
    assert "SCHEMA" not in errors


def test_a_missing_column_and_a_wrong_type_are_reported_for_the_table(spark, vendors, tmp_path: Path) -> None:
    path = tmp_path / "lake" / "calls" / "part-0.parquet"
    lake_calls(path, CLEAN)
    table = pq.read_table(path).drop_columns(["outcome"])
    table = table.set_column(table.schema.get_field_index("talk_s"), "talk_s", pa.array(["200", "0"]))
    pq.write_table(table, path)
    with pytest.raises(SourceValidationError) as err:
        src.read_raw(spark, str(tmp_path / "lake"), "calls", vendors)
    text = str(err.value)
    assert f"{tmp_path / 'lake' / 'calls'}: 2 problem(s)" in text
    assert "  file, column 'outcome', value 'column_in_dataframe': column missing from the export" in text
    assert "  file, column 'talk_s', value" in text and ": wrong data type" in text


def test_a_vendor_the_workspace_does_not_know_is_refused(spark, vendors, tmp_path: Path) -> None:
    lake_calls(tmp_path / "lake" / "calls" / "part-0.parquet", CLEAN, vendor="zeta")
    with pytest.raises(src.SourceError, match=r"vendor_id 'zeta' .*not in the workspace's vendors table"):
        src.read_raw(spark, str(tmp_path / "lake"), "calls", vendors)
