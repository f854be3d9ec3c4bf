"""The three public datasets of shared/data read through `mapped` vendor.toml configurations only.

Each test writes the vendor.toml a user would write, loads it with the real config loader, runs the
adapter on the published file as it is, and checks the README's independently computed reference values.
"""

from __future__ import annotations

from datetime import UTC, date, datetime
from pathlib import Path

import polars as pl
import pytest

from scorecard.ingest.adapters import get_adapter
from scorecard.ingest.prepare import read_file
from scorecard.workspace.config import VendorConfig, load_vendor

DATA = Path(__file__).resolve().parents[2] / "shared" / "data"
SF = DATA / "sf_hss_monthly" / "Call_Center_Metrics_for_the_Health_Service_System.csv"
KAGGLE = DATA / "kaggle_daily" / "call_center_data.csv"
PWC = DATA / "pwc_calls" / "call_center_dataset.xlsx"
pytestmark = pytest.mark.skipif(not DATA.is_dir(), reason="shared/data is not present")

SF_TOML = """
name = "SF Health Service System"
timezone = "America/Los_Angeles"
currency = "USD"

[[exports]]
table = "intervals"
format = "mapped"
files = "Call_Center_Metrics_for_the_Health_Service_System.csv"
formats = { interval_start = "%b %Y" }
constants = { program = "HSS", interval_s = "1mo" }
sums = { answered = { plus = ["Inbound Calls"], minus = ["Abandoned Calls"] } }
averages = { answered_wait_s = "answered" }
drop = { "Abandoned Calls" = [""] }   # 5 months publish no abandon count: no queue volumes for them

[exports.columns]
interval_start = "Month"
abandoned = "Abandoned Calls"
answered_wait_s = "Average Speed of Answer in Secs"

[exports.reported.abandon_rate]
column = "Call Abandonment Rate"
definition = "published monthly Call Abandonment Rate (percent); definition not published"
"""

KAGGLE_TOML = """
name = "Kaggle call center"
timezone = "UTC"
currency = "USD"

[[exports]]
table = "intervals"
format = "mapped"
files = "call_center_data.csv"
delimiter = ";"
day_index_start = "2021-01-01"   # the file has no dates: Index is the day number
averages = { answered_wait_s = "answered", talk_s = "answered" }
constants = { program = "main", interval_s = "1d" }

[exports.columns]
interval_start = "Index"
answered = "Answered Calls"
abandoned = "Abandoned Calls"
answered_wait_s = "Answer Speed (AVG)"
talk_s = "Talk Duration (AVG)"

[exports.reported]
asa_s = "Answer Speed (AVG)"
avg_talk_s = "Talk Duration (AVG)"
service_level = { column = "Service Level (20 Seconds)", definition = "answered in 20 s / (not published)" }
abandon_rate = { column = "Answer Rate", complement = true, definition = "1 − answered / incoming" }
"""

PWC_TOML = """
name = "PwC call centre trends"
timezone = "Europe/London"
currency = "GBP"

[[exports]]
table = "calls"
format = "mapped"
files = "call_center_dataset.xlsx"
sheet = "Sheet1"
values = { outcome = { Y = "answered", N = "abandoned" } }
defaults = { talk_s = 0 }   # an unanswered call talked 0 s; its wait stays unknown (empty)

[exports.columns]
call_id = "Call Id"
agent_id = "Agent"
program = "Topic"
arrived_at = ["Date", "Time"]
outcome = "Answered (Y/N)"
resolved = "Resolved"
wait_s = "Speed of answer in seconds"
talk_s = "AvgTalkDuration"

[[exports]]
table = "surveys"
format = "mapped"
files = "call_center_dataset.xlsx"
drop = { "Satisfaction rating" = [""] }   # unanswered calls were not rated

[exports.columns]
survey_id = "Call Id"
call_id = "Call Id"
responded_at = ["Date", "Time"]
csat = "Satisfaction rating"
"""


def vendor(tmp_path: Path, toml: str) -> VendorConfig:
    """Load the vendor.toml a user would write for the dataset."""
    folder = tmp_path / "vendor"
    folder.mkdir()
    (folder / "vendor.toml").write_text(toml, encoding="utf-8")
    return load_vendor(folder)


def local_year(frame: pl.DataFrame, tz: str, year: int) -> pl.DataFrame:
    """Rows whose interval starts in `year`, vendor-local."""
    return frame.filter(pl.col("interval_start").dt.convert_time_zone(tz).dt.year() == year)


def test_sf_hss_monthly(tmp_path: Path):
    v = vendor(tmp_path, SF_TOML)
    out = get_adapter("mapped").read(SF, v.exports[0], v)
    assert out.problems == []
    assert out.frame.height == 155  # 160 months − 5 without an abandon count
    first = out.frame.row(0, named=True)
    assert first["interval_start"] == datetime(2024, 4, 1, 7, 0, tzinfo=UTC)  # Apr 2024, PDT midnight
    assert first["interval_s"] == 30 * 86400
    assert first["answered"] == 3036 - 298
    for col in ("answered_in_sl", "sl_threshold_s", "short_abandoned", "blocked", "self_service", "talk_s"):
        assert out.frame[col].null_count() == 155, col  # what the report lacks is NULL

    y2019 = local_year(out.frame, "America/Los_Angeles", 2019)
    inbound = y2019["answered"].sum() + y2019["abandoned"].sum()
    assert (inbound, y2019["abandoned"].sum()) == (54_650, 607)
    assert round(607 / 54_650 * 100, 4) == 1.1107
    assert round(y2019["answered_wait_s"].sum() / y2019["answered"].sum(), 3) == 21.157  # weighted ASA
    y2023 = local_year(out.frame, "America/Los_Angeles", 2023)
    pooled = y2023["abandoned"].sum() / (y2023["answered"].sum() + y2023["abandoned"].sum())
    assert round(pooled * 100, 3) == 20.525

    reported = out.reported
    assert reported.height == 155 and reported["kpi"].unique().to_list() == ["abandon_rate"]
    in_2019 = reported.filter(pl.col("period_start").dt.year() == 2019)
    assert round(in_2019["value"].mean() * 100, 4) == 1.0583  # the mean of published monthly rates
    in_2023 = reported.filter(pl.col("period_start").dt.year() == 2023)
    assert round(in_2023["value"].mean() * 100, 3) == 13.792
    jan_2023 = reported.filter(pl.col("period_start") == date(2023, 1, 1)).row(0, named=True)
    assert (jan_2023["period_end"], jan_2023["value"]) == (date(2023, 1, 31), 0.25)  # vs 2091/2482 = 84.25 %

    frame, rep = read_file(SF, "sf.csv", v.exports[0], v)  # the canonical schema accepts it
    assert (frame.height, rep.height) == (155, 155)


def test_kaggle_daily(tmp_path: Path):
    v = vendor(tmp_path, KAGGLE_TOML)
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


def test_pwc_calls_and_their_ratings(tmp_path: Path):
    v = vendor(tmp_path, PWC_TOML)
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
