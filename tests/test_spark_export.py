"""`scorecard export-parquet`: the raw tables as Parquet by vendor and month, read back equal (no Java)."""

from __future__ import annotations

import json
from pathlib import Path

import duckdb
import pytest
from typer.testing import CliRunner

from scorecard.cli import app
from scorecard.errors import DatabaseError, ScorecardError
from scorecard.ingest.run import ingest
from scorecard.spark.export import export_parquet


@pytest.fixture
def acme_db(workspace: Path, tmp_path: Path) -> Path:
    """conftest's acme: 3 calls on 15 Apr 2026 (Europe/Paris), one April invoice."""
    db = tmp_path / "acme.duckdb"
    assert ingest(workspace, db).ok
    return db


def test_export_writes_each_table_by_vendor_and_month(acme_db: Path, tmp_path: Path) -> None:
    out = tmp_path / "canonical"
    report = export_parquet(acme_db, out)
    assert report.rows == {
        "calls": 3, "intervals": 0, "agent_time": 0, "surveys": 0, "quality": 0, "costs": 1, "forecast": 0,
        "vendors": 1, "settings": 1, "fx_rates": 0, "loaded_files": 2,  # the calls file, the costs file
    }  # fmt: skip
    calls = sorted(p.relative_to(out).parent.as_posix() for p in (out / "calls").rglob("*.parquet"))
    assert calls == ["calls/vendor_id=acme/month=2026-04"]
    assert [p.parent.name for p in (out / "costs").rglob("*.parquet")] == ["month=2026-04"]
    assert not (out / "surveys").exists()  # an empty table is an absent folder: the reader makes it empty
    assert (out / "vendors" / "part-0.parquet").is_file()
    manifest = json.loads((out / "_scorecard.json").read_text())
    assert manifest["rows"]["calls"] == 3 and manifest["month_of"]["calls"] == "arrived_at_local"
    assert manifest["version"] == 2


def test_export_carries_each_loads_identity_and_what_its_file_records(acme_db: Path, tmp_path: Path) -> None:
    out = tmp_path / "canonical"
    export_parquet(acme_db, out)
    con = duckdb.connect(str(acme_db), read_only=True)
    loads = con.execute("from loaded_files order by all").fetchall()
    back = con.execute(
        "from read_parquet(?) order by all", [str(out / "loaded_files" / "*.parquet")]
    ).fetchall()
    keys = con.execute(
        "select distinct c.export_key, c.source_file, f.observed "
        "from read_parquet(?, hive_partitioning = true) as c "
        "join loaded_files as f using (vendor_id, export_key, source_file)",
        [str(out / "calls" / "**" / "*.parquet")],
    ).fetchall()
    con.close()
    assert back == loads and len(back) == 2
    # the canonical calls export of acme can tell all four outcomes apart and has no revenue column:
    # every exported call finds its load, and that load records the outcomes but not revenue
    [(key, source_file, observed)] = keys
    assert key.startswith("calls-") and source_file == "acme/calls/2026-04.csv"
    assert observed == ["abandoned", "answered", "blocked", "self_service"]


def test_a_database_of_an_older_table_layout_is_refused_with_the_ingest_that_rebuilds_it(
    acme_db: Path, tmp_path: Path
) -> None:
    with duckdb.connect(str(acme_db)) as con:
        con.execute("update db_meta set schema_version = 1")
    with pytest.raises(DatabaseError, match=r"another version of Vendor Scorecard .* scorecard ingest"):
        export_parquet(acme_db, tmp_path / "canonical")
    assert not (tmp_path / "canonical").exists()


def test_exported_calls_read_back_equal_to_the_raw_table(acme_db: Path, tmp_path: Path) -> None:
    out = tmp_path / "canonical"
    export_parquet(acme_db, out)
    con = duckdb.connect(str(acme_db), read_only=True)
    cols = ", ".join(r[0] for r in con.execute("describe raw_calls").fetchall())
    raw = con.execute(f"select {cols} from raw_calls order by call_id").fetchall()
    back = con.execute(
        f"select {cols} from read_parquet(?, hive_partitioning = true) order by call_id",
        [str(out / "calls" / "**" / "*.parquet")],
    ).fetchall()
    con.close()
    assert back == raw and len(back) == 3
    # c1 arrived at 23:30 Paris time (UTC+2 in April) = 21:30 UTC; both columns survive the round trip
    [c1] = [r for r in back if r[cols.split(", ").index("call_id")] == "c1"]
    names = cols.split(", ")
    assert str(c1[names.index("arrived_at")]) == "2026-04-15 21:30:00"
    assert str(c1[names.index("arrived_at_local")]) == "2026-04-15 23:30:00"


def test_a_folder_with_other_files_is_refused_and_overwrite_replaces_an_export(
    acme_db: Path, tmp_path: Path
) -> None:
    out = tmp_path / "canonical"
    export_parquet(acme_db, out)
    with pytest.raises(ScorecardError, match="is not empty; choose an empty folder, or pass --overwrite"):
        export_parquet(acme_db, out)
    assert export_parquet(acme_db, out, overwrite=True).rows["calls"] == 3
    (out / "notes.txt").write_text("mine")
    with pytest.raises(ScorecardError, match=r"holds files that are not an export \(notes.txt\)"):
        export_parquet(acme_db, out, overwrite=True)
    assert (out / "notes.txt").read_text() == "mine"  # nothing of the user's was removed


def test_cli_export_parquet_prints_rows_per_table(acme_db: Path, tmp_path: Path) -> None:
    out = tmp_path / "canonical"
    result = CliRunner().invoke(app, ["export-parquet", "--db", str(acme_db), "--out", str(out)])
    assert result.exit_code == 0, result.output
    assert "calls                    3 rows" in result.output
    assert "loaded_files             2 rows" in result.output
    assert "Parquet file(s) to" in result.output
    missing = CliRunner().invoke(
        app, ["export-parquet", "--db", str(tmp_path / "no.duckdb"), "--out", str(out)]
    )
    assert missing.exit_code == 1
    assert "does not exist" in missing.output
