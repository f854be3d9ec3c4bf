"""The benchmark stages, one function each; `run.py` runs every stage in its own process.

Run one stage by hand: `uv run python -m benchmarks.stages STAGE '{"db": "...", ...}'`. The stage prints
its result as one JSON line; the parent reads the process's peak RSS from `os.wait4`.
A stage whose module does not exist yet returns `{"available": false, "reason": ...}`.
"""

from __future__ import annotations

import importlib
import importlib.util
import json
import sys
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))


def _missing(*modules: str) -> str | None:
    """The first module of `modules` that cannot be imported yet (None when all exist)."""
    for name in modules:
        if importlib.util.find_spec(name) is None:
            return name
    return None


def _unavailable(what: str) -> dict[str, Any]:
    return {"available": False, "reason": f"{what} does not exist yet"}


def _timed(func: Callable[[], Any], repeat: int) -> tuple[list[float], Any]:
    """Run `func` `repeat` times; the wall-clock seconds of each run and the last result."""
    times, result = [], None
    for _ in range(max(repeat, 1)):
        start = time.perf_counter()
        result = func()
        times.append(time.perf_counter() - start)
    return times, result


def duckdb_load(workspace: str, db: str) -> dict[str, Any]:
    """DuckDB alone: `create table as select * from read_csv(...)` of every call CSV into a fresh file."""
    import duckdb

    Path(db).unlink(missing_ok=True)
    start, cpu = time.perf_counter(), time.process_time()
    con = duckdb.connect(db)
    con.execute(
        "create table calls as select * from read_csv(?)", [str(Path(workspace) / "*" / "calls" / "*.csv")]
    ).fetchall()
    rows = con.execute("select count(*) from calls").fetchall()[0][0]
    con.close()
    seconds, cpu = time.perf_counter() - start, time.process_time() - cpu
    return {"available": True, "seconds": seconds, "cpu_seconds": cpu, "rows": rows}


def scorecard_ingest(workspace: str, db: str, build: bool = True) -> dict[str, Any]:
    """Our end-to-end ingest (read, adapt, pandera validation, load, provenance, views) into a fresh file;
    with `build`, also the materialised daily components that the KPI reads use (`--no-build` skips it)."""
    from scorecard.ingest.run import ingest

    Path(db).unlink(missing_ok=True)
    Path(db + ".wal").unlink(missing_ok=True)
    start, cpu = time.perf_counter(), time.process_time()
    report = ingest(workspace, db, build=build)
    seconds, cpu = time.perf_counter() - start, time.process_time() - cpu
    rejected = [f.message for f in report.files if f.status == "rejected"]
    if rejected or report.problems:
        raise RuntimeError(f"ingest failed: {(rejected + report.problems)[0]}")
    return {
        "available": True,
        "seconds": seconds,
        "cpu_seconds": cpu,
        "rows": sum(f.rows or 0 for f in report.files),
        "files": len(report.files),
        "build_seconds": report.build_seconds if build else 0.0,
    }


def scorecard_reingest(workspace: str, db: str) -> dict[str, Any]:
    """Ingest again into the same database: every file unchanged (hash compare only)."""
    from scorecard.ingest.run import ingest

    start = time.perf_counter()
    report = ingest(workspace, db)
    seconds = time.perf_counter() - start
    return {"available": True, "seconds": seconds, "unchanged": report.count("unchanged")}


def sql_kpis(db: str, repeat: int = 3, out: str | None = None) -> dict[str, Any]:
    """Every KPI for all vendors at quarter grain from the database file (first run, then best of N)."""
    if missing := _missing("scorecard.metrics.kpis", "scorecard.sql.views"):
        return _unavailable(missing)
    from scorecard.ingest import db as scdb
    from scorecard.metrics.kpis import kpis

    start = time.perf_counter()
    con = scdb.connect(db, read_only=True)
    first = kpis(con, grain="quarter")
    cold = time.perf_counter() - start
    times, frame = _timed(lambda: kpis(con, grain="quarter"), repeat)
    con.close()
    if out:
        frame.write_parquet(out)
    return {"available": True, "cold_seconds": cold, "seconds": min(times), "runs": times,
            "rows": first.height}  # fmt: skip


def pandas_kpis(db: str, sql_frame: str | None = None) -> dict[str, Any]:
    """The pandas baseline from the same database file (load + compute), checked against the SQL KPIs."""
    from benchmarks import pandas_kpis as baseline

    start = time.perf_counter()
    loaded = baseline.load(db)
    load_s = time.perf_counter() - start
    frame = baseline.compute(*loaded)
    seconds = time.perf_counter() - start
    result: dict[str, Any] = {"available": True, "seconds": seconds, "load_seconds": load_s,
                              "compute_seconds": seconds - load_s, "rows": len(frame)}  # fmt: skip
    if sql_frame:
        import polars as pl

        problems = baseline.compare(frame, pl.read_parquet(sql_frame).to_pandas())
        result["equal"] = not problems
        result["differences"] = problems[:10]
    return result


def ranking(repeat: int = 5) -> dict[str, Any]:
    """The scoring issue's ranking with the full sensitivity report at 20 vendors x 20 KPIs (best of N)."""
    scoring_modules = (
        "scorecard.scoring.points",
        "scorecard.scoring.sensitivity",
        "scorecard.scoring.confidence",
    )
    if missing := _missing(*scoring_modules):
        return _unavailable(missing)
    if not (ROOT / "benchmarks" / "bench_scoring.py").exists():
        return _unavailable("benchmarks/bench_scoring.py")
    from benchmarks import bench_scoring as bench
    from scorecard.scoring import sensitivity
    from scorecard.scoring.points import ranking as rank
    from scorecard.scoring.presets import parse_preset

    components = bench.synthetic_components()
    frame = bench.kpi_frame(components)
    preset = parse_preset(bench.bench_preset(), "bench.toml")
    times, report = _timed(lambda: sensitivity.stability(rank(frame, preset), components), repeat)
    return {"available": True, "seconds": min(times), "runs": times, "vendors": frame.height,
            "kpis": len(preset.rules), "winner": report.rank_probabilities["vendor_id"][0]}  # fmt: skip


def app_rerun(workspace: str, db: str, repeat: int = 5) -> dict[str, Any]:
    """The Ranking page's rerun after a weight change, driven by Streamlit's AppTest (best of N)."""
    if not (ROOT / "app.py").exists():
        return _unavailable("app.py")
    from benchmarks.app_stage import app_rerun as run

    return run(str(ROOT / "app.py"), workspace, db, repeat)


def _spark(name: str) -> Callable[..., dict[str, Any]]:
    def run(**args: Any) -> dict[str, Any]:
        if missing := _missing("pyspark", "sqlglot"):
            return _unavailable(f"{missing} (the spark extra)")
        from benchmarks import spark_stage

        return getattr(spark_stage, name)(**args)

    return run


def _elsewhere(module: str, name: str) -> Callable[..., dict[str, Any]]:
    """A stage function of another benchmark module, imported when the stage runs."""

    def run(**args: Any) -> dict[str, Any]:
        return getattr(importlib.import_module(f"benchmarks.{module}"), name)(**args)

    return run


STAGES: dict[str, Callable[..., dict[str, Any]]] = {
    "duckdb_load": duckdb_load,
    "scorecard_ingest": scorecard_ingest,
    "scorecard_reingest": scorecard_reingest,
    "sql_kpis": sql_kpis,
    "pandas_kpis": pandas_kpis,
    "ranking": ranking,
    "app_rerun": app_rerun,
    "duckdb_build": _spark("duckdb_build"),
    "export_parquet": _spark("export_parquet"),
    "spark_build": _spark("spark_build"),
    "whole_file_ingest": _elsewhere("bigfile", "whole_file_ingest"),
    "rejected_ingest": _elsewhere("bigfile", "rejected_ingest"),
    "cli_start": _elsewhere("cli_start", "stage"),
    "app_start": _elsewhere("app_start", "stage"),
}

if __name__ == "__main__":
    name, args = sys.argv[1], json.loads(sys.argv[2]) if len(sys.argv) > 2 else {}
    print(json.dumps(STAGES[name](**args)))
