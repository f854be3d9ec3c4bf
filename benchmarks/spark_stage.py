"""The Spark stage of the benchmark: the call-level step on Spark beside DuckDB's own build.

Each function runs in a fresh process (`benchmarks.stages`): `duckdb_build` rebuilds the daily
components of a copy of the database with DuckDB; `export_parquet` writes the canonical Parquet;
`spark_build` runs `scorecard build --engine spark` on a copy (local mode, the machine's cores) and
reports its phases (JVM start apart), the JVM's peak RSS, and Spark's own metrics from its event log:
input and shuffle bytes, spill, the largest task's peak execution memory and the peak JVM heap.
"""

from __future__ import annotations

import json
import shutil
import time
from pathlib import Path
from typing import Any


def duckdb_build(db: str) -> dict[str, Any]:
    """`scorecard build --engine duckdb` on a copy of `db`: every materialised table from the raw ones."""
    from scorecard.spark.build import build_duckdb

    copy = Path(db).with_name("build-duckdb.duckdb")
    shutil.copy(db, copy)
    start, cpu = time.perf_counter(), time.process_time()
    report = build_duckdb(copy)
    seconds, cpu = time.perf_counter() - start, time.process_time() - cpu
    copy.unlink()
    return {
        "available": True,
        "seconds": seconds,
        "cpu_seconds": cpu,
        "rows": report.rows,
        "calls": report.calls,
    }


def export_parquet(db: str, out: str) -> dict[str, Any]:
    """`scorecard export-parquet` of `db` into `out` (replaced)."""
    from scorecard.spark.export import export_parquet as export

    start = time.perf_counter()
    report = export(db, out, overwrite=True)
    size = sum(p.stat().st_size for p in Path(out).rglob("*.parquet"))
    return {"available": True, "seconds": time.perf_counter() - start, "files": report.files,
            "parquet_mb": round(size / 2**20, 1)}  # fmt: skip


def spark_build(db: str, source: str, events: str, driver_memory: str = "2g") -> dict[str, Any]:
    """`scorecard build --engine spark` on a copy of `db` from `source`; phases, memory and Spark metrics."""
    from scorecard.spark.build import build_spark
    from scorecard.spark.session import spark_session

    copy = Path(db).with_name("build-spark.duckdb")
    shutil.copy(db, copy)
    shutil.rmtree(events, ignore_errors=True)
    Path(events).mkdir(parents=True)
    conf = {
        "spark.driver.memory": driver_memory,
        "spark.eventLog.enabled": "true",
        "spark.eventLog.dir": str(Path(events).resolve()),
        "spark.eventLog.logStageExecutorMetrics": "true",
        "spark.eventLog.compress": "false",
        "spark.eventLog.rolling.enabled": "false",
    }
    start, cpu = time.perf_counter(), time.process_time()
    spark, jvm_start = spark_session(None, conf)  # started here so that its JVM can be measured below
    report = build_spark(copy, source)
    seconds = time.perf_counter() - start
    pid = spark.sparkContext._gateway.proc.pid
    jvm_rss, jvm_cpu = _peak_rss_mb(pid), _cpu_seconds(pid)
    cpu = time.process_time() - cpu + jvm_cpu
    spark.stop()
    copy.unlink()
    phases = {"jvm start": jvm_start, **{k: v for k, v in report.seconds.items() if k != "jvm start"}}
    return {
        "available": True,
        "seconds": seconds,
        "seconds_without_jvm_start": seconds - jvm_start,
        "cpu_seconds": cpu,
        "phases": {k: round(v, 3) for k, v in phases.items()},
        "rows": report.rows,
        "calls": report.calls,
        "driver_memory": driver_memory,
        "jvm_peak_rss_mb": jvm_rss,
        "spark_metrics": event_metrics(Path(events)),
    }


def _peak_rss_mb(pid: int) -> float | None:
    status = Path(f"/proc/{pid}/status")
    if not status.exists():
        return None
    for line in status.read_text().splitlines():
        if line.startswith("VmHWM:"):
            return round(int(line.split()[1]) / 1024, 1)
    return None


def _cpu_seconds(pid: int) -> float:
    import os

    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")  # utime + stime


def event_metrics(events: Path) -> dict[str, Any]:
    """Totals and peaks from Spark's event log: bytes read, shuffled and spilled; the largest task's
    peak execution memory; the peak JVM heap the executor metrics recorded."""
    totals = {"input_mb": 0.0, "shuffle_write_mb": 0.0, "spill_memory_mb": 0.0, "spill_disk_mb": 0.0}
    peak_task, peak_heap, tasks = 0, 0, 0
    for log in (p for p in events.rglob("*") if p.is_file()):
        for line in log.read_text().splitlines():
            event = json.loads(line)
            kind = event.get("Event")
            if kind == "SparkListenerTaskEnd" and event.get("Task Metrics"):
                m = event["Task Metrics"]
                tasks += 1
                totals["input_mb"] += m.get("Input Metrics", {}).get("Bytes Read", 0) / 2**20
                totals["shuffle_write_mb"] += (
                    m.get("Shuffle Write Metrics", {}).get("Shuffle Bytes Written", 0) / 2**20
                )
                totals["spill_memory_mb"] += m.get("Memory Bytes Spilled", 0) / 2**20
                totals["spill_disk_mb"] += m.get("Disk Bytes Spilled", 0) / 2**20
                peak_task = max(peak_task, m.get("Peak Execution Memory", 0))
            if kind == "SparkListenerStageExecutorMetrics":
                peak_heap = max(peak_heap, event.get("Executor Metrics", {}).get("JVMHeapMemory", 0))
    out: dict[str, Any] = {k: round(v, 1) for k, v in totals.items()}
    out["tasks"] = tasks
    out["peak_task_execution_mb"] = round(peak_task / 2**20, 1)
    out["peak_jvm_heap_mb"] = round(peak_heap / 2**20, 1)
    return out
