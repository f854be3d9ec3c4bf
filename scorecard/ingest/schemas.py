"""pandera models of the canonical tables (docs/tables.md), validated once, at load.

Timestamps here are naive UTC (the loader has converted them); `validate` turns pandera's failure cases
into `ValidationFailure`s that name the file's own row numbers.
"""

from __future__ import annotations

import functools
import json
import os
import re
from dataclasses import dataclass
from functools import partial

import pandera.polars as pa
import polars as pl

from scorecard.errors import FileValidationError, RowWarning, ValidationFailure
from scorecard.ingest import plausible

# Validate data, not only the schema, for polars frames too (pandera checks only the schema by default
# for LazyFrames; we validate eager frames, and make the intent explicit).
os.environ.setdefault("PANDERA_VALIDATION_DEPTH", "SCHEMA_AND_DATA")

Seconds = partial(pa.Field, ge=0, nullable=True)
Count = partial(pa.Field, ge=0, nullable=True)
Id = partial(pa.Field, nullable=False, str_length={"min_value": 1})
OUTCOMES = ["answered", "abandoned", "blocked", "self_service"]
#: What an invoice line's `quantity` counts: the price bases of docs/contract.md.
BILLED_PER = [
    "handled_call",
    "answered_call",
    "offered_call",
    "self_service_call",
    "handled_minute",
    "productive_hour",
    "fte_month",
]


class _Canonical(pa.DataFrameModel):
    class Config:
        strict = True
        coerce = True


class Calls(_Canonical):
    """One row per inbound contact that tried to reach the vendor."""

    call_id: str = Id(unique=True, description="Unique per vendor.")
    program: str = Id(description="Queue or line of business.")
    arrived_at: pl.Datetime = pa.Field(nullable=False, description="Arrival instant (UTC).")
    outcome: str = pa.Field(isin=OUTCOMES, description="answered | abandoned | blocked | self_service.")
    wait_s: float = Seconds(description="Queue time until answer or abandon; empty = not recorded.")
    talk_s: float = Seconds(description="Talk time; 0 unless answered.")
    hold_s: float = Seconds(description="Hold time; 0 unless answered.")
    acw_s: float = Seconds(description="After-call work; 0 unless answered.")
    transferred: bool = pa.Field(nullable=True, description="Transferred by the agent.")
    resolved: bool = pa.Field(nullable=True, description="Agent disposition; null = unknown.")
    caller_key: str = pa.Field(nullable=True, description="Hashed caller number (repeat-contact FCR).")
    agent_id: str = pa.Field(nullable=True, description="Answering agent.")
    revenue: float = pa.Field(ge=0, nullable=True, description="Sale value, vendor currency.")
    ring_s: float = Seconds(description="Ring time at the agent before answer; empty = not recorded.")

    @pa.dataframe_check(error="wait_s: must be 0 for blocked and self_service calls")
    def no_wait_unless_queued(cls, data: pa.PolarsData) -> pl.LazyFrame:
        """Blocked and self-service calls never waited in the queue."""
        return data.lazyframe.select(
            pl.col("outcome").is_in(["answered", "abandoned"]) | (pl.col("wait_s").fill_null(0) == 0)
        )

    @pa.dataframe_check(error="talk_s, hold_s, acw_s: must be 0 or empty unless the call was answered")
    def no_handling_unless_answered(cls, data: pa.PolarsData) -> pl.LazyFrame:
        """Only answered calls have talk, hold or after-call work."""
        handled = pl.sum_horizontal(pl.col("talk_s", "hold_s", "acw_s").fill_null(0))
        return data.lazyframe.select((pl.col("outcome") == "answered") | (handled == 0))

    @pa.dataframe_check(error="transferred, revenue: only an answered call can be transferred or make a sale")
    def agent_outcomes_need_answer(cls, data: pa.PolarsData) -> pl.LazyFrame:
        """Transfers and sales happen only on answered calls."""
        agent_only = pl.col("transferred").fill_null(False) | (pl.col("revenue").fill_null(0) > 0)
        return data.lazyframe.select((pl.col("outcome") == "answered") | ~agent_only)


def _le(part: str, whole: str) -> pl.Expr:
    """`part` ≤ `whole` where both are known (an unknown side breaks nothing)."""
    return (pl.col(part) <= pl.col(whole)).fill_null(True)


class Intervals(_Canonical):
    """ACD interval report: one row per program x interval start (sums of seconds and counts)."""

    program: str = Id(description="Split, skill, call type or queue.")
    interval_start: pl.Datetime = pa.Field(nullable=False, description="Interval start (UTC).")
    interval_s: int = pa.Field(gt=0, description="Interval length in seconds.")
    answered: int = Count(description="Calls answered; empty = not in the report (unknown, not 0).")
    answered_in_sl: int = Count(description="Answered with wait ≤ sl_threshold_s.")
    abandoned: int = Count(description="Calls abandoned in queue; empty = not in the report.")
    abandoned_in_sl: int = Count(description="Abandoned with wait ≤ sl_threshold_s.")
    short_abandoned: int = Count(description="Abandoned with wait < short_abandon_s.")
    blocked: int = Count(description="Calls refused (busy).")
    self_service: int = Count(description="Calls completed in the IVR.")
    sl_threshold_s: float = pa.Field(gt=0, nullable=True, description="Service-level threshold used.")
    short_abandon_s: float = Seconds(description="Short-abandon threshold used.")
    answered_wait_s: float = Seconds(description="Σ wait of answered calls.")
    abandoned_wait_s: float = Seconds(description="Σ wait of abandoned calls.")
    talk_s: float = Seconds(description="Σ talk time.")
    hold_s: float = Seconds(description="Σ hold time.")
    acw_s: float = Seconds(description="Σ after-call work.")
    transferred: int = Count(description="Answered calls transferred.")
    staffed_s: float = Seconds(description="Σ seconds agents were staffed on the program (positions × s).")

    class Config:
        unique = ("program", "interval_start")

    @pa.dataframe_check(error="answered_in_sl: must not exceed answered")
    def answered_in_sl_le_answered(cls, data: pa.PolarsData) -> pl.LazyFrame:
        """Calls answered within the threshold are a subset of calls answered."""
        return data.lazyframe.select(_le("answered_in_sl", "answered"))

    @pa.dataframe_check(error="abandoned_in_sl: must not exceed abandoned")
    def abandoned_in_sl_le_abandoned(cls, data: pa.PolarsData) -> pl.LazyFrame:
        """Abandons within the threshold are a subset of abandons."""
        return data.lazyframe.select(_le("abandoned_in_sl", "abandoned"))

    @pa.dataframe_check(error="short_abandoned: must not exceed abandoned")
    def short_le_abandoned(cls, data: pa.PolarsData) -> pl.LazyFrame:
        """Short abandons are a subset of abandons."""
        return data.lazyframe.select(_le("short_abandoned", "abandoned"))

    @pa.dataframe_check(error="transferred: must not exceed answered")
    def transferred_le_answered(cls, data: pa.PolarsData) -> pl.LazyFrame:
        """Only answered calls are transferred."""
        return data.lazyframe.select(_le("transferred", "answered"))


class AgentTime(_Canonical):
    """Workforce time per agent and local date."""

    agent_id: str = Id(description="Agent.")
    date: pl.Date = pa.Field(nullable=False, description="Vendor-local date.")
    scheduled_s: float = pa.Field(ge=0, description="Scheduled time.")
    staffed_s: float = pa.Field(ge=0, description="Logged-in time.")
    handle_s: float = pa.Field(ge=0, description="Time handling contacts.")
    available_s: float = pa.Field(ge=0, description="Idle, ready for a contact.")
    in_adherence_s: float = pa.Field(ge=0, description="Scheduled time spent in the scheduled state.")

    class Config:
        unique = ("agent_id", "date")

    @pa.dataframe_check(error="in_adherence_s: must not exceed scheduled_s")
    def adherence_le_scheduled(cls, data: pa.PolarsData) -> pl.LazyFrame:
        """Adherent time is part of scheduled time."""
        return data.lazyframe.select(pl.col("in_adherence_s") <= pl.col("scheduled_s"))

    @pa.dataframe_check(error="handle_s, available_s: their sum must not exceed staffed_s")
    def busy_le_staffed(cls, data: pa.PolarsData) -> pl.LazyFrame:
        """Handling and available time happen while logged in."""
        return data.lazyframe.select(pl.col("handle_s") + pl.col("available_s") <= pl.col("staffed_s") + 1e-6)


class Surveys(_Canonical):
    """Post-call surveys."""

    survey_id: str = Id(unique=True, description="Survey response.")
    call_id: str = pa.Field(nullable=True, description="The surveyed call, if known.")
    responded_at: pl.Datetime = pa.Field(nullable=False, description="Response instant (UTC).")
    csat: int = pa.Field(ge=1, le=5, nullable=True, description="Satisfaction 1–5.")
    resolved: bool = pa.Field(nullable=True, description="Caller says the issue was resolved.")


class Quality(_Canonical):
    """Quality-assurance evaluations."""

    evaluation_id: str = Id(unique=True, description="Evaluation.")
    call_id: str = pa.Field(nullable=True, description="The evaluated call, if known.")
    agent_id: str = Id(description="Evaluated agent.")
    evaluated_at: pl.Datetime = pa.Field(nullable=False, description="Evaluation instant (UTC).")
    score: float = pa.Field(ge=0, le=100, description="Score 0–100.")


class Costs(_Canonical):
    """Invoices, credits and adjustments in the vendor's currency (signed)."""

    period_start: pl.Date = pa.Field(nullable=False, description="First local day billed.")
    period_end: pl.Date = pa.Field(nullable=False, description="Last local day billed.")
    amount: float = pa.Field(nullable=False, description="Signed amount; a credit is negative.")
    kind: str = pa.Field(isin=["invoice", "credit", "adjustment"], description="Kind of charge.")
    quantity: float = pa.Field(
        ge=0, nullable=True, description="Billed quantity of the line, in `per` units."
    )
    per: str = pa.Field(
        isin=BILLED_PER, nullable=True, description="What the quantity counts (a price basis)."
    )

    @pa.dataframe_check(error="quantity: give quantity and per together, or neither")
    def quantity_with_per(cls, data: pa.PolarsData) -> pl.LazyFrame:
        """A billed quantity says what it counts."""
        return data.lazyframe.select(pl.col("quantity").is_null() == pl.col("per").is_null())

    @pa.dataframe_check(error="period_end: must be on or after period_start")
    def period_ordered(cls, data: pa.PolarsData) -> pl.LazyFrame:
        """A billing period runs forwards."""
        return data.lazyframe.select(pl.col("period_end") >= pl.col("period_start"))


class Forecast(_Canonical):
    """The client's forecast per program and interval: the volume and handle time it asked the vendor
    to staff for (docs/tables.md, `forecast`)."""

    program: str = Id(description="Queue or line of business, as the vendor's calls name it.")
    interval_start: pl.Datetime = pa.Field(nullable=False, description="Interval start (UTC).")
    interval_s: int = pa.Field(gt=0, description="Interval length in seconds.")
    forecast_offered: float = pa.Field(ge=0, description="Calls forecast to get in (offered).")
    forecast_aht_s: float = pa.Field(gt=0, nullable=True, description="Forecast average handle time.")
    required_staff: float = pa.Field(ge=0, nullable=True, description="Agents the client agreed on.")

    class Config:
        unique = ("program", "interval_start")


@dataclass(frozen=True)
class WarningRule:
    """Rows that are incomplete but honest: they load, and the ingest counts them per file."""

    rule: str
    message: str
    column: str  #: the value shown as the example
    flags: pl.Expr  #: True for a row the rule counts


#: Per table, the rows that load with a counted warning instead of rejecting their file.
WARNINGS: dict[str, tuple[WarningRule, ...]] = {
    "surveys": (
        WarningRule(
            "survey_no_answer",
            "survey without an answer (no csat score and no resolved answer): loaded, counted in neither "
            "CSAT nor FCR",
            "survey_id",
            pl.col("csat").is_null() & pl.col("resolved").is_null(),
        ),
    ),
}


def warnings_of(table: str, frame: pl.DataFrame) -> list[RowWarning]:
    """Count the rows of a validated frame (with `source_row`) that each warning rule of `table` flags."""
    found = []
    for w in WARNINGS.get(table, ()):
        hits = frame.filter(w.flags)
        if hits.height:
            first = hits.sort("source_row").row(0, named=True)
            found.append(RowWarning(w.rule, w.message, hits.height, first["source_row"], first[w.column]))
    return found


SCHEMAS: dict[str, type[_Canonical]] = {
    "calls": Calls,
    "intervals": Intervals,
    "agent_time": AgentTime,
    "surveys": Surveys,
    "quality": Quality,
    "costs": Costs,
    "forecast": Forecast,
}


def _rule(check: str) -> str:
    """Plain-language text for a pandera check name such as `isin([...])` or `greater_than(0)`."""
    labels = {
        "not_nullable": "required: must not be empty",
        "field_uniqueness": "must be unique in the file",
        "multiple_fields_uniqueness": "combination must be unique in the file",
        "column_in_dataframe": "column missing from the export",
        "column_in_schema": "column not in the canonical table",
        "dtype": "wrong data type",
        "str_length": "must not be empty",
    }
    for key, text in labels.items():
        if check.startswith(key):
            return text
    m = re.fullmatch(r"isin\(\[(.*)\]\)", check)
    if m:
        return "must be one of: " + m.group(1).replace("'", "")
    ops = {
        "greater_than_or_equal_to": "≥",
        "less_than_or_equal_to": "≤",
        "greater_than": ">",
        "less_than": "<",
    }
    m = re.fullmatch(r"(\w+)\((.*)\)", check)
    if m and m.group(1) in ops:
        return f"must be {ops[m.group(1)]} {m.group(2)}"
    return check


def failures_from(exc: pa.errors.SchemaErrors, source_rows: pl.Series) -> list[ValidationFailure]:
    """Convert pandera failure cases into rows of the file (row numbers from `source_rows`)."""
    out: list[ValidationFailure] = []
    cases = exc.failure_cases
    for case in cases.iter_rows(named=True):
        idx = case.get("index")
        row = int(source_rows[int(idx)]) if idx is not None else None
        check = str(case["check"])
        if case["schema_context"] == "DataFrameSchema" and ":" in check and idx is not None:
            cols, rule = check.split(":", 1)
            values = json.loads(case["failure_case"]) if case["failure_case"] else {}
            names = [c.strip() for c in cols.split(",")]
            value = {n: values.get(n) for n in names} if len(names) > 1 else values.get(names[0])
            out.append(ValidationFailure(row, cols.strip(), value, rule.strip()))
        else:
            out.append(ValidationFailure(row, str(case["column"]), case["failure_case"], _rule(check)))
    out.sort(key=lambda f: (f.row if f.row is not None else -1, f.column))
    return out


def _unique_keys(table: str) -> list[list[str]]:
    """The column sets of `table` that pandera checks for uniqueness (unique fields, Config.unique)."""
    schema = SCHEMAS[table].to_schema()
    keys = [[name] for name, col in schema.columns.items() if col.unique]
    if schema.unique:
        keys.append([schema.unique] if isinstance(schema.unique, str) else list(schema.unique))
    return keys


def _all_distinct(table: str, frame: pl.DataFrame) -> bool:
    """True when no uniqueness rule of `table` can fail on `frame` (an exact count of distinct values).

    `n_unique` is several times cheaper than pandera's `is_duplicated` over the whole column, and a
    clean file is the common case; a file with any duplicate gets pandera's own check and its failures.
    """
    keys = [cols for cols in _unique_keys(table) if set(cols) <= set(frame.columns)]
    if not keys or frame.height < 2:
        return True
    exprs = [
        (pl.col(c[0]) if len(c) == 1 else pl.struct(c)).n_unique().alias(str(i)) for i, c in enumerate(keys)
    ]
    return all(n == frame.height for n in frame.select(exprs).row(0))


@functools.cache
def _schema(table: str, all_distinct: bool) -> pa.DataFrameSchema:
    """The model's schema; without its uniqueness checks when the values are known to be distinct."""
    schema = SCHEMAS[table].to_schema()
    if not all_distinct:
        return schema
    schema = schema.update_columns(
        {name: {"unique": False} for name, col in schema.columns.items() if col.unique}
    )
    schema.unique = None
    return schema


def validate(
    table: str,
    frame: pl.DataFrame,
    path: str,
    extra: list[ValidationFailure] = (),
    window: plausible.Window | None = None,
    unique: bool = True,
) -> pl.DataFrame:
    """Validate canonical rows (with `source_row`) lazily; raise FileValidationError naming rows and rules.

    `extra` carries the adapter's own parse failures (a value that is not a number, say), so that one
    message lists every problem of the file; the plausibility rules (`plausible.RULES`, dates within
    `window`) run beside the schema's. `unique=False` leaves the uniqueness rules out (a file validated
    batch by batch checks them over the whole file in the database: `scorecard.ingest.batched`).
    """
    source_rows = frame["source_row"]
    body = frame.drop("source_row")
    failures = list(extra)
    seen = {(f.row, f.column) for f in failures}
    for f in plausible.failures(table, body, source_rows, window or plausible.Window()):
        if (f.row, f.column) not in seen:
            failures.append(f)
            seen.add((f.row, f.column))
    try:
        distinct = not unique or _all_distinct(table, body)
        body = _schema(table, all_distinct=distinct).validate(body, lazy=True)
    except pa.errors.SchemaErrors as exc:
        seen = {(f.row, f.column) for f in failures}
        failures += [f for f in failures_from(exc, source_rows) if (f.row, f.column) not in seen]
    if failures:
        failures.sort(key=lambda f: (f.row if f.row is not None else -1, f.column))
        raise FileValidationError(path=path, table=table, failures=failures, total=len(failures))
    return body.with_columns(source_rows)


#: The row rules above (each model's `@pa.dataframe_check`) as SQL predicates, true when a row passes,
#: for engines that validate without polars (the Spark path reads them; its column rules are the
#: models' own pandera checks). tests/test_spark_rules.py keeps each predicate equal to its check.
ROW_RULES: dict[str, dict[str, str]] = {
    "calls": {
        "no_wait_unless_queued": "outcome in ('answered', 'abandoned') or coalesce(wait_s, 0) = 0",
        "no_handling_unless_answered": (
            "outcome = 'answered' or coalesce(talk_s, 0) + coalesce(hold_s, 0) + coalesce(acw_s, 0) = 0"
        ),
        "agent_outcomes_need_answer": (
            "outcome = 'answered' or not (coalesce(transferred, false) or coalesce(revenue, 0) > 0)"
        ),
    },
    "intervals": {
        "answered_in_sl_le_answered": "coalesce(answered_in_sl <= answered, true)",
        "abandoned_in_sl_le_abandoned": "coalesce(abandoned_in_sl <= abandoned, true)",
        "short_le_abandoned": "coalesce(short_abandoned <= abandoned, true)",
        "transferred_le_answered": "coalesce(transferred <= answered, true)",
    },
    "agent_time": {
        "adherence_le_scheduled": "in_adherence_s <= scheduled_s",
        "busy_le_staffed": "handle_s + available_s <= staffed_s + 1e-6",
    },
    "surveys": {},
    "quality": {},
    "costs": {
        "period_ordered": "period_end >= period_start",
        "quantity_with_per": "(quantity is null) = (per is null)",
    },
    "forecast": {},
}
