"""Genesys Cloud queue interval aggregates (analytics conversation aggregates by queue) -> `intervals`.

The layout is the flat CSV a user gets from an aggregate query grouped by `queueId` and `mediaType`
(or a performance-view export) with one column per metric statistic:
`interval, queueName, mediaType, nOffered, tAnswered.count, tAnswered.sum, tAbandon.count, tAbandon.sum,
tTalk.sum, tHeld.sum, tAcw.sum, nTransferred, nOverSla` and optionally `tShortAbandon.count`,
`oServiceLevel`. `interval` is ISO 8601 `start/end` in UTC; every `t*` sum is in milliseconds.

Metric meanings (Genesys Cloud Resource Center "Metric definitions", "View available columns in
performance views", FAQ "What do abandons include", and the analytics API metric list):
- nOffered: interactions routed into the queue (answered, abandoned or flowed out).
- tAnswered: time in queue until an agent answered; count = answered, sum = Σ wait.
- tAbandon: time in queue before the customer disconnected; count = abandoned. Abandons INCLUDE short
  abandons; tShortAbandon counts those within the org's short-abandon threshold (analytics options).
- handle = tTalk + tHeld + tAcw (talk, hold, after-call work), each a separate sum here.
- nOverSla: interactions answered after the queue's service-level target, so answered within the target
  = tAnswered.count − nOverSla. The target (per queue and media type) is not in the export: the
  option `sl_threshold_s` states it. oServiceLevel, when exported, is Genesys's own service level
  (a 0–1 fraction computed under the org's service-level options) and is kept as a reported KPI.
- Genesys leaves a metric out when nothing happened, so an empty count or sum cell is 0.

NULL, never a guess: `answered_in_sl` / `sl_threshold_s` without `sl_threshold_s`; `abandoned_in_sl`
(no such metric); `short_abandoned` / `short_abandon_s` unless `tShortAbandon.count` is exported and
the option `short_abandon_s` states the org's threshold; `blocked` and `self_service` (a queue
aggregate never sees calls that did not enter the queue; with the option `no_ivr = true`, the line has
no IVR self-service and self_service is 0, so handled = answered). Flow-outs are neither answered nor
abandoned.

Sources: https://help.mypurecloud.com/articles/metric-definitions/,
https://help.mypurecloud.com/faqs/what-do-abandons-include-in-genesys-cloud/ ("The abandon rate does
include short abandons") and the performance-view column reference (Offered, Answered, Service Level %).
"""

from __future__ import annotations

from pathlib import Path

import polars as pl

from scorecard.errors import RowWarning
from scorecard.ingest.adapters import readers as rd
from scorecard.ingest.adapters.base import Adapter, AdapterOutput, register
from scorecard.workspace.config import ExportConfig, VendorConfig

FORMAT = "genesys_cloud_queue_interval"
COUNTS = ["nOffered", "tAnswered.count", "tAbandon.count", "nTransferred", "nOverSla"]
SUMS_MS = ["tAnswered.sum", "tAbandon.sum", "tTalk.sum", "tHeld.sum", "tAcw.sum"]
REQUIRED = ["interval", "queueName", *COUNTS, *SUMS_MS]
#: The file column each canonical column is read from, to quote the file's own cell in a message.
CELLS = {
    "interval_start": "interval", "answered": "tAnswered.count", "abandoned": "tAbandon.count",
    "short_abandoned": "tShortAbandon.count", "answered_wait_s": "tAnswered.sum",
    "abandoned_wait_s": "tAbandon.sum", "talk_s": "tTalk.sum", "hold_s": "tHeld.sum", "acw_s": "tAcw.sum",
    "transferred": "nTransferred",
}  # fmt: skip
SL_DEFINITION = (
    "Genesys oServiceLevel: interactions answered within the queue's service-level target / offered "
    "interactions, adjusted by the organization's service-level calculation options"
)


@register
class GenesysCloudQueueInterval(Adapter):
    """Genesys Cloud queue aggregates (one row per queue x media type x interval) as canonical intervals."""

    format = FORMAT
    tables = frozenset({"intervals"})
    options = frozenset({"sl_threshold_s", "short_abandon_s", "media_types", "no_ivr"})

    def read(self, path: Path, export: ExportConfig, vendor: VendorConfig) -> AdapterOutput:
        """Read one flat aggregate export (CSV or XLSX); rows of other media types are left out, counted."""
        sl_threshold = rd.option(export, FORMAT, "sl_threshold_s", (int, float))
        short_s = rd.option(export, FORMAT, "short_abandon_s", (int, float))
        media = [m.lower() for m in rd.option(export, FORMAT, "media_types", list, ["voice"])]
        no_ivr = rd.option(export, FORMAT, "no_ivr", bool, False)
        raw = rd.read_table(path, export)
        found = [c for c in raw.columns if c != rd.SOURCE_ROW]
        self.require_columns(path, found, REQUIRED)
        warnings: list[RowWarning] = []
        if "mediaType" in found:
            keep = pl.col("mediaType").str.to_lowercase().is_in(media)
            shown = ", ".join(
                repr(m) for m in raw.filter(~keep.fill_null(False))["mediaType"].unique().sort()
            )
            why = f"left out: mediaType {shown} is not one of {', '.join(media)} (option `media_types`)"
            raw = rd.leave_out(raw, keep, "left_out_other_media", why, "mediaType", warnings)
        counts = COUNTS + [c for c in ["tShortAbandon.count"] if c in found]
        reported = [c for c in ["oServiceLevel"] if c in found]

        bounds = pl.col("interval").str.split("/")
        parsed = raw.select(
            rd.SOURCE_ROW,
            pl.col("queueName"),
            bounds.list.first().alias("_start"),
            bounds.list.get(1, null_on_oob=True).alias("_end"),
            *(rd.integer(c, export.decimal) for c in counts),
            *(rd.number(c, export.decimal) for c in [*SUMS_MS, *reported]),
        ).with_columns(
            rd.timestamp("_start", vendor.timezone).alias("start"),
            rd.timestamp("_end", vendor.timezone).alias("end"),
        )
        parsed = parsed.with_columns(
            pl.when(pl.col("end") > pl.col("start")).then(pl.col("start")).alias("interval_start")
        )
        problems = rd.parse_failures(
            raw,
            parsed,
            {c: [c] for c in [*counts, *SUMS_MS, *reported]} | {"interval_start": ["interval"]},
            {"interval_start": " (ISO 8601 start/end, e.g. 2026-08-21T09:00:00Z/2026-08-21T09:30:00Z)"},
            export.decimal,
        )
        parsed = parsed.with_columns(pl.col(counts).fill_null(0), pl.col(SUMS_MS).fill_null(0.0) / 1000)

        has_short = "tShortAbandon.count" in counts and short_s is not None
        frame = parsed.select(
            rd.SOURCE_ROW,
            pl.col("queueName").alias("program"),
            "interval_start",
            (pl.col("end") - pl.col("start")).dt.total_seconds().alias("interval_s"),
            pl.col("tAnswered.count").alias("answered"),
            (
                pl.col("tAnswered.count") - pl.col("nOverSla") if sl_threshold is not None else pl.lit(None)
            ).alias("answered_in_sl"),
            pl.col("tAbandon.count").alias("abandoned"),
            (pl.col("tShortAbandon.count") if has_short else pl.lit(None)).alias("short_abandoned"),
            pl.lit(0 if no_ivr else None, pl.Int64).alias("self_service"),
            pl.lit(sl_threshold).alias("sl_threshold_s"),
            pl.lit(short_s if has_short else None).alias("short_abandon_s"),
            pl.col("tAnswered.sum").alias("answered_wait_s"),
            pl.col("tAbandon.sum").alias("abandoned_wait_s"),
            pl.col("tTalk.sum").alias("talk_s"),
            pl.col("tHeld.sum").alias("hold_s"),
            pl.col("tAcw.sum").alias("acw_s"),
            pl.col("nTransferred").alias("transferred"),
            *(pl.col(c) for c in reported),
        )
        out = rd.canonical_frame(frame, "intervals")
        kpis = {"service_level": (pl.col("oServiceLevel"), SL_DEFINITION)}
        found = rd.reported_frame(frame, vendor.timezone, kpis) if reported else None
        return AdapterOutput(out, found, problems, warnings, raw=raw, cells=CELLS)
