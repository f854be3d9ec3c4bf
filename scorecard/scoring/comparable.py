"""Comparable periods: which days of a period each vendor's data cover, and who can be ranked over them.

Vendors are compared over the days of the period that the data of the vendors asked reach (the period
cut to the first and last day any of them has data; `all` is that span). Per vendor:

- **days with data**: local dates with a call, or inside an interval report row (a monthly row covers its
  month); for a vendor without call or interval data at all, days with a survey, QA evaluation or
  agent-time row. Surveys alone do not make a day of service KPIs (a vendor whose January calls file was
  rejected is not covered in January because its January surveys loaded), and costs never count (an
  invoice covers its billed period whether or not calls were taken);
- **covered days**: the days of the window less every run of more than `MAX_CLOSED_DAYS` consecutive
  days without data (a shorter run is a weekend, a public holiday, a day the vendor is closed; a longer
  one is a gap in the exports), at the edges of the window too;
- **coverage** = covered days / days of the window.

A vendor without data in the window is **no data**: listed, never ranked. A vendor whose coverage is
below `MIN_COVERAGE` (80 %) is **not ranked** by default: its KPIs describe other days than its peers'
(a quarter without its June is not the quarter); `include_partial` ranks it anyway, flagged.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import date, timedelta

import polars as pl

from scorecard.periods import Period

#: Below this share of the window's days, a vendor is not ranked unless asked (docs/ranking.md).
MIN_COVERAGE = 0.80
#: Runs of at most this many days without data count as closed days (weekends, holidays), not gaps.
MAX_CLOSED_DAYS = 3
DAY_S = 86_400

#: Statuses, in the order they are listed.
RANKED, FLAGGED, EXCLUDED, NO_DATA = "ranked", "ranked, incomplete", "not ranked", "no data"


def _days(n: int) -> str:
    return f"{n} day" if n == 1 else f"{n} days"


def grain_name(row_s: int | None) -> str | None:
    """'monthly' for a source whose rows span 28–31 days; None for day-level data."""
    if row_s is None or row_s <= DAY_S:
        return None
    days = round(row_s / DAY_S)
    if days == 7:
        return "weekly"
    if 28 <= days <= 31:
        return "monthly"
    if 89 <= days <= 92:
        return "quarterly"
    return f"{days}-day"


@dataclass(frozen=True)
class VendorCoverage:
    """One vendor's coverage of the comparison window."""

    vendor_id: str
    first: date | None
    last: date | None
    days_with_data: int
    covered_days: int
    window_days: int
    status: str
    #: The longest row of its data in seconds (86400 for call-level and daily data).
    row_s: int | None = None

    @property
    def share(self) -> float:
        """Covered days / days of the window (0 without data)."""
        return self.covered_days / self.window_days if self.window_days else 0.0

    @property
    def grain(self) -> str | None:
        """'monthly', 'weekly', ... when its rows are coarser than a day; None otherwise."""
        return grain_name(self.row_s)

    def describe(self) -> str:
        """'2026-04-10 – 2026-06-30, 82 of 91 days (90%); data on 70 days' or 'no data'."""
        if self.first is None or self.last is None:
            return "no data"
        coarse = f"; {self.grain} rows" if self.grain else ""
        return (
            f"{self.first.isoformat()} – {self.last.isoformat()}, {self.covered_days} of "
            f"{_days(self.window_days)} ({self.share:.0%}); data on {_days(self.days_with_data)}{coarse}"
        )


@dataclass(frozen=True)
class Comparability:
    """Who can be ranked over which days of a period."""

    period: str
    start: date | None
    end: date | None
    vendors: tuple[VendorCoverage, ...]
    threshold: float = MIN_COVERAGE
    include_partial: bool = False
    #: Vendors whose coverage is withheld from this view (a vendor's view: its peers), by status.
    hidden: tuple[tuple[str, int], ...] = field(default=())
    #: Days of the period itself (None for `all`): more than the window when no data reach its ends.
    period_days: int | None = None

    @property
    def window_days(self) -> int:
        """Days of the comparison window."""
        return 0 if self.start is None or self.end is None else (self.end - self.start).days + 1

    def kpi_days(self, period: Period) -> tuple[date | None, date | None]:
        """The days a comparison's KPIs are pooled over: the window (the period cut to the first and last
        day the vendors' data reach), or the whole period when nobody has data in it. An invoice for
        the month after the last call is not divided by the calls before it."""
        if self.start is None or self.end is None:
            return period.start, period.end
        return self.start, self.end

    def of(self, vendor_id: str) -> VendorCoverage | None:
        """A vendor's coverage (None when not considered)."""
        return next((v for v in self.vendors if v.vendor_id == vendor_id), None)

    def ids(self, *statuses: str) -> list[str]:
        """Vendor ids with one of the statuses."""
        return [v.vendor_id for v in self.vendors if v.status in statuses]

    @property
    def ranked(self) -> list[str]:
        """The vendors that are ranked (complete enough, or flagged because asked for)."""
        return self.ids(RANKED, FLAGGED)

    @property
    def same_days(self) -> bool:
        """True when every vendor considered covers every day of the window."""
        return not self.hidden and all(v.covered_days == v.window_days > 0 for v in self.vendors)

    def frame(self, names: dict[str, str] | None = None) -> pl.DataFrame:
        """One row per vendor: status, first and last day, days with data, covered days, coverage."""
        names = names or {}
        schema = {
            "vendor_id": pl.String,
            "vendor": pl.String,
            "status": pl.String,
            "first_date": pl.Date,
            "last_date": pl.Date,
            "days_with_data": pl.Int64,
            "covered_days": pl.Int64,
            "window_days": pl.Int64,
            "period_coverage": pl.Float64,
            "source_grain": pl.String,
        }
        rows = [
            (v.vendor_id, names.get(v.vendor_id, v.vendor_id), v.status, v.first, v.last,
             v.days_with_data, v.covered_days, v.window_days, v.share,
             v.grain or ("day" if v.first else None))
            for v in self.vendors
        ]  # fmt: skip
        return pl.DataFrame(rows, schema=schema, orient="row")

    def summary(
        self, names: dict[str, str] | None = None, option: str | None = "--include-partial"
    ) -> list[str]:
        """What the top of a ranking says: the window, who covers which days, who is not ranked and why
        (`option` names the way to rank them anyway; None: a comparison that ranks nobody)."""
        names = names or {}
        where = "the whole range" if self.period == "all" else self.period
        if self.start is None or self.end is None:
            return [f"No vendor has data in {where}."]
        span = f"{self.start.isoformat()} – {self.end.isoformat()}, {_days(self.window_days)}"
        lines = []
        cut = self.period_days is not None and self.window_days < self.period_days
        if self.same_days and cut:
            lines.append(
                f"Every vendor's data cover the same days, but only part of {where}: "
                f"{self.start.isoformat()} – {self.end.isoformat()}, {self.window_days} of "
                f"{_days(self.period_days or 0)} ({where} is partial; KPIs are over these days)."
            )
        elif self.same_days:
            every = where if self.period == "all" else f"all of {where}"
            lines.append(f"Every vendor's data cover {every} ({span}).")
        else:
            short = [
                f"  {names.get(v.vendor_id, v.vendor_id)}: {v.describe()}"
                for v in self.vendors
                if v.status != NO_DATA and v.covered_days < v.window_days
            ]
            head = f"The vendors' data do not cover the same days of {where} ({span})"
            lines += [head + (":" if short else "."), *short]
        low = [v for v in self.vendors if v.status in (EXCLUDED, FLAGGED)]
        if low:
            who = ", ".join(f"{names.get(v.vendor_id, v.vendor_id)} ({v.share:.0%})" for v in low)
            if option is None:
                lines.append(
                    f"Under {self.threshold:.0%} of the days: {who}; their KPIs describe other days "
                    "than their peers'."
                )
            elif self.include_partial:
                lines.append(f"Ranked although under {self.threshold:.0%} of the days, flagged: {who}.")
            else:
                lines.append(
                    f"Not ranked, under {self.threshold:.0%} of the days: {who}; {option} ranks "
                    + ("it anyway." if len(low) == 1 else "them anyway.")
                )
        with_data = [v for v in self.vendors if v.status != NO_DATA]
        if option is not None and len(low) * 2 > len(with_data) and not self.include_partial:
            lines.append("Most vendors cover too few of these days: choose a period their data share.")
        empty = [names.get(v, v) for v in self.ids(NO_DATA)]
        if empty:
            lines.append(f"No data in {where}: {', '.join(empty)}.")
        for status, n in self.hidden:
            lines.append(f"{n} peer(s) {status} in {where}.")
        return lines

    def restricted(self, own: str) -> Comparability:
        """The coverage a vendor's view may see: its own, and only a count of the peers not ranked."""
        counts: dict[str, int] = {}
        for v in self.vendors:
            if v.vendor_id != own and v.status in (EXCLUDED, NO_DATA):
                counts[v.status] = counts.get(v.status, 0) + 1
        mine = tuple(v for v in self.vendors if v.vendor_id == own)
        return Comparability(
            self.period, self.start, self.end, mine, self.threshold, self.include_partial,
            tuple(sorted(counts.items())), self.period_days,
        )  # fmt: skip


def _covered(days: list[date], start: date, end: date) -> int:
    """Days of [start, end] less the runs of more than MAX_CLOSED_DAYS days without data."""
    total = (end - start).days + 1
    if not days:
        return 0
    gaps, previous = 0, start - timedelta(days=1)
    for day in [*days, end + timedelta(days=1)]:
        run = (day - previous).days - 1
        if run > MAX_CLOSED_DAYS:
            gaps += run
        previous = day
    return total - gaps


def _own_days(days: pl.DataFrame, vendor: str) -> pl.DataFrame:
    """A vendor's days with data: its contact days when it has call or interval data at all."""
    mine = days.filter(pl.col("vendor_id") == vendor).sort("local_date")
    if "is_contact_day" in mine.columns and bool(mine["has_contacts"].any()):
        mine = mine.filter(pl.col("is_contact_day"))
    return mine


def assess(
    period: Period,
    days: pl.DataFrame,
    vendors: Sequence[str],
    *,
    threshold: float = MIN_COVERAGE,
    include_partial: bool = False,
) -> Comparability:
    """The coverage of `period` by each of `vendors`, from `kpi_coverage_days` rows (vendor_id,
    local_date, row_s) already limited to the period."""
    own = {v: _own_days(days, v) for v in sorted(vendors)}
    dated = [d["local_date"] for d in own.values() if d.height]
    if not dated:
        empty = tuple(VendorCoverage(v, None, None, 0, 0, 0, NO_DATA) for v in sorted(vendors))
        return Comparability(period.label, None, None, empty, threshold, include_partial)
    first, last = min(d.min() for d in dated), max(d.max() for d in dated)  # type: ignore[type-var]
    start = max(period.start or first, first)  # type: ignore[type-var]
    end = min(period.end or last, last)  # type: ignore[type-var]
    window = (end - start).days + 1
    out = []
    for vendor, mine in own.items():
        dates = mine["local_date"].to_list()
        if not dates:
            out.append(VendorCoverage(vendor, None, None, 0, 0, window, NO_DATA))
            continue
        covered = _covered(dates, start, end)
        share = covered / window
        status = RANKED if share >= threshold else (FLAGGED if include_partial else EXCLUDED)
        row_s = int(mine["row_s"].max())  # type: ignore[arg-type]
        out.append(VendorCoverage(vendor, dates[0], dates[-1], len(dates), covered, window, status, row_s))
    whole = None if period.start is None or period.end is None else (period.end - period.start).days + 1
    return Comparability(
        period.label,
        start,
        end,
        tuple(out),
        threshold,
        include_partial,
        period_days=whole,  # type: ignore[arg-type]
    )
