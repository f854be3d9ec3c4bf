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


def whole_file_ingest(workspace: str, db: str) -> dict[str, Any]:
    """The `scorecard_ingest` stage with batches turned off: every file read, validated and loaded whole."""
    from benchmarks.stages import scorecard_ingest
    from scorecard.ingest import batched

    batched.MIN_BYTES = 1 << 62
    return scorecard_ingest(workspace, db)


def bench(data: Path, calls: int) -> dict[str, Any]:
    """Batched (ours) vs whole-file (reference) ingest of the one large file: seconds and peak RSS."""
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
    return result
