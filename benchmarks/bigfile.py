"""Peak memory of the ingest of one large file: the batched path against the whole-file path, in one run.

    uv run python benchmarks/run.py --stages bigfile [--bigfile-calls 25000000]

Generates (once, under `benchmarks/data/bigfile-<calls>/`) one vendor's year of call records as a single
canonical CSV (25M calls: about 2.1 GB) and ingests it twice in fresh processes, each into a new database:
as shipped (files from `scorecard.ingest.batched.MIN_BYTES` on are read in batches) and with the batches
turned off (the whole file read, validated and inserted at once, as before). The peak RSS of each process
comes from `os.wait4` (`run.run_stage`).
"""

from __future__ import annotations

import json
import shutil
from pathlib import Path
from typing import Any

from benchmarks import generate

#: Calls per generated part before the parts are joined into one file (bounds the generator's memory).
PART_ROWS = 5_000_000


def make(data: Path, calls: int) -> Path:
    """The workspace with one calls file of `calls` rows (built once; reused while it is complete)."""
    root = data / f"bigfile-{calls}"
    ws, done = root / "ws", root / "ws" / "complete.json"
    if done.exists():
        return ws
    parts = generate.generate(root / "parts", generate.Spec(calls=calls, vendors=1, chunk_rows=PART_ROWS))
    shutil.rmtree(ws, ignore_errors=True)
    shutil.copytree(parts, ws, ignore=shutil.ignore_patterns("*.csv", "generated.json"))
    shutil.copy(parts / "fx_rates.csv", ws / "fx_rates.csv")
    target = ws / "v01" / "calls" / "all.csv"
    target.parent.mkdir(parents=True, exist_ok=True)
    with target.open("wb") as out:
        for n, part in enumerate(generate.csv_files(parts)):
            with part.open("rb") as fh:
                header = fh.readline()
                if n == 0:
                    out.write(header)
                shutil.copyfileobj(fh, out, 16 << 20)
    shutil.rmtree(parts)
    done.write_text(json.dumps({"calls": calls, "bytes": target.stat().st_size}) + "\n", encoding="utf-8")
    return ws


def make_duplicates(data: Path, calls: int) -> Path:
    """A workspace whose one calls file repeats the same call `calls` times (rejected: call_id repeats)."""
    root = data / f"duplicates-{calls}"
    done = root / "complete.json"
    if done.exists():
        return root
    shutil.rmtree(root, ignore_errors=True)
    (root / "v01" / "calls").mkdir(parents=True)
    (root / "scorecard.toml").write_text('base_currency = "EUR"\n', encoding="utf-8")
    (root / "v01" / "vendor.toml").write_text(
        'name = "Vendor v01"\ntimezone = "Europe/Paris"\ncurrency = "EUR"\n\n[[exports]]\n'
        'table = "calls"\nformat = "canonical"\nfiles = "calls/*.csv"\n',
        encoding="utf-8",
    )
    line = b"v01-000000001,billing,2025-01-01 01:00:01,answered,21,436,60,58,false,false,h398,v01-a53,\n"
    with (root / "v01" / "calls" / "same.csv").open("wb") as out:
        out.write(b"call_id,program,arrived_at,outcome,wait_s,talk_s,hold_s,acw_s,transferred,resolved,"
                  b"caller_key,agent_id,revenue\n")  # fmt: skip
        for _ in range(calls // 100_000):
            out.write(line * 100_000)
    done.write_text(json.dumps({"calls": calls}) + "\n", encoding="utf-8")
    return root


def rejected_ingest(workspace: str, db: str, whole: bool = False) -> dict[str, Any]:
    """Ingest a workspace whose file must be rejected; the seconds and the message's first two lines."""
    import time

    from scorecard.ingest import batched
    from scorecard.ingest.run import ingest

    if whole:
        batched.MIN_BYTES = 1 << 62
    Path(db).unlink(missing_ok=True)
    start = time.perf_counter()
    report = ingest(workspace, db)
    [file] = report.files
    if file.status != "rejected":
        raise RuntimeError(f"expected the file to be rejected, it was {file.status}")
    return {
        "available": True,
        "seconds": time.perf_counter() - start,
        "message": file.message.splitlines()[:2],
    }


def whole_file_ingest(workspace: str, db: str) -> dict[str, Any]:
    """The `scorecard_ingest` stage with batches turned off: every file read, validated and loaded whole."""
    from benchmarks.stages import scorecard_ingest
    from scorecard.ingest import batched

    batched.MIN_BYTES = 1 << 62
    return scorecard_ingest(workspace, db)


def bench(data: Path, calls: int, duplicate_calls: int = 8_000_000) -> dict[str, Any]:
    """Batched (ours) vs whole-file (reference) ingest of the one large file, and of a file of
    `duplicate_calls` identical rows (rejected): seconds and peak RSS."""
    from benchmarks.run import run_stage

    ws = make(data, calls)
    db = ws.parent / "scorecard.duckdb"
    size = (ws / "v01" / "calls" / "all.csv").stat().st_size
    ours = run_stage("scorecard_ingest", workspace=str(ws), db=str(db))
    reference = run_stage("whole_file_ingest", workspace=str(ws), db=str(db))
    for suffix in ("", ".wal"):
        Path(f"{db}{suffix}").unlink(missing_ok=True)
    result = {"ours": ours, "reference": reference, "reference_name": "whole file", "file_mb": size / 2**20}
    if "seconds" in ours and "seconds" in reference:
        result["ratio"] = ours["seconds"] / reference["seconds"]
    dup = make_duplicates(data, duplicate_calls)
    dup_db = dup.parent / "duplicates.duckdb"
    result["duplicates"] = {
        "file_mb": (dup / "v01" / "calls" / "same.csv").stat().st_size / 2**20,
        "ours": run_stage("rejected_ingest", workspace=str(dup), db=str(dup_db)),
        "reference": run_stage("rejected_ingest", workspace=str(dup), db=str(dup_db), whole=True),
    }
    for suffix in ("", ".wal"):
        Path(f"{dup_db}{suffix}").unlink(missing_ok=True)
    return result
