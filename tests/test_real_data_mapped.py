"""Public datasets read through `mapped` configurations only: the vendor.toml blocks of docs/adapters.md.

Each test writes the vendor.toml a user would copy from the docs, loads it with the real config loader,
and runs the adapter on the published file as it is. The San Francisco set is in the repository
(tests/data/, public domain): its reference values are computed here from the raw rows with the csv
module. The Kaggle and PwC sets state no licence and stay outside (tests/data/README.md); their tests
check the values published with them, and are skipped when the files are absent.
"""

from __future__ import annotations

import csv
from datetime import UTC, date, datetime
from pathlib import Path

import polars as pl
import pytest
from conftest import EXTERNAL_DATA, REPO_DATA, needs_external
from docs_blocks import toml_block

from scorecard.ingest.adapters import get_adapter
from scorecard.ingest.prepare import read_file
from scorecard.workspace.config import VendorConfig, load_vendor

SF = REPO_DATA / "sf_hss_monthly" / "Call_Center_Metrics_for_the_Health_Service_System.csv"
KAGGLE = EXTERNAL_DATA / "kaggle_daily" / "call_center_data.csv"
PWC = EXTERNAL_DATA / "pwc_calls" / "call_center_dataset.xlsx"


def vendor(tmp_path: Path, heading: str, name: str, tz: str, currency: str) -> VendorConfig:
    """Load the vendor.toml a user would write from the docs' example under `heading`."""
    folder = tmp_path / "vendor"
    folder.mkdir()
    head = f'name = "{name}"\ntimezone = "{tz}"\ncurrency = "{currency}"\n\n'
    (folder / "vendor.toml").write_text(head + toml_block("adapters.md", heading), encoding="utf-8")
    return load_vendor(folder)


def local_year(frame: pl.DataFrame, tz: str, year: int) -> pl.DataFrame:
    """Rows whose interval starts in `year`, vendor-local."""
    return frame.filter(pl.col("interval_start").dt.convert_time_zone(tz).dt.year() == year)


def sf_rows() -> list[dict[str, str]]:
    """The published rows, as text, read with the csv module."""
    with SF.open(newline="", encoding="utf-8") as fh:
        return list(csv.DictReader(fh))


def sf_year(year: int) -> dict[str, float]:
    """Independent reference values of one year: the months with an abandon count."""
    months = [r for r in sf_rows() if r["Month"].endswith(str(year)) and r["Abandoned Calls"]]
    inbound = sum(int(r["Inbound Calls"]) for r in months)
    abandoned = sum(int(r["Abandoned Calls"]) for r in months)
    timed = [r for r in months if r["Average Speed of Answer in Secs"]]
    waited = sum(
        float(r["Average Speed of Answer in Secs"]) * (int(r["Inbound Calls"]) - int(r["Abandoned Calls"]))
        for r in timed
    )
    published = [float(r["Call Abandonment Rate"]) / 100 for r in months if r["Call Abandonment Rate"]]
    return {
        "months": len(months),
        "inbound": inbound,
        "abandoned": abandoned,
        "answered": inbound - abandoned,
        "asa_s": waited / (inbound - abandoned) if len(timed) == len(months) else None,
        "published_mean": sum(published) / len(published),
    }


def test_sf_reference_values_match_the_published_ones():
    rows = sf_rows()
    assert len(rows) == 160 and sum(1 for r in rows if r["Abandoned Calls"]) == 155
    y2019 = sf_year(2019)
    assert (y2019["months"], y2019["inbound"], y2019["abandoned"]) == (12, 54_650, 607)
    assert round(y2019["abandoned"] / y2019["inbound"] * 100, 4) == 1.1107  # pooled
    assert round(y2019["asa_s"], 3) == 21.157  # weighted by answered calls
    assert round(y2019["published_mean"] * 100, 4) == 1.0583  # the mean of the published monthly rates
    y2023 = sf_year(2023)
    assert round(y2023["abandoned"] / y2023["inbound"] * 100, 3) == 20.525
    assert y2023["asa_s"] is None  # three months of 2023 publish no ASA


def test_sf_hss_monthly(tmp_path: Path):
    heading = "Example: a monthly aggregate with a published abandonment rate"
    v = vendor(tmp_path, heading, "SF Health Service System", "America/Los_Angeles", "USD")
    out = get_adapter("mapped").read(SF, v.exports[0], v)
    assert out.problems == []
    assert out.frame.height == 155  # 160 months − 5 without an abandon count
    first, raw_first = out.frame.row(0, named=True), sf_rows()[0]
    assert first["interval_start"] == datetime(2024, 4, 1, 7, 0, tzinfo=UTC)  # Apr 2024, PDT midnight
    assert first["interval_s"] == 30 * 86400
    assert first["answered"] == int(raw_first["Inbound Calls"]) - int(raw_first["Abandoned Calls"])
    for col in ("answered_in_sl", "sl_threshold_s", "short_abandoned", "blocked", "self_service", "talk_s"):
        assert out.frame[col].null_count() == 155, col  # what the report lacks is NULL
    assert [(w.rule, w.rows) for w in out.warnings] == [("left_out_by_drop", 5)]

    for year in (2019, 2023):
        ref, mine = sf_year(year), local_year(out.frame, "America/Los_Angeles", year)
        assert (mine["answered"].sum(), mine["abandoned"].sum()) == (ref["answered"], ref["abandoned"])
    y2019 = local_year(out.frame, "America/Los_Angeles", 2019)
    assert y2019["answered_wait_s"].sum() / y2019["answered"].sum() == pytest.approx(sf_year(2019)["asa_s"])

    reported = out.reported
    assert reported.height == 155 and reported["kpi"].unique().to_list() == ["abandon_rate"]
    in_2019 = reported.filter(pl.col("period_start").dt.year() == 2019)
    assert in_2019["value"].mean() == pytest.approx(sf_year(2019)["published_mean"])
    jan_2023 = reported.filter(pl.col("period_start") == date(2023, 1, 1)).row(0, named=True)
    assert (jan_2023["period_end"], jan_2023["value"]) == (date(2023, 1, 31), 0.25)  # vs 2091/2482 = 84.25 %

    frame, rep = read_file(SF, "sf.csv", v.exports[0], v)  # the canonical schema accepts it
    assert (frame.height, rep.height) == (155, 155)


@needs_external("kaggle_daily/call_center_data.csv")
def test_kaggle_daily(tmp_path: Path):
    v = vendor(tmp_path, "Example: daily aggregates numbered by day", "Kaggle call center", "UTC", "USD")
    out = get_adapter("mapped").read(KAGGLE, v.exports[0], v)
    assert out.problems == []
    f = out.frame
    assert f.height == 1251
    assert f["interval_start"][0] == datetime(2021, 1, 1, tzinfo=UTC)
    assert f["interval_start"][-1] == datetime(2024, 6, 4, tzinfo=UTC)  # day 1251 = 2021-01-01 + 1250 days
    answered, abandoned = f["answered"].sum(), f["abandoned"].sum()
    assert (answered + abandoned, answered, abandoned) == (248_373, 221_234, 27_139)
    assert round(abandoned / (answered + abandoned) * 100, 3) == 10.927
    assert round(answered / (answered + abandoned) * 100, 2) == 89.07  # pooled answer rate
    assert round(f["answered_wait_s"].sum() / answered, 3) == 29.836  # Σ (ASA × answered) / answered
    assert round(f["talk_s"].sum() / answered, 3) == 159.528
    for col in ("answered_in_sl", "abandoned_in_sl", "sl_threshold_s", "short_abandoned", "abandoned_wait_s"):
        assert f[col].null_count() == 1251, col  # the SL denominator cannot be recovered: NULL

    rep = out.reported
    assert rep.group_by("kpi").len().sort("kpi").rows() == [
        ("abandon_rate", 1251),
        ("asa_s", 1251),
        ("avg_talk_s", 1251),
        ("service_level", 1251),
    ]
    day1 = {r["kpi"]: r["value"] for r in rep.filter(pl.col("source_row") == 2).to_dicts()}
    assert day1 == {
        "service_level": pytest.approx(0.7628),  # "76.28%"
        "abandon_rate": pytest.approx(0.0599),  # 1 − "94.01%"
        "asa_s": 17.0,  # "0:00:17"
        "avg_talk_s": 134.0,  # "0:02:14"
    }
    mean_answer_rate = 1 - rep.filter(pl.col("kpi") == "abandon_rate")["value"].mean()
    assert round(mean_answer_rate * 100, 2) == 92.69  # the averaging mistake, kept as the vendor's figure
    assert rep.filter(pl.col("kpi") == "service_level")["definition"][0] == (
        "answered in 20 s / (not published)"
    )

    frame, reported = read_file(KAGGLE, "kaggle.csv", v.exports[0], v)
    assert (frame.height, reported.height) == (1251, 5004)


@needs_external("pwc_calls/call_center_dataset.xlsx")
def test_pwc_calls_and_their_ratings(tmp_path: Path):
    v = vendor(tmp_path, "Example: one XLSX, two tables", "PwC call centre trends", "Europe/London", "GBP")
    calls = get_adapter("mapped").read(PWC, v.exports[0], v)
    assert calls.problems == []
    f = calls.frame
    assert f.height == 5000
    assert f.row(0, named=True)["arrived_at"] == datetime(2021, 1, 1, 9, 12, 58, tzinfo=UTC)  # GMT in January
    abandoned = f.filter(pl.col("outcome") == "abandoned")
    assert abandoned.height == 946 and round(946 / 5000 * 100, 2) == 18.92
    assert abandoned["wait_s"].null_count() == 946  # unknown, never invented
    answered = f.filter(pl.col("outcome") == "answered")
    assert round(answered["resolved"].mean() * 100, 3) == 89.936
    assert round(answered["wait_s"].mean(), 3) == 67.521
    assert round(answered["talk_s"].mean(), 3) == 224.923
    assert (answered["wait_s"] <= 20).sum() / 5000 == 0.0748
    assert sorted(f["program"].unique().to_list()) == [
        "Admin Support",
        "Contract related",
        "Payment related",
        "Streaming",
        "Technical Support",
    ]

    surveys = get_adapter("mapped").read(PWC, v.exports[1], v)
    s = surveys.frame
    assert s.height == 4054  # the answered calls, each rated once
    assert s.row(0, named=True) == {
        "survey_id": "ID0001",
        "call_id": "ID0001",
        "responded_at": datetime(2021, 1, 1, 9, 12, 58, tzinfo=UTC),
        "csat": 3,
        "resolved": None,
        "source_row": 2,
    }
    assert round(s["csat"].mean(), 5) == 3.40355
    assert round((s["csat"] >= 4).mean() * 100, 3) == 49.901
    frame, _ = read_file(PWC, "pwc.xlsx", v.exports[1], v)
    assert frame.height == 4054
