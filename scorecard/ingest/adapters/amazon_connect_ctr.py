"""Amazon Connect contact records (CTRs) -> canonical `calls`.

Input: the contact-record stream as JSON lines (one record per line, nested as delivered:
`{"Queue": {"EnqueueTimestamp": ...}}`), or a CSV whose columns are the dotted paths
(`Queue.EnqueueTimestamp`). Field meanings from the Amazon Connect Administrator Guide, "Data model for
contact records" and the API reference (Contact, InitiationMethod):

- Records are delivered at least once and again when they change: keep, per `ContactId`, the record
  with the latest `LastUpdateTimestamp` (ties: the later line). `source_row` is the kept line. The
  older records are the same contact delivered again, not rows left out: they are not counted.
- Timestamps are UTC ISO 8601. `InitiationTimestamp` of an INBOUND contact is when it arrived.
- With a `Channel` column, only VOICE records are kept (option `channels`); the others are left out,
  counted (`left_out_other_channel`).
- Only `InitiationMethod = INBOUND` records are inbound calls (option `inbound_methods`). TRANSFER and
  QUEUE_TRANSFER records are further legs of a contact already counted; CALLBACK, OUTBOUND,
  EXTERNAL_OUTBOUND, API, MONITOR, DISCONNECT, AGENT_REPLY and FLOW are not customers trying to reach
  the vendor: all of them (and those of option `not_inbound_methods`) are left out, counted
  (`left_out_not_inbound`). A kept channel's record whose method is in neither list (WEBRTC_API, a
  method Amazon adds later, an empty cell) may be a customer calling in: the file is rejected, naming
  each line and value (rule `unknown_initiation_method`).
- Outcome: connected to an agent (`Agent.ConnectedToAgentTimestamp`) = answered; enqueued
  (`Queue.EnqueueTimestamp`) but never connected = abandoned; never enqueued = self_service (the contact
  ended in the flow/IVR). Connect shows no trunk blocking in CTRs, so no contact is `blocked`.
  A contact that chose a queued callback is counted as abandoned here (its CALLBACK leg is left out).
- wait_s: enqueue -> agent connected (answered), enqueue -> disconnect (abandoned), 0 otherwise.
  `Queue.Duration` (whole seconds to dequeue) is not used: it stops before the agent's phone rings.
- talk_s = `Agent.AgentInteractionDuration` (excludes hold), hold_s = `Agent.CustomerHoldDuration`,
  acw_s = `Agent.AfterContactWorkDuration`; 0 unless answered. transferred: `TransferCompletedTimestamp`
  is set (NULL when the export has no such column).
- caller_key: sha256 of `CustomerEndpoint.Address` (first 16 hex characters); never the raw number.
  agent_id: `Agent.Username`. resolved / revenue: contact attributes named by options.

Sources: https://docs.aws.amazon.com/connect/latest/adminguide/ctr-data-model.html and
https://docs.aws.amazon.com/connect/latest/APIReference/API_Contact.html (InitiationMethod values).
"""

from __future__ import annotations

import codecs
import json
from pathlib import Path

import polars as pl

from scorecard.errors import AdapterError, RowWarning, ValidationFailure
from scorecard.ingest.adapters import readers as rd
from scorecard.ingest.adapters.base import Adapter, AdapterOutput, register
from scorecard.workspace.config import ExportConfig, VendorConfig

FORMAT = "amazon_connect_ctr"
CORE = ["ContactId", "InitiationMethod", "InitiationTimestamp", "DisconnectTimestamp", "LastUpdateTimestamp"]
NESTED = [
    "Queue.Name",
    "Queue.EnqueueTimestamp",
    "Agent.ConnectedToAgentTimestamp",
    "Agent.AgentInteractionDuration",
    "Agent.CustomerHoldDuration",
    "Agent.AfterContactWorkDuration",
]
TIMESTAMPS = [
    "InitiationTimestamp",
    "DisconnectTimestamp",
    "LastUpdateTimestamp",
    "Queue.EnqueueTimestamp",
    "Agent.ConnectedToAgentTimestamp",
]
#: InitiationMethod values of records that are not a customer's inbound call (further legs of a contact,
#: calls and messages from the contact center, monitoring): left out, counted.
NOT_INBOUND = [
    "TRANSFER",
    "QUEUE_TRANSFER",
    "CALLBACK",
    "OUTBOUND",
    "EXTERNAL_OUTBOUND",
    "API",
    "MONITOR",
    "DISCONNECT",
    "AGENT_REPLY",
    "FLOW",
]
#: The rule a method in neither list breaks: it may be a customer calling in, so it is neither kept nor
#: left out.
UNKNOWN_METHOD = (
    f"an InitiationMethod the '{FORMAT}' format does not know, so whether these are customers calling "
    "the vendor cannot be told (rule unknown_initiation_method): add it to `inbound_methods` (calls) or "
    "`not_inbound_methods` (left out, counted) of this export in vendor.toml, or tell us the method"
)
DURATIONS = ["Agent.AgentInteractionDuration", "Agent.CustomerHoldDuration", "Agent.AfterContactWorkDuration"]


def _flatten(value: object, prefix: str, out: dict[str, str | None]) -> None:
    if isinstance(value, dict):
        for k, v in value.items():
            _flatten(v, f"{prefix}.{k}" if prefix else str(k), out)
    elif value is None:
        out[prefix] = None
    elif isinstance(value, bool):
        out[prefix] = "true" if value else "false"
    elif isinstance(value, list):
        out[prefix] = json.dumps(value, ensure_ascii=False)
    else:
        out[prefix] = str(value)


def read_json_lines(path: Path, encoding: str = "utf-8") -> pl.DataFrame:
    """JSON lines as strings: nested objects become dotted columns; `source_row` is the line number."""
    rows: list[dict[str, str | None]] = []
    lines: list[int] = []
    codec = "utf-8-sig" if codecs.lookup(encoding).name == "utf-8" else encoding
    for number, line in enumerate(rd.decode(path, path.read_bytes(), codec, encoding).splitlines(), start=1):
        if not line.strip():
            continue
        try:
            record = json.loads(line)
        except json.JSONDecodeError as exc:
            raise AdapterError(
                f"{path}: line {number} is not a JSON object ({exc.msg}); expected one contact record "
                "per line (JSON lines), or a CSV with dotted column names."
            ) from None
        flat: dict[str, str | None] = {}
        _flatten(record, "", flat)
        rows.append({k: (v.strip() or None) if v is not None else None for k, v in flat.items()})
        lines.append(number)
    columns = list(dict.fromkeys(k for r in rows for k in r))
    frame = pl.DataFrame(
        {c: [r.get(c) for r in rows] for c in columns}, schema=dict.fromkeys(columns, pl.String)
    )
    return frame.with_columns(pl.Series(rd.SOURCE_ROW, lines, dtype=pl.Int64))


def _is_json(path: Path) -> bool:
    if path.suffix.lower() in {".json", ".jsonl", ".ndjson"}:
        return True
    with path.open("rb") as fh:
        return fh.read(64).lstrip(b"\xef\xbb\xbf \t\r\n").startswith(b"{")


def _seconds_between(start: str, end: str) -> pl.Expr:
    return (pl.col(end) - pl.col(start)).dt.total_microseconds() / 1e6


def _methods(export: ExportConfig, key: str, default: list[str]) -> list[str]:
    return [v.upper() for v in rd.text_list(export, FORMAT, key, default)]


def _shown(frame: pl.DataFrame, col: str) -> str:
    return ", ".join(repr(v) for v in frame[col].unique(maintain_order=True).to_list())


def _inbound_voice(
    parsed: pl.DataFrame, export: ExportConfig, channels: list[str]
) -> tuple[pl.DataFrame, list[RowWarning], list[ValidationFailure]]:
    """The latest record of each contact, of a kept channel and an inbound method. Records of other
    channels and methods are left out, counted per reason; a record of an unknown method is a problem
    naming its line and value."""
    inbound = _methods(export, "inbound_methods", ["INBOUND"])
    extra = ("not_inbound_methods", _methods(export, "not_inbound_methods", []))
    other = rd.known_others(export, FORMAT, "method", ("inbound_methods", inbound), extra, list(NOT_INBOUND))
    warnings: list[RowWarning] = []
    # Older records of a contact are not rows left out: they are the same contact, delivered again.
    kept = (
        parsed.sort("ContactId", "LastUpdateTimestamp", rd.SOURCE_ROW, nulls_last=False)
        .unique("ContactId", keep="last", maintain_order=True)
        .sort(rd.SOURCE_ROW)
    )
    channel = pl.col("Channel").is_null() | pl.col("Channel").str.to_uppercase().is_in(channels)
    shown = _shown(kept.filter(~channel), "Channel")
    why = f"left out: Channel {shown} is not one of {', '.join(channels)} (option `channels`)"
    kept = rd.leave_out(kept, channel, "left_out_other_channel", why, "Channel", warnings)
    method = pl.col("InitiationMethod").str.to_uppercase()
    known = method.is_in(inbound) | method.is_in(other)
    kept, unknown = rd.only_known(kept, known, "InitiationMethod", UNKNOWN_METHOD)
    shown = _shown(kept.filter(~method.is_in(inbound)), "InitiationMethod")
    why = f"left out: not inbound calls to the vendor (InitiationMethod {shown})"
    kept = rd.leave_out(
        kept, method.is_in(inbound), "left_out_not_inbound", why, "InitiationMethod", warnings
    )
    return kept, warnings, unknown


@register
class AmazonConnectCtr(Adapter):
    """Amazon Connect contact records (JSON lines or dotted CSV) as canonical calls."""

    format = FORMAT
    tables = frozenset({"calls"})
    options = frozenset(
        {
            "channels",
            "inbound_methods",
            "not_inbound_methods",
            "resolved_attribute",
            "revenue_attribute",
            "unqueued_program",
        }
    )

    def read(self, path: Path, export: ExportConfig, vendor: VendorConfig) -> AdapterOutput:
        """Read one CTR file, de-duplicate records and keep inbound voice contacts."""
        channels = [c.upper() for c in rd.option(export, FORMAT, "channels", list, ["VOICE"])]
        unqueued = rd.option(export, FORMAT, "unqueued_program", str, "(no queue)")
        attrs = {
            col: f"Attributes.{name}"
            for col in ("resolved", "revenue")
            if (name := rd.option(export, FORMAT, f"{col}_attribute", str)) is not None
        }
        if _is_json(path):
            raw = read_json_lines(path, export.encoding)
            self.require_columns(path, [c for c in raw.columns if c != rd.SOURCE_ROW], CORE)
            raw = raw.with_columns(pl.lit(None, pl.String).alias(c) for c in NESTED if c not in raw.columns)
        else:
            raw = rd.read_table(path, export)
            self.require_columns(path, [c for c in raw.columns if c != rd.SOURCE_ROW], [*CORE, *NESTED])
        has_transfer = "TransferCompletedTimestamp" in raw.columns
        optional = ["CustomerEndpoint.Address", "Agent.Username", "TransferCompletedTimestamp", "Channel"]
        raw = raw.with_columns(pl.lit(None, pl.String).alias(c) for c in optional if c not in raw.columns)
        raw = raw.with_columns(
            pl.lit(None, pl.String).alias(c) for c in attrs.values() if c not in raw.columns
        )

        parsed = raw.select(
            rd.SOURCE_ROW,
            "ContactId",
            "InitiationMethod",
            "Channel",
            "Queue.Name",
            "Agent.Username",
            "CustomerEndpoint.Address",
            (pl.col("TransferCompletedTimestamp").is_not_null() if has_transfer else pl.lit(None))
            .cast(pl.Boolean)
            .alias("transferred"),
            *(rd.timestamp(c, "UTC") for c in TIMESTAMPS),
            *(rd.number(c) for c in DURATIONS),
            *([rd.boolean(attrs["resolved"]).alias("resolved")] if "resolved" in attrs else []),
            *([rd.number(attrs["revenue"]).alias("revenue")] if "revenue" in attrs else []),
        )
        sources = {c: [c] for c in [*TIMESTAMPS, *DURATIONS]} | {c: [s] for c, s in attrs.items()}
        problems = rd.parse_failures(raw, parsed, sources)

        kept, warnings, unknown = _inbound_voice(parsed, export, channels)
        problems = sorted([*problems, *unknown], key=lambda f: (f.row or 0, f.column))
        answered = pl.col("Agent.ConnectedToAgentTimestamp").is_not_null()
        queued = pl.col("Queue.EnqueueTimestamp").is_not_null()
        outcome = pl.when(answered).then(pl.lit("answered")).when(queued).then(pl.lit("abandoned"))
        wait = (
            pl.when(answered)
            .then(_seconds_between("Queue.EnqueueTimestamp", "Agent.ConnectedToAgentTimestamp"))
            .when(queued)
            .then(_seconds_between("Queue.EnqueueTimestamp", "DisconnectTimestamp"))
            .otherwise(0.0)
        )
        frame = kept.select(
            rd.SOURCE_ROW,
            pl.col("ContactId").alias("call_id"),
            pl.col("Queue.Name").fill_null(unqueued).alias("program"),
            pl.col("InitiationTimestamp").alias("arrived_at"),
            outcome.otherwise(pl.lit("self_service")).alias("outcome"),
            wait.alias("wait_s"),
            *(
                pl.when(answered).then(pl.col(src)).otherwise(0.0).alias(dst)
                for dst, src in zip(("talk_s", "hold_s", "acw_s"), DURATIONS, strict=True)
            ),
            "transferred",
            *(c for c in ("resolved", "revenue") if c in attrs),
            rd.hashed("CustomerEndpoint.Address").alias("caller_key"),
            pl.col("Agent.Username").alias("agent_id"),
        )
        # Contact records hold only the contacts the instance accepted: a caller who got a busy signal
        # left none, so blocked calls are not recorded (unknown, never 0; see `no_blocking`).
        observed = {"answered", "abandoned", "self_service"} | ({"revenue"} if "revenue" in attrs else set())
        return AdapterOutput(
            rd.canonical_frame(frame, "calls"),
            problems=problems,
            warnings=warnings,
            observed=frozenset(observed),
        )
