"""What each calls file of a Spark source records (`loaded_files.observed`): from the source's own
loaded_files table or stated per vendor (--calls-record), never assumed; a calls file that nobody
described, a measure the SQL does not know and an outcome its file says it cannot record all stop the
build with the file named."""

from __future__ import annotations

from pathlib import Path

import pyarrow as pa
import pyarrow.parquet as pq
import pytest
from test_spark_validation import CLEAN, T, lake_calls

from scorecard.spark import loads
from scorecard.spark import source as src
from scorecard.spark.validate import SourceValidationError

pytestmark = pytest.mark.spark
FOUR = ("abandoned", "answered", "blocked", "self_service")


@pytest.fixture
def vendors(spark):
    ddl = "vendor_id string, name string, country string, timezone string, currency string"
    return spark.createDataFrame([("acme", "Acme", "FR", "Europe/Paris", "EUR")], ddl)


@pytest.fixture
def lake(spark, vendors, tmp_path: Path):
    """A lakehouse calls table of acme in two files (no export_key, source_file or loaded_files):
    part-0 holds c1 answered and c2 blocked, part-1 c3 answered."""
    root = tmp_path / "lake"
    lake_calls(root / "calls" / "part-0.parquet", CLEAN)
    lake_calls(root / "calls" / "part-1.parquet", [("c3", "sales", T, "answered", 4, 90.0)])
    raw = src.read_raw(spark, str(root), "calls", vendors)
    files = sorted(r[0] for r in raw.select("source_file").distinct().collect())
    return {"root": root, "raw": raw, "files": files}


def write_loaded_files(root: Path, rows: list[dict]) -> None:
    path = root / "loaded_files" / "part-0.parquet"
    path.parent.mkdir(parents=True, exist_ok=True)
    pq.write_table(pa.Table.from_pylist(rows), path)


def test_a_lake_without_loaded_files_and_no_statement_is_refused(spark, lake) -> None:
    with pytest.raises(src.SourceError) as err:
        loads.loaded_files(spark, str(lake["root"]), lake["raw"])
    text = str(err.value)
    assert "has no loaded_files table, so what the calls of 'acme' record is unknown" in text
    assert "must count as unknown, never as 0" in text
    assert "--calls-record acme=answered,abandoned,blocked,self_service,revenue" in text


def test_stated_measures_describe_every_calls_file_of_the_vendor(spark, lake) -> None:
    frame = loads.loaded_files(spark, str(lake["root"]), lake["raw"], {"*": FOUR})
    assert frame.columns == list(loads.columns())  # the database's loaded_files, column for column
    rows = sorted(
        (r["source_file"], r["export_key"], r["table"], tuple(r["observed"])) for r in frame.collect()
    )
    assert rows == [(f, "lake", "calls", FOUR) for f in lake["files"]]


def test_an_outcome_the_statement_leaves_out_stops_the_build(spark, lake) -> None:
    with pytest.raises(SourceValidationError) as err:
        loads.loaded_files(spark, str(lake["root"]), lake["raw"], {"acme": ("abandoned", "answered")})
    lines = str(err.value).splitlines()
    assert lines[0] == f"{lake['files'][0]}: 1 problem(s); nothing from this file was loaded into 'calls'."
    assert lines[1] == (
        "  row 2, column 'outcome', value 'blocked': not among the outcomes this file records "
        "(answered, abandoned)"
    )
    assert lines[2].startswith(
        "A calls file records only the outcomes its loaded_files row (or --calls-record)"
    )


def test_a_statement_for_a_vendor_without_calls_is_refused(spark, lake) -> None:
    with pytest.raises(src.SourceError, match=r"--calls-record names 'acmee', which has no calls in"):
        loads.loaded_files(spark, str(lake["root"]), lake["raw"], {"acme": FOUR, "acmee": FOUR})


def test_loaded_files_of_the_lake_must_list_every_calls_file(spark, lake) -> None:
    # a hand-written loaded_files without export_key (the calls have none either: both 'lake'),
    # listing part-0 only
    write_loaded_files(
        lake["root"],
        [{"vendor_id": "acme", "source_file": lake["files"][0], "table": "calls", "observed": list(FOUR)}],
    )
    with pytest.raises(src.SourceError) as err:
        loads.loaded_files(spark, str(lake["root"]), lake["raw"])
    assert str(err.value).splitlines()[:2] == [
        f"Calls files without a row in {lake['root'] / 'loaded_files'} (vendor_id, export_key, source_file), "
        "so what they record is unknown:",
        f"  acme, lake, {lake['files'][1]}",
    ]
    with pytest.raises(src.SourceError, match="--calls-record is for a source without it"):
        loads.loaded_files(spark, str(lake["root"]), lake["raw"], {"acme": FOUR})


def test_loaded_files_that_list_every_file_are_read_with_the_database_columns(spark, lake) -> None:
    write_loaded_files(
        lake["root"],
        [
            {"vendor_id": "acme", "source_file": f, "table": "calls", "observed": [*FOUR, "revenue"]}
            for f in lake["files"]
        ],
    )
    frame = loads.loaded_files(spark, str(lake["root"]), lake["raw"])
    assert frame.columns == list(loads.columns())
    assert sorted((r["source_file"], r["export_key"], len(r["observed"])) for r in frame.collect()) == [
        (f, "lake", 5) for f in lake["files"]
    ]


@pytest.mark.parametrize(
    ("observed", "message"),
    [
        (["answered", "Blocked"], r"'observed' must list measures from answered, abandoned, blocked, "),
        ("answered,blocked", r"column 'observed' is string; expected an array of strings"),
    ],
)
def test_a_measure_the_sql_does_not_know_is_refused(spark, lake, observed, message: str) -> None:
    write_loaded_files(
        lake["root"],
        [
            {"vendor_id": "acme", "source_file": f, "table": "calls", "observed": observed}
            for f in lake["files"]
        ],
    )
    with pytest.raises(src.SourceError, match=message):
        loads.loaded_files(spark, str(lake["root"]), lake["raw"])


def test_a_file_listed_twice_is_refused(spark, lake) -> None:
    row = {"vendor_id": "acme", "source_file": lake["files"][0], "table": "calls", "observed": list(FOUR)}
    write_loaded_files(lake["root"], [row, row])
    with pytest.raises(src.SourceError, match=r"(?s)a file has more than one row .*part-0.parquet: 2 rows"):
        loads.loaded_files(spark, str(lake["root"]), lake["raw"])
