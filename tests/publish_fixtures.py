"""A copy of the demo workspace with some vendors held back, its database, and ingests run as real processes:
what the publish and concurrency tests start from."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import time
from dataclasses import dataclass
from pathlib import Path

from typer.testing import CliRunner

from scorecard.cli import app
from scorecard.ingest.run import ingest

ROOT = Path(__file__).resolve().parents[1]
DEMO = ROOT / "vendors"
SCORECARD = Path(sys.executable).with_name("scorecard")
#: Loaded by the base database; the others are added back by the ingest under test (about 80 files,
#: 22 MB: several seconds of work, at the start and at the end of the vendor order).
BASE_VENDORS = ("hu_duna", "ru_volga")
ADDED_VENDORS = ("cn_hanyu", "fr_lumiere", "us_northstar")


@dataclass(frozen=True)
class Demo:
    """A workspace with ADDED_VENDORS moved out to `held`, and `db` built from it."""

    ws: Path
    held: Path
    db: Path

    def copy(self, to: Path) -> Demo:
        """An independent copy (workspace, held vendors and database) under `to`."""
        to.mkdir(parents=True)
        shutil.copytree(self.ws, to / "ws")  # copy2 keeps the files' times: older than the database
        shutil.copytree(self.held, to / "held")
        shutil.copy2(self.db, to / self.db.name)
        return Demo(to / "ws", to / "held", to / self.db.name)

    def add_back(self) -> None:
        """Put the held vendors back into the workspace (the next ingest loads them)."""
        for vendor in ADDED_VENDORS:
            shutil.move(self.held / vendor, self.ws / vendor)

    def building(self) -> list[Path]:
        """Private copies next to the database (an ingest is writing, or was killed)."""
        return sorted(p for p in self.db.parent.glob(f"{self.db.name}.building-*") if p.suffix != ".wal")


def build_demo(root: Path) -> Demo:
    """Copy the demo workspace to `root`, hold ADDED_VENDORS back and ingest the rest."""
    ws, held = root / "ws", root / "held"
    shutil.copytree(DEMO, ws, ignore=shutil.ignore_patterns(".*"))
    held.mkdir()
    for vendor in ADDED_VENDORS:
        shutil.move(ws / vendor, held / vendor)
    demo = Demo(ws, held, root / "s.duckdb")
    assert ingest(ws, demo.db).ok
    return demo


def kpis_text(db: Path) -> str:
    """`scorecard kpis --db DB` as the command prints it (run in this process)."""
    result = CliRunner().invoke(app, ["kpis", "--db", str(db)])
    assert result.exit_code == 0, result.output
    return result.output


def start_ingest(demo: Demo, *extra: str) -> subprocess.Popen[str]:
    """`scorecard ingest` of the demo as a process of its own, progress lines on stderr."""
    env = {**os.environ, "PYTHONUNBUFFERED": "1"}
    return subprocess.Popen(
        [str(SCORECARD), "ingest", str(demo.ws), "--db", str(demo.db), *extra],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        env=env,
    )


def wait_for(condition, timeout_s: float = 60.0, what: str = "condition") -> None:
    """Poll `condition()` every 10 ms until it is true; fail after `timeout_s`."""
    deadline = time.monotonic() + timeout_s
    while not condition():
        assert time.monotonic() < deadline, f"timed out waiting for {what}"
        time.sleep(0.01)
