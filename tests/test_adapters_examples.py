"""The worked examples of docs/adapters.md, run as the docs print them (the TOML is read from the page).

Reference values are computed here from the raw lines with the csv module and plain arithmetic.
"""

from __future__ import annotations

import csv
import shutil
from pathlib import Path

import duckdb
import pytest
from conftest import write
from docs_blocks import toml_block

from scorecard.ingest.adapters import get_adapter
from scorecard.ingest.run import ingest
from scorecard.metrics.kpis import kpi_notes, kpis
from scorecard.workspace.config import load_vendor

FIXTURES = Path(__file__).parent / "fixtures"
MONTHLY = FIXTURES / "monthly_sl30" / "2026-Q1.csv"


def _number(text: str) -> float:
    """`12 480` / `14,2` / `84,2 %` as the report writes them."""
    return float(text.replace(" ", "").replace("%", "").replace(",", "."))


def monthly_workspace(tmp_path: Path, threshold: int) -> Path:
    root = tmp_path / f"ws{threshold}"
    write(root / "scorecard.toml", f'base_currency = "EUR"\nsl_threshold_s = {threshold}\n')
    header = 'name = "Cards Direct"\ntimezone = "Europe/Madrid"\ncurrency = "EUR"\n\n'
    toml = toml_block("adapters.md", "Example: a monthly aggregate with a service level at another threshold")
    write(root / "cards" / "vendor.toml", header + toml)
    (root / "cards" / "monthly").mkdir(parents=True)
    shutil.copyfile(MONTHLY, root / "cards" / "monthly" / MONTHLY.name)
    return root


@pytest.mark.parametrize("threshold", [20, 30])
def test_a_monthly_report_at_30_seconds_is_comparable_only_under_a_30_second_workspace(
    tmp_path: Path, threshold: int
):
    root = monthly_workspace(tmp_path, threshold)
    db = tmp_path / f"m{threshold}.duckdb"
    report = ingest(root, db)
    assert report.ok, [f.message for f in report.files]
    with (MONTHLY).open(newline="", encoding="utf-8") as fh:
        rows = list(csv.DictReader(fh, delimiter=";"))
    answered = sum(_number(r["Answered"]) for r in rows)
    in_30 = sum(_number(r["Answered within 30 s"]) for r in rows)
    abandoned = sum(_number(r["Abandoned"]) for r in rows)
    short = sum(_number(r["Abandoned < 5 s"]) for r in rows)
    waited = sum(_number(r["Avg speed of answer (s)"]) * _number(r["Answered"]) for r in rows)
    with duckdb.connect(str(db), read_only=True) as con:
        row = kpis(con).row(0, named=True)
        notes = dict(kpi_notes(con).select("kpi", "reason").iter_rows())
    # answered 11,902 + 10,640 + 12,421 = 34,963; abandoned 578 + 380 + 879 = 1,837 of which 303 short
    assert (answered, abandoned, short) == (34_963, 1_837, 303)
    assert (row["answered"], row["abandoned"], row["short_abandoned"]) == (34_963, 1_837, 303)
    assert row["abandon_rate"] == pytest.approx((abandoned - short) / (answered + abandoned - short))
    assert row["asa_s"] == pytest.approx(waited / answered)  # Σ (ASA × answered) / answered
    if threshold == 30:
        # (10,511 + 9,870 + 10,214) / (34,963 + 1,837 − 303) = 30,595 / 36,497
        assert row["service_level"] == pytest.approx(in_30 / (answered + abandoned - short))
        assert row["service_level"] == pytest.approx(30_595 / 36_497)
    else:
        assert row["service_level"] is None
        assert notes["service_level"] == "not comparable: interval report threshold 30 s vs workspace 20 s"
    assert row["aht_s"] is None and row["blockage_rate"] is None  # not in the report: unknown


def test_the_monthly_report_keeps_the_vendors_own_figures(tmp_path: Path):
    root = monthly_workspace(tmp_path, 20)
    v = load_vendor(root / "cards")
    out = get_adapter("mapped").read(MONTHLY, v.exports[0], v)
    by_kpi = {(r["kpi"], str(r["period_start"])): r["value"] for r in out.reported.iter_rows(named=True)}
    assert by_kpi[("service_level", "2026-01-01")] == pytest.approx(0.842)  # "84,2 %"
    assert by_kpi[("aht_s", "2026-03-01")] == 348.0  # "05:48"


def test_the_russian_cdr_example_reads_the_cp1251_fixture(tmp_path: Path):
    write(
        tmp_path / "v" / "vendor.toml",
        'name = "Volga"\ntimezone = "Europe/Moscow"\ncurrency = "RUB"\n\n'
        + toml_block("adapters.md", "Example: a Russian CDR"),
    )
    v = load_vendor(tmp_path / "v")
    out = get_adapter("mapped").read(FIXTURES / "adapters" / "mapped_cdr_cp1251.csv", v.exports[0], v)
    assert out.problems == []
    assert out.frame.select("call_id", "outcome", "talk_s").rows() == [
        ("A-1", "answered", 255.0),  # "4,25" minutes
        ("A-2", "abandoned", 0.0),
        ("A-3", "answered", 600.0),
        ("A-4", "blocked", 0.0),
    ]
    assert [w.rule for w in out.warnings] == ["left_out_by_drop"]  # the ИТОГО (totals) line
