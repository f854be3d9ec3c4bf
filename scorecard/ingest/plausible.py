"""Plausibility rules: values no contact center produces reject their file, each rule with a name.

The canonical schemas check types, signs and subsets; these rules catch what passes them but cannot be
true: a number that is not finite (NaN, infinity), a call longer than a day, an amount of more than 10¹²
in any currency, a timestamp before the workspace's `earliest_date` or after the day of the ingest. They
are data, so that another engine (the Spark path) can read the same definitions. docs/bad-input.md lists
them with what the user sees.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta

import polars as pl

from scorecard.errors import ValidationFailure

#: A single call, wait or agent activity longer than this is not a call (a DST day has 25 hours).
MAX_CALL_S = 86_400.0
#: An agent's recorded seconds on one local day.
MAX_AGENT_DAY_S = 90_000.0
#: Money in any currency, per row.
MAX_AMOUNT = 1e12
#: Calls counted in one row of an interval report (a month of a very large center is ~10⁷).
MAX_COUNT = 100_000_000
#: An interval report row covers at most a year.
MAX_INTERVAL_S = 366 * 86_400
#: Characters in one text cell (an ID, a program or agent name): a longer cell is a broken file.
MAX_TEXT_CHARS = 1_000
#: The earliest date a workspace accepts unless `earliest_date` in scorecard.toml says otherwise: before
#: it are the zero dates of spreadsheets and clocks (1899-12-30, 1900-01-01, 1970-01-01), not calls.
DEFAULT_EARLIEST = date(1980, 1, 1)


@dataclass(frozen=True)
class Rule:
    """One plausibility rule: `bad` is True for a row that breaks it; `column` is the value shown."""

    name: str
    table: str
    column: str
    bad: pl.Expr
    message: str


@dataclass(frozen=True)
class Window:
    """The dates a workspace accepts: from `earliest` to `latest` (the day after the ingest, by default;
    billing periods may reach a year further)."""

    earliest: date = DEFAULT_EARLIEST
    latest: date | None = None

    def last_day(self) -> date:
        return self.latest or (datetime.now(UTC).date() + timedelta(days=1))


_FLOATS = {
    "calls": ("wait_s", "talk_s", "hold_s", "acw_s", "revenue", "ring_s"),
    "intervals": (
        "sl_threshold_s", "short_abandon_s", "answered_wait_s", "abandoned_wait_s", "talk_s", "hold_s",
        "acw_s", "staffed_s",
    ),
    "agent_time": ("scheduled_s", "staffed_s", "handle_s", "available_s", "in_adherence_s"),
    "quality": ("score",),
    "costs": ("amount",),
    "forecast": ("forecast_offered", "forecast_aht_s", "required_staff"),
}  # fmt: skip

_TEXTS = (
    ("calls", "call_id"), ("calls", "program"), ("calls", "agent_id"), ("calls", "caller_key"),
    ("intervals", "program"), ("agent_time", "agent_id"), ("surveys", "survey_id"), ("surveys", "call_id"),
    ("quality", "evaluation_id"), ("quality", "call_id"), ("quality", "agent_id"), ("costs", "kind"),
    ("forecast", "program"),
)  # fmt: skip

_DATES = {
    "calls": "arrived_at",
    "intervals": "interval_start",
    "surveys": "responded_at",
    "quality": "evaluated_at",
    "agent_time": "date",
    "costs": "period_start",
    "forecast": "interval_start",
}


def _finite(table: str) -> list[Rule]:
    return [
        Rule("finite_number", table, c, pl.col(c).is_nan() | pl.col(c).is_infinite(), "not a finite number")
        for c in _FLOATS.get(table, ())
    ]


def _at_most(table: str, cols: tuple[str, ...], limit: float, name: str, message: str) -> list[Rule]:
    return [Rule(name, table, c, pl.col(c).abs() > limit, message) for c in cols]


def _per_call(col: str, count: str, without_calls: bool = True) -> tuple[Rule, ...]:
    """A sum of seconds held to its calls: at most 24 h a call; with `without_calls`, none for 0 calls
    (waits: measured when the call is answered or abandoned, so in the row that counts it)."""
    many = pl.col(count) > 0  # unknown count: nothing to hold the sum to; a negative one is the schema's
    at_most = (
        Rule(
            "sum_at_most_24h_per_call",
            "intervals",
            col,
            many & (pl.col(col) > pl.col(count) * MAX_CALL_S),
            f"more than 24 h per {count} call in this row: a sum of seconds that no interval produces",
        ),
    )
    if not without_calls:
        return at_most
    return (
        *at_most,
        Rule(
            "seconds_without_calls",
            "intervals",
            col,
            (pl.col(count) == 0) & (pl.col(col) > 0),
            f"seconds recorded for 0 {count} calls in this row",
        ),
    )


RULES: tuple[Rule, ...] = (
    *(r for t in _FLOATS for r in _finite(t)),
    *_at_most(
        "calls", ("wait_s", "talk_s", "hold_s", "acw_s", "ring_s"), MAX_CALL_S, "duration_at_most_24h",
        "longer than 24 h: no single call lasts a day",
    ),
    *_at_most("calls", ("revenue",), MAX_AMOUNT, "amount_at_most_1e12", "more than 10¹² in any currency"),
    *_at_most("costs", ("amount",), MAX_AMOUNT, "amount_at_most_1e12", "more than 10¹² in any currency"),
    *_at_most(
        "agent_time", _FLOATS["agent_time"], MAX_AGENT_DAY_S, "agent_day_at_most_25h",
        "more than 25 h of one agent's time on one day",
    ),
    *_at_most(
        "intervals",
        ("answered", "answered_in_sl", "abandoned", "abandoned_in_sl", "short_abandoned", "blocked",
         "self_service", "transferred"),
        MAX_COUNT, "count_at_most_1e8", "more than 10⁸ calls in one row of an interval report",
    ),
    *_at_most(
        "intervals", ("interval_s",), MAX_INTERVAL_S, "interval_at_most_a_year",
        "an interval longer than a year",
    ),
    *(
        Rule("text_at_most_1000_chars", t, c, pl.col(c).str.len_chars() > MAX_TEXT_CHARS,
             f"longer than {MAX_TEXT_CHARS:,} characters: no ID or name is that long")
        for t, c in _TEXTS
    ),
    *_at_most(
        "forecast", ("forecast_offered", "required_staff"), MAX_COUNT, "count_at_most_1e8",
        "more than 10⁸ in one interval of a forecast",
    ),
    *_at_most("forecast", ("forecast_aht_s",), MAX_CALL_S, "duration_at_most_24h",
              "longer than 24 h: no single call lasts a day"),
    *_at_most(
        "forecast", ("interval_s",), MAX_INTERVAL_S, "interval_at_most_a_year",
        "an interval longer than a year",
    ),
    *_per_call("answered_wait_s", "answered"),
    # talk, hold and wrap-up are counted in the interval they end in (Genesys, Avaya, UCCE): a call
    # answered at 07:29 may put its wrap-up in a 07:30 row that answered no call
    *_per_call("talk_s", "answered", without_calls=False),
    *_per_call("hold_s", "answered", without_calls=False),
    *_per_call("acw_s", "answered", without_calls=False),
    *_per_call("abandoned_wait_s", "abandoned"),
)  # fmt: skip


def _date_rules(table: str, window: Window) -> list[Rule]:
    col = _DATES.get(table)
    if col is None:
        return []
    value = pl.col(col).cast(pl.Date) if table not in ("agent_time", "costs") else pl.col(col)
    last = window.last_day() + (timedelta(days=366) if table in ("costs", "forecast") else timedelta(0))
    first = window.earliest
    rule = Rule(
        "date_in_window",
        table,
        col,
        (value < first) | (value > last),
        f"outside the plausible dates {first} to {last} (set earliest_date in scorecard.toml to accept "
        "older data)",
    )
    rules = [rule]
    if table == "costs":
        end = pl.col("period_end")
        rules.append(Rule("date_in_window", table, "period_end", (end < first) | (end > last), rule.message))
    return rules


def failures(table: str, body: pl.DataFrame, rows: pl.Series, window: Window) -> list[ValidationFailure]:
    """Every break of a plausibility rule of `table` in `body` (aligned with `rows`, the file's lines)."""
    out: list[ValidationFailure] = []
    typed = [c for c in body.columns if body.schema[c] != pl.Null]  # an all-empty column breaks nothing
    rules = [r for r in RULES if r.table == table and r.column in typed]
    rules += [r for r in _date_rules(table, window) if r.column in typed]
    if not rules:
        return out
    numeric = [c for c in typed if body.schema[c].is_numeric()]
    view = body.with_columns(pl.col(numeric).cast(pl.Float64))
    flags = view.select(*(r.bad.fill_null(False).alias(str(i)) for i, r in enumerate(rules)))
    for i, rule in enumerate(rules):
        hits = flags[str(i)]
        if not hits.any():
            continue
        for row, value in zip(
            rows.filter(hits).head(100), body[rule.column].filter(hits).head(100), strict=True
        ):
            if isinstance(value, str) and len(value) > 80:
                value = f"{value[:80]}… ({len(value):,} characters)"
            out.append(ValidationFailure(row, rule.column, value, f"{rule.message} (rule {rule.name})"))
    return out
