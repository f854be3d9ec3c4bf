"""The public API of `scorecard/__init__.py`: cheap to import, every name resolves, is documented in
docs/api.md with its real parameters, and a notebook session works end to end on a small workspace."""

from __future__ import annotations

import inspect
import json
import re
import subprocess
import sys
from pathlib import Path

import pytest
from conftest import write
from typer.testing import CliRunner

import scorecard
from scorecard.cli import app

ROOT = Path(__file__).resolve().parents[1]
API_DOC = (ROOT / "docs" / "api.md").read_text(encoding="utf-8")
NAMES = [n for n in scorecard.__all__ if n != "__version__"]


def test_import_scorecard_loads_no_heavy_library() -> None:
    code = (
        "import sys, scorecard; heavy = ('duckdb', 'polars', 'pandera', 'numpy', 'altair', 'streamlit'); "
        "print([m for m in heavy if m in sys.modules])"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "[]"


@pytest.mark.parametrize("name", NAMES)
def test_each_public_name_resolves_and_is_documented_with_its_parameters(name: str) -> None:
    value = getattr(scorecard, name)
    assert callable(value) and value.__doc__, name
    if isinstance(value, type):
        assert f"`scorecard.{name}`" in API_DOC
        return
    match = re.search(rf"`scorecard\.{name}\((.*?)\)`", API_DOC)
    assert match, f"docs/api.md does not document scorecard.{name}(...)"
    documented = [p.split("=")[0].strip() for p in match.group(1).split(",") if p.strip() not in ("", "*")]
    actual = list(inspect.signature(value).parameters)
    assert documented == actual[: len(documented)], name  # in order; trailing expert options may be left out


def test_an_unknown_name_is_an_attribute_error() -> None:
    with pytest.raises(AttributeError, match="module 'scorecard' has no attribute 'ingest_files'"):
        scorecard.ingest_files  # noqa: B018


def _two_vendors(workspace: Path) -> Path:
    """The shared workspace (acme: c1 answered, c2 blocked, c3 abandoned after 3 s, all on 15 April) and
    beta, whose two calls are both answered."""
    write(workspace / "beta" / "vendor.toml", 'name = "Beta"\ntimezone = "Europe/Paris"\ncurrency = "EUR"\n'
          '\n[[exports]]\ntable = "calls"\nfiles = "calls.csv"\n')  # fmt: skip
    write(
        workspace / "beta" / "calls.csv",
        """
        call_id,program,arrived_at,outcome,wait_s,talk_s,hold_s,acw_s,transferred,resolved
        b1,sales,2026-04-14 10:00:00,answered,4,100,0,20,false,true
        b2,sales,2026-05-02 10:00:00,answered,8,100,0,20,false,true
        """,
    )
    return workspace


def test_a_notebook_session_from_ingest_to_the_review(workspace: Path, tmp_path: Path) -> None:
    db = tmp_path / "sc.duckdb"
    report = scorecard.ingest_workspace(_two_vendors(workspace), db)
    assert report.ok and report.audits is not None and report.audits.ok
    con = scorecard.open_db(db)
    try:
        april = scorecard.period_kpis(con, "2026-04").select("vendor_id", "period", "answered", "blocked")
        assert april.rows() == [("acme", "2026-04", 1, 1), ("beta", "2026-04", 1, 0)]  # b2 is in May
        q2 = scorecard.period_kpis(con, "2026-Q2", vendors=["beta"])
        assert q2.select("vendor_id", "period", "answered", "asa_s").rows() == [("beta", "2026-Q2", 2, 6.0)]
        # asa_s: (4 + 8) / 2 answered calls = 6 s
        # acme has calls on 1 day and beta on 2 of the 19 days the data span: both are partial
        ranking = scorecard.rank(con, "2026-Q2", include_partial=True)
        assert ranking.preset.name == scorecard.load_preset("quarterly_review").name  # the workspace setting
        cli = CliRunner().invoke(
            app, ["rank", "--db", str(db), "--period", "2026-Q2", "--format", "json", "--include-partial"]
        )
        assert cli.exit_code == 0, cli.output
        by_cli = [(r["vendor_id"], r["rank"], r["score"]) for r in json.loads(cli.stdout)]
        assert ranking.table.select("vendor_id", "rank", "score").rows() == by_cli
        review = scorecard.quarterly_review(con, "acme", "2026-Q2")
        page = scorecard.write_report(review, tmp_path / "acme.html").read_text(encoding="utf-8")
        assert "Acme Contact" in page and "2026-Q2" in page
        assert scorecard.audit(con).ok
    finally:
        con.close()


def test_open_db_names_a_missing_database(tmp_path: Path) -> None:
    with pytest.raises(
        scorecard.ScorecardError, match=r"does not exist\. Build it first with: scorecard ingest"
    ):
        scorecard.open_db(tmp_path / "missing.duckdb")
