"""Unknown is never zero on Spark either: a vendor whose call export cannot see busy signals gets blocked
NULL from Spark exactly as from DuckDB, through `scorecard export-parquet` and through a lakehouse table
whose measures the user states (--calls-record); a statement that differs from the database's loads is
refused and writes nothing."""

from __future__ import annotations

import shutil
from pathlib import Path

import duckdb
import pytest
from conftest import write
from test_never_silently_wrong import five9_workspace
from test_spark_differential import differences
from typer.testing import CliRunner

from scorecard.cli import app
from scorecard.ingest.run import ingest
from scorecard.spark.export import export_parquet

pytestmark = pytest.mark.spark


def two_exports(root: Path) -> Path:
    """lumiere: a Five9 call log without blocked dispositions (2 answered calls on 21 Aug 2026, Paris);
    acme: canonical calls that tell all four outcomes apart (answered, blocked, abandoned on 15 Apr)."""
    five9_workspace(root, "00:03:00")
    write(
        root / "acme" / "vendor.toml",
        """
        name = "Acme Contact"
        timezone = "Europe/Paris"
        currency = "EUR"

        [[exports]]
        table = "calls"
        files = "calls/*.csv"
        """,
    )
    write(
        root / "acme" / "calls" / "2026-04.csv",
        """
        call_id,program,arrived_at,outcome,wait_s,talk_s,hold_s,acw_s,transferred,resolved
        c1,sales,2026-04-15 23:30:00,answered,10,100,0,20,false,true
        c2,sales,2026-04-15 10:00:00,blocked,0,0,0,0,false,
        c3,sales,2026-04-15 10:05:00,abandoned,3,0,0,0,false,
        """,
    )
    return root


def build(db: Path, source: Path, *args: str) -> tuple[int, str]:
    result = CliRunner().invoke(
        app, ["build", "--engine", "spark", "--source", str(source), "--db", str(db), *args]
    )
    assert "Traceback" not in result.output
    return result.exit_code, result.output


def blank_copy(duck: Path, to: Path) -> Path:
    """A copy of the database without any daily components of DuckDB's own build."""
    shutil.copy(duck, to)
    with duckdb.connect(str(to)) as con:
        con.execute("delete from int_call_days; delete from mart_program_days; delete from mart_vendor_days")
    return to


@pytest.fixture(scope="module")
def built(tmp_path_factory: pytest.TempPathFactory, spark) -> dict[str, Path]:
    root = tmp_path_factory.mktemp("measures")
    duck = root / "duckdb.duckdb"
    assert ingest(two_exports(root / "ws"), duck).ok
    export_parquet(duck, root / "canonical")
    # the same calls as a lakehouse holds them: no export_key, source_file, source_row, loaded_files
    lake = root / "lake"
    lake.mkdir()
    with duckdb.connect() as con:
        con.execute(
            "copy (select * exclude (export_key, source_file, source_row) "
            "from read_parquet(?, hive_partitioning = true)) to ? (format parquet, partition_by (vendor_id))",
            [str(root / "canonical" / "calls" / "**" / "*.parquet"), str(lake / "calls")],
        ).fetchall()
    return {"duckdb": duck, "canonical": root / "canonical", "lake": lake, "root": root}


def test_blocked_unknown_for_a_five9_log_is_null_on_spark_as_on_duckdb(built: dict) -> None:
    on_spark = blank_copy(built["duckdb"], built["root"] / "exported.duckdb")
    code, out = build(on_spark, built["canonical"])
    assert code == 0, out
    # one row per vendor x program x day: acme sales 15 Apr, lumiere Care 21 Aug
    assert differences(built["duckdb"], on_spark, "int_call_days") == (2, 0, 0)
    with duckdb.connect(str(on_spark), read_only=True) as con:
        rows = con.execute(
            "select vendor_id, answered, abandoned, blocked, self_service from int_call_days order by 1"
        ).fetchall()
    # acme: c1 answered, c3 abandoned, c2 blocked; lumiere: 2 answered, blocked unknown (the log cannot
    # tell a busy signal), abandoned and self-service known zeros
    assert rows == [("acme", 1, 1, 1, 0), ("lumiere", 2, 0, None, 0)]


def test_a_lake_with_the_measures_stated_as_the_database_has_them_equals_duckdb(built: dict) -> None:
    on_spark = blank_copy(built["duckdb"], built["root"] / "stated.duckdb")
    code, out = build(
        on_spark,
        built["lake"],
        "--calls-record",
        "acme=answered,abandoned,blocked,self_service",
        "--calls-record",
        "lumiere=answered,abandoned,self_service",
    )
    assert code == 0, out
    assert differences(built["duckdb"], on_spark, "int_call_days") == (2, 0, 0)


def test_a_statement_that_differs_from_the_databases_loads_writes_nothing(built: dict) -> None:
    on_spark = blank_copy(built["duckdb"], built["root"] / "wrong.duckdb")
    code, out = build(on_spark, built["lake"], "--calls-record", "*=answered,abandoned,blocked,self_service")
    assert code == 1
    assert "what their files record differs from" in out
    assert (
        "lumiere: 2 from files recording abandoned, answered, blocked, self_service in "
        f"{built['lake']}; 2 from files recording abandoned, answered, self_service in {on_spark}"
    ) in out
    with duckdb.connect(str(on_spark), read_only=True) as con:
        assert con.execute("select count(*) from int_call_days").fetchall() == [(0,)]


def test_a_lake_without_loaded_files_or_a_statement_writes_nothing(built: dict) -> None:
    on_spark = blank_copy(built["duckdb"], built["root"] / "unstated.duckdb")
    code, out = build(on_spark, built["lake"])
    assert code == 1
    assert "has no loaded_files table, so what the calls of 'acme', 'lumiere' record is unknown" in out
    with duckdb.connect(str(on_spark), read_only=True) as con:
        assert con.execute("select count(*) from int_call_days").fetchall() == [(0,)]
