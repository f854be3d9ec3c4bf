"""cisco_ucce_call_type_interval: Call_Type_Interval rows -> canonical intervals (UTF-8 with BOM fixture)."""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path

import pytest

from scorecard.errors import AdapterError, ConfigError, ValidationFailure
from scorecard.ingest.adapters import get_adapter
from scorecard.workspace.config import ExportConfig, VendorConfig

FIXTURE = Path(__file__).parent / "fixtures" / "adapters" / "ucce_call_type_interval.csv"


def read(path: Path = FIXTURE, **options):
    """Run the adapter for a vendor in America/New_York (EDT = UTC−4 in August)."""
    export = ExportConfig(
        "intervals", "cisco_ucce_call_type_interval", "*.csv", Path("ucce/vendor.toml"), options=options
    )
    vendor = VendorConfig("ucce", Path("ucce"), "U", "US", "America/New_York", "USD", {}, (export,))
    return get_adapter("cisco_ucce_call_type_interval").read(path, export, vendor)


def test_call_type_rows_with_the_service_level_threshold_stated():
    out = read(sl_threshold_s=20, program_names={"5001": "Billing"})
    assert out.problems == []
    assert out.frame.row(0, named=True) == {
        "program": "Billing",
        "interval_start": datetime(2026, 8, 21, 13, 0, tzinfo=UTC),  # 09:00 EDT; the BOM is not in the header
        "interval_s": 1800,  # ReportingInterval 30 min
        "answered": 25,  # CallsAnswered
        "answered_in_sl": 20,  # ServiceLevelCalls
        "abandoned": 3,  # RouterCallsAbandQ 2 + RouterCallsAbandToAgent 1
        "abandoned_in_sl": 1,  # ServiceLevelAband
        "short_abandoned": None,  # ShortCalls (2) are not short abandons
        "blocked": None,
        "self_service": None,
        "sl_threshold_s": 20.0,
        "short_abandon_s": None,
        "answered_wait_s": 375.0,  # AnswerWaitTime
        "abandoned_wait_s": 135.0,  # DelayQAbandTime 120 + DelayAgentAbandTime 15
        "talk_s": 6000.0,
        "hold_s": 300.0,
        "acw_s": 1200.0,  # HandleTime 7500 − TalkTime 6000 − HoldTime 300
        "transferred": None,
        "staffed_s": None,  # not in the export
        "source_row": 2,
    }
    assert out.frame["program"].to_list() == ["Billing", "Billing", "5002"]
    assert out.frame["abandoned"].to_list() == [3, 2, 0]  # 2 + 1; 2 + 0; 0 + 0
    assert out.frame["abandoned_wait_s"].to_list() == [135.0, 60.0, 0.0]
    assert out.frame["acw_s"].to_list() == [1200.0, 300.0, 200.0]  # 2400−2000−100; 1000−800−0


def test_without_the_threshold_the_service_level_split_is_null():
    frame = read().frame
    assert frame["answered_in_sl"].to_list() == [None, None, None]
    assert frame["abandoned_in_sl"].to_list() == [None, None, None]
    assert frame["sl_threshold_s"].to_list() == [None, None, None]


def test_interval_length_from_the_option_when_the_export_has_no_reporting_interval(tmp_path: Path):
    lines = FIXTURE.read_text(encoding="utf-8-sig").splitlines()
    cut = [",".join(f for i, f in enumerate(line.split(",")) if i != 2) for line in lines]  # drop column 3
    # and without the agent-abandon pair: abandoned = RouterCallsAbandQ only
    cut = [",".join(line.split(",")[:-2]) for line in cut]
    path = tmp_path / "cti.csv"
    path.write_text("\n".join(cut) + "\n")
    frame = read(path, interval_minutes=15).frame
    assert frame["interval_s"].to_list() == [900, 900, 900]
    assert frame["abandoned"].to_list() == [2, 2, 0]
    assert frame["abandoned_wait_s"].to_list() == [120.0, 60.0, 0.0]
    assert read(path).frame["interval_s"].to_list() == [1800, 1800, 1800]  # UCCE's default, 30 min
    with pytest.raises(ConfigError) as exc:
        read(path, interval_minutes=20)
    assert str(exc.value) == (
        "ucce/vendor.toml: option 'interval_minutes' of format 'cisco_ucce_call_type_interval' must be 15 "
        "or 30 (the UCCE reporting interval); got 20."
    )


def test_half_of_the_agent_abandon_pair_is_refused(tmp_path: Path):
    lines = FIXTURE.read_text(encoding="utf-8-sig").splitlines()
    path = tmp_path / "cti.csv"
    path.write_text("\n".join(",".join(line.split(",")[:-1]) for line in lines) + "\n")
    expected = r"missing column\(s\) DelayAgentAbandTime \(rule missing_column\)\. Expected columns: "
    with pytest.raises(AdapterError, match=expected):
        read(path)


def test_a_wrong_file_and_a_bad_value(tmp_path: Path):
    path = tmp_path / "skill_group.csv"
    path.write_text("DateTime,SkillTargetID,CallsAnswered\n2026-08-21 09:00:00,5001,3\n")
    with pytest.raises(AdapterError, match="not a 'cisco_ucce_call_type_interval' export; missing column"):
        read(path)
    lines = FIXTURE.read_text(encoding="utf-8-sig").splitlines()
    lines[3] = lines[3].replace("2026-08-21 09:00:00.000,5002", "21/08/2026 09:00,5002")
    bad = tmp_path / "bad.csv"
    bad.write_text("\n".join(lines) + "\n")
    assert read(bad).problems == [
        ValidationFailure(4, "DateTime", "21/08/2026 09:00", "not a timestamp"),  # lines[3] is line 4
    ]


def test_no_ivr_option_makes_self_service_zero():
    assert read().frame["self_service"].to_list() == [None, None, None]
    frame = read(no_ivr=True).frame
    assert frame["self_service"].to_list() == [0, 0, 0]
    assert frame["blocked"].to_list() == [None, None, None]  # still not in this table
    with pytest.raises(ConfigError) as exc:
        read(no_ivr=1)
    assert str(exc.value) == (
        "ucce/vendor.toml: option 'no_ivr' of format 'cisco_ucce_call_type_interval' must be true or false; "
        "got 1."
    )
