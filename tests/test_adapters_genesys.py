"""genesys_cloud_queue_interval: flat queue aggregates (ms) -> canonical intervals + reported SL."""

from __future__ import annotations

from datetime import UTC, date, datetime
from pathlib import Path

import polars as pl
import pytest

from scorecard.errors import AdapterError, ConfigError, ValidationFailure
from scorecard.ingest.adapters import get_adapter
from scorecard.ingest.adapters.genesys_cloud_queue_interval import SL_DEFINITION
from scorecard.workspace.config import ExportConfig, VendorConfig

FIXTURE = Path(__file__).parent / "fixtures" / "adapters" / "genesys_queue_interval.csv"


def read(path: Path = FIXTURE, **options):
    """Run the adapter for a vendor in Europe/Budapest (CEST = UTC+2 in August)."""
    export = ExportConfig(
        "intervals", "genesys_cloud_queue_interval", "*.csv", Path("gen/vendor.toml"), options=options
    )
    vendor = VendorConfig("gen", Path("gen"), "G", "HU", "Europe/Budapest", "HUF", {}, (export,))
    return get_adapter("genesys_cloud_queue_interval").read(path, export, vendor)


def test_voice_rows_in_seconds_with_targets_stated():
    out = read(sl_threshold_s=20, short_abandon_s=5)
    assert out.problems == []
    assert out.frame["source_row"].to_list() == [2, 4, 5]  # line 3 is a callback: not voice
    assert out.frame.row(0, named=True) == {
        "program": "Support",
        "interval_start": datetime(2026, 8, 21, 7, 0, tzinfo=UTC),
        "interval_s": 1800,  # 07:30Z − 07:00Z
        "answered": 10,  # tAnswered.count
        "answered_in_sl": 8,  # tAnswered.count 10 − nOverSla 2
        "abandoned": 2,  # tAbandon.count (short abandons included)
        "abandoned_in_sl": None,  # Genesys has no such metric
        "short_abandoned": 1,  # tShortAbandon.count, threshold stated by the option
        "blocked": None,
        "self_service": None,
        "sl_threshold_s": 20.0,
        "short_abandon_s": 5.0,
        "answered_wait_s": 154.0,  # 154000 ms
        "abandoned_wait_s": 46.5,  # 46500 ms
        "talk_s": 1830.0,
        "hold_s": 62.0,
        "acw_s": 300.5,
        "transferred": 1,
        "staffed_s": None,  # not in the export
        "source_row": 2,
    }
    # Row 3 leaves tAbandon, tShortAbandon and tHeld empty: Genesys omits metrics with no events -> 0.
    assert out.frame.row(1, named=True)["abandoned"] == 0
    assert out.frame.row(1, named=True)["short_abandoned"] == 0
    assert out.frame.row(1, named=True)["hold_s"] == 0.0
    assert out.frame["answered_in_sl"].to_list() == [8, 3, 3]  # 10−2, 3−0, 4−1


def test_oservicelevel_of_half_hour_intervals_is_not_kept():
    # 30-minute figures cannot be set against recomputed KPIs, which start at day grain.
    assert read().reported.height == 0


def test_oservicelevel_of_a_whole_day_interval_is_kept(tmp_path: Path):
    path = tmp_path / "daily.csv"
    path.write_text(
        "interval,queueName,mediaType,nOffered,tAnswered.count,tAbandon.count,nTransferred,nOverSla,"
        "tAnswered.sum,tAbandon.sum,tTalk.sum,tHeld.sum,tAcw.sum,oServiceLevel\n"
        "2026-08-20T22:00:00Z/2026-08-21T22:00:00Z,Support,voice,10,9,1,0,1,90000,5000,900000,0,90000,0.9\n"
    )
    reported = read(path).reported
    # 22:00 UTC is midnight in Budapest (CEST, UTC+2): the figure covers exactly 21 August.
    assert reported.to_dicts() == [
        {
            "program": "Support",
            "period_start": date(2026, 8, 21),
            "period_end": date(2026, 8, 21),
            "kpi": "service_level",
            "value": 0.9,
            "definition": SL_DEFINITION,
            "source_row": 2,
        }
    ]


def test_without_the_options_the_unknowable_columns_are_null():
    frame = read().frame
    for col in ("answered_in_sl", "sl_threshold_s", "short_abandoned", "short_abandon_s"):
        assert frame[col].null_count() == 3, col


def test_media_types_option_and_errors(tmp_path: Path):
    # The callback row (line 3) is left out by default, and counted; with the option it loads.
    assert [(w.rule, w.rows, w.first_row, w.example) for w in read().warnings] == [
        ("left_out_other_media", 1, 3, "callback")
    ]
    both = read(media_types=["voice", "callback"])
    assert both.frame.height == 4 and both.warnings == []
    with pytest.raises(
        ConfigError, match="option 'sl_threshold_s' of format 'genesys_cloud_queue_interval' must"
    ):
        read(sl_threshold_s="20s")
    path = tmp_path / "agents.csv"
    path.write_text("interval,userId,tHandle.sum\n2026-08-21T07:00:00Z/2026-08-21T07:30:00Z,u1,1000\n")
    with pytest.raises(AdapterError, match=r"missing column\(s\) queueName, nOffered, tAnswered\.count"):
        read(path)


def test_a_bad_interval_is_reported(tmp_path: Path):
    text = FIXTURE.read_text().replace(
        "2026-08-21T07:30:00.000Z/2026-08-21T08:00:00.000Z",
        "2026-08-21T08:00:00.000Z/2026-08-21T07:30:00.000Z",
    )
    path = tmp_path / "bad.csv"
    path.write_text(text)
    out = read(path)
    assert out.problems == [
        ValidationFailure(
            4,
            "interval",
            "2026-08-21T08:00:00.000Z/2026-08-21T07:30:00.000Z",
            "not a timestamp (ISO 8601 start/end, e.g. 2026-08-21T09:00:00Z/2026-08-21T09:30:00Z)",
        )
    ]
    assert out.frame.filter(pl.col("source_row") == 4)["interval_start"].to_list() == [None]


def test_no_ivr_option_makes_self_service_zero():
    assert read().frame["self_service"].to_list() == [None, None, None]
    assert read(no_ivr=True).frame["self_service"].to_list() == [0, 0, 0]
    with pytest.raises(ConfigError) as exc:
        read(no_ivr="true")
    assert str(exc.value) == (
        "gen/vendor.toml: option 'no_ivr' of format 'genesys_cloud_queue_interval' must be true or false; "
        "got 'true'."
    )
