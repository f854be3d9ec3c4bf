"""The CLI starts without loading the heavy libraries a command does not need.

Each test runs the console script's entry point (`scorecard.cli:main`) in a fresh interpreter with
`python -X importtime`, which lists on stderr every module the process imported, and checks the list:
`scorecard --help` and every command's `--help` import none of the data libraries; `scorecard kpis` reads
a database with DuckDB and polars but never loads the app's or the cluster's libraries.
"""

from __future__ import annotations

import re
import subprocess
import sys
from pathlib import Path

import pytest
from kpi_fixtures import add_vendor, call, insert, new_db

#: What `scorecard --help` must not import (each costs 0.1-1.3 s to import on the 2-core machine).
HEAVY = ("pandas", "polars", "pandera", "altair", "streamlit", "pyspark", "duckdb", "pyarrow", "numpy")
#: What a command that only reads the database must not import either.
APP_AND_CLUSTER = ("pandas", "pandera", "altair", "streamlit", "pyspark")

COMMANDS = ("check", "ingest", "kpis", "rank", "review", "demo", "definitions", "erlang", "export-parquet",
            "build", "share", "app")  # fmt: skip
ROOT = Path(__file__).resolve().parents[1]


def imported(*args: str) -> tuple[set[str], subprocess.CompletedProcess[str]]:
    """The top-level packages a `scorecard ARGS` process imported, and the finished process."""
    code = "import sys; from scorecard.cli import main; sys.argv[0] = 'scorecard'; main()"
    done = subprocess.run(
        [sys.executable, "-X", "importtime", "-c", code, *args],
        capture_output=True,
        text=True,
        timeout=120,
        cwd=ROOT,
    )
    # lines look like "import time:       380 |      84091 |     typer"; the last field is the module
    names = re.findall(r"^import time:\s+\d+ \|\s+\d+ \|\s+(\S+)$", done.stderr, flags=re.MULTILINE)
    assert names, done.stderr  # the list is there: a test that read nothing would pass for nothing
    return {name.split(".")[0] for name in names}, done


def test_help_imports_no_data_library() -> None:
    packages, done = imported("--help")
    assert done.returncode == 0, done.stderr[-2000:]
    assert "kpis" in done.stdout and "ingest" in done.stdout
    assert "typer" in packages  # the list covers the CLI's own imports
    assert sorted(packages & set(HEAVY)) == []


@pytest.mark.parametrize("command", COMMANDS)
def test_each_command_help_imports_no_data_library(command: str) -> None:
    packages, done = imported(command, "--help")
    assert done.returncode == 0, done.stderr[-2000:]
    assert "Usage:" in done.stdout
    assert sorted(packages & set(HEAVY)) == []


def test_demo_help_names_the_simulation_seed() -> None:
    """The seed in `scorecard demo --help` is written out there (importing the model would be slow):
    it must be the simulation's own."""
    from scorecard_demo.simulate import DEFAULT_SEED

    _, done = imported("demo", "--help")
    assert str(DEFAULT_SEED) in re.sub(r"\s+", "", done.stdout)


def test_kpis_reads_a_database_without_app_or_cluster_libraries(tmp_path: Path) -> None:
    # acme: one call answered after 10 s and one abandoned after 30 s: offered 2, answered 1
    con = new_db(tmp_path / "scorecard.duckdb")
    add_vendor(con, "acme")
    insert(con, "calls", "acme", [call("a1", "answered", 10), call("b1", "abandoned", 30)])
    con.close()
    packages, done = imported("kpis", "--db", str(tmp_path / "scorecard.duckdb"), "--format", "csv")
    assert done.returncode == 0, done.stderr[-2000:]
    header, row = done.stdout.splitlines()[:2]
    values = dict(zip(header.split(","), row.split(","), strict=True))
    assert (values["vendor_id"], values["offered"], values["answered"]) == ("acme", "2", "1")
    assert {"duckdb", "polars"} <= packages  # it did read the database
    assert sorted(packages & set(APP_AND_CLUSTER)) == []
