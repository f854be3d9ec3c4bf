"""How long a fresh start of the demo takes to show something, and to show the data, in a real browser.

    uv run python benchmarks/app_start.py [--workspace vendors] [--shots test-artifacts]

Copies the workspace to a temporary folder (so no database exists), starts `scorecard app` on a free port
at t = 0, and points headless Chromium (Debian's /usr/bin/chromium, via playwright) at it as soon as the
server answers. Reports the seconds from t = 0 until the server answers, until the page shows content (the
build's progress, or the data when there is nothing to build) and until the Ranking page's table is
shown; screenshots of both moments go to `--shots`. `run.py --stages app_start` runs it as a stage.
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
import urllib.request
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from benchmarks.cli_start import checkout  # noqa: E402

CHROMIUM = Path("/usr/bin/chromium")
ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking"]
#: The first thing on the page: the build's progress bar, or a page's title when nothing is built.
CONTENT = ", ".join(f'[data-testid="stMain"] [data-testid="{t}"]' for t in ("stProgress", "stHeading"))
#: The Ranking page's table of vendors: the data is there.
DATA = '[data-testid="stMain"] [data-testid="stDataFrame"]'


def free_port() -> int:
    """A TCP port nobody listens on now."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def start(workspace: Path, db: Path, port: int, log: Path, tree: Path = ROOT) -> subprocess.Popen:
    """`scorecard app` of the code in `tree` on 127.0.0.1:`port`, headless, in its own process group."""
    entry = "import sys; from scorecard.cli import main; sys.argv[0] = 'scorecard'; main()"
    cmd = [
        sys.executable, "-c", entry, "app", "--workspace", str(workspace), "--db", str(db),
        "--server.headless", "true", "--server.port", str(port), "--server.address", "127.0.0.1",
        "--browser.gatherUsageStats", "false", "--server.fileWatcherType", "none",
    ]  # fmt: skip
    with log.open("w") as out:
        return subprocess.Popen(cmd, cwd=tree, stdout=out, stderr=subprocess.STDOUT, start_new_session=True)


def wait_healthy(url: str, proc: subprocess.Popen, log: Path, timeout_s: float = 120) -> None:
    """Until the server answers its health check (bounded; the log on failure)."""
    deadline = time.monotonic() + timeout_s
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            raise RuntimeError(f"the app exited with {proc.returncode}:\n{log.read_text()}")
        try:
            with urllib.request.urlopen(f"{url}/_stcore/health", timeout=2) as resp:
                if resp.status == 200:
                    return
        except OSError:
            time.sleep(0.1)
    raise RuntimeError(f"the app did not answer within {timeout_s:.0f} s:\n{log.read_text()}")


def stop(proc: subprocess.Popen) -> None:
    """Stop the app's process group (SIGTERM, then SIGKILL after 15 s)."""
    os.killpg(proc.pid, signal.SIGTERM)
    try:
        proc.wait(timeout=15)
    except subprocess.TimeoutExpired:
        os.killpg(proc.pid, signal.SIGKILL)
        proc.wait(timeout=15)


def first_page(
    workspace: Path, shots: Path, timeout_s: float = 180, tree: Path = ROOT, name: str = "app-start"
) -> dict[str, Any]:
    """Seconds from starting the app (the code in `tree`) on a copy of `workspace` to: health, first
    content, the data; screenshots `shots/<name>-first-content.png` and `<name>-data.png`."""
    from playwright.sync_api import sync_playwright

    shots.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory() as tmp:
        ws = Path(tmp) / "ws"
        shutil.copytree(workspace, ws, ignore=shutil.ignore_patterns(".*.duckdb*", "*.duckdb*"))
        port, log = free_port(), Path(tmp) / "app.log"
        url = f"http://127.0.0.1:{port}"
        with sync_playwright() as pw:  # the browser is up before t = 0: its own start is not counted
            browser = pw.chromium.launch(executable_path=str(CHROMIUM), args=ARGS, timeout=60_000)
            page = browser.new_page(viewport={"width": 1440, "height": 1000})
            t0 = time.monotonic()
            proc = start(ws, Path(tmp) / "scorecard.duckdb", port, log, tree)
            try:
                wait_healthy(url, proc, log)
                healthy = time.monotonic() - t0
                page.goto(url, timeout=60_000)
                page.locator(CONTENT).first.wait_for(timeout=timeout_s * 1000)
                content = time.monotonic() - t0
                page.screenshot(path=shots / f"{name}-first-content.png")
                try:
                    page.locator(DATA).first.wait_for(timeout=timeout_s * 1000)
                finally:
                    page.screenshot(path=shots / f"{name}-data.png")
                data = time.monotonic() - t0
            finally:
                browser.close()
                stop(proc)
    return {"healthy_s": healthy, "first_content_s": content, "data_s": data}


def stage(workspace: str, shots: str) -> dict[str, Any]:
    """The `app_start` stage of `run.py`: `seconds` is the time to the first content."""
    if not CHROMIUM.exists():
        return {"available": False, "reason": "/usr/bin/chromium is absent"}
    result = first_page(Path(workspace), Path(shots))
    return {"available": True, "seconds": result["first_content_s"], **result}


def main(argv: list[str] | None = None) -> int:
    """Measure once, print the three times, write `benchmarks/results/app_start.json`."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--workspace", type=Path, default=ROOT / "vendors")
    parser.add_argument("--shots", type=Path, default=ROOT / "test-artifacts")
    parser.add_argument("--before", help="git revision to measure first, e.g. main")
    args = parser.parse_args(argv)
    results = {}
    with tempfile.TemporaryDirectory() as tmp:
        if args.before:
            tree = Path(tmp) / "before"
            checkout(args.before, tree, "scorecard", "scorecard_demo", "queries", "app.py", "app_pages")
            results[f"before ({args.before})"] = first_page(args.workspace, args.shots, tree=tree,
                                                            name="app-start-before")  # fmt: skip
        results["this tree"] = first_page(args.workspace, args.shots)
    for tree_name, result in results.items():
        print(tree_name + ": " + ", ".join(f"{key} {seconds:.1f} s" for key, seconds in result.items()))
    out = ROOT / "benchmarks" / "results" / "app_start.json"
    out.parent.mkdir(parents=True, exist_ok=True)
    out.write_text(json.dumps(results, indent=2) + "\n", encoding="utf-8")
    return 0


if __name__ == "__main__":
    sys.exit(main())
