"""Shared test helpers: tiny workspaces written on the fly."""

from __future__ import annotations

import importlib.machinery
import os
import sys
import textwrap
from pathlib import Path

import pytest

# A pytest-xdist worker runs from `python -c`, so its __main__ has neither __spec__ nor __file__, which
# pyspark.sql.connect (imported by pandera's PySpark backend) takes for a doctest run: each of its modules
# then exits the worker with SystemExit(0). A spec named __main__ says otherwise, and multiprocessing's
# spawn, which re-imports a named main module in its children, skips that name.
_MAIN = sys.modules["__main__"]
if getattr(_MAIN, "__spec__", None) is None and not hasattr(_MAIN, "__file__"):
    _MAIN.__spec__ = importlib.machinery.ModuleSpec("__main__", None)

#: Public data copied into the repository (tests/data/README.md: source and licence of each set).
REPO_DATA = Path(__file__).resolve().parent / "data"
#: Public data without a stated licence, kept out of the repository (tests/data/README.md). The tests
#: that read it are skipped when it is absent; SCORECARD_EXTERNAL_DATA names the folder.
EXTERNAL_DATA = Path(
    os.environ.get("SCORECARD_EXTERNAL_DATA", Path(__file__).resolve().parents[2] / "shared" / "data")
)


def needs_external(relative: str) -> pytest.MarkDecorator:
    """Skip a test when the external data file `relative` (under EXTERNAL_DATA) is absent."""
    return pytest.mark.skipif(
        not (EXTERNAL_DATA / relative).is_file(),
        reason=f"{relative} is not in {EXTERNAL_DATA} (see tests/data/README.md)",
    )


def write(path: Path, text: str, encoding: str = "utf-8") -> Path:
    """Write dedented text to a file, creating its folder."""
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(textwrap.dedent(text).lstrip("\n"), encoding=encoding)
    return path


@pytest.fixture
def workspace(tmp_path: Path) -> Path:
    """A workspace with one vendor 'acme' (Europe/Paris, EUR) exporting canonical calls and costs."""
    root = tmp_path / "ws"
    write(root / "scorecard.toml", 'base_currency = "EUR"\n')
    write(
        root / "acme" / "vendor.toml",
        """
        name = "Acme Contact"
        country = "FR"
        timezone = "Europe/Paris"
        currency = "EUR"

        [[exports]]
        table = "calls"
        files = "calls/*.csv"

        [[exports]]
        table = "costs"
        files = "costs.csv"
        """,
    )
    write(
        root / "acme" / "calls" / "2026-04.csv",
        """
        call_id,program,arrived_at,outcome,wait_s,talk_s,hold_s,acw_s,transferred,resolved
        c1,sales,2026-04-15 23:30:00,answered,10,100,0,20,false,true
        c2,sales,2026-04-15 10:00:00,blocked,0,0,0,0,false,
        c3,sales,2026-04-15 10:05:00,abandoned,3,0,0,0,false,
        """,
    )
    write(
        root / "acme" / "costs.csv",
        """
        period_start,period_end,amount,kind
        2026-04-01,2026-04-30,3000,invoice
        """,
    )
    return root


@pytest.fixture(scope="session")
def spark():
    """One local Spark session for the whole run (the `spark` tests; Java 17+ must be installed:
    `./dev test` installs Debian's openjdk-17-jre-headless when `java` is missing)."""
    from scorecard.spark.session import spark_session

    session, _ = spark_session("local[2]", {"spark.sql.shuffle.partitions": "4"})
    yield session
    session.stop()


def unmarked(markdown: str) -> str:
    """Markdown source as the reader sees it: backslash escapes (scorecard.present.text.plain) removed."""
    import re

    text = markdown.replace("  \n", "\n").replace("\u00a0", " ").replace("\u2060", "")
    return re.sub(r"\\(.)", r"\1", text)
