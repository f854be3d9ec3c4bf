"""Period labels, once: parsing, building, neighbours, and how much of a period the data covers.

Labels (docs/kpis.md): day `2026-04-15`, ISO week `2026-W16`, month `2026-04`, quarter `2026-Q2`, year `2026`,
the whole range `all`. Every label is a vendor-local calendar period (inclusive start and end dates). The
metrics, the scoring, the review, the contract engine, the app and the CLI all build and read labels here.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, timedelta

from scorecard.errors import ScorecardError

GRAINS: tuple[str, ...] = ("day", "week", "month", "quarter", "year", "all")
FORMS = "2026-04-15 (day), 2026-W16 (ISO week), 2026-04 (month), 2026-Q2 (quarter), 2026 (year), all"


@dataclass(frozen=True)
class Period:
    """A period label and the inclusive local-date range it covers (None, None for `all`)."""

    grain: str
    label: str
    start: date | None
    end: date | None

    @property
    def days(self) -> int | None:
        """Calendar days in the period (None for `all`)."""
        return None if self.start is None or self.end is None else (self.end - self.start).days + 1


def _next_month_day(first: date) -> date:
    return date(first.year + first.month // 12, first.month % 12 + 1, 1)


def parse_period(label: str) -> Period:
    """Parse a period label (`2026-04-15`, `2026-W16`, `2026-04`, `2026-Q2`, `2026`, `all`)."""
    text = label.strip()
    try:
        if text == "all":
            return Period("all", "all", None, None)
        if m := re.fullmatch(r"(\d{4})-(\d{2})-(\d{2})", text):
            day = date(int(m[1]), int(m[2]), int(m[3]))
            return Period("day", text, day, day)
        if m := re.fullmatch(r"(\d{4})-W(\d{2})", text):
            monday = date.fromisocalendar(int(m[1]), int(m[2]), 1)
            return Period("week", text, monday, monday + timedelta(days=6))
        if m := re.fullmatch(r"(\d{4})-(\d{2})", text):
            first = date(int(m[1]), int(m[2]), 1)
            return Period("month", text, first, _next_month_day(first) - timedelta(days=1))
        if m := re.fullmatch(r"(\d{4})-Q([1-4])", text):
            first = date(int(m[1]), 3 * int(m[2]) - 2, 1)
            last = _next_month_day(_next_month_day(_next_month_day(first))) - timedelta(days=1)
            return Period("quarter", text, first, last)
        if re.fullmatch(r"\d{4}", text):
            year = int(text)
            return Period("year", text, date(year, 1, 1), date(year, 12, 31))
    except ValueError:
        pass
    raise ScorecardError(f"Invalid period {label!r}; expected one of: {FORMS}.")


def label_of(day: date, grain: str) -> str:
    """The label of the `grain` period that contains `day` (`2026-05-17`, "quarter" -> `2026-Q2`)."""
    if grain == "day":
        return day.isoformat()
    if grain == "week":
        year, week, _ = day.isocalendar()
        return f"{year}-W{week:02d}"
    if grain == "month":
        return f"{day:%Y-%m}"
    if grain == "quarter":
        return f"{day.year}-Q{(day.month - 1) // 3 + 1}"
    if grain == "year":
        return str(day.year)
    if grain == "all":
        return "all"
    raise ScorecardError(f"Unknown grain {grain!r}; expected one of: {', '.join(GRAINS)}.")


def labels_between(first: date | None, last: date | None, grains: Iterable[str]) -> tuple[str, ...]:
    """`all`, then for each grain every label between two dates, newest first (the app's period list)."""
    if first is None or last is None:
        return ("all",)
    days = [first + timedelta(days=i) for i in range((last - first).days + 1)]
    out = ["all"]
    for grain in grains:
        out += sorted({label_of(d, grain) for d in days}, reverse=True)
    return tuple(dict.fromkeys(out))


def next_month(month: str, n: int = 1) -> str:
    """The month label `n` months after `month` (`2026-12` + 1 = `2027-01`)."""
    index = int(month[:4]) * 12 + int(month[5:7]) - 1 + n
    return f"{index // 12:04d}-{index % 12 + 1:02d}"


def quarter_of(month: str) -> str:
    """The quarter label of a month label (`2026-05` -> `2026-Q2`)."""
    return f"{month[:4]}-Q{(int(month[5:7]) - 1) // 3 + 1}"


def month_range(first: str, last: str) -> list[str]:
    """Every month label from `first` to `last`, inclusive."""
    months = [first]
    while months[-1] < last:
        months.append(next_month(months[-1]))
    return months


def quarter_months(quarter: str) -> list[str]:
    """The three month labels of a quarter label (`2026-Q2` -> 2026-04, 2026-05, 2026-06)."""
    first = f"{quarter[:4]}-{3 * int(quarter[-1]) - 2:02d}"
    return [first, next_month(first), next_month(first, 2)]


def previous_quarter(label: str) -> str:
    """The quarter before `label` (`2026-Q1` -> `2025-Q4`)."""
    year, q = int(label[:4]), int(label[-1])
    return f"{year - 1}-Q4" if q == 1 else f"{year}-Q{q - 1}"


@dataclass(frozen=True)
class Coverage:
    """How much of a period the data covers: its first and last local date with data, and the day counts."""

    period: Period
    first: date | None
    last: date | None

    @property
    def covered_days(self) -> int:
        """Days of the period from the first to the last date with data (0 without data)."""
        if self.first is None or self.last is None:
            return 0
        start = max(self.first, self.period.start or self.first)
        end = min(self.last, self.period.end or self.last)
        return max((end - start).days + 1, 0)

    @property
    def partial(self) -> bool:
        """True when the data starts after the period's first day or ends before its last day."""
        p = self.period
        if p.start is None or self.first is None or self.last is None:
            return False
        return self.first > p.start or self.last < p.end  # type: ignore[operator]

    def describe(self) -> str:
        """'2026-Q2 is partial: data from 2026-04-01 to 2026-05-17 (47 of 91 days).' ('' when complete)."""
        if not self.partial:
            return ""
        p = self.period
        start = max(self.first, p.start)  # type: ignore[type-var]
        end = min(self.last, p.end)  # type: ignore[type-var]
        return (
            f"{p.label} is partial: data from {start.isoformat()} to {end.isoformat()} "
            f"({self.covered_days} of {p.days} days)."
        )


def coverage(period: Period | str, first: date | None, last: date | None) -> Coverage:
    """The coverage of a period by data spanning `first`..`last` (the workspace's or a vendor's dates)."""
    return Coverage(parse_period(period) if isinstance(period, str) else period, first, last)
