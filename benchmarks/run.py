"""Speed and memory at scale, side by side with DuckDB alone and with pandas: the one benchmark command.

    uv run python benchmarks/run.py --size smoke|1m|5m|20m|100m [--json OUT] [--repeat N] [--stages a,b]

Generates (or reuses) a workspace of 10 vendors' call records in the canonical CSV format under
`benchmarks/data/<size>/`, then runs each stage in a fresh process and reports its best time, the ratio to
its reference and the process's peak RSS (from `os.wait4`):

1. ingest: `scorecard.ingest.run.ingest` vs DuckDB's `create table as select * from read_csv(...)`, alternated
   `--repeat` times (the machine is shared: the best run of each is compared); both the complete ingest
   and the load only (`build=False`: without materialising the daily components);
2. kpis: every KPI at quarter grain from the database file vs the pandas baseline (values asserted equal);
3. ranking: ranking + full sensitivity report at 20 vendors x 20 KPIs;
4. app: the Ranking page's rerun after a weight change (AppTest);
5. peak memory of ingest and of the app.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import subprocess
import sys
import tempfile
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from benchmarks import generate  # noqa: E402

DATA = ROOT / "benchmarks" / "data"
STAGE_NAMES = ("ingest", "kpis", "ranking", "app")
#: Stages run only when asked for (`--stages spark`): the Spark step needs Java and the `spark` extra.
OPTIONAL_STAGES = ("spark", "bigfile", "cli", "app_start")
#: The issue's targets: the size each applies to and its limits.
TARGETS: dict[str, dict[str, Any]] = {
    "ingest": {"size": "5m", "max_ratio": 1.5, "max_peak_rss_mb": 1536},
    "kpis": {"size": "20m", "max_seconds": 2.0, "min_speedup": 10.0},
    "ranking": {"size": "any", "max_seconds": 1.0},
    "app": {"size": "20m", "max_seconds": 0.3},
}


def run_stage(name: str, **args: Any) -> dict[str, Any]:
    """Run one stage function in a fresh Python process; its JSON result plus the process's `peak_rss_mb`."""
    cmd = [sys.executable, "-m", "benchmarks.stages", name, json.dumps(args)]
    with tempfile.TemporaryFile("w+") as out, tempfile.TemporaryFile("w+") as err:
        proc = subprocess.Popen(cmd, cwd=ROOT, stdout=out, stderr=err, text=True)
        _, status, usage = os.wait4(proc.pid, 0)
        proc.returncode = os.waitstatus_to_exitcode(status)
        out.seek(0)
        err.seek(0)
        stdout, stderr = out.read(), err.read()
    if proc.returncode != 0:
        lines = stderr.strip().splitlines() or [f"exit code {proc.returncode}"]
        return {"available": True, "error": lines[-1], "stderr": stderr[-3000:]}
    result = json.loads(stdout.strip().splitlines()[-1])
    result["peak_rss_mb"] = round(usage.ru_maxrss / 1024, 1)  # ru_maxrss is in KiB on Linux
    return result


def _best(runs: list[dict[str, Any]]) -> dict[str, Any]:
    """The fastest successful run, with every run's seconds and the largest peak RSS of them all."""
    ok = [r for r in runs if "error" not in r and r.get("available", True)]
    if not ok:
        return runs[-1]
    best = dict(min(ok, key=lambda r: r["seconds"]))
    best["all_seconds"] = [round(r["seconds"], 3) for r in ok]
    if all("cpu_seconds" in r for r in ok):
        best["cpu_seconds"] = min(r["cpu_seconds"] for r in ok)
    best["peak_rss_mb"] = max(r["peak_rss_mb"] for r in ok)
    return best


def bench_ingest(workspace: Path, db: Path, repeat: int) -> dict[str, Any]:
    """Ours vs DuckDB's own CSV load, alternating, each into a fresh database file: the complete ingest
    (with the build of the daily components) and the load only (`--no-build`)."""
    ref_db = db.with_name("duckdb_only.duckdb")
    load_db = db.with_name("load_only.duckdb")
    ours, load_only, ref = [], [], []
    for _ in range(repeat):
        ref.append(run_stage("duckdb_load", workspace=str(workspace), db=str(ref_db)))
        load_only.append(
            run_stage("scorecard_ingest", workspace=str(workspace), db=str(load_db), build=False)
        )
        ours.append(run_stage("scorecard_ingest", workspace=str(workspace), db=str(db)))
    ref_db.unlink(missing_ok=True)
    load_db.unlink(missing_ok=True)
    reference = _best(ref)
    result = {"ours": _best(ours), "reference": reference, "reference_name": "duckdb read_csv"}
    result["load_only"] = _ratio({"ours": _best(load_only), "reference": reference})
    result["reingest_unchanged"] = run_stage("scorecard_reingest", workspace=str(workspace), db=str(db))
    return _ratio(result)


def bench_spark(db: Path, repeat: int) -> dict[str, Any]:
    """The call-level step on Spark (local mode, JVM start apart) vs DuckDB's own build of the daily
    components, on copies of the same database; the canonical Parquet is exported first."""
    source = db.parent / "canonical"
    export = run_stage("export_parquet", db=str(db), out=str(source))
    ref, ours = [], []
    for _ in range(repeat):
        ref.append(run_stage("duckdb_build", db=str(db)))
        ours.append(
            run_stage("spark_build", db=str(db), source=str(source), events=str(db.parent / "spark-events"))
        )
    result = _ratio({"ours": _best(ours), "reference": _best(ref), "reference_name": "DuckDB build"})
    result["export"] = export
    best, reference = result["ours"], result["reference"]
    if "seconds_without_jvm_start" in best and "seconds" in reference:
        result["ratio_without_jvm_start"] = best["seconds_without_jvm_start"] / reference["seconds"]
    return result


#: Above this many calls the pandas baseline is not run: it holds every call in memory (2.7 GB at 5M,
#: so about 55 GB at 100M, more than the machine has).
PANDAS_MAX_CALLS = 20_000_000


def bench_kpis(db: Path, repeat: int, calls: int = 0) -> dict[str, Any]:
    """SQL KPIs at quarter grain vs the pandas baseline on the same database file; values must agree."""
    with tempfile.TemporaryDirectory() as tmp:
        sql_out = str(Path(tmp) / "sql_kpis.parquet")
        ours = run_stage("sql_kpis", db=str(db), repeat=repeat, out=sql_out)
        if not ours.get("available", True) or "error" in ours:
            return {"ours": ours, "reference": None}
        if calls > PANDAS_MAX_CALLS:
            return {"ours": ours, "reference": None, "note": "pandas baseline not run (memory)"}
        ref = run_stage("pandas_kpis", db=str(db), sql_frame=sql_out)
    result = _ratio({"ours": ours, "reference": ref, "reference_name": "pandas (load + compute)"})
    result["equal"] = ref.get("equal")
    return result


def _ratio(result: dict[str, Any]) -> dict[str, Any]:
    ours, ref = result["ours"], result["reference"]
    if ref and "seconds" in ours and "seconds" in ref:
        result["ratio"] = ours["seconds"] / ref["seconds"]
    if ref and "cpu_seconds" in ours and "cpu_seconds" in ref:
        result["cpu_ratio"] = ours["cpu_seconds"] / ref["cpu_seconds"]
    return result


def machine() -> dict[str, Any]:
    """CPU, core count, memory and library versions of this machine."""
    import duckdb
    import pandas
    import pandera
    import polars

    model = next(
        (line.split(":", 1)[1].strip() for line in Path("/proc/cpuinfo").read_text().splitlines()
         if line.startswith("model name")), platform.processor(),
    ) if Path("/proc/cpuinfo").exists() else platform.processor()  # fmt: skip
    mem = os.sysconf("SC_PAGE_SIZE") * os.sysconf("SC_PHYS_PAGES") / 2**30
    return {
        "cpu": model,
        "cores": os.cpu_count(),
        "memory_gib": round(mem, 1),
        "os": platform.platform(),
        "python": platform.python_version(),
        "duckdb": duckdb.__version__,
        "polars": polars.__version__,
        "pandas": pandas.__version__,
        "pandera": pandera.__version__,
    }


def extra_stages(stages: tuple[str, ...], data: Path, bigfile_calls: int) -> dict[str, Any]:
    """The stages run only when named: one large file's peak memory, the CLI's and the app's start."""
    out: dict[str, Any] = {}
    if "bigfile" in stages:
        from benchmarks import bigfile

        out["bigfile"] = bigfile.bench(data, bigfile_calls)
    if "cli" in stages:
        out["cli"] = {"ours": run_stage("cli_start", data=str(data))}
    if "app_start" in stages:
        shots = ROOT / "test-artifacts"
        out["app_start"] = {"ours": run_stage("app_start", workspace=str(ROOT / "vendors"), shots=str(shots))}
    return out


def run(
    size: str, stages: tuple[str, ...] = STAGE_NAMES, repeat: int | None = None, data: Path = DATA,
    bigfile_calls: int = 25_000_000,
) -> dict[str, Any]:  # fmt: skip
    """Generate the data for `size` under `data` and run the stages; the full result as a JSON-ready dict."""
    spec = generate.spec_for(size)
    workspace = generate.generate(data / size, spec)
    db = data / f"{size}-db" / "scorecard.duckdb"
    db.parent.mkdir(parents=True, exist_ok=True)
    repeat = repeat or (1 if size == "smoke" else 3)
    result: dict[str, Any] = {
        "size": size,
        "calls": spec.calls,
        "vendors": spec.vendors,
        "files": len(generate.csv_files(workspace)),
        "csv_mb": round(sum(p.stat().st_size for p in generate.csv_files(workspace)) / 2**20, 1),
        "when": datetime.now(UTC).strftime("%Y-%m-%d %H:%M UTC"),
        "command": f"uv run python benchmarks/run.py --size {size}",
        "machine": machine(),
        "targets": TARGETS,
        "stages": {},
    }
    if "ingest" in stages or not db.exists():
        result["stages"]["ingest"] = bench_ingest(workspace, db, repeat)
    if "kpis" in stages:
        result["stages"]["kpis"] = bench_kpis(db, max(repeat, 3), spec.calls)
    if "ranking" in stages:
        result["stages"]["ranking"] = {"ours": run_stage("ranking", repeat=5)}
    if "app" in stages:
        result["stages"]["app"] = {
            "ours": run_stage("app_rerun", workspace=str(workspace), db=str(db), repeat=5)
        }
    if "spark" in stages:
        result["stages"]["spark"] = bench_spark(db, repeat)
    result["stages"] |= extra_stages(stages, data, bigfile_calls)
    result["verdicts"] = verdicts(result)
    return result


def verdicts(result: dict[str, Any]) -> dict[str, str]:
    """Per stage: met / missed (by how much) / not measured at the target's size / not available."""
    out: dict[str, str] = {}
    for stage, target in TARGETS.items():
        res = result["stages"].get(stage)
        if res is None:
            continue
        ours = res["ours"]
        if not ours.get("available", True):
            out[stage] = f"not available ({ours['reason']})"
            continue
        if "error" in ours:
            out[stage] = f"error: {ours['error']}"
            continue
        checks = []
        if "max_ratio" in target and "ratio" in res:
            checks.append(
                (res["ratio"] <= target["max_ratio"], f"ratio {res['ratio']:.2f}x (≤ {target['max_ratio']}x)")
            )
        if "max_peak_rss_mb" in target:
            rss = ours["peak_rss_mb"]
            checks.append(
                (rss <= target["max_peak_rss_mb"], f"peak {rss:.0f} MB (≤ {target['max_peak_rss_mb']} MB)")
            )
        if "max_seconds" in target:
            s = ours["seconds"]
            checks.append(
                (s <= target["max_seconds"], f"{s * 1000:.0f} ms (≤ {target['max_seconds'] * 1000:.0f} ms)")
            )
        if "min_speedup" in target and "ratio" in res:
            speedup = 1 / res["ratio"]
            checks.append(
                (
                    speedup >= target["min_speedup"],
                    f"{speedup:.1f}x faster than pandas (≥ {target['min_speedup']:.0f}x)",
                )
            )
        if stage == "kpis" and res.get("equal") is False:
            checks.append((False, "pandas and SQL values differ"))
        if stage == "ingest" and "ratio" in res.get("load_only", {}):
            ratio = res["load_only"]["ratio"]
            checks.append(
                (ratio <= target["max_ratio"], f"load only {ratio:.2f}x (≤ {target['max_ratio']}x)")
            )
        if target["size"] not in ("any", result["size"]):
            out[stage] = f"target applies at {target['size']}; here " + "; ".join(text for _, text in checks)
            continue
        out[stage] = "; ".join(f"{text} {'met' if ok else 'MISSED'}" for ok, text in checks)
    return out


def _fmt_s(value: float | None) -> str:
    if value is None:
        return "—"
    return f"{value * 1000:.0f} ms" if value < 1 else f"{value:.2f} s"


def table(result: dict[str, Any]) -> str:
    """The results as a Markdown table: stage, ours, reference, ratio, peak RSS of each, verdict."""
    lines = [
        f"Size {result['size']}: {result['calls']:,} calls, {result['vendors']} vendors, "
        f"{result['files']} files, {result['csv_mb']} MB of CSV",
        "",
        "| stage | ours | reference | ratio | peak RSS ours | peak RSS reference | target |",
        "|---|---|---|---|---|---|---|",
    ]
    for stage in STAGE_NAMES + OPTIONAL_STAGES:
        res = result["stages"].get(stage)
        if res is None:
            continue
        ours, ref = res["ours"], res.get("reference") or {}
        verdict = result["verdicts"].get(stage, "")
        if not ours.get("available", True) or "error" in ours:
            lines.append(f"| {stage} | — | — | — | — | — | {verdict} |")
            continue
        ratio = f"{res['ratio']:.2f}×" if "ratio" in res else "—"
        if stage == "kpis" and "ratio" in res:
            ratio = f"{1 / res['ratio']:.1f}× faster"
        if "cpu_ratio" in res:
            ratio += f" (CPU {res['cpu_ratio']:.2f}×)"
        ref_name = f" ({res['reference_name']})" if ref else ""
        rss_ref = f"{ref['peak_rss_mb']:.0f} MB" if "peak_rss_mb" in ref else "—"
        lines.append(
            f"| {stage} | {_fmt_s(ours.get('seconds'))} | {_fmt_s(ref.get('seconds'))}{ref_name} | {ratio} "
            f"| {ours['peak_rss_mb']:.0f} MB | {rss_ref} | {verdict} |"
        )
        if stage == "spark" and "phases" in ours:
            phases = ", ".join(f"{k} {_fmt_s(v)}" for k, v in ours["phases"].items())
            lines.append(
                f"| spark, without JVM start | {_fmt_s(ours['seconds_without_jvm_start'])} "
                f"| {_fmt_s(ref.get('seconds'))}{ref_name} | {res['ratio_without_jvm_start']:.2f}× "
                f"| JVM {ours['jvm_peak_rss_mb']:.0f} MB | | {phases} |"
            )
        if stage == "ingest" and "ratio" in res.get("load_only", {}):
            part = res["load_only"]
            lines.append(
                f"| ingest, load only (`--no-build`) | {_fmt_s(part['ours']['seconds'])} "
                f"| {_fmt_s(ref.get('seconds'))}{ref_name} | {part['ratio']:.2f}× "
                f"(CPU {part.get('cpu_ratio', float('nan')):.2f}×) | {part['ours']['peak_rss_mb']:.0f} MB "
                f"| {rss_ref} | (in the verdict above) |"
            )
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    """Parse the command line, run the benchmark, print the table and write the JSON."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--size", choices=generate.SIZES, default="smoke")
    parser.add_argument(
        "--json", type=Path, help="write the results here (default: benchmarks/results/<size>.json)"
    )
    parser.add_argument("--repeat", type=int, help="runs of each timed step; the best is reported")
    parser.add_argument("--stages", default=",".join(STAGE_NAMES), help="comma-separated subset of stages")
    parser.add_argument("--data", type=Path, default=DATA, help="where generated workspaces and databases go")
    parser.add_argument("--bigfile-calls", type=int, default=25_000_000, help="calls in the bigfile file")
    args = parser.parse_args(argv)
    stages = tuple(s.strip() for s in args.stages.split(",") if s.strip())
    unknown = sorted(set(stages) - set(STAGE_NAMES) - set(OPTIONAL_STAGES))
    if unknown:
        names = ", ".join(STAGE_NAMES + OPTIONAL_STAGES)
        parser.error(f"unknown stage(s) {', '.join(unknown)}; choose from {names}")
    result = run(args.size, stages, args.repeat, args.data, args.bigfile_calls)
    print(table(result))
    out = args.json or ROOT / "benchmarks" / "results" / f"{args.size}.json"
    out.parent.mkdir(parents=True, exist_ok=True)
    out.write_text(json.dumps(result, indent=2) + "\n", encoding="utf-8")
    print(f"\nwrote {out}")
    errors = [
        s
        for s, r in result["stages"].items()
        if "error" in r["ours"] or "error" in (r.get("reference") or {})
    ]
    return 1 if errors or result["stages"].get("kpis", {}).get("equal") is False else 0


if __name__ == "__main__":
    sys.exit(main())
