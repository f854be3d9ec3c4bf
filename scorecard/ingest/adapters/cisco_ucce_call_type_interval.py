"""Cisco Unified CCE `Call_Type_Interval` rows -> canonical `intervals`.

Field meanings from the Database Schema Handbook for Cisco Unified CCE (Call_Type_Interval) and the
"Reporting Concepts for Cisco Unified ICM/Contact Center Enterprise" guide (chapters "Short Calls,
Abandoned Calls, and Overflow Calls" and "Network Queuing and Reporting"):

- CallsAnswered: answered by an agent; AnswerWaitTime: Σ wait from queueing to answer.
- TalkTime, HoldTime: Σ for calls handled; HandleTime = talk + hold + work (wrap-up) time, counted when
  the wrap-up ends, so acw = HandleTime − TalkTime − HoldTime.
- RouterCallsAbandQ: abandoned while queued at the router, with DelayQAbandTime their Σ wait;
  RouterCallsAbandToAgent / DelayAgentAbandTime (optional pair): abandoned while ringing at the agent.
- ServiceLevelCalls: answered within the call type's service level threshold; ServiceLevelAband:
  abandoned within it. The threshold is not in the row: set the option `sl_threshold_s` to the call
  type's ServiceLevelThreshold, or these stay NULL. UCCE starts the service-level clock when the call
  enters the routing script (or changes call type), not when it queues: the counts match our
  definition only when the call type is set at queueing (the usual practice after self-service).
- ShortCalls are NOT short abandons: at the call type they are calls that ended within the Abandon
  Wait Time counted from the route request, including hang-ups in the VRU before queueing, and UCCE
  then leaves them out of the abandon counts. They cannot be split into our short abandons
  (wait in queue < short_abandon_s), so `short_abandoned` and `short_abandon_s` are NULL and
  `abandoned` holds only the abandons that outlasted the Abandon Wait Time.
- OverflowOut (sent to another call type) is neither answered nor abandoned here: not counted.

NULL, never a guess: blocked, self_service, transferred (no such counts in this table), short abandons,
and the service-level split without `sl_threshold_s`. With the option `no_ivr = true` (the line has no
IVR self-service) self_service is 0, so handled = answered. The interval length is the row's
`ReportingInterval` (minutes) when present, else the option `interval_minutes` (UCCE's default, 30).

Sources: cisco.com "Reporting Concepts for Cisco Unified ICM/Contact Center Enterprise" 11.5-12.6
("Short Calls, Abandoned Calls, and Overflow Calls"; "Network Queuing and Reporting"), the Database
Schema Handbook for Cisco Unified CCE (Call_Type_Interval) and the CUIC report template reference
("Handle Time ... includes HoldTime, TalkTime and WorkTime").
"""

from __future__ import annotations

from pathlib import Path

import polars as pl

from scorecard.errors import ConfigError
from scorecard.ingest.adapters import readers as rd
from scorecard.ingest.adapters.base import Adapter, AdapterOutput, register
from scorecard.workspace.config import ExportConfig, VendorConfig

FORMAT = "cisco_ucce_call_type_interval"
COUNTS = [
    "CallsOffered",
    "CallsHandled",
    "CallsAnswered",
    "ServiceLevelCalls",
    "ServiceLevelCallsOffered",
    "ServiceLevelAband",
    "ShortCalls",
    "OverflowOut",
    "RouterCallsAbandQ",
]
TIMES = ["AnswerWaitTime", "HandleTime", "TalkTime", "HoldTime", "DelayQAbandTime"]
REQUIRED = ["DateTime", "CallTypeID", *COUNTS, *TIMES]
AGENT_ABANDONS = ["RouterCallsAbandToAgent", "DelayAgentAbandTime"]


@register
class CiscoUcceCallTypeInterval(Adapter):
    """UCCE Call_Type_Interval rows (one per call type x reporting interval) as canonical intervals."""

    format = FORMAT
    tables = frozenset({"intervals"})
    options = frozenset({"sl_threshold_s", "interval_minutes", "program_names", "no_ivr"})

    def read(self, path: Path, export: ExportConfig, vendor: VendorConfig) -> AdapterOutput:
        """Read one Call_Type_Interval export (CSV or XLSX)."""
        sl_threshold = rd.option(export, FORMAT, "sl_threshold_s", (int, float))
        minutes = rd.option(export, FORMAT, "interval_minutes", int, 30)
        if minutes not in (15, 30):
            raise ConfigError(
                f"{export.source}: option 'interval_minutes' of format '{FORMAT}' must be 15 or 30 "
                f"(the UCCE reporting interval); got {minutes!r}."
            )
        names = rd.option(export, FORMAT, "program_names", dict, {})
        no_ivr = rd.option(export, FORMAT, "no_ivr", bool, False)
        raw = rd.read_table(path, export)
        found = [c for c in raw.columns if c != rd.SOURCE_ROW]
        self.require_columns(path, found, REQUIRED)
        if any(c in found for c in AGENT_ABANDONS):
            self.require_columns(path, found, AGENT_ABANDONS)
            counts, times = [*COUNTS, AGENT_ABANDONS[0]], [*TIMES, AGENT_ABANDONS[1]]
        else:
            counts, times = COUNTS, TIMES
        if "ReportingInterval" in found:
            counts = [*counts, "ReportingInterval"]

        parsed = raw.select(
            rd.SOURCE_ROW,
            pl.col("CallTypeID").cast(pl.String),
            rd.timestamp("DateTime", vendor.timezone, export.timestamp_format),
            *(rd.integer(c, export.decimal) for c in counts),
            *(rd.number(c, export.decimal) for c in times),
        )
        sources = {c: [c] for c in ["DateTime", *counts, *times]}
        problems = rd.parse_failures(raw, parsed, sources, decimal=export.decimal)

        has_agent = AGENT_ABANDONS[0] in counts
        abandoned = pl.col("RouterCallsAbandQ") + (pl.col(AGENT_ABANDONS[0]) if has_agent else 0)
        abandon_wait = pl.col("DelayQAbandTime") + (pl.col(AGENT_ABANDONS[1]) if has_agent else 0)
        length = pl.col("ReportingInterval") if "ReportingInterval" in counts else pl.lit(minutes)
        in_sl = sl_threshold is not None
        frame = parsed.select(
            rd.SOURCE_ROW,
            pl.col("CallTypeID").replace(names).alias("program"),
            pl.col("DateTime").alias("interval_start"),
            (length * 60).alias("interval_s"),
            pl.col("CallsAnswered").alias("answered"),
            (pl.col("ServiceLevelCalls") if in_sl else pl.lit(None)).alias("answered_in_sl"),
            abandoned.alias("abandoned"),
            (pl.col("ServiceLevelAband") if in_sl else pl.lit(None)).alias("abandoned_in_sl"),
            pl.lit(0 if no_ivr else None, pl.Int64).alias("self_service"),
            pl.lit(sl_threshold).alias("sl_threshold_s"),
            pl.col("AnswerWaitTime").alias("answered_wait_s"),
            abandon_wait.alias("abandoned_wait_s"),
            pl.col("TalkTime").alias("talk_s"),
            pl.col("HoldTime").alias("hold_s"),
            (pl.col("HandleTime") - pl.col("TalkTime") - pl.col("HoldTime")).alias("acw_s"),
        )
        return AdapterOutput(rd.canonical_frame(frame, "intervals"), problems=problems)
