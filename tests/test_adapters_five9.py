"""five9_call_log: Five9 Call Log report (Latin-1 fixture, account time zone) -> canonical calls."""

from __future__ import annotations

import csv
import hashlib
import io
from datetime import UTC, datetime
from pathlib import Path

import polars as pl
import pytest

from scorecard.errors import AdapterError, ConfigError, RowWarning, ValidationFailure
from scorecard.ingest.adapters import get_adapter
from scorecard.ingest.adapters.five9_call_log import UNKNOWN_CALL_TYPE
from scorecard.ingest.check import check_file
from scorecard.workspace.config import ExportConfig, VendorConfig

FIXTURE = Path(__file__).parent / "fixtures" / "adapters" / "five9_call_log_latin1.csv"
DISPOSITIONS = {
    "blocked_dispositions": ["Système saturé"],
    "resolved_dispositions": ["Résolu"],
    "unresolved_dispositions": ["non résolu"],  # matched case-insensitively
}


def read(
    path: Path = FIXTURE,
    encoding: str = "latin-1",
    delimiter: str | None = None,
    decimal: str = ".",
    **options,
):
    """Run the adapter for a vendor in Europe/Paris (CEST = UTC+2 in August)."""
    export = ExportConfig(
        "calls",
        "five9_call_log",
        "*.csv",
        Path("f9/vendor.toml"),
        delimiter=delimiter,
        decimal=decimal,
        encoding=encoding,
        options=options,
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
            "ring_s": None,  # this adapter does not read a ring time: unknown, not 0
            "source_row": 2,
        }
    )
    # Row 5 (line 6) is Outbound: left out, and counted.
    assert out.warnings == [
        RowWarning(
            "left_out_not_inbound",
            "left out: not inbound calls to the vendor (CALL TYPE 'Outbound')",
            1,
            6,
            "Outbound",
        )
    ]
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
        f"{FIXTURE}: cannot decode line 2 (byte 181) as utf-8; set `encoding` for this export in "
        "vendor.toml (e.g. cp1251, gbk, latin-1, utf-8-sig)."
    )
    lines = FIXTURE.read_bytes().decode("latin-1").splitlines()
    lines[1] = (
        lines[1].replace('"Fri, 21 Aug 2026 09:00:06"', "21/08/2026 09:00").replace("00:04:10", "4 min")
    )
    bad = tmp_path / "bad.csv"
    bad.write_bytes(("\n".join(lines) + "\n").encode("latin-1"))
    assert read(bad).problems == [
        ValidationFailure(2, "TALK TIME", "4 min", "not a number (hh:mm:ss)"),  # lines[1] is line 2
        ValidationFailure(
            2, "TIMESTAMP", "21/08/2026 09:00", "not a timestamp (expected like %a, %d %b %Y %H:%M:%S)"
        ),
    ]
    other = tmp_path / "agent_report.csv"
    other.write_text("AGENT,LOGIN TIME\nx,00:10:00\n")
    with pytest.raises(AdapterError, match="not a 'five9_call_log' export; missing column\\(s\\) CALL ID, "):
        read(other, encoding="utf-8")


def _variant(tmp_path: Path, agents: dict[int, str], sales: dict[int, str]) -> Path:
    """The fixture as a `;`, decimal-comma export with a `Sale.Amount` column and some AGENTs replaced."""
    rows = list(csv.reader(io.StringIO(FIXTURE.read_bytes().decode("latin-1"))))
    rows[0].append("Sale.Amount")
    for i, row in enumerate(rows[1:], start=1):
        row[5] = agents.get(i, row[5])
        row.append(sales.get(i, ""))
    path = tmp_path / "call_log_fr.csv"
    with path.open("w", encoding="latin-1", newline="") as fh:
        csv.writer(fh, delimiter=";").writerows(rows)
    return path


def test_agent_placeholders_mean_no_agent(tmp_path: Path):
    path = _variant(tmp_path, {3: "[Deleted]", 7: "[None]"}, {})
    out = read(path, delimiter=";", decimal=",", **DISPOSITIONS)
    assert out.problems == []
    assert out.frame.select("call_id", "outcome", "agent_id").rows() == [
        ("300000001", "answered", "Élodie Martin"),
        ("300000002", "abandoned", None),  # empty AGENT
        ("300000003", "self_service", None),  # "[Deleted]": left the IVR, not an agent called "[Deleted]"
        ("300000004", "answered", "Luc Bernard"),
        ("300000006", "blocked", None),
        ("300000007", "self_service", None),  # "[None]" would otherwise read as an answered call
    ]
    # The placeholders are configurable (matched in any case): here only "[None]" means no agent.
    custom = read(path, delimiter=";", decimal=",", no_agent_values=["[none]"], **DISPOSITIONS)
    assert custom.frame["agent_id"].to_list()[2::3] == ["[Deleted]", None]
    with pytest.raises(
        ConfigError, match="option 'no_agent_values' of format 'five9_call_log' must be a list"
    ):
        read(path, delimiter=";", decimal=",", no_agent_values="[None]")


def test_revenue_column_reads_the_sale_amount_with_the_export_decimal_mark(tmp_path: Path):
    path = _variant(tmp_path, {}, {1: "1 234,50", 4: "89,9"})
    out = read(path, delimiter=";", decimal=",", revenue_column="Sale.Amount")
    assert out.problems == []
    # Row 1: "1 234,50" = 1234.5 (space as thousands separator); row 4: "89,9"; empty cells: no sale.
    assert out.frame["revenue"].to_list() == [1234.5, None, None, 89.9, None, None]
    assert read(path, delimiter=";", decimal=",").frame["revenue"].to_list() == [None] * 6


def test_revenue_column_errors(tmp_path: Path):
    bad = _variant(tmp_path, {}, {4: "beaucoup"})
    assert read(bad, delimiter=";", decimal=",", revenue_column="Sale.Amount").problems == [
        ValidationFailure(5, "Sale.Amount", "beaucoup", "not a number"),  # data row 4 is on line 5
    ]
    with pytest.raises(AdapterError) as exc:
        read(bad, delimiter=";", decimal=",", revenue_column="Vente")
    assert str(exc.value).startswith(
        f"{bad}: column 'Vente' named by option 'revenue_column' of format 'five9_call_log' is not in the "
        "file. Found: CALL ID, TIMESTAMP, "
    )
    with pytest.raises(ConfigError) as exc:
        read(bad, delimiter=";", decimal=",", revenue_column=["Sale.Amount"])
    assert str(exc.value) == (
        "f9/vendor.toml: option 'revenue_column' of format 'five9_call_log' must be a text; "
        "got ['Sale.Amount']."
    )


def test_ring_time_is_read_when_the_report_has_the_column(tmp_path: Path):
    # The report layout with RING TIME: rows 1 and 4 are answered (00:00:07 = 7 s, 00:00:12 = 12 s); the
    # abandoned, self-service and blocked rows rang at no agent: their ring time stays unknown.
    rows = list(csv.reader(io.StringIO(FIXTURE.read_bytes().decode("latin-1"))))
    rows[0].append("RING TIME")
    for i, row in enumerate(rows[1:], start=1):
        row.append({1: "00:00:07", 4: "00:00:12"}.get(i, "00:00:00"))
    path = tmp_path / "call_log_ring.csv"
    with path.open("w", encoding="latin-1", newline="") as fh:
        csv.writer(fh).writerows(rows)
    out = read(path, **DISPOSITIONS)
    assert out.problems == []
    assert out.frame.filter(pl.col("outcome") == "answered").select("call_id", "ring_s").rows() == [
        ("300000001", 7.0),
        ("300000004", 12.0),
    ]
    assert out.frame.filter(pl.col("outcome") != "answered")["ring_s"].null_count() == 4
    assert read(**DISPOSITIONS).frame["ring_s"].null_count() == 6  # the layout without it: unknown


def _call_types(tmp_path: Path, types: dict[int, str]) -> Path:
    """The fixture (7 data rows on lines 2-8; row 5 is Outbound) with the CALL TYPE of some data rows
    (1-based) replaced, as the same Latin-1 comma-separated call log."""
    rows = list(csv.reader(io.StringIO(FIXTURE.read_bytes().decode("latin-1"))))
    for i, row in enumerate(rows[1:], start=1):
        row[4] = types.get(i, row[4])
    path = tmp_path / "call_log_types.csv"
    with path.open("w", encoding="latin-1", newline="") as fh:
        csv.writer(fh).writerows(rows)
    return path


def test_rows_of_other_call_types_are_left_out_and_counted(tmp_path: Path):
    # Rows 2 (Manual), 3 (internal, any case), 5 (Outbound) and 7 (Inbound Voicemail) are not calls to
    # the vendor: 4 rows left out, first on line 3; rows 1, 4 and 6 are Inbound and load. 3 + 4 = 7 read.
    path = _call_types(tmp_path, {2: "Manual", 3: "internal", 7: "Inbound Voicemail"})
    out = read(path, **DISPOSITIONS)
    assert out.problems == []
    assert out.frame["call_id"].to_list() == ["300000001", "300000004", "300000006"]
    assert out.warnings == [
        RowWarning(
            "left_out_not_inbound",
            "left out: not inbound calls to the vendor "
            "(CALL TYPE 'Manual', 'internal', 'Outbound', 'Inbound Voicemail')",
            4,
            3,
            "Manual",
        )
    ]


def test_an_unknown_call_type_rejects_the_file_naming_the_line_and_value(tmp_path: Path):
    # A French UI writes Entrant (inbound) and Sortant (outbound); row 7 has no CALL TYPE at all. None
    # of them may silently disappear: every one is a problem naming its line, and nothing loads.
    french = {i: "Entrant" for i in (1, 2, 3, 4, 6)} | {5: "Sortant", 7: ""}
    path = _call_types(tmp_path, french)
    out = read(path, **DISPOSITIONS)
    assert out.problems == [
        ValidationFailure(2, "CALL TYPE", "Entrant", UNKNOWN_CALL_TYPE),
        ValidationFailure(3, "CALL TYPE", "Entrant", UNKNOWN_CALL_TYPE),
        ValidationFailure(4, "CALL TYPE", "Entrant", UNKNOWN_CALL_TYPE),
        ValidationFailure(5, "CALL TYPE", "Entrant", UNKNOWN_CALL_TYPE),
        ValidationFailure(6, "CALL TYPE", "Sortant", UNKNOWN_CALL_TYPE),
        ValidationFailure(7, "CALL TYPE", "Entrant", UNKNOWN_CALL_TYPE),
        ValidationFailure(8, "CALL TYPE", None, UNKNOWN_CALL_TYPE),
    ]
    assert out.frame.height == 0 and out.warnings == []
    assert UNKNOWN_CALL_TYPE.startswith("a call type the 'five9_call_log' format does not know")
    assert "`inbound_call_types`" in UNKNOWN_CALL_TYPE and "`not_inbound_call_types`" in UNKNOWN_CALL_TYPE
    # Entrant declared inbound: those 5 rows load; Sortant and the empty cell are still unknown.
    entrant = read(path, inbound_call_types=["Inbound", "entrant"], **DISPOSITIONS)
    assert [(f.row, f.value) for f in entrant.problems] == [(6, "Sortant"), (8, None)]
    # Sortant declared not inbound as well: left out, counted; only the empty cell remains a problem.
    both = read(path, inbound_call_types=["Entrant"], not_inbound_call_types=["Sortant"], **DISPOSITIONS)
    assert [(f.row, f.value) for f in both.problems] == [(8, None)]
    assert [(w.rule, w.rows, w.first_row, w.example) for w in both.warnings] == [
        ("left_out_not_inbound", 1, 6, "Sortant")
    ]
    assert both.frame["call_id"].to_list() == [
        "300000001",
        "300000002",
        "300000003",
        "300000004",
        "300000006",
    ]
    with pytest.raises(ConfigError) as exc:
        read(path, inbound_call_types=["Entrant"], not_inbound_call_types=["entrant"])
    assert str(exc.value) == (
        "f9/vendor.toml: call type 'entrant' is in both 'inbound_call_types' and 'not_inbound_call_types' "
        "of format 'five9_call_log'; keep it in one of them."
    )


def test_check_counts_rows_read_and_left_out_and_rejects_unknown_types(tmp_path: Path):
    """What `scorecard check` shows per file: rows read = loaded + left out, never 0 read, 0 left out."""
    export = ExportConfig(
        "calls", "five9_call_log", "*.csv", Path("f9/vendor.toml"), encoding="latin-1", options=DISPOSITIONS
    )
    vendor = VendorConfig("f9", Path("f9"), "F", "FR", "Europe/Paris", "EUR", {}, (export,))
    mixed = _call_types(tmp_path, {2: "Manual", 3: "internal", 7: "Inbound Voicemail"})
    result, loaded = check_file(mixed, "f9/calllog/mixed.csv", export, vendor)
    assert (result.rows_read, result.rows, result.left_out, result.errors) == (7, 3, 4, 0)
    assert loaded is not None and loaded.frame.height == 3
    (tmp_path / "fr").mkdir()
    french = _call_types(tmp_path / "fr", {i: "Entrant" for i in range(1, 8)})
    result, loaded = check_file(french, "f9/calllog/fr.csv", export, vendor)
    assert loaded is None and result.rows_read is None and result.errors == 7
    assert result.message.splitlines()[:2] == [
        "f9/calllog/fr.csv: 7 problem(s); nothing from this file was loaded into 'calls'.",
        f"  line 2, column 'CALL TYPE', value 'Entrant': {UNKNOWN_CALL_TYPE}",
    ]
