"""five9_call_log: Five9 Call Log report (Latin-1 fixture, account time zone) -> canonical calls."""

from __future__ import annotations

import hashlib
from datetime import UTC, datetime
from pathlib import Path

import pytest

from scorecard.adapters import get_adapter
from scorecard.config import ExportConfig, VendorConfig
from scorecard.errors import AdapterError, ConfigError, ValidationFailure

FIXTURE = Path(__file__).parent / "fixtures" / "adapters" / "five9_call_log_latin1.csv"
DISPOSITIONS = {
    "blocked_dispositions": ["Système saturé"],
    "resolved_dispositions": ["Résolu"],
    "unresolved_dispositions": ["non résolu"],  # matched case-insensitively
}


def read(path: Path = FIXTURE, encoding: str = "latin-1", **options):
    """Run the adapter for a vendor in Europe/Paris (CEST = UTC+2 in August)."""
    export = ExportConfig(
        "calls", "five9_call_log", "*.csv", Path("f9/vendor.toml"), encoding=encoding, options=options
    )
    vendor = VendorConfig("f9", Path("f9"), "F", "FR", "Europe/Paris", "EUR", {}, (export,))
    return get_adapter("five9_call_log").read(path, export, vendor)


def test_inbound_rows_with_outcomes_from_agent_abandon_flag_and_dispositions():
    out = read(**DISPOSITIONS)
    assert out.problems == []
    assert (
        out.frame.row(0, named=True)
        == {
            "call_id": "300000001",
            "program": "Réclamations",  # CAMPAIGN, decoded from Latin-1
            "arrived_at": datetime(2026, 8, 21, 7, 0, 6, tzinfo=UTC),  # "Fri, 21 Aug 2026 09:00:06" CEST
            "outcome": "answered",
            "wait_s": 12.0,  # QUEUE WAIT TIME 00:00:12
            "talk_s": 250.0,  # 00:04:10
            "hold_s": 20.0,
            "acw_s": 45.0,
            "transferred": False,
            "resolved": True,  # "Résolu"
            "caller_key": hashlib.sha256(b"0145678901").hexdigest()[:16],
            "agent_id": "Élodie Martin",
            "revenue": None,
            "source_row": 1,
        }
    )
    # Row 5 is Outbound: left out.
    assert out.frame.select("call_id", "outcome", "wait_s", "transferred", "resolved").rows() == [
        ("300000001", "answered", 12.0, False, True),
        ("300000002", "abandoned", 37.0, False, None),  # ABANDONED=1 after reaching skill "Niveau 1"
        ("300000003", "self_service", 0.0, False, None),  # ABANDONED=1 before any skill: left the IVR
        ("300000004", "answered", 5.0, True, False),  # TRANSFERS=1; "Non résolu"
        ("300000006", "blocked", 0.0, False, None),  # disposition "Système saturé"
        ("300000007", "self_service", 0.0, False, None),  # ended in the IVR menu
    ]
    # "01 45 67 89 01" and "0145678901" are the same caller.
    assert out.frame["caller_key"][0] == out.frame["caller_key"][3]


def test_options_program_column_and_no_dispositions():
    out = read(program_column="SKILL")
    assert out.frame["program"].to_list() == ["Niveau 1", "Niveau 1", None, "Niveau 2", None, None]
    assert out.frame["outcome"].to_list()[4] == "self_service"  # no blocked dispositions configured
    assert out.frame["resolved"].to_list() == [None] * 6
    with pytest.raises(ConfigError) as exc:
        read(program_column="QUEUE")
    assert str(exc.value) == (
        "f9/vendor.toml: option 'program_column' of format 'five9_call_log' must be \"CAMPAIGN\" or "
        "\"SKILL\"; got 'QUEUE'."
    )


def test_wrong_encoding_file_and_values(tmp_path: Path):
    with pytest.raises(AdapterError) as exc:
        read(encoding="utf-8")
    assert str(exc.value) == (
        f"{FIXTURE}: cannot be read as a CSV with delimiter ',' (invalid utf-8 sequence). Check `delimiter` "
        "and `encoding` for this export in vendor.toml."
    )
    lines = FIXTURE.read_bytes().decode("latin-1").splitlines()
    lines[1] = (
        lines[1].replace('"Fri, 21 Aug 2026 09:00:06"', "21/08/2026 09:00").replace("00:04:10", "4 min")
    )
    bad = tmp_path / "bad.csv"
    bad.write_bytes(("\n".join(lines) + "\n").encode("latin-1"))
    assert read(bad).problems == [
        ValidationFailure(1, "TALK TIME", "4 min", "not a number (hh:mm:ss)"),
        ValidationFailure(
            1, "TIMESTAMP", "21/08/2026 09:00", "not a timestamp (expected like %a, %d %b %Y %H:%M:%S)"
        ),
    ]
    other = tmp_path / "agent_report.csv"
    other.write_text("AGENT,LOGIN TIME\nx,00:10:00\n")
    with pytest.raises(AdapterError, match="not a 'five9_call_log' export; missing column\\(s\\) CALL ID, "):
        read(other, encoding="utf-8")
