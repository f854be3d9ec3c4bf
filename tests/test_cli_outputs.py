"""Commands that write files: a place that cannot be written is a one-line `Error: ...` naming it and what
to do, with exit code 1 — never a traceback (review, export-parquet, demo, share)."""

from __future__ import annotations

from pathlib import Path

import duckdb
import pytest
from test_review import CONTRACT_TOML, _workspace, build_review_db
from typer.testing import CliRunner

from scorecard.cli import app

FIX = "check that the folder exists, is a folder and is writable, or choose another place."


@pytest.fixture(scope="module")
def db_path(tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("db") / "scorecard.duckdb"
    con = duckdb.connect(str(path))
    build_review_db(con)
    con.close()
    return path


def run(*args: str) -> tuple[int, str]:
    result = CliRunner().invoke(app, list(args))
    assert result.exception is None or isinstance(result.exception, SystemExit), result.exception
    return result.exit_code, result.output


@pytest.mark.parametrize("suffix", [".html", ".xlsx"])
def test_review_into_a_missing_folder_names_the_folder(tmp_path: Path, db_path: Path, suffix: str):
    ws = _workspace(tmp_path, CONTRACT_TOML)
    base = [
        "review",
        "--db",
        str(db_path),
        "--vendor",
        "acme",
        "--quarter",
        "2026-Q2",
        "--workspace",
        str(ws),
    ]
    missing = tmp_path / "nonexistent"
    out = missing / f"r{suffix}"
    assert run(*base, "--out", str(out)) == (
        1,
        f"Error: Cannot write the review to {out}: the folder {missing} does not exist; create it first, "
        "or choose a file in an existing folder.\n",
    )
    assert not missing.exists()
    (tmp_path / "notes").write_text("a file, not a folder")
    out = tmp_path / "notes" / f"r{suffix}"
    assert run(*base, "--out", str(out)) == (
        1,
        f"Error: Cannot write the review to {out}: {tmp_path / 'notes'} is a file, not a folder; choose "
        "another folder.\n",
    )
    (tmp_path / f"old{suffix}").mkdir()
    out = tmp_path / f"old{suffix}"
    assert run(*base, "--out", str(out)) == (
        1,
        f"Error: Cannot write the review to {out}: it is a folder; give a file name inside it.\n",
    )
    out = tmp_path / f"r{suffix}"  # the same command into a folder that exists writes the report
    code, text = run(*base, "--out", str(out))
    assert code == 0 and text.startswith(f"Wrote {out}: Acme 2026-Q2") and out.stat().st_size > 0


def test_export_parquet_and_demo_under_a_file_say_so(tmp_path: Path, db_path: Path):
    (tmp_path / "notes").write_text("a file, not a folder")
    out = tmp_path / "notes" / "canonical"
    assert run("export-parquet", "--db", str(db_path), "--out", str(out)) == (
        1,
        f"Error: Cannot write the Parquet export to {out}: Not a directory; {FIX}\n",
    )
    out = tmp_path / "notes" / "vendors"
    assert run("demo", "--out", str(out)) == (
        1,
        f"Error: Cannot write the demo workspace to {out}: Not a directory; {FIX}\n",
    )


def test_share_without_a_writable_state_folder_says_so(tmp_path: Path, monkeypatch: pytest.MonkeyPatch):
    monkeypatch.delenv("SCORECARD_SHARE_SECRET", raising=False)
    ws = _workspace(tmp_path, CONTRACT_TOML)
    (ws / ".scorecard").write_text("a file where the state folder goes")
    state = ws / ".scorecard"
    assert run("share", "create", "--workspace", str(ws), "--vendor", "acme", "--by", "me") == (
        1,
        f"Error: Cannot write the share link to {state}: File exists; {FIX}\n",
    )
    assert run("share", "revoke", "abc123", "--workspace", str(ws), "--by", "me") == (
        1,
        f"Error: Cannot write the revocation to {state}: File exists; {FIX}\n",
    )
