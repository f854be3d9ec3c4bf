"""Five9 "Call Log" report (one row per call) -> canonical `calls`.

Columns as Five9 names them in the report export: `CALL ID, TIMESTAMP, CAMPAIGN, SKILL, CALL TYPE,
AGENT, DISPOSITION, ANI, QUEUE WAIT TIME, TALK TIME, HOLD TIME, AFTER CALL WORK TIME, TRANSFERS,
ABANDONED`.

- TIMESTAMP is written like `Fri, 21 Aug 2026 09:00:06` in the account's time zone (vendor.timezone;
  override the format with the reader option `timestamp_format`). Durations are `hh:mm:ss`.
- Only rows whose CALL TYPE is in `inbound_call_types` (default `Inbound`, case-insensitive) are calls
  to the vendor. Rows of the types in `NOT_INBOUND` (outbound, manual, internal, test, voicemail, ...)
  and in the option `not_inbound_call_types` are left out, counted (warning `left_out_not_inbound`).
  A CALL TYPE in neither list (a localised label such as `Entrant`, a type this adapter has not met, an
  empty cell) could be an inbound call: the file is rejected, naming each line and value, rather than
  losing calls or counting what may not be calls (rule `unknown_call_type`).
- Outcome, in this order: DISPOSITION in `blocked_dispositions` -> blocked; ABANDONED = 1 and the call
  reached a skill (SKILL set or a queue wait) -> abandoned; ABANDONED = 1 before any skill -> the caller
  left in the IVR -> self_service; an AGENT -> answered; otherwise (ended in the IVR, e.g. self-service
  menus) -> self_service.
- wait_s = QUEUE WAIT TIME for answered and abandoned calls (0 otherwise); talk/hold/acw from TALK TIME,
  HOLD TIME, AFTER CALL WORK TIME for answered calls (0 otherwise); transferred = TRANSFERS > 0.
- resolved: DISPOSITION in `resolved_dispositions` -> true, in `unresolved_dispositions` -> false,
  else NULL (unknown); only for answered calls.
- caller_key: sha256 of ANI (first 16 hex characters), never the raw number; program: the column named
  by `program_column` (CAMPAIGN by default, or SKILL); agent_id: AGENT.
- "No agent": an empty AGENT, or one of the placeholders Five9 writes when no agent is attached to the
  row (`no_agent_values`, default `[None]` and `[Deleted]`, any case). Such a row is never answered and
  has no agent_id.
- ring_s: RING TIME (`hh:mm:ss`, how long the call rang at the agent before it was answered) for answered
  calls, when the report has that column; without it, ring time is unknown (NULL), never 0.
- revenue: the column named by `revenue_column` (a call variable such as `Sale.Amount`, the sale in the
  vendor's currency) read with the export's decimal mark; empty = no sale. Without the option, NULL.

Sources: Five9 "Call Segment Reference" (Dashboards and Reports User's Guide, 2020: how call legs map
to a call log row) and the Five9 Configuration Web Services reference, data type `callType` (INBOUND,
INBOUND_VOICEMAIL, OUTBOUND, AUTODIAL, AGENT, INTERNAL, TEST, ...).
"""

from __future__ import annotations

from pathlib import Path

import polars as pl

from scorecard.errors import AdapterError, ConfigError, RowWarning, ValidationFailure
from scorecard.ingest.adapters import readers as rd
from scorecard.ingest.adapters.base import Adapter, AdapterOutput, register
from scorecard.workspace.config import ExportConfig, VendorConfig

FORMAT = "five9_call_log"
DURATIONS = ["QUEUE WAIT TIME", "TALK TIME", "HOLD TIME", "AFTER CALL WORK TIME"]
REQUIRED = [
    "CALL ID",
    "TIMESTAMP",
    "CAMPAIGN",
    "SKILL",
    "CALL TYPE",
    "AGENT",
    "DISPOSITION",
    "ANI",
    *DURATIONS,
    "TRANSFERS",
    "ABANDONED",
]
TIMESTAMP_FORMAT = "%a, %d %b %Y %H:%M:%S"
#: Optional: the report's ring time at the agent (a column a report layout may add).
RING = "RING TIME"
HINTS = {c: " (hh:mm:ss)" for c in [*DURATIONS, RING]}
#: CALL TYPE values (any case) of calls that are not to the vendor: Five9's call types as the report
#: writes them, and the web services' `callType` names. Left out, counted; extend with
#: `not_inbound_call_types`.
NOT_INBOUND = [
    "Outbound",
    "Manual",
    "Preview",
    "Autodial",
    "Internal",
    "Agent",
    "Test",
    "Voicemail",
    "Inbound Voicemail",
    "INBOUND_VOICEMAIL",
]
#: The rule a CALL TYPE in neither list breaks: it may be an inbound call, so it is neither kept nor left out.
UNKNOWN_CALL_TYPE = (
    f"a call type the '{FORMAT}' format does not know, so whether these are calls to the vendor cannot "
    "be told (rule unknown_call_type): add it to `inbound_call_types` (calls) or `not_inbound_call_types` "
    "(left out, counted) of this export in vendor.toml, or tell us the type"
)
#: AGENT values that mean no agent took the call (compared case-insensitively; empty cells too).
NO_AGENT_VALUES = ["[None]", "[Deleted]"]


def _lower_list(export: ExportConfig, key: str, default: list[str]) -> list[str]:
    return [v.lower() for v in rd.text_list(export, FORMAT, key, default)]


def _inbound_rows(
    raw: pl.DataFrame, export: ExportConfig, inbound: list[str]
) -> tuple[pl.DataFrame, list[RowWarning], list[ValidationFailure]]:
    """The rows of inbound call types; rows of known other types are left out and counted; a row of an
    unknown type (or none) is a problem naming its line and value, and is not read further."""
    extra = ("not_inbound_call_types", _lower_list(export, "not_inbound_call_types", []))
    built_in = [t.lower() for t in NOT_INBOUND]
    other = rd.known_others(export, FORMAT, "call type", ("inbound_call_types", inbound), extra, built_in)
    call_type = pl.col("CALL TYPE").str.to_lowercase()
    known = call_type.is_in(inbound) | call_type.is_in(other)
    raw, unknown = rd.only_known(raw, known, "CALL TYPE", UNKNOWN_CALL_TYPE)
    warnings: list[RowWarning] = []
    types = raw.filter(~call_type.is_in(inbound))["CALL TYPE"].unique(maintain_order=True).to_list()
    why = f"left out: not inbound calls to the vendor (CALL TYPE {', '.join(repr(t) for t in types)})"
    raw = rd.leave_out(raw, call_type.is_in(inbound), "left_out_not_inbound", why, "CALL TYPE", warnings)
    return raw, warnings, unknown


@register
class Five9CallLog(Adapter):
    """Five9 Call Log report rows as canonical calls (inbound call types only)."""

    format = FORMAT
    tables = frozenset({"calls"})
    options = frozenset(
        {
            "program_column",
            "inbound_call_types",
            "not_inbound_call_types",
            "blocked_dispositions",
            "resolved_dispositions",
            "unresolved_dispositions",
            "revenue_column",
            "no_agent_values",
        }
    )

    def read(self, path: Path, export: ExportConfig, vendor: VendorConfig) -> AdapterOutput:
        """Read one call log export (CSV or XLSX)."""
        program = rd.option(export, FORMAT, "program_column", str, "CAMPAIGN")
        if program not in ("CAMPAIGN", "SKILL"):
            raise ConfigError(
                f"{export.source}: option 'program_column' of format '{FORMAT}' must be \"CAMPAIGN\" or "
                f'"SKILL"; got {program!r}.'
            )
        inbound = _lower_list(export, "inbound_call_types", ["Inbound"])
        blocked = _lower_list(export, "blocked_dispositions", [])
        resolved = _lower_list(export, "resolved_dispositions", [])
        unresolved = _lower_list(export, "unresolved_dispositions", [])
        no_agent = _lower_list(export, "no_agent_values", NO_AGENT_VALUES)
        revenue = rd.option(export, FORMAT, "revenue_column", str)
        raw = rd.read_table(path, export)
        found = [c for c in raw.columns if c != rd.SOURCE_ROW]
        self.require_columns(path, found, REQUIRED)
        if revenue is not None and revenue not in found:
            raise AdapterError(
                f"{path}: column {revenue!r} named by option 'revenue_column' of format '{FORMAT}' is not "
                f"in the file. Found: {', '.join(found)}. Fix the option in vendor.toml."
            )
        raw, warnings, unknown = _inbound_rows(raw, export, inbound)
        ring = RING in found

        fmt = export.timestamp_format or TIMESTAMP_FORMAT
        parsed = raw.select(
            rd.SOURCE_ROW,
            "CALL ID",
            "CAMPAIGN",
            "SKILL",
            pl.when(pl.col("AGENT").str.to_lowercase().is_in(no_agent))
            .then(None)
            .otherwise(pl.col("AGENT"))
            .alias("AGENT"),
            "ANI",
            pl.col("DISPOSITION").str.to_lowercase().alias("disposition"),
            rd.timestamp("TIMESTAMP", vendor.timezone, fmt),
            *(rd.duration_s(c).alias(c) for c in DURATIONS),
            (rd.duration_s(RING) if ring else pl.lit(None, pl.Float64)).alias(RING),
            rd.integer("TRANSFERS", export.decimal),
            rd.boolean("ABANDONED").alias("ABANDONED"),
            (rd.number(revenue, export.decimal) if revenue else pl.lit(None, pl.Float64)).alias("revenue"),
        )
        sources = {c: [c] for c in ["TIMESTAMP", *DURATIONS, "TRANSFERS", "ABANDONED"]}
        sources |= {"revenue": [revenue]} if revenue else {}
        sources |= {RING: [RING]} if ring else {}
        hints = HINTS | {"TIMESTAMP": f" (expected like {fmt})"}
        problems = rd.parse_failures(raw, parsed, sources, hints, export.decimal)
        problems = sorted([*unknown, *problems], key=lambda f: (f.row or 0, f.column))

        reached_skill = pl.col("SKILL").is_not_null() | (pl.col("QUEUE WAIT TIME") > 0)
        outcome = (
            pl.when(pl.col("disposition").is_in(blocked))
            .then(pl.lit("blocked"))
            .when(pl.col("ABANDONED") & reached_skill)
            .then(pl.lit("abandoned"))
            .when(pl.col("ABANDONED"))
            .then(pl.lit("self_service"))
            .when(pl.col("AGENT").is_not_null())
            .then(pl.lit("answered"))
            .otherwise(pl.lit("self_service"))
        )
        frame = parsed.with_columns(outcome.alias("outcome"))
        is_answered = pl.col("outcome") == "answered"
        queued = pl.col("outcome").is_in(["answered", "abandoned"])
        frame = frame.select(
            rd.SOURCE_ROW,
            pl.col("CALL ID").alias("call_id"),
            pl.col(program).alias("program"),
            pl.col("TIMESTAMP").alias("arrived_at"),
            "outcome",
            pl.when(queued).then(pl.col("QUEUE WAIT TIME")).otherwise(0.0).alias("wait_s"),
            *(
                pl.when(is_answered).then(pl.col(src)).otherwise(0.0).alias(dst)
                for dst, src in zip(("talk_s", "hold_s", "acw_s"), DURATIONS[1:], strict=True)
            ),
            (pl.col("TRANSFERS") > 0).alias("transferred"),
            pl.when(is_answered & pl.col("disposition").is_in(resolved))
            .then(True)
            .when(is_answered & pl.col("disposition").is_in(unresolved))
            .then(False)
            .alias("resolved"),
            rd.hashed("ANI").alias("caller_key"),
            pl.col("AGENT").alias("agent_id"),
            "revenue",
            pl.when(is_answered).then(pl.col(RING)).alias("ring_s"),
        )
        # Busy signals are recorded only as the dispositions named in `blocked_dispositions`.
        observed = {"answered", "abandoned", "self_service"} | ({"blocked"} if blocked else set())
        observed |= {"revenue"} if revenue else set()
        return AdapterOutput(
            rd.canonical_frame(frame, "calls"),
            problems=problems,
            warnings=warnings,
            observed=frozenset(observed),
        )
