"""Large canonical files load in bounded batches (scorecard.ingest.batched) with exactly the outcome of the
whole-file path: the same rows, warnings, messages and line numbers.

Here every canonical CSV counts as large (`MIN_BYTES = 0`) and batches hold two or three lines, so a file
of a few lines spans several batches. The load and never-silently-wrong suites run again in this mode
(imported below), and the tests of this file load the same dirty files both ways and compare the results.
"""

from __future__ import annotations

from pathlib import Path

import duckdb
import pytest
from conftest import write
from test_load import *  # noqa: F403 (the load suite again, in batches)
from test_never_silently_wrong import *  # noqa: F403

from scorecard.ingest import batched, run

HEADER = "call_id,program,arrived_at,outcome,wait_s,talk_s,hold_s,acw_s,transferred,resolved"


@pytest.fixture(autouse=True)
def in_batches(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(batched, "MIN_BYTES", 0)
    monkeypatch.setattr(batched, "BATCH_BYTES", 150)  # two or three lines


Reports = tuple[run.IngestReport, run.IngestReport]


def both_ways(ws: Path, tmp: Path, monkeypatch: pytest.MonkeyPatch, staged: bool | None = True) -> Reports:
    """The workspace ingested in batches of 150 bytes, then whole (into separate databases); `staged`: the
    calls file went through the batched path (False: it fell back to the whole-file path; None: it was
    refused before any batch)."""
    results: list[batched.Batched | None] = []
    real_stage = batched.stage

    def stage(*args):  # the real one, recording whether it staged the file
        results.append(real_stage(*args))
        return results[-1]

    monkeypatch.setattr(batched, "stage", stage)
    in_batches = run.ingest(ws, tmp / "batched.duckdb")
    if staged is not None:  # [0]: the calls file, [1]: costs
        assert results and (results[0] is not None) == staged
    monkeypatch.setattr(batched, "MIN_BYTES", 1 << 62)
    whole = run.ingest(ws, tmp / "whole.duckdb")
    return in_batches, whole


def raw_calls(db: Path) -> list[tuple]:
    con = duckdb.connect(str(db), read_only=True)
    try:
        return con.execute("select * exclude (export_key) from raw_calls order by source_row").fetchall()
    finally:
        con.close()


def calls_file(workspace: Path, *lines: str) -> None:
    write(workspace / "acme" / "calls" / "2026-04.csv", "\n".join([HEADER, *lines]) + "\n")


def test_a_clean_file_in_batches_loads_the_same_rows(workspace: Path, tmp_path: Path, monkeypatch) -> None:
    # 7 calls in several batches of two or three lines; c4, answered, has no resolved flag
    calls_file(
        workspace,
        *(f"c{i},sales,2026-04-15 10:0{i}:00,answered,{i},100,0,20,false,true" for i in range(1, 4)),
        "c4,sales,2026-04-15 10:04:00,answered,4,100,0,20,false,",
        *(f"c{i},sales,2026-04-15 10:0{i}:00,abandoned,{i},0,0,0,false," for i in range(5, 8)),
    )
    batches = list(batched.chunks(workspace / "acme" / "calls" / "2026-04.csv"))
    # lines of ~60 bytes: 2 in the first 150 bytes, then 3 (with the carried part of a line), 3
    assert [line for line, _ in batches] == [2, 4, 7]
    assert sum(text.count(b"\n") - 1 for _, text in batches) == 7  # every line once, a header each
    staged, whole = both_ways(workspace, tmp_path, monkeypatch)
    assert staged.ok and whole.ok
    assert [f.rows for f in staged.files] == [f.rows for f in whole.files] == [7, 1]
    assert [f.warnings for f in staged.files] == [f.warnings for f in whole.files]
    assert raw_calls(tmp_path / "batched.duckdb") == raw_calls(tmp_path / "whole.duckdb")
    assert len(raw_calls(tmp_path / "batched.duckdb")) == 7


def test_duplicates_across_batches_are_named_as_pandera_names_them(
    workspace: Path, tmp_path: Path, monkeypatch
) -> None:
    # c1 on lines 2 and 6, c9 on lines 4, 8 and 9 (in different batches): 5 rows break
    # "must be unique in the file", told as one problem per key (2); line 7 also has a negative wait
    # (a second kind of problem): 2 + 1 = 3 problems
    ok = "sales,2026-04-15 10:00:00,answered,5,100,0,20,false,true"
    calls_file(workspace, f"c1,{ok}", f"c2,{ok}", f"c9,{ok}", f"c3,{ok}", f"c1,{ok}",
          "c5,sales,2026-04-15 10:00:00,answered,-5,100,0,20,false,true", f"c9,{ok}", f"c9,{ok}")  # fmt: skip
    staged, whole = both_ways(workspace, tmp_path, monkeypatch)
    assert staged.files[0].status == whole.files[0].status == "rejected"
    assert staged.files[0].message == whole.files[0].message
    assert staged.files[0].message.splitlines()[:3] == [
        "acme/calls/2026-04.csv: 3 problem(s); nothing from this file was loaded into 'calls'.",
        "  line 2, column 'call_id', value 'c1': call_id 'c1' appears on lines 2 and 6: a key must be unique "
        "in the file (rule unique_key)",
        "  line 4, column 'call_id', value 'c9': call_id 'c9' appears on lines 4, 8 and 9: a key must be "
        "unique in the file (rule unique_key)",
    ]
    assert raw_calls(tmp_path / "batched.duckdb") == []


def test_a_value_the_fast_reader_cannot_parse_falls_back_to_the_whole_file(
    workspace: Path, tmp_path: Path, monkeypatch
) -> None:
    # line 6 (batch 2) has 'ten' for a number: the whole-file reader names it
    ok = "sales,2026-04-15 10:00:00,answered,5,100,0,20,false,true"
    calls_file(workspace, f"c1,{ok}", f"c2,{ok}", f"c3,{ok}", f"c4,{ok}",
          "c5,sales,2026-04-15 10:00:00,answered,ten,100,0,20,false,true")  # fmt: skip
    staged, whole = both_ways(workspace, tmp_path, monkeypatch, staged=False)
    assert staged.files[0].message == whole.files[0].message
    assert "  line 6, column 'wait_s', value 'ten': not a number" in staged.files[0].message.splitlines()


def test_a_file_cut_off_mid_line_is_named_by_its_workspace_path(
    workspace: Path, tmp_path: Path, monkeypatch
) -> None:
    # the last line has no line break (the file may have been cut inside it): refused, line 4 named
    ok = "sales,2026-04-15 10:00:00,answered,5,100,0,20,false,true"
    write(
        workspace / "acme" / "calls" / "2026-04.csv",
        f"{HEADER}\nc1,{ok}\nc2,{ok}\nc3,sales,2026-04-15 10:00:00,answ",
    )
    staged, whole = both_ways(workspace, tmp_path, monkeypatch, staged=None)
    assert staged.files[0].status == "rejected"
    assert staged.files[0].message == whole.files[0].message
    assert staged.files[0].message.startswith("acme/calls/2026-04.csv: 1 problem(s)")
