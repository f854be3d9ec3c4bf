"""amazon_connect_ctr: contact records (JSON lines or dotted CSV) -> canonical calls."""

from __future__ import annotations

import hashlib
import json
from datetime import UTC, datetime
from pathlib import Path

import pytest

from scorecard.errors import AdapterError, ConfigError, RowWarning, ValidationFailure
from scorecard.ingest.adapters import get_adapter
from scorecard.ingest.adapters.amazon_connect_ctr import UNKNOWN_METHOD
from scorecard.workspace.config import ExportConfig, VendorConfig

FIXTURES = Path(__file__).parent / "fixtures" / "adapters"


def read(path: Path, **options):
    """Run the adapter for a vendor in America/Chicago (CTR timestamps are UTC whatever the zone)."""
    export = ExportConfig("calls", "amazon_connect_ctr", "ctr/*", Path("aws/vendor.toml"), options=options)
    vendor = VendorConfig("aws", Path("aws"), "A", "US", "America/Chicago", "USD", {}, (export,))
    return get_adapter("amazon_connect_ctr").read(path, export, vendor)


def key(number: str) -> str:
    """The expected caller key: sha256 of the number without separators, first 16 hex characters."""
    return hashlib.sha256(number.encode()).hexdigest()[:16]


def test_json_lines_keep_the_latest_record_and_inbound_voice_only():
    out = read(FIXTURES / "amazon_connect_ctr.jsonl", resolved_attribute="resolved", revenue_attribute="sale")
    assert out.problems == []
    # c1 twice (line 2 is newer), c2 twice (line 10 is older), c4 TRANSFER, c5 OUTBOUND, c6 CHAT: left out.
    assert out.frame["call_id"].to_list() == ["c1", "c2", "c3", "c7"]
    assert out.frame["source_row"].to_list() == [2, 3, 4, 8]
    # 9 records (line 9 is blank): 2 older records of c1 and c2 (the same contacts, not counted as left
    # out), then 7 contacts = 4 kept + 1 chat + a transfer leg and an outbound call, both left out.
    assert out.warnings == [
        RowWarning(
            "left_out_other_channel",
            "left out: Channel 'CHAT' is not one of VOICE (option `channels`)",
            1,
            7,
            "CHAT",
        ),
        RowWarning(
            "left_out_not_inbound",
            "left out: not inbound calls to the vendor (InitiationMethod 'TRANSFER', 'OUTBOUND')",
            2,
            5,
            "TRANSFER",
        ),
    ]
    assert out.frame.row(0, named=True) == {
        "call_id": "c1",
        "program": "Support",  # Queue.Name
        "arrived_at": datetime(2026, 8, 21, 14, 0, tzinfo=UTC),  # InitiationTimestamp
        "outcome": "answered",  # Agent.ConnectedToAgentTimestamp is set
        "wait_s": 12.5,  # 14:00:42.500 − 14:00:30 (enqueue -> connected to agent)
        "talk_s": 200.0,  # AgentInteractionDuration (hold excluded)
        "hold_s": 15.0,  # CustomerHoldDuration
        "acw_s": 30.0,  # AfterContactWorkDuration
        "transferred": False,
        "resolved": True,  # Attributes.resolved of the latest record ("true"; the older said "false")
        "caller_key": key("+13125550101"),
        "agent_id": "ana",
        "revenue": 49.9,  # Attributes.sale
        "ring_s": None,  # this adapter does not read a ring time: unknown, not 0
        "source_row": 2,
    }
    assert out.frame["outcome"].to_list() == ["answered", "abandoned", "self_service", "answered"]
    assert out.frame["wait_s"].to_list() == [12.5, 3.0, 0.0, 25.0]  # c2: 14:01:13 − 14:01:10
    assert out.frame["program"].to_list() == ["Support", "Support", "(no queue)", "Sales"]
    assert out.frame["transferred"].to_list() == [False, False, False, True]  # c7 TransferCompletedTimestamp
    assert out.frame["resolved"].to_list() == [True, None, None, True]  # c7 says "yes"
    assert out.frame["talk_s"].to_list() == [200.0, 0.0, 0.0, 120.0]
    # "+1 (773) 555-0102" hashes like "+17735550102"; no raw number survives.
    assert out.frame["caller_key"].to_list()[1] == key("+17735550102")
    assert "+13125550101" not in str(out.frame.to_dicts())


def test_csv_with_dotted_columns():
    out = read(FIXTURES / "amazon_connect_ctr.csv")
    assert out.frame.select("call_id", "outcome", "wait_s", "talk_s", "acw_s", "source_row").rows() == [
        ("d1", "answered", 8.0, 140.0, 12.0, 2),  # line 2 (14:03:30) is newer than line 4 (14:03:10)
        ("d2", "abandoned", 45.0, 0.0, 0.0, 3),  # 14:01:50 − 14:01:05
    ]  # d3 is a QUEUE_TRANSFER leg
    assert out.frame["transferred"].to_list() == [None, None]  # no TransferCompletedTimestamp column
    assert out.frame["resolved"].to_list() == [None, None]


def test_channels_option_keeps_chats_too():
    out = read(FIXTURES / "amazon_connect_ctr.jsonl", channels=["VOICE", "CHAT"])
    assert out.frame["call_id"].to_list() == ["c1", "c2", "c3", "c6", "c7"]
    assert [w.rule for w in out.warnings] == ["left_out_not_inbound"]


def _methods(tmp_path: Path, methods: dict[str, str | None]) -> Path:
    """The JSON lines fixture with the InitiationMethod of some contacts (every record of them) replaced."""
    lines = (FIXTURES / "amazon_connect_ctr.jsonl").read_text(encoding="utf-8").splitlines()
    out = []
    for line in lines:
        record = json.loads(line) if line.strip() else None
        if record is not None and record["ContactId"] in methods:
            record["InitiationMethod"] = methods[record["ContactId"]]
        out.append(json.dumps(record) if record is not None else line)
    path = tmp_path / "ctr.jsonl"
    path.write_text("\n".join(out) + "\n", encoding="utf-8")
    return path


def test_an_unknown_initiation_method_rejects_the_file_naming_the_line_and_value(tmp_path: Path):
    # c3 (line 4) is a web call, c7 (line 8) has no method; c6 (line 7) is a chat of an unknown method,
    # left out by its channel before its method matters. c4 becomes an AGENT_REPLY: a known other method.
    path = _methods(tmp_path, {"c3": "WEBRTC_API", "c7": None, "c6": "SOMETHING_NEW", "c4": "AGENT_REPLY"})
    out = read(path)
    assert out.problems == [
        ValidationFailure(4, "InitiationMethod", "WEBRTC_API", UNKNOWN_METHOD),
        ValidationFailure(8, "InitiationMethod", None, UNKNOWN_METHOD),
    ]
    assert UNKNOWN_METHOD.startswith("an InitiationMethod the 'amazon_connect_ctr' format does not know")
    assert out.frame["call_id"].to_list() == ["c1", "c2"]
    # Web calls declared inbound: c3 loads; declared not inbound: left out, counted with c4 and c5.
    web = read(path, inbound_methods=["INBOUND", "webrtc_api"])
    assert [(f.row, f.value) for f in web.problems] == [(8, None)]
    assert web.frame["call_id"].to_list() == ["c1", "c2", "c3"]
    other = read(path, not_inbound_methods=["WEBRTC_API"])
    assert [(f.row, f.value) for f in other.problems] == [(8, None)]
    assert [(w.rule, w.rows, w.first_row, w.example) for w in other.warnings][-1] == (
        "left_out_not_inbound",
        3,
        4,
        "WEBRTC_API",
    )
    with pytest.raises(ConfigError, match="method 'WEBRTC_API' is in both 'inbound_methods' and"):
        read(path, inbound_methods=["WEBRTC_API"], not_inbound_methods=["webrtc_api"])


def test_errors_name_the_line_and_the_columns(tmp_path: Path):
    bad = tmp_path / "ctr.jsonl"
    bad.write_text('{"ContactId": "x"\n')
    with pytest.raises(AdapterError) as exc:
        read(bad)
    assert str(exc.value) == (
        f"{bad}: line 1 is not a JSON object (Expecting ',' delimiter); expected one contact record per "
        "line (JSON lines), or a CSV with dotted column names."
    )
    agents = tmp_path / "agent_events.jsonl"
    agents.write_text('{"AgentARN": "arn:x", "EventType": "LOGIN"}\n')
    with pytest.raises(AdapterError, match="missing column\\(s\\) ContactId, InitiationMethod, "):
        read(agents)
    stamp = tmp_path / "stamp.jsonl"
    stamp.write_text(
        '{"ContactId": "z", "InitiationMethod": "INBOUND", "InitiationTimestamp": "yesterday", '
        '"DisconnectTimestamp": "2026-08-21T14:00:00Z", "LastUpdateTimestamp": "2026-08-21T14:00:00Z"}\n'
    )
    assert read(stamp).problems == [
        ValidationFailure(1, "InitiationTimestamp", "yesterday", "not a timestamp")
    ]
