"""`scorecard build` without Spark: the DuckDB engine, the option errors, and the calls check that
keeps Spark's rows and the database's raw calls in step (no Java)."""

from __future__ import annotations

import json
from pathlib import Path

import duckdb
import pytest
from typer.testing import CliRunner

from scorecard.cli import app
from scorecard.errors import DatabaseError, ScorecardError
from scorecard.ingest.run import ingest
from scorecard.spark.load import check_same_calls, database_call_stats
from scorecard.spark.loads import parse_statements
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
        (["--engine", "duckdb", "--source", "x"], "--source, --job-output and --calls-record belong to"),
        (["--calls-record", "acme=answered"], "--source, --job-output and --calls-record belong to"),
        (
            ["--engine", "spark", "--job-output", "y", "--calls-record", "acme=answered"],
            "--calls-record belongs to --source (or to the cluster job)",
        ),
        (
            ["--engine", "spark", "--source", "x", "--calls-record", "acme"],
            "--calls-record 'acme': expected VENDOR=MEASURE,... with the measures the vendor's calls record",
        ),
        (
            ["--engine", "spark", "--source", "x", "--calls-record", "acme=answered,hung_up"],
            "--calls-record 'acme=answered,hung_up': unknown measure(s) hung_up;",
        ),
        (
            [
                "--engine",
                "spark",
                "--source",
                "x",
                "--calls-record",
                "a=answered",
                "--calls-record",
                "a=blocked",
            ],
            "--calls-record names vendor 'a' twice",
        ),
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
    # c1 23:30, c2 10:00, c3 10:05 Paris time on 15 Apr = 21:30, 08:00, 08:05 UTC; one canonical calls
    # file without a revenue column: it records the four outcomes, not revenue
    four = "abandoned, answered, blocked, self_service"
    assert stats == {"acme": CallStats(3, "2026-04-15 08:00:00", "2026-04-15 21:30:00", ((four, 3),))}
    check_same_calls(stats, dict(stats), "lake/", "acme.duckdb")  # equal: no error
    fewer = {"acme": CallStats(2, "2026-04-15 08:00:00", "2026-04-15 10:05:00", ((four, 2),))}
    with pytest.raises(DatabaseError) as err:
        check_same_calls(stats, fewer, "lake/", "acme.duckdb")
    assert str(err.value).splitlines()[:2] == [
        "The calls in lake/ differ from the raw calls of acme.duckdb:",
        "  acme: 2 calls (2026-04-15 08:00:00 to 2026-04-15 10:05:00) in lake/, "
        "3 (2026-04-15 08:00:00 to 2026-04-15 21:30:00) in acme.duckdb",
    ]
    assert str(err.value).endswith("Nothing was written.")


def test_the_same_calls_described_as_recording_other_measures_are_refused(acme_db: Path) -> None:
    with duckdb.connect(str(acme_db), read_only=True) as con:
        stats = database_call_stats(con)
    # the lake's statement says acme's CDR cannot see busy signals, the database's load says it can:
    # Spark would give blocked NULL where the database's reasons say blocked is recorded
    [(first, last)] = [(s.first, s.last) for s in stats.values()]
    stated = {"acme": CallStats(3, first, last, (("abandoned, answered, self_service", 3),))}
    with pytest.raises(DatabaseError) as err:
        check_same_calls(stats, stated, "lake/", "acme.duckdb")
    assert str(err.value).splitlines()[:2] == [
        "The calls in lake/ are the database's, but what their files record differs from acme.duckdb's "
        "loaded_files:",
        "  acme: 3 from files recording abandoned, answered, self_service in lake/; "
        "3 from files recording abandoned, answered, blocked, self_service in acme.duckdb",
    ]
    assert "state the measures the database lists (--calls-record)" in str(err.value)


def test_stated_measures_are_parsed_sorted_and_checked() -> None:
    stated = parse_statements(["acme=self_service, answered,abandoned", "*=answered,abandoned,revenue"])
    assert stated == {
        "acme": ("abandoned", "answered", "self_service"),
        "*": ("abandoned", "answered", "revenue"),
    }
    with pytest.raises(ScorecardError, match="unknown measure"):
        parse_statements(["acme=Blocked"])  # the names are the SQL's, exactly
    with pytest.raises(ScorecardError, match="expected VENDOR=MEASURE"):
        parse_statements(["acme="])


def test_a_manifests_stats_read_back_equal() -> None:
    stats = CallStats(3, "2026-04-15 08:00:00", "2026-04-15 21:30:00", (("abandoned, answered", 3),))
    assert CallStats.from_json(json.loads(json.dumps(vars(stats)))) == stats


def test_the_cluster_job_refuses_a_malformed_statement_before_starting_spark(capsys) -> None:
    from scorecard.spark import job

    assert job.main(["--source", "lake/", "--out", "days/", "--calls-record", "acme=answered,busy"]) == 1
    assert "--calls-record 'acme=answered,busy': unknown measure(s) busy;" in capsys.readouterr().err
