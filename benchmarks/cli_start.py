"""How long the CLI takes to start: `scorecard --help` and `scorecard kpis` on the demo database.

    uv run python benchmarks/cli_start.py [--before REV] [--runs 5]

Each command runs `--runs` times in a fresh interpreter (the console script's entry point,
`scorecard.cli:main`); the median wall time is reported, beside `python -c "import duckdb"` and an empty
interpreter as the floor. With `--before REV` the same commands also run on the code of git revision REV
(its `scorecard/` and `queries/` extracted to a temporary folder), alternating with this tree, so both are
measured in one run on the same busy machine. Python's bytecode cache is written by one warm-up run of
each command first: a user's second start, not the first one after installing.
`run.py --stages cli` runs the same measurement for this tree only.
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import subprocess
import sys
import tarfile
import tempfile
import time
from io import BytesIO
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
ENTRY = "import sys; from scorecard.cli import main; sys.argv[0] = 'scorecard'; main()"


def demo_db(data: Path) -> Path:
    """The demo workspace (`vendors/`) ingested once into `data/demo-db/scorecard.duckdb`."""
    db = data / "demo-db" / "scorecard.duckdb"
    if not db.exists():
        db.parent.mkdir(parents=True, exist_ok=True)
        cmd = [sys.executable, "-c", ENTRY, "ingest", str(ROOT / "vendors"), "--db", str(db), "-q"]
        subprocess.run(cmd, cwd=ROOT, check=True, capture_output=True, timeout=900)
    return db


def _seconds(argv: list[str], cwd: Path, warm: bool = False) -> float:
    """Wall seconds of one run (its output discarded); `warm` lets Python write its bytecode cache."""
    env = dict(os.environ)
    if warm:
        env.pop("PYTHONDONTWRITEBYTECODE", None)
    start = time.perf_counter()
    subprocess.run(argv, cwd=cwd, env=env, check=True, capture_output=True, timeout=300)
    return time.perf_counter() - start


def commands(db: Path) -> dict[str, list[str]]:
    """The measured command lines, by name."""
    return {
        "python -c pass": [sys.executable, "-c", "pass"],
        'python -c "import duckdb"': [sys.executable, "-c", "import duckdb"],
        "scorecard --help": [sys.executable, "-c", ENTRY, "--help"],
        "scorecard kpis --db demo": [sys.executable, "-c", ENTRY, "kpis", "--db", str(db)],
    }


def measure(trees: dict[str, Path], db: Path, runs: int = 5) -> dict[str, dict[str, Any]]:
    """Median seconds of every command in every tree (name -> folder holding `scorecard/`), interleaved."""
    cmds = commands(db)
    for cwd in trees.values():
        for argv in cmds.values():
            _seconds(argv, cwd, warm=True)
    times: dict[str, dict[str, list[float]]] = {t: {c: [] for c in cmds} for t in trees}
    for _ in range(runs):
        for tree, cwd in trees.items():
            for name, argv in cmds.items():
                times[tree][name].append(_seconds(argv, cwd))
    return {
        tree: {c: {"median_s": statistics.median(v), "runs_s": [round(x, 3) for x in v]}
               for c, v in by.items()}
        for tree, by in times.items()
    }  # fmt: skip


def checkout(rev: str, into: Path, *paths: str) -> Path:
    """`paths` (default `scorecard/`, `scorecard_demo/` and `queries/`) of git revision `rev`, extracted
    under `into`."""
    paths = paths or ("scorecard", "scorecard_demo", "queries")
    archive = subprocess.run(
        ["git", "archive", "--format=tar", rev, *paths],
        cwd=ROOT,
        check=True,
        capture_output=True,
    ).stdout
    with tarfile.open(fileobj=BytesIO(archive)) as tar:
        tar.extractall(into, filter="data")
    return into


def stage(data: str, runs: int = 5) -> dict[str, Any]:
    """The `cli` stage of `run.py`: this tree only; `seconds` is the median of `scorecard --help`."""
    db = demo_db(Path(data))
    result = measure({"this tree": ROOT}, db, runs)["this tree"]
    return {"available": True, "seconds": result["scorecard --help"]["median_s"], "commands": result}


def main(argv: list[str] | None = None) -> int:
    """Measure, print a Markdown table, write `benchmarks/results/cli_start.json`."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--before", help="git revision to compare with (e.g. main)")
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--data", type=Path, default=ROOT / "benchmarks" / "data")
    args = parser.parse_args(argv)
    db = demo_db(args.data)
    with tempfile.TemporaryDirectory() as tmp:
        trees = {"this tree": ROOT}
        if args.before:
            trees = {f"before ({args.before})": checkout(args.before, Path(tmp)), **trees}
        result = measure(trees, db, args.runs)
    names = list(commands(db))
    print("| command | " + " | ".join(f"median of {args.runs}, {t}" for t in result) + " |")
    print("|---|" + "---|" * len(result))
    for name in names:
        print(f"| `{name}` | " + " | ".join(f"{by[name]['median_s']:.2f} s" for by in result.values()) + " |")
    out = ROOT / "benchmarks" / "results" / "cli_start.json"
    out.parent.mkdir(parents=True, exist_ok=True)
    out.write_text(json.dumps({"runs": args.runs, "trees": result}, indent=2) + "\n", encoding="utf-8")
    return 0


if __name__ == "__main__":
    sys.exit(main())
