"""What is loaded is what the workspace says: every change to vendor.toml or scorecard.toml, re-ingested,
gives exactly the database a fresh ingest gives; files and vendors that leave the workspace leave the
database; two exports over one file each load.
"""

from __future__ import annotations

import shutil
from collections.abc import Callable
from pathlib import Path

import duckdb
import polars as pl
import pytest
from conftest import write
from typer.testing import CliRunner

from scorecard.cli import app
from scorecard.ingest import db as database
from scorecard.ingest.run import ingest as load
from scorecard.metrics.kpis import kpi_notes, kpis

VENDOR_TOML = """
name = "Acme Contact"
country = "FR"
timezone = "Europe/Paris"
currency = "EUR"

[contract]
terms = [{ kpi = "service_level", target = 0.8, credit_pct = 2 }]

[[exports]]
table = "calls"
format = "mapped"
files = "cdr/*.csv"
delimiter = ";"
decimal = ","
timestamp_format = "%d.%m.%Y %H:%M:%S"
units = { talk_s = "min" }
defaults = { talk_s = 0 }
drop = { Id = ["TOTAL"] }
values = { outcome = { OK = "answered", HANG = "abandoned", BUSY = "blocked" } }
columns.call_id = "Id"
columns.program = "Queue"
columns.arrived_at = "At"
columns.outcome = "Result"
columns.wait_s = "Wait"
columns.talk_s = "Talk"

[[exports]]
table = "surveys"
format = "mapped"
files = "cdr/*.csv"
delimiter = ";"
timestamp_format = "%d.%m.%Y %H:%M:%S"
keep = { Result = ["OK"] }
values = { resolved = { Y = true, N = false } }
columns = { survey_id = "Id", call_id = "Id", responded_at = "At", csat = "Csat", resolved = "Fixed" }

[[exports]]
table = "costs"
files = "costs.csv"
"""

CDR_APRIL = """\
Id;Queue;At;Result;Wait;Talk;Csat;Fixed
a1;cards;15.04.2026 23:30:00;OK;12,5;4,5;5;Y
a2;cards;15.04.2026 10:00:00;OK;30;2;;N
a3;prêts;16.04.2026 00:30:00;HANG;40;;;
a4;prêts;16.04.2026 09:00:00;BUSY;0;;;
TOTAL;;;;82,5;6,5;;
"""

CDR_MAY = """\
Id;Queue;At;Result;Wait;Talk;Csat;Fixed
m1;cards;02.05.2026 09:00:00;OK;8;3;4;
m2;cards;02.05.2026 09:10:00;HANG;3;;;
"""


def workspace(root: Path) -> Path:
    write(root / "scorecard.toml", 'base_currency = "EUR"\nfcr_method = "survey"\n')
    write(
        root / "fx_rates.csv", "month,currency,rate_to_base,source\n2026-04,USD,0.9,t\n2026-05,USD,0.92,t\n"
    )
    write(root / "acme" / "vendor.toml", VENDOR_TOML)
    write(root / "acme" / "cdr" / "2026-04.csv", CDR_APRIL)
    write(root / "acme" / "cdr" / "2026-05.csv", CDR_MAY)
    write(
        root / "acme" / "costs.csv",
        "period_start,period_end,amount,kind\n2026-04-01,2026-05-31,6100,invoice\n",
    )
    beta = 'name = "Beta"\ntimezone = "UTC"\ncurrency = "EUR"\n'
    write(root / "beta" / "vendor.toml", beta + '[[exports]]\ntable = "calls"\nfiles = "calls.csv"\n')
    write(
        root / "beta" / "calls.csv",
        "call_id,program,arrived_at,outcome,wait_s\nb1,p,2026-04-15 09:00:00,answered,5\n",
    )
    return root


def ingest(ws: Path, db: Path, *extra: str) -> tuple[int, str]:
    result = CliRunner().invoke(app, ["ingest", str(ws), "--db", str(db), "--quiet", *extra])
    assert "Traceback" not in result.output, result.output
    return result.exit_code, result.output


def snapshot(db: Path) -> dict[str, pl.DataFrame]:
    """What a reader sees: KPIs by day (by vendor and by program), the reasons of NULLs, the raw rows."""
    con = duckdb.connect(str(db), read_only=True)
    try:
        out = {
            "kpis": kpis(con, "day"),
            "kpis_program": kpis(con, "day", by_program=True),
            "notes": kpi_notes(con, "day"),
        }
        for table in ("calls", "surveys", "costs"):
            out[table] = con.sql(f"select * exclude (export_key) from raw_{table} order by all").pl()
        out["vendors"] = con.sql("select * from vendors order by all").pl()
        return out
    finally:
        con.close()


def edit(path: Path, old: str, new: str) -> None:
    text = path.read_text()
    assert old in text, old
    path.write_text(text.replace(old, new))


def vendor_edit(old: str, new: str) -> Callable[[Path], None]:
    return lambda ws: edit(ws / "acme" / "vendor.toml", old, new)


# Every key of vendor.toml and of an export entry, changed as a user would change it.
CHANGES: dict[str, Callable[[Path], None]] = {
    "name": vendor_edit('name = "Acme Contact"', 'name = "Acme Contact SAS"'),
    "country": vendor_edit('country = "FR"', 'country = "BE"'),
    "timezone": vendor_edit('timezone = "Europe/Paris"', 'timezone = "America/New_York"'),
    "currency": vendor_edit('currency = "EUR"', 'currency = "USD"'),
    "contract": vendor_edit("target = 0.8", "target = 0.9"),
    "exports.files": vendor_edit('"cdr/*.csv"\ndelimiter = ";"\ndec', '"cdr/*-04.csv"\ndelimiter = ";"\ndec'),
    "exports.delimiter": vendor_edit('delimiter = ";"\ndecimal', 'delimiter = ","\ndecimal'),
    "exports.decimal": vendor_edit('decimal = ","', 'decimal = "."'),
    "exports.encoding": vendor_edit('decimal = ","', 'decimal = ","\nencoding = "latin-1"'),
    "exports.timestamp_format": vendor_edit('"%d.%m.%Y %H:%M:%S"\nunits', '"%m.%d.%Y %H:%M:%S"\nunits'),
    "exports.units": vendor_edit('talk_s = "min"', 'talk_s = "s"'),
    "exports.defaults": vendor_edit("defaults = { talk_s = 0 }", "defaults = { talk_s = 60 }"),
    "exports.drop": vendor_edit('drop = { Id = ["TOTAL"] }', 'drop = { Id = ["TOTAL", "a2"] }'),
    "exports.keep": vendor_edit('keep = { Result = ["OK"] }', 'keep = { Result = ["OK", "HANG"] }'),
    "exports.values": vendor_edit('HANG = "abandoned", BUSY', 'HANG = "self_service", BUSY'),
    "exports.columns": vendor_edit('columns.talk_s = "Talk"\n', ""),
    "exports.outcomes": vendor_edit('table = "calls"', 'table = "calls"\noutcomes = ["answered", "blocked"]'),
    "exports.no_blocking": vendor_edit('BUSY = "blocked" }', 'BUSY = "answered" }'),
    "exports.table_removed": vendor_edit('[[exports]]\ntable = "costs"\nfiles = "costs.csv"\n', ""),
    "exports.format": vendor_edit(
        'table = "costs"\nfiles = "costs.csv"',
        'table = "costs"\nformat = "mapped"\nfiles = "costs.csv"\ncolumns = { period_start = "period_start", '
        'period_end = "period_end", amount = "amount", kind = "kind" }',
    ),
    "scorecard.sl_threshold_s": lambda ws: edit(
        ws / "scorecard.toml", 'base_currency = "EUR"', 'base_currency = "EUR"\nsl_threshold_s = 30'
    ),
    "scorecard.fcr_method": lambda ws: edit(
        ws / "scorecard.toml", 'fcr_method = "survey"', 'fcr_method = "disposition"'
    ),
    "file_removed": lambda ws: (ws / "acme" / "cdr" / "2026-05.csv").unlink(),
    "vendor_removed": lambda ws: shutil.rmtree(ws / "beta"),
    "file_edited": lambda ws: write(ws / "acme" / "cdr" / "2026-05.csv", CDR_MAY.replace("HANG;3", "OK;3")),
}  # fmt: skip


@pytest.mark.parametrize("change", list(CHANGES))
def test_a_change_and_a_reingest_equal_a_fresh_ingest(tmp_path: Path, change: str) -> None:
    ws = workspace(tmp_path / "ws")
    db = tmp_path / "kept.duckdb"
    ingest(ws, db)
    before = snapshot(db)
    CHANGES[change](ws)
    code, out = ingest(ws, db)
    fresh = tmp_path / "fresh.duckdb"
    fresh_code, fresh_out = ingest(ws, fresh)
    assert code == fresh_code, (out, fresh_out)
    after, expected = snapshot(db), snapshot(fresh)
    for name, frame in expected.items():
        assert after[name].equals(frame), (change, name, after[name], frame)
    if change not in ("contract", "country", "exports.format"):  # no KPI and no row changes (the
        # costs file mapped column for column reads the same rows as the canonical format)
        assert any(not before[n].equals(after[n]) for n in after), f"{change} changed nothing"


def test_two_exports_over_one_file_each_load(tmp_path: Path) -> None:
    # Before: the surveys export was skipped as "unchanged" (the skip was keyed on the path alone),
    # so the workbook's ratings loaded 0 rows and the ingest reported success.
    ws = workspace(tmp_path / "ws")
    code, out = ingest(ws, tmp_path / "s.duckdb")
    assert code == 0, out
    assert "loaded    acme/cdr/2026-04.csv  calls              4 rows" in out  # TOTAL row left out
    assert "loaded    acme/cdr/2026-04.csv  surveys            2 rows" in out  # a1, a2: answered
    con = duckdb.connect(str(tmp_path / "s.duckdb"), read_only=True)
    k = kpis(con, "month", vendors="acme").row(0, named=True)
    con.close()
    # April surveys: a1 csat 5 resolved Y, a2 no csat, resolved N: csat 1/1, fcr (survey) 1/2
    assert (k["period"], k["csat_rate"], k["fcr_rate"]) == ("2026-04", 1.0, 0.5)


def test_a_timezone_change_rereads_every_file_of_the_vendor(tmp_path: Path) -> None:
    # Before: some local dates were re-derived, the UTC instants of others were not: neither truth.
    ws = workspace(tmp_path / "ws")
    db = tmp_path / "s.duckdb"
    ingest(ws, db)
    CHANGES["timezone"](ws)
    code, out = ingest(ws, db)
    assert code == 0
    assert "6 file(s): 5 reread, 1 unchanged." in out  # every file of acme, none of beta
    assert "reread    acme/costs.csv        costs              1 rows" in out
    assert "Removed" not in out
    con = duckdb.connect(str(db), read_only=True)
    rows = con.sql(
        "select call_id, arrived_at, arrived_at_local from raw_calls where call_id = 'a1'"
    ).fetchall()
    con.close()
    # "15.04.2026 23:30:00" in New York (EDT, UTC−4) is 2026-04-16 03:30 UTC
    assert [(r[0], str(r[1]), str(r[2])) for r in rows] == [
        ("a1", "2026-04-16 03:30:00", "2026-04-15 23:30:00")
    ]


def test_removed_files_and_vendors_leave_the_database(tmp_path: Path) -> None:
    # Before: their rows stayed in the database and in every KPI.
    ws = workspace(tmp_path / "ws")
    db = tmp_path / "s.duckdb"
    ingest(ws, db)
    (ws / "acme" / "cdr" / "2026-05.csv").unlink()
    shutil.rmtree(ws / "beta")
    code, out = ingest(ws, db)
    assert code == 0
    assert "Removed: 3 file(s), 1 vendor(s) no longer in the workspace as loaded" in out
    assert "removed   acme/cdr/2026-05.csv  calls              2 rows" in out
    assert "removed   acme/cdr/2026-05.csv  surveys            1 rows" in out
    assert "removed   beta/calls.csv        calls              1 rows" in out
    con = duckdb.connect(str(db), read_only=True)
    assert con.sql("select distinct vendor_id from raw_calls").fetchall() == [("acme",)]
    assert con.sql("select count(*) from raw_calls where call_id like 'm%'").fetchall() == [(0,)]
    assert kpis(con, "all")["vendor_id"].to_list() == ["acme"]
    con.close()


def test_an_invalid_vendor_toml_skips_that_vendor_and_keeps_what_it_loaded(tmp_path: Path) -> None:
    ws = workspace(tmp_path / "ws")
    db = tmp_path / "s.duckdb"
    ingest(ws, db)
    edit(ws / "beta" / "vendor.toml", 'timezone = "UTC"', 'timezone = "Mars/Olympus"')
    write(
        ws / "acme" / "cdr" / "2026-06.csv",
        CDR_MAY.replace("m1", "j1").replace("m2", "j2").replace(".05.", ".06."),
    )
    code, out = ingest(ws, db)
    assert code == 1
    assert "Problem: Vendor beta skipped (what it loaded is kept): Invalid configuration in" in out
    assert "unknown time zone 'Mars/Olympus'" in out
    assert "loaded    acme/cdr/2026-06.csv  calls" in out  # the other vendor still loads
    con = duckdb.connect(str(db), read_only=True)
    assert con.sql("select count(*) from raw_calls where vendor_id = 'beta'").fetchall() == [(1,)]
    assert con.sql("select name from vendors where vendor_id = 'beta'").fetchall() == [("Beta",)]
    con.close()


def test_a_files_pattern_that_matches_nothing_keeps_the_rows_it_loaded(
    workspace: Path, tmp_path: Path
) -> None:
    """A typo in `files` ("call/*.csv") would make the export read no file and remove everything it loaded
    with exit 0: the loads are held back with a warning naming the pattern, until the pattern is fixed or
    --accept-empty says the export really has no files any more."""
    dbfile = tmp_path / "s.duckdb"
    first = load(workspace, dbfile)
    loaded = {f.path: f.rows for f in first.files if f.table == "calls"}
    assert loaded and all(f.status == "loaded" for f in first.files)
    toml = workspace / "acme" / "vendor.toml"
    toml.write_text(toml.read_text().replace('files = "calls/*.csv"', 'files = "call/*.csv"'))
    typo = load(workspace, dbfile)
    held = [f for f in typo.files if f.status == "held"]
    assert {f.path: f.rows for f in held} == loaded and not typo.removed
    assert "files = 'call/*.csv' of acme/vendor.toml matches no file now" in held[0].message
    assert "--accept-empty" in held[0].message
    con = database.connect(dbfile, read_only=True)
    try:
        assert database.scalar(con, "select count(*) from raw_calls") == sum(loaded.values())  # nothing lost
    finally:
        con.close()
    out = CliRunner().invoke(app, ["ingest", str(workspace), "--db", str(dbfile)])
    assert "Held back: acme/calls/" in out.output and out.exit_code == 0
    emptied = load(workspace, dbfile, accept_empty=True)
    assert {f.path for f in emptied.removed} == set(loaded)  # asked for: the rows leave


def test_two_vendors_with_one_name_is_a_problem_that_names_both(workspace: Path, tmp_path: Path) -> None:
    """A second folder copied from the first keeps its name: the ranking would read "Acme Contact leads
    Acme Contact". The copy is skipped with the reason (the first loads); ingest exits 1 until renamed."""
    shutil.copytree(workspace / "acme", workspace / "acme2")
    dbfile = tmp_path / "s.duckdb"
    report = load(workspace, dbfile)
    assert not report.ok
    assert report.problems == [
        "Vendor acme2 skipped (what it loaded is kept): acme2/vendor.toml: name 'Acme Contact' is already "
        "the name of vendor acme (acme/); rankings and reviews tell vendors apart by name. Give this vendor "
        "a name of its own."
    ]
    assert {f.vendor_id for f in report.files} == {"acme"}
    toml = workspace / "acme2" / "vendor.toml"
    toml.write_text(toml.read_text().replace("Acme Contact", "Acme Contact Lyon"))
    again = load(workspace, dbfile)
    assert again.ok and {f.vendor_id for f in again.files} == {"acme", "acme2"}
