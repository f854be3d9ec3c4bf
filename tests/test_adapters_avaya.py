"""avaya_cms_hsplit: CMS split/skill interval rows -> canonical intervals (fixture worked by hand)."""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path

import pytest

from scorecard.errors import AdapterError, ConfigError, ValidationFailure
from scorecard.ingest.adapters import get_adapter
from scorecard.ingest.adapters.avaya_cms_hsplit import REQUIRED
from scorecard.workspace.config import ExportConfig, VendorConfig

FIXTURE = Path(__file__).parent / "fixtures" / "adapters" / "avaya_hsplit.csv"
EDGES = [4, 10, 20, 30, 45, 60, 90, 120, 180]


def read(path: Path = FIXTURE, **options):
    """Run the adapter on `path` for a vendor in America/Chicago (CDT = UTC−5 in August)."""
    export = ExportConfig("intervals", "avaya_cms_hsplit", "*.csv", Path("acme/vendor.toml"), options=options)
    vendor = VendorConfig("acme", Path("acme"), "Acme", "US", "America/Chicago", "USD", {}, (export,))
    return get_adapter("avaya_cms_hsplit").read(path, export, vendor)


def test_rows_map_to_canonical_intervals_with_acdtime_as_talk_and_hold_apart():
    out = read(program_names={"12": "Billing"})
    assert out.problems == [] and out.reported is None
    first = out.frame.row(0, named=True)
    assert first == {
        "program": "Billing",
        "interval_start": datetime(2026, 8, 21, 14, 0, tzinfo=UTC),  # 09:00 CDT
        "interval_s": 1800,  # intrvl 30 min × 60
        "answered": 20,  # acdcalls
        "answered_in_sl": 16,  # acceptable
        "abandoned": 4,  # abncalls
        "abandoned_in_sl": 3,  # slvlabns
        "short_abandoned": None,  # no bucket edges configured: never a guess
        "blocked": 1,  # busycalls 1 + disccalls 0
        "self_service": None,  # a split table never sees IVR-only calls
        "sl_threshold_s": 20.0,  # targetseconds
        "short_abandon_s": None,
        "answered_wait_s": 300.0,  # anstime
        "abandoned_wait_s": 90.0,  # abntime
        "talk_s": 3600.0,  # acdtime (excludes hold)
        "hold_s": 240.0,  # holdtime
        "acw_s": 600.0,  # acwtime; handle = 3600 + 240 + 600 = 4440
        "transferred": 2,
        "staffed_s": None,  # not in the export
        "source_row": 2,  # line 2: the first line after the header
    }
    assert out.frame["program"].to_list() == ["Billing", "Billing", "14"]
    assert out.frame["interval_start"].to_list() == [
        datetime(2026, 8, 21, 14, 0, tzinfo=UTC),
        datetime(2026, 8, 21, 14, 30, tzinfo=UTC),  # starttime 930
        datetime(2026, 8, 21, 14, 0, tzinfo=UTC),
    ]
    assert out.frame["blocked"].to_list() == [1, 0, 1]  # row 3: busycalls 0 + disccalls 1
    assert out.frame["sl_threshold_s"].to_list() == [20.0, 20.0, 30.0]


def test_short_abandons_come_from_the_first_bucket_when_its_edge_is_exact():
    out = read(abandon_bucket_edges_s=EDGES)
    # ABNCALLS1 counts waits 0..4 s in whole seconds = waits < 5 s.
    assert out.frame["short_abandoned"].to_list() == [2, 0, 0]
    assert out.frame["short_abandon_s"].to_list() == [5.0, 5.0, 5.0]


def test_short_abandon_threshold_picks_the_matching_bucket_edge():
    out = read(abandon_bucket_edges_s=EDGES, short_abandon_s=11)
    # edge 10 + 1 = 11: buckets 1 and 2; row 1: 2 + 1 = 3; row 2: 0 + 0 = 0.
    assert out.frame["short_abandoned"].to_list() == [3, 0, 0]
    assert out.frame["short_abandon_s"].to_list() == [11.0, 11.0, 11.0]


def test_a_threshold_between_bucket_edges_is_refused():
    with pytest.raises(ConfigError) as exc:
        read(abandon_bucket_edges_s=EDGES, short_abandon_s=6)
    assert str(exc.value) == (
        "acme/vendor.toml: option 'short_abandon_s' = 6 of format 'avaya_cms_hsplit' is not exact with "
        "abandon_bucket_edges_s [4, 10, 20, 30, 45, 60, 90, 120, 180]: CMS counts abandons in whole seconds "
        "up to each edge, so abandons under 6 s need an edge of 5. Fix the option or remove it."
    )


def test_bucket_edges_must_be_nine_increasing_whole_seconds():
    with pytest.raises(ConfigError) as exc:
        read(abandon_bucket_edges_s=[5, 10])
    assert str(exc.value) == (
        "acme/vendor.toml: option 'abandon_bucket_edges_s' of format 'avaya_cms_hsplit' must list the 9 "
        "increasing call-profile edges PERIOD1..PERIOD9 in whole seconds; got [5, 10]."
    )
    with pytest.raises(ConfigError, match="option 'short_abandon_s' of format 'avaya_cms_hsplit' needs"):
        read(short_abandon_s=5)
    with pytest.raises(
        ConfigError, match="option 'program_names' of format 'avaya_cms_hsplit' must be a table"
    ):
        read(program_names=["12"])


def test_upper_case_headers_are_accepted(tmp_path: Path):
    path = tmp_path / "hsplit.csv"
    path.write_text(
        FIXTURE.read_text().splitlines()[0].upper() + "\n" + FIXTURE.read_text().split("\n", 1)[1]
    )
    assert read(path).frame["answered"].to_list() == [20, 10, 5]


def test_a_wrong_file_names_the_missing_columns(tmp_path: Path):
    path = tmp_path / "agent.csv"
    path.write_text("row_date,logid,acdcalls\n2026-08-21,1001,5\n")
    with pytest.raises(AdapterError) as exc:
        read(path)
    expected = ", ".join(REQUIRED)
    missing = ", ".join(c for c in REQUIRED if c not in ("row_date", "acdcalls"))
    assert str(exc.value) == (
        f"{path}: not a 'avaya_cms_hsplit' export; missing column(s) {missing} (rule missing_column). "
        f"Expected columns: {expected}. Found: row_date, logid, acdcalls. Check the file and the `format` "
        "of this export in vendor.toml."
    )
    assert missing.startswith("starttime, split, intrvl, callsoffered, abncalls, abncalls1, ")


def test_unparseable_values_are_reported_with_row_and_text(tmp_path: Path):
    lines = FIXTURE.read_text().splitlines()
    lines[2] = lines[2].replace("2026-08-21,930,30,12,12,10,", "2026-08-21,975,30,12,12,ten,")
    path = tmp_path / "bad.csv"
    path.write_text("\n".join(lines) + "\n")
    assert read(path).problems == [
        ValidationFailure(3, "acdcalls", "ten", "not a whole number"),  # line 3 of the file
        ValidationFailure(
            3, "row_date + starttime", "2026-08-21 975", "not a timestamp (row_date as %Y-%m-%d, HHMM)"
        ),
    ]


def test_no_ivr_option_makes_self_service_zero():
    # A split table never sees calls that ended in the vector: NULL unless the buyer states there is no IVR.
    assert read().frame["self_service"].to_list() == [None, None, None]
    assert read(no_ivr=True).frame["self_service"].to_list() == [0, 0, 0]
    assert read(no_ivr=False).frame["self_service"].to_list() == [None, None, None]
    with pytest.raises(ConfigError) as exc:
        read(no_ivr="yes")
    assert str(exc.value) == (
        "acme/vendor.toml: option 'no_ivr' of format 'avaya_cms_hsplit' must be true or false; got 'yes'."
    )


def test_staffed_time_is_read_when_the_report_selects_i_stafftime(tmp_path: Path):
    """A report with CMS's I_STAFFTIME (upper case, as CMS names it) fills staffed_s; without it, NULL."""
    lines = FIXTURE.read_text().splitlines()
    # staffed seconds per row: 2 agents × 1,800 s = 3,600; 2 × 1,800 − 300 s of one logout = 3,300; 1 × 1,800
    staffed = ["I_STAFFTIME", "3600", "3300", "1800"]
    path = tmp_path / "hsplit.csv"
    path.write_text("\n".join(f"{line},{s}" for line, s in zip(lines, staffed, strict=True)) + "\n")
    out = read(path)
    assert out.problems == []
    assert out.frame["staffed_s"].to_list() == [3600.0, 3300.0, 1800.0]
    assert read().frame["staffed_s"].to_list() == [None, None, None]  # the fixture has no I_STAFFTIME


def test_an_unreadable_staffed_time_is_named_with_its_cell(tmp_path: Path):
    lines = FIXTURE.read_text().splitlines()
    staffed = ["i_stafftime", "3600", "1:00:00x", "1800"]
    path = tmp_path / "hsplit.csv"
    path.write_text("\n".join(f"{line},{s}" for line, s in zip(lines, staffed, strict=True)) + "\n")
    assert read(path).problems == [ValidationFailure(3, "i_stafftime", "1:00:00x", "not a number")]
