"""One way to write a number: the same KPI value prints the same in the app, the HTML, the XLSX and the CLI.

On the fixture workspace (its data lies in 2026-Q2, so the quarter equals the whole range), Northwind's
service level 379 / 439 = 86.3 %, speed of answer 9.2 s, talk time 298 s = 4:58 and cost as billed
€21.83 a handled call appear on the Compare page, in the HTML review, in the XLSX review (its number
format applied by an independent renderer below) and in `scorecard kpis`.
"""

from __future__ import annotations

import io
import re
from datetime import timedelta
from pathlib import Path

import polars as pl
import pytest
from openpyxl import load_workbook
from streamlit.testing.v1 import AppTest
from test_app_ranking import copy_workspace
from test_report_html import parse
from typer.testing import CliRunner

from scorecard.cli import app as cli
from scorecard.ingest import db
from scorecard.ingest import run as load
from scorecard.review.quarter import quarterly_review
from scorecard.review.report.html import render_html
from scorecard.review.report.xlsx import build_workbook
from scorecard.scoring.presets import load_preset

ROOT = Path(__file__).resolve().parents[1]
#: label -> (KPI id, what every surface must print), worked from the fixture (see test_app_pages).
SHOWN = {
    "Service level (negative)": ("service_level", "86.3%"),
    "Average speed of answer": ("asa_s", "9.2 s"),
    "Average talk time": ("avg_talk_s", "4:58"),
    "Cost per handled call (as billed)": ("cost_per_call", "€21.83"),
}


@pytest.fixture(scope="module")
def built(tmp_path_factory) -> tuple[Path, Path]:
    ws = copy_workspace(tmp_path_factory.mktemp("one-way") / "ws")
    path = ws / ".scorecard.duckdb"
    assert load.ingest(ws, path).ok
    return ws, path


def excel_text(value, number_format: str) -> str:
    """What a spreadsheet shows for the formats the review uses (written here, not taken from the code)."""
    if number_format == "0.0%":
        return f"{value * 100:.1f}%"
    if number_format == '0.0" s"':
        return f"{value:.1f} s"
    if number_format == "[m]:ss":
        seconds = round(value.total_seconds() if isinstance(value, timedelta) else value * 86400)
        return f"{seconds // 60}:{seconds % 60:02d}"
    if m := re.fullmatch(r'"(.)"#,##0\.00;-"\1"#,##0\.00', number_format):
        return f"{'-' if value < 0 else ''}{m[1]}{abs(value):,.2f}"
    raise AssertionError(f"no renderer for {number_format!r}")


def app_values(built, monkeypatch) -> dict[str, str]:
    ws, path = built
    monkeypatch.setenv("SCORECARD_WORKSPACE", str(ws))
    monkeypatch.setenv("SCORECARD_DB", str(path))
    at = AppTest.from_file(str(ROOT / "app.py"), default_timeout=120)
    at.query_params.update({"page": "compare", "period": "2026-Q2"})
    at.run()
    assert not at.exception
    table = pl.from_pandas(at.dataframe[0].value)
    rows = {r["KPI"]: r["Northwind Contact"] for r in table.iter_rows(named=True)}
    return {label: rows[label].lstrip("✓≈✗ ").removesuffix(" °") for label in SHOWN}


def review_values(built) -> tuple[dict[str, str], dict[str, str]]:
    _, path = built
    con = db.connect(path, read_only=True)
    try:
        review = quarterly_review(con, "north", "2026-Q2", None, load_preset("quarterly_review"))
    finally:
        con.close()
    kpis = {r[0]: r[1] for r in parse(render_html(review)).tables["t-kpis"][1:]}
    buffer = io.BytesIO()
    build_workbook(review).save(buffer)
    sheet = load_workbook(io.BytesIO(buffer.getvalue()))["KPIs"]
    cells = {r[0].value: r[1] for r in sheet.iter_rows(min_row=5)}
    return (
        {label: kpis[label] for label in SHOWN},
        {label: excel_text(cells[label].value, cells[label].number_format) for label in SHOWN},
    )


def cli_values(built) -> dict[str, str]:
    _, path = built
    result = CliRunner().invoke(cli, ["kpis", "--db", str(path), "--grain", "quarter", "--vendor", "north"])
    assert result.exit_code == 0, result.output
    rows = {line.split()[0]: line.split(maxsplit=1)[1].strip() for line in result.stdout.splitlines()[4:]}
    return {label: rows[kpi_id] for label, (kpi_id, _) in SHOWN.items()}


def test_the_same_kpi_value_prints_the_same_everywhere(built, monkeypatch):
    html, xlsx = review_values(built)
    expected = {label: text for label, (_, text) in SHOWN.items()}
    assert app_values(built, monkeypatch) == expected
    assert html == expected
    assert xlsx == expected
    assert cli_values(built) == expected
