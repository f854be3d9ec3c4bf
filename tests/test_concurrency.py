"""Readers and the writer never block each other: `scorecard kpis` and an app page read while an ingest
runs in another process, each sees the data from before or after it (never a mix, never an error), and a
second ingest at the same time stops at once naming the first."""

from __future__ import annotations

import subprocess
import sys
import time
from pathlib import Path

import polars as pl
import pytest
from publish_fixtures import ROOT, SCORECARD, Demo, build_demo, start_ingest, wait_for
from streamlit.testing.v1 import AppTest
from typer.testing import CliRunner

from scorecard.cli import app
from scorecard.ingest import db
from scorecard.ingest import run as load


@pytest.fixture(scope="module")
def base(tmp_path_factory) -> Demo:
    return build_demo(tmp_path_factory.mktemp("concurrency"))


def _read(dbfile: Path) -> tuple[int, str, float]:
    """`scorecard kpis --db DB` in a process of its own: exit code, standard output, seconds."""
    start = time.perf_counter()
    done = subprocess.run(
        [str(SCORECARD), "kpis", "--db", str(dbfile)], capture_output=True, text=True, timeout=120
    )
    return done.returncode, done.stdout, time.perf_counter() - start


def test_cli_reads_during_an_ingest_see_the_old_or_the_new_data(base: Demo, tmp_path: Path) -> None:
    work = base.copy(tmp_path / "w")
    code, old, quiet_s = _read(work.db)
    assert code == 0
    work.add_back()
    ingest = start_ingest(work, "-q")
    wait_for(lambda: work.building() or ingest.poll() is not None, what="the ingest's private copy")
    second = CliRunner().invoke(app, ["ingest", str(work.ws), "--db", str(work.db), "-q"])
    second_during = ingest.poll() is None
    reads = []  # (started while an ingest ran, exit code, output, seconds)
    while ingest.poll() is None or not reads:
        during = ingest.poll() is None
        reads.append((during, *_read(work.db)))
    _, err = ingest.communicate()
    assert ingest.returncode == 0, err
    code, new, _ = _read(work.db)
    assert code == 0 and new != old

    assert second_during, "the ingest ended before the second one started"
    assert second.exit_code == 1
    assert second.output.startswith(
        f"Error: Another ingest of {work.db} is running (pid {ingest.pid}, started "
    ), second.output
    assert any(during for during, *_ in reads), "no read started while the ingest ran"
    for _, code, text, _ in reads:
        assert code == 0
        assert text in (old, new), "a read saw neither the data before nor after the ingest"
    print(f"quiet read {quiet_s:.2f} s; during the ingest: {[round(r[3], 2) for r in reads]} s")


def _names(dbfile: Path) -> dict[str, str]:
    con = db.connect(dbfile, read_only=True)
    try:
        return dict(con.execute("select vendor_id, name from vendors").fetchall())
    finally:
        con.close()


def test_an_app_page_loads_during_an_ingest(base: Demo, tmp_path: Path, monkeypatch) -> None:
    work = base.copy(tmp_path / "w")
    old = set(_names(work.db).values())
    work.add_back()
    monkeypatch.setenv("SCORECARD_WORKSPACE", str(work.ws))
    monkeypatch.setenv("SCORECARD_DB", str(work.db))
    ingest = start_ingest(work, "-q")
    wait_for(lambda: work.building() or ingest.poll() is not None, what="the ingest's private copy")
    during = ingest.poll() is None
    at = AppTest.from_file(str(ROOT / "app.py"), default_timeout=120)
    at.run()
    at.switch_page("app_pages/compare.py").run()
    assert not at.exception
    shown = {c for c in pl.from_pandas(at.dataframe[0].value).columns}
    _, err = ingest.communicate()
    assert ingest.returncode == 0, err
    assert during, "the ingest ended before the page started loading"
    new = set(_names(work.db).values())
    assert len(new) == 5 and len(old) == 2
    assert shown & new in (old, new)  # the vendors of one version of the database, not of both


def test_one_app_run_reads_one_version_of_the_database(workspace: Path, tmp_path: Path) -> None:
    sys.path.insert(0, str(ROOT))
    from app_pages import _common as c

    dbfile = tmp_path / "s.duckdb"
    assert load.ingest(workspace, dbfile).ok
    p = c.Paths(workspace, dbfile)
    first = c.stamp(dbfile)

    def calls(con) -> int:
        return db.scalar(con, "select count(*) from raw_calls")

    assert c.read(p, calls, version=first) == 3
    (workspace / "acme" / "calls" / "2026-05.csv").write_text(
        "call_id,program,arrived_at,outcome,wait_s,talk_s,hold_s,acw_s,transferred,resolved\n"
        "m1,sales,2026-05-04 09:00:00,answered,5,60,0,10,false,true\n"
    )
    assert load.ingest(workspace, dbfile).ok  # swapped in while the run that saw `first` goes on
    with pytest.raises(c.DatabaseChanged):  # app.py reruns, rather than show old and new side by side
        c.read(p, calls, version=first)
    assert c.stamp(dbfile) != first
    assert c.read(p, calls, version=c.stamp(dbfile)) == 4  # c1..c3 and m1
