"""`scorecard build` without Spark: the DuckDB engine, the option errors, and the calls check that
keeps Spark's rows and the database's raw calls in step (no Java)."""

from __future__ import annotations

from pathlib import Path

import duckdb
import pytest
from typer.testing import CliRunner

from scorecard.cli import app
from scorecard.errors import DatabaseError
from scorecard.ingest.run import ingest
from scorecard.spark.load import check_same_calls, database_call_stats
from scorecard.spark.step import CallStats
from scorecard.sql import views


@pytest.fixture
def acme_db(workspace: Path, tmp_path: Path) -> Path:
    db = tmp_path / "acme.duckdb"
    assert ingest(workspace, db, build=False).ok  # loaded only: the daily components are stale
    return db


def test_build_with_duckdb_marks_the_database_built(acme_db: Path) -> None:
    with duckdb.connect(str(acme_db), read_only=True) as con:
        assert views.marts_stale(con)
    result = CliRunner().invoke(app, ["build", "--db", str(acme_db)])
    assert result.exit_code == 0, result.output
    # conftest's acme: c1 answered, c2 blocked (both sales, 15 Apr local), c3 abandoned -> 1 program-day
    assert "with duckdb: 1 vendor x program x day rows from 3 calls of 1 vendor(s)" in result.output
    with duckdb.connect(str(acme_db), read_only=True) as con:
        assert not views.marts_stale(con)


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["--engine", "spark"], "--engine spark needs either --source PATH"),
        (["--engine", "spark", "--source", "x", "--job-output", "y"], "--engine spark needs either"),
        (["--engine", "duckdb", "--source", "x"], "--source and --job-output belong to --engine spark."),
        (["--engine", "flink"], "Unknown engine 'flink'; expected duckdb or spark."),
        (["--engine", "spark", "--source", "x", "--conf", "nokey"], "--conf 'nokey': expected KEY=VALUE"),
    ],
)
def test_build_option_mistakes_are_one_message(acme_db: Path, args: list[str], message: str) -> None:
    result = CliRunner().invoke(app, ["build", "--db", str(acme_db), *args])
    assert result.exit_code == 1
    assert message in result.output


def test_load_refuses_a_job_folder_that_is_not_one(acme_db: Path, tmp_path: Path) -> None:
    result = CliRunner().invoke(
        app, ["build", "--db", str(acme_db), "--engine", "spark", "--job-output", str(tmp_path)]
    )
    assert result.exit_code == 1
    assert "is not the output of a Spark job (no _manifest/ and rows/ inside)" in result.output


def test_calls_that_differ_from_the_databases_are_refused_naming_the_vendor(acme_db: Path) -> None:
    with duckdb.connect(str(acme_db), read_only=True) as con:
        stats = database_call_stats(con)
    # c1 23:30, c2 10:00, c3 10:05 Paris time on 15 Apr = 21:30, 08:00, 08:05 UTC
    assert stats == {"acme": CallStats(3, "2026-04-15 08:00:00", "2026-04-15 21:30:00")}
    check_same_calls(stats, dict(stats), "lake/", "acme.duckdb")  # equal: no error
    fewer = {"acme": CallStats(2, "2026-04-15 08:00:00", "2026-04-15 10:05:00")}
    with pytest.raises(DatabaseError) as err:
        check_same_calls(stats, fewer, "lake/", "acme.duckdb")
    assert str(err.value).splitlines()[:2] == [
        "The calls in lake/ differ from the raw calls of acme.duckdb:",
        "  acme: 2 calls (2026-04-15 08:00:00 to 2026-04-15 10:05:00) in lake/, "
        "3 (2026-04-15 08:00:00 to 2026-04-15 21:30:00) in acme.duckdb",
    ]
    assert str(err.value).endswith("Nothing was written.")
