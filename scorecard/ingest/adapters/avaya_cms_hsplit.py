"""Avaya CMS split/skill interval table (`hsplit`) -> canonical `intervals`.

One row per split/skill x intrahour interval. Sources (Avaya CMS "Database Items and Calculations",
split/skill tables; documentation.avaya.com, CMS R21 dictionary, and the CentreVu CMS ODBC manual):

- ACDCALLS answered; ANSTIME their time in queue and ringing (Σ wait); ACCEPTABLE those answered within
  the split's administered service level (ANSTIME ≤ SERVICELEVEL, exported here as `targetseconds`).
- ACDTIME is talk time on ACD calls and does NOT include hold; HOLDTIME and ACWTIME are separate. So
  talk = acdtime, hold = holdtime, acw = acwtime, and handle = acdtime + holdtime + acwtime.
- ABNCALLS abandoned while queued or ringing; ABNTIME their waiting time; SLVLABNS the abandons whose
  time-to-abandon was ≤ SERVICELEVEL (our abandoned_in_sl). ABNCALLS1..ABNCALLS9 count abandons in the
  call-profile increments 0..PERIOD1, ..., PERIOD8..PERIOD9 seconds, ABNCALLS10 those after PERIOD9;
  CMS counts whole seconds, so "abandoned within PERIODk" means "wait < PERIODk + 1 s".
- BUSYCALLS (forced busy) and DISCCALLS (forced disconnect) never reached the queue: our blocked.
- TRANSFERRED: ACD calls the agents transferred. INTRVL: interval length in minutes. STARTTIME: HHMM in
  the ACD's local time (the vendor's time zone).
- I_STAFFTIME (optional; a report that selects it): the seconds agents were staffed in the split, summed
  over the agents — our staffed_s (staffed positions × seconds), which the staffing analysis reads.
  Without the column, staffed time is unknown (NULL), never 0.

NULL, never a guess: `self_service` (a split table never sees calls that ended in the vector/IVR; that
is in the VDN tables) unless the option `no_ivr = true` states that the line has no IVR self-service
(then it is 0, so handled = answered); and `short_abandoned` / `short_abandon_s` unless
`abandon_bucket_edges_s` (the PERIOD1..PERIOD9 of the split's call profile) is configured and one edge
is `short_abandon_s − 1`.

Sources: https://documentation.avaya.com/ (CMS R21 "Database Items and Calculations": ABNCALLS,
ABNCALLS1-10, SLVLABNS, ACWTIME, ANSTIME, INTRVL) and the CentreVu CMS ODBC manual, split/skill items.
"""

from __future__ import annotations

import itertools
from pathlib import Path

import polars as pl

from scorecard.errors import ConfigError
from scorecard.ingest.adapters import readers as rd
from scorecard.ingest.adapters import sniff
from scorecard.ingest.adapters.base import Adapter, AdapterOutput, register
from scorecard.workspace.config import ExportConfig, VendorConfig

FORMAT = "avaya_cms_hsplit"
BUCKETS = [f"abncalls{i}" for i in range(1, 11)]
COUNTS = [
    "intrvl",
    "callsoffered",
    "acdcalls",
    "abncalls",
    *BUCKETS,
    "acceptable",
    "slvlabns",
    "busycalls",
    "disccalls",
    "transferred",
]
TIMES = ["anstime", "acdtime", "acwtime", "holdtime", "abntime", "targetseconds"]
#: Optional: the seconds agents were staffed in the split (a report layout may select it).
STAFFED = "i_stafftime"
REQUIRED = ["row_date", "starttime", "split", *COUNTS, *TIMES]
#: The file column each canonical column is read from, to quote the file's own cell in a message.
CELLS = {
    "answered": "acdcalls", "answered_in_sl": "acceptable", "abandoned": "abncalls",
    "abandoned_in_sl": "slvlabns", "answered_wait_s": "anstime", "abandoned_wait_s": "abntime",
    "talk_s": "acdtime", "hold_s": "holdtime", "acw_s": "acwtime", "transferred": "transferred",
    "sl_threshold_s": "targetseconds", "staffed_s": STAFFED,
}  # fmt: skip


def short_abandon_bucket(export: ExportConfig) -> tuple[int, float] | None:
    """How many leading abandon buckets are short abandons, and the threshold they make exact (or None)."""
    edges = rd.option(export, FORMAT, "abandon_bucket_edges_s", list)
    short = rd.option(export, FORMAT, "short_abandon_s", (int, float))
    if edges is None:
        if short is not None:
            raise ConfigError(
                f"{export.source}: option 'short_abandon_s' of format '{FORMAT}' needs "
                "'abandon_bucket_edges_s' (PERIOD1..PERIOD9 of the split's call profile, in seconds)."
            )
        return None
    ok = len(edges) == 9 and all(isinstance(e, int) and not isinstance(e, bool) for e in edges)
    if not ok or any(b <= a for a, b in itertools.pairwise(edges)) or edges[0] < 0:
        raise ConfigError(
            f"{export.source}: option 'abandon_bucket_edges_s' of format '{FORMAT}' must list the 9 "
            f"increasing call-profile edges PERIOD1..PERIOD9 in whole seconds; got {edges!r}."
        )
    target = short if short is not None else edges[0] + 1
    for k, edge in enumerate(edges, start=1):
        if edge + 1 == target:
            return k, float(target)
    raise ConfigError(
        f"{export.source}: option 'short_abandon_s' = {short!r} of format '{FORMAT}' is not exact with "
        f"abandon_bucket_edges_s {edges!r}: CMS counts abandons in whole seconds up to each edge, so "
        f"abandons under {short} s need an edge of {short - 1}. Fix the option or remove it."
    )


@register
class AvayaCmsHsplit(Adapter):
    """Avaya CMS `hsplit` interval rows (one per split x interval) as canonical intervals."""

    format = FORMAT
    tables = frozenset({"intervals"})
    options = frozenset(
        {"abandon_bucket_edges_s", "short_abandon_s", "date_format", "program_names", "no_ivr"}
    )

    def read(self, path: Path, export: ExportConfig, vendor: VendorConfig) -> AdapterOutput:
        """Read one hsplit export (CSV or XLSX, column names in any case)."""
        short = short_abandon_bucket(export)
        names = rd.option(export, FORMAT, "program_names", dict, {})
        date_format = rd.option(export, FORMAT, "date_format", str, "%Y-%m-%d")
        no_ivr = rd.option(export, FORMAT, "no_ivr", bool, False)
        raw = rd.read_table(path, export)
        raw = raw.rename({c: c.lower() for c in raw.columns if c != rd.SOURCE_ROW})
        self.require_columns(path, [c for c in raw.columns if c != rd.SOURCE_ROW], REQUIRED)

        hhmm = rd.integer("starttime")
        naive = pl.col("row_date").str.strptime(pl.Datetime("us"), date_format, strict=False) + pl.duration(
            hours=hhmm // 100, minutes=hhmm % 100
        )
        valid_time = (hhmm // 100 < 24) & (hhmm % 100 < 60)
        staffed = STAFFED in raw.columns
        times = [*TIMES, STAFFED] if staffed else TIMES
        parsed = raw.select(
            rd.SOURCE_ROW,
            pl.col("split").cast(pl.String),
            rd.local_to_utc(pl.when(valid_time).then(naive), vendor.timezone).alias("interval_start"),
            *(rd.integer(c, export.decimal) for c in COUNTS),
            *(rd.number(c, export.decimal) for c in times),
        )
        sources = {c: [c] for c in [*COUNTS, *times]} | {"interval_start": ["row_date", "starttime"]}
        problems = rd.parse_failures(
            raw, parsed, sources, {"interval_start": f" (row_date as {date_format}, HHMM)"}, export.decimal
        )

        if short is None:
            short_abandoned, short_s = pl.lit(None, pl.Int64), pl.lit(None, pl.Float64)
        else:
            short_abandoned, short_s = pl.sum_horizontal(BUCKETS[: short[0]]), pl.lit(short[1])
        frame = parsed.select(
            rd.SOURCE_ROW,
            pl.col("split").replace(names).alias("program"),
            "interval_start",
            (pl.col("intrvl") * 60).alias("interval_s"),
            pl.col("acdcalls").alias("answered"),
            pl.col("acceptable").alias("answered_in_sl"),
            pl.col("abncalls").alias("abandoned"),
            pl.col("slvlabns").alias("abandoned_in_sl"),
            short_abandoned.alias("short_abandoned"),
            (pl.col("busycalls") + pl.col("disccalls")).alias("blocked"),
            pl.lit(0 if no_ivr else None, pl.Int64).alias("self_service"),
            pl.col("targetseconds").alias("sl_threshold_s"),
            short_s.alias("short_abandon_s"),
            pl.col("anstime").alias("answered_wait_s"),
            pl.col("abntime").alias("abandoned_wait_s"),
            pl.col("acdtime").alias("talk_s"),
            pl.col("holdtime").alias("hold_s"),
            pl.col("acwtime").alias("acw_s"),
            "transferred",
            (pl.col(STAFFED) if staffed else pl.lit(None, pl.Float64)).alias("staffed_s"),
        )
        problems += sniff.more_than_offered(parsed, "callsoffered", ["acdcalls", "abncalls"])
        return AdapterOutput(rd.canonical_frame(frame, "intervals"), problems=problems, raw=raw, cells=CELLS)
