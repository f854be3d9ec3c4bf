"""An ingest writes a private copy and swaps it in: killed at any moment (SIGKILL), interrupted by an error,
or left with a write-ahead log by an older writer, it leaves a database that every command reads with the
numbers from before, and the next ingest completes."""

from __future__ import annotations

import errno
import os
import subprocess
import sys
from pathlib import Path

import pytest
from publish_fixtures import ADDED_VENDORS, SCORECARD, Demo, build_demo, kpis_text, start_ingest, wait_for
from typer.testing import CliRunner

from scorecard.cli import app
from scorecard.errors import DatabaseError
from scorecard.ingest import db, publish
from scorecard.ingest.run import ingest
from scorecard.metrics.kpis import kpis
from scorecard.sql.build import Builder


@pytest.fixture(scope="module")
def demo(tmp_path_factory) -> tuple[Demo, str]:
    """The demo without ADDED_VENDORS, ingested; and `scorecard kpis` on it."""
    built = build_demo(tmp_path_factory.mktemp("publish"))
    return built, kpis_text(built.db)


def _calls(path: Path) -> int:
    con = db.connect(path, read_only=True)
    try:
        return db.scalar(con, "select count(*) from raw_calls")
    finally:
        con.close()


def _kill_when(demo: Demo, moment: str, line: str | None) -> None:
    """Start an ingest, kill it with SIGKILL at `moment` (when its progress shows `line`, or as soon as
    its private copy exists), and check that it was killed while writing."""
    proc = start_ingest(demo)
    try:
        if line is None:
            wait_for(lambda: demo.building() or proc.poll() is not None, what="the private copy")
        else:
            for text in proc.stderr:  # progress lines: "[12/108] cn_hanyu: cdr_2026-03.csv"
                if line in text:
                    break
    finally:
        proc.kill()
        proc.wait()
    assert proc.returncode == -9, f"{moment}: the ingest ended before it was killed"
    assert demo.building(), f"{moment}: killed before it copied the database"


#: When each SIGKILL lands: as soon as the private copy exists, or when the progress shows a line.
MOMENTS = [
    ("as soon as the copy exists", None),
    ("while the first added vendor loads", "cn_hanyu: "),
    ("in the middle of the last vendor", "us_northstar: 2026-04.jsonl"),
    ("while the daily components are built", "building the daily components"),
]


def test_a_killed_ingest_leaves_the_database_as_it_was(demo, tmp_path: Path) -> None:
    base, before = demo
    work = base.copy(tmp_path / "w")
    work.add_back()
    calls = _calls(base.db)
    for moment, line in MOMENTS:  # one after the other: each also starts among the last one's leftovers
        _kill_when(work, moment, line)
        assert kpis_text(work.db) == before, moment  # every number as before, read by the command
        assert _calls(work.db) == calls, moment
        assert not Path(f"{work.db}.wal").exists(), moment
        assert len(work.building()) == 1, moment  # the killed one's; those before it were removed
    leftover = work.building()[0].name
    # the next ingest removes the leftover, says so, and loads the added vendors
    result = CliRunner().invoke(app, ["ingest", str(work.ws), "--db", str(work.db), "-q"])
    assert result.exit_code == 0, result.output
    assert f"Removed {leftover}, left by an ingest or build that was killed." in result.output
    assert not work.building()
    con = db.connect(work.db, read_only=True)
    try:
        vendors = kpis(con)["vendor_id"].to_list()
    finally:
        con.close()
    assert sorted(vendors) == sorted(["hu_duna", "ru_volga", *ADDED_VENDORS])


def test_an_error_inside_the_ingest_publishes_nothing(workspace: Path, tmp_path: Path, monkeypatch) -> None:
    dbfile = tmp_path / "s.duckdb"
    assert ingest(workspace, dbfile).ok
    before = kpis_text(dbfile)
    (workspace / "acme" / "calls" / "2026-04.csv").write_text(
        "call_id,program,arrived_at,outcome,wait_s,talk_s,hold_s,acw_s,transferred,resolved\n"
        "c9,sales,2026-04-16 09:00:00,answered,5,60,0,10,false,true\n"
    )

    def broken(self) -> None:
        raise RuntimeError("the build failed")

    monkeypatch.setattr(Builder, "finish", broken)
    with pytest.raises(RuntimeError, match="the build failed"):
        ingest(workspace, dbfile)
    assert kpis_text(dbfile) == before  # the replaced file's rows are not in the published database
    assert sorted(p.name for p in tmp_path.iterdir()) == ["s.duckdb", "s.duckdb.lock", "ws"]
    monkeypatch.undo()
    report = ingest(workspace, dbfile)  # the lock was released: the next ingest runs
    first = report.files[0]
    assert (first.path, first.status, first.rows) == ("acme/calls/2026-04.csv", "replaced", 1)


def test_a_second_writer_stops_at_once_and_names_the_first(workspace: Path, tmp_path: Path) -> None:
    dbfile = tmp_path / "s.duckdb"
    with publish.writer_lock(dbfile, "ingest"):
        result = CliRunner().invoke(app, ["ingest", str(workspace), "--db", str(dbfile)])
        holder = (tmp_path / "s.duckdb.lock").read_text()
        with pytest.raises(DatabaseError, match=r"Another ingest of .* is running \(pid \d+, started "):
            ingest(workspace, dbfile)
    assert result.exit_code == 1
    assert result.output.startswith(f"Error: Another ingest of {dbfile} is running (pid ")
    assert "wait for it to finish and try again (`scorecard ingest --wait` waits by itself)." in result.output
    assert holder.startswith("pid=") and holder.endswith(" what=ingest\n")
    assert not dbfile.exists()  # nothing was written by the refused ingest
    assert ingest(workspace, dbfile).ok  # the lock is free again


def test_a_write_ahead_log_left_by_an_older_writer_is_kept(workspace: Path, tmp_path: Path) -> None:
    dbfile = tmp_path / "s.duckdb"
    assert ingest(workspace, dbfile).ok
    # a program that writes the file in place and dies before its checkpoint leaves s.duckdb.wal
    crash = (
        "import duckdb, os, sys\n"
        "con = duckdb.connect(sys.argv[1])\n"
        "con.execute('set checkpoint_threshold = \\'1TB\\'')\n"
        "con.execute('create table note as select 42 as answer')\n"
        "os._exit(0)\n"
    )
    subprocess.run([sys.executable, "-c", crash, str(dbfile)], check=True)
    assert Path(f"{dbfile}.wal").exists()
    assert ingest(workspace, dbfile).ok
    assert not Path(f"{dbfile}.wal").exists()
    con = db.connect(dbfile, read_only=True)
    try:
        assert con.execute("select answer from note").fetchall() == [(42,)]  # its commit survived
    finally:
        con.close()


#: A reader in a process of its own: opens the database read-only, says so, and on each line of its
#: input counts the calls it sees, on the same connection.
HOLDER = """
import sys
import duckdb
con = duckdb.connect(sys.argv[1], read_only=True)
print("open", flush=True)
for _ in sys.stdin:
    print(con.execute("select count(*) from raw_calls").fetchall()[0][0], flush=True)
"""


def test_a_reader_keeps_its_snapshot_while_an_ingest_publishes(workspace: Path, tmp_path: Path) -> None:
    dbfile = tmp_path / "s.duckdb"
    assert ingest(workspace, dbfile).ok
    reader = subprocess.Popen(  # holds the file open during the whole ingest
        [sys.executable, "-c", HOLDER, str(dbfile)], stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True
    )
    try:
        assert reader.stdout.readline() == "open\n"
        (workspace / "acme" / "calls" / "2026-05.csv").write_text(
            "call_id,program,arrived_at,outcome,wait_s,talk_s,hold_s,acw_s,transferred,resolved\n"
            "m1,sales,2026-05-04 09:00:00,answered,5,60,0,10,false,true\n"
        )
        report = ingest(workspace, dbfile)  # never waits for the reader, never fails because of it
        assert report.ok and report.count("loaded") == 1
        reader.stdin.write("count\n")
        reader.stdin.flush()
        assert reader.stdout.readline() == "3\n"  # c1..c3: the file it opened, whole
    finally:
        reader.stdin.close()
        reader.wait(timeout=60)
    assert _calls(dbfile) == 4  # the next open sees the new file: c1..c3 and m1


def test_with_wait_a_second_ingest_starts_when_the_first_ends(workspace: Path, tmp_path: Path) -> None:
    dbfile = tmp_path / "s.duckdb"
    with publish.writer_lock(dbfile, "build"):
        waiting = subprocess.Popen(
            [str(SCORECARD), "ingest", str(workspace), "--db", str(dbfile), "-q", "--wait"],
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
        )
        said = waiting.stderr.readline()  # it says whom it waits for, then waits
        assert waiting.poll() is None and not dbfile.exists()
    out, _ = waiting.communicate(timeout=120)
    assert said.startswith(f"Another build of {dbfile} is running (pid {os.getpid()}, started ")
    assert said.endswith("; waiting for it to finish…\n")
    assert waiting.returncode == 0
    assert "2 file(s): 2 loaded." in out


def test_a_build_while_an_ingest_runs_is_refused_and_changes_nothing(workspace: Path, tmp_path: Path) -> None:
    dbfile = tmp_path / "s.duckdb"
    assert ingest(workspace, dbfile).ok
    before = dbfile.stat()
    with publish.writer_lock(dbfile, "ingest"):
        result = CliRunner().invoke(app, ["build", "--db", str(dbfile)])
    assert result.exit_code == 1
    assert result.output.startswith(f"Error: Another ingest of {dbfile} is running (pid {os.getpid()}, ")
    assert (dbfile.stat().st_ino, dbfile.stat().st_mtime_ns) == (before.st_ino, before.st_mtime_ns)
    result = CliRunner().invoke(app, ["build", "--db", str(dbfile)])  # the lock is free: it builds
    assert result.exit_code == 0, result.output
    assert dbfile.stat().st_ino != before.st_ino  # a new file, swapped in
    assert sorted(p.name for p in tmp_path.iterdir()) == ["s.duckdb", "s.duckdb.lock", "ws"]


def test_no_room_for_the_copy_is_a_message_and_changes_nothing(workspace: Path, tmp_path: Path, monkeypatch):
    dbfile = tmp_path / "s.duckdb"
    assert ingest(workspace, dbfile).ok
    before = kpis_text(dbfile)
    toml = workspace / "acme" / "vendor.toml"  # a change, so the ingest has something to write
    toml.write_text(toml.read_text().replace("Acme Contact", "Acme Contact SAS"))

    def full(src: Path, dst: Path) -> None:
        dst.write_bytes(b"\0" * 4096)  # part of the copy, then the disk is full
        raise OSError(errno.ENOSPC, os.strerror(errno.ENOSPC))

    monkeypatch.setattr(publish, "_copy", full)
    result = CliRunner().invoke(app, ["ingest", str(workspace), "--db", str(dbfile), "-q"])
    assert result.exit_code == 1
    size = dbfile.stat().st_size / 2**20
    assert result.output == (
        f"Error: Cannot copy the database {dbfile} to s.duckdb.building-{os.getpid()} to write on: No space "
        f"left on device. An ingest needs free space beside the database as large as it ({size:,.0f} MB); "
        "nothing was changed.\n"
    )
    assert sorted(p.name for p in tmp_path.iterdir()) == ["s.duckdb", "s.duckdb.lock", "ws"]
    assert kpis_text(dbfile) == before


def test_an_ingest_with_nothing_to_change_does_not_copy_the_database(
    workspace: Path, tmp_path: Path, monkeypatch
) -> None:
    """Re-ingesting what is loaded leaves the file as it is (same inode, no copy, no free space needed);
    the next change is copied and published as usual."""
    dbfile = tmp_path / "s.duckdb"
    first = ingest(workspace, dbfile)
    assert first.ok and {f.status for f in first.files} == {"loaded"}
    before, text = dbfile.stat(), kpis_text(dbfile)

    def no_copy(src: Path, dst: Path) -> None:
        raise AssertionError(f"copied {src} although nothing changed")

    monkeypatch.setattr(publish, "_copy", no_copy)
    again = ingest(workspace, dbfile)
    assert again.ok and again.copy_seconds == 0.0
    assert [(f.path, f.status, f.rows) for f in again.files] == [
        (f.path, "unchanged", f.rows) for f in first.files
    ]
    assert again.audits is not None and again.audits.passed == first.audits.passed  # the audits still run
    assert (dbfile.stat().st_ino, dbfile.stat().st_mtime_ns) == (before.st_ino, before.st_mtime_ns)
    assert kpis_text(dbfile) == text
    monkeypatch.undo()

    # one changed setting: copied, written and swapped in
    toml = workspace / "acme" / "vendor.toml"
    toml.write_text(toml.read_text().replace("Acme Contact", "Acme Contact SAS"))
    changed = ingest(workspace, dbfile)
    assert changed.ok and changed.settings_changed
    assert dbfile.stat().st_ino != before.st_ino
    con = db.connect(dbfile, read_only=True)
    try:
        assert con.execute("select name from vendors").fetchall() == [("Acme Contact SAS",)]
    finally:
        con.close()


def test_a_file_changed_after_the_comparison_is_hashed_again(workspace: Path, tmp_path: Path) -> None:
    """The digests taken before the copy are reused only while a file's size and mtime are unchanged."""
    from scorecard.ingest.prepare import Digests, sha256

    csv = next((workspace / "acme" / "calls").glob("*.csv"))
    digests = Digests()
    first = digests.of(csv)
    assert first == sha256(csv)
    csv.write_text(csv.read_text() + "\n")  # one byte more
    assert digests.of(csv) == sha256(csv) != first
