"""The app's first start: paths, whether the database must be built, and the build in the background.

This module imports only streamlit and the standard library, so that `app.py` can show the build's
progress before the rest of the app (the library, polars, DuckDB, pandera, Altair) has been imported.
When the database file does not exist yet and the workspace has no access configured (local mode), the
first page starts the ingest in a background thread, shows its progress (the file and vendor being
loaded) from the first second, redrawn every half second until the build ends, then the app; every
session opened meanwhile shows the same build. A workspace with access configured builds after sign-in, as
before (`app.py`), so nobody sees anything before they are let in.
"""

from __future__ import annotations

import argparse
import importlib
import os
import sys
import threading
import time
import tomllib
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import streamlit as st

ROOT = Path(__file__).resolve().parent.parent
#: How often a page waiting for the build redraws its progress.
POLL_S = 0.5
#: What the pages import, loaded while the build runs so that the first page draws at once after it.
APP_MODULES = ("app_pages._common", "app_pages._session", "app_pages._ranking_panels")


@dataclass(frozen=True)
class Paths:
    """The workspace folder and its database file."""

    workspace: Path
    db: Path
    #: --no-auth: serve on a non-loopback address without access configured (everyone sees everything).
    no_auth: bool = False


def paths(argv: list[str] | None = None) -> Paths:
    """`--workspace` / `--db` / `--no-auth` after `streamlit run app.py --`, else SCORECARD_WORKSPACE /
    SCORECARD_DB."""
    parser = argparse.ArgumentParser(add_help=False)
    parser.add_argument("--workspace")
    parser.add_argument("--db")
    parser.add_argument("--no-auth", action="store_true")
    args, _ = parser.parse_known_args(sys.argv[1:] if argv is None else argv)
    workspace = Path(args.workspace or os.environ.get("SCORECARD_WORKSPACE") or ROOT / "vendors")
    database = Path(args.db or os.environ.get("SCORECARD_DB") or workspace / ".scorecard.duckdb")
    return Paths(workspace.resolve(), database.resolve(), args.no_auth)


def stamp(path: Path) -> float:
    """The database's last change (file or write-ahead log); 0 when absent."""
    times = [p.stat().st_mtime for p in (path, Path(f"{path}.wal")) if p.exists()]
    return max(times, default=0.0)


def needs_ingest(p: Paths) -> bool:
    """True when the database is missing or older than any file of the workspace."""
    built = stamp(p.db)
    if not built:
        return True
    for folder, dirs, files in os.walk(p.workspace):
        dirs[:] = [d for d in dirs if not d.startswith(".")]
        for name in files:
            if not name.startswith(".") and Path(folder, name).stat().st_mtime > built:
                return True
    return False


@dataclass
class Build:
    """One background build of a database: its progress while it runs, then its report or error."""

    done: int = 0
    total: int = 0
    message: str = "Reading the workspace…"
    started: float = field(default_factory=time.monotonic)
    report: Any = None
    error: str | None = None
    finished: bool = False


@st.cache_resource
def _builds() -> dict[Path, Build]:
    """The builds of this app process, by database file."""
    return {}


@st.cache_resource
def _builds_lock() -> threading.Lock:
    return threading.Lock()


def local_mode(workspace: Path) -> bool:
    """True when the workspace has no access configured: neither `access.toml` nor an `[access]` table
    in `scorecard.toml` (what `scorecard.access.config.load_access` reads; read here without importing
    it). A file that does not parse counts as configured: the app reports it after the start."""
    settings = workspace / "scorecard.toml"
    if (workspace / "access.toml").exists():
        return False
    try:
        return "access" not in tomllib.loads(settings.read_text(encoding="utf-8"))
    except FileNotFoundError:
        return True
    except (OSError, UnicodeDecodeError, tomllib.TOMLDecodeError):
        return False


def _run(p: Paths, build: Build) -> None:
    """The thread's work: ingest the workspace into the database, recording progress and the outcome."""
    try:
        from scorecard.errors import ScorecardError
        from scorecard.ingest.run import ingest

        def progress(done: int, total: int, message: str) -> None:
            build.done, build.total, build.message = done, total, message

        try:
            # Another ingest of the same database (the CLI, a second app) is waited for, not failed.
            build.report = ingest(
                p.workspace, p.db, progress=progress, wait=True, on_wait=lambda m: progress(0, 0, m)
            )
        except ScorecardError as exc:
            build.error = str(exc)
    except Exception as exc:  # shown on the page rather than lost in a thread
        build.error = f"The database could not be built: {type(exc).__name__}: {exc}"
    finally:
        build.finished = True


def _warm_imports() -> None:
    """Import the app's modules meanwhile (the build spends most of its time in native code)."""
    for name in APP_MODULES:
        try:
            importlib.import_module(name)
        except Exception:  # the page's own import will raise it where it can be shown
            return


def background_build(p: Paths) -> Build | None:
    """The build this start waits for: started here when the database is missing (local mode only), the
    running or just finished one otherwise; None when there is nothing to wait for."""
    with _builds_lock():
        build = _builds().get(p.db)
        if build is None:
            if stamp(p.db) or not p.workspace.is_dir() or not local_mode(p.workspace):
                return None
            build = _builds()[p.db] = Build()
            threading.Thread(target=_run, args=(p, build), name="scorecard-build", daemon=True).start()
            threading.Thread(target=_warm_imports, name="scorecard-imports", daemon=True).start()
        return build


def show_progress(p: Paths) -> None:
    """On the first start: while the database is being built, the build's progress and nothing else.

    Returns when there is no build to wait for (the caller then draws the app); while the build goes on,
    redraws its progress every POLL_S seconds and reruns the page when it ends; after a failed build,
    shows the error and a button that tries again.
    """
    build = background_build(p)
    if build is None:
        return
    if build.finished and build.error is None:
        st.session_state["_built"] = build.report
        with _builds_lock():
            if _builds().get(p.db) is build:
                del _builds()[p.db]
        st.cache_data.clear()
        return
    st.set_page_config(page_title="Vendor Scorecard", page_icon=":material/leaderboard:", layout="wide")
    # The page the address asked for (e.g. /data): no page is known until the build ends, and the rerun
    # that follows would open the first page instead; app.py opens this one.
    st.session_state.setdefault("_start_page", (st.context.url or "").rstrip("/").rpartition("/")[2])
    label = f"Building the database from {p.workspace.name}/"
    if build.finished:
        from scorecard.present.text import plain  # data values (file names) shown as text, not Markdown

        st.error(plain(build.error or "The database could not be built.", lines=True))
        if st.button("Try again"):
            with _builds_lock():
                _builds().pop(p.db, None)
            st.rerun()
        st.stop()
    with st.status(label, expanded=True, state="running"):
        bar, note = st.progress(0.0, text=build.message), st.empty()
        while not build.finished:  # this run draws the progress until the build ends, then reruns
            counted = f"{build.done}/{build.total} files — " if build.total else ""
            bar.progress(build.done / build.total if build.total else 0.0, text=f"{counted}{build.message}")
            note.caption(
                f"{time.monotonic() - build.started:.0f} s so far. The first start reads every export of "
                "the workspace once; the pages open as soon as it is done."
            )
            time.sleep(POLL_S)
    st.rerun()
