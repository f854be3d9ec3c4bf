"""Submission deadlines: which period's export arrived late, or has not arrived, per vendor and export.

An export with `deadline = { period = "month", days_after = 5 }` in its vendor.toml owes one file per
calendar month (week: ISO week, quarter), due `days_after` days after the period's last local day. A
period is covered by the files of that export whose rows fall in it; it arrived when the first of them
arrived — submitted through the app (the submissions log) or first loaded by `scorecard ingest` (the
ingest log), whichever is earlier. Periods are checked from the vendor's first day of data to the last
period already due.
"""

from __future__ import annotations

import fnmatch
from collections.abc import Iterator
from datetime import date, datetime, timedelta

import polars as pl

from scorecard.workspace.config import ExportConfig, VendorConfig

COLUMNS = {
    "vendor_id": pl.String, "export": pl.String, "period": pl.String, "due": pl.Date,
    "arrived": pl.Datetime, "status": pl.String, "days_late": pl.Int64,
}  # fmt: skip


def _period_of(day: date, kind: str) -> tuple[str, date, date]:
    """The label, first and last day of the week/month/quarter holding `day`."""
    if kind == "week":
        first = day - timedelta(days=day.weekday())
        year, week, _ = day.isocalendar()
        return f"{year}-W{week:02d}", first, first + timedelta(days=6)
    if kind == "month":
        first = day.replace(day=1)
        label = f"{day:%Y-%m}"
        months = 1
    else:
        q = (day.month - 1) // 3
        first, label, months = date(day.year, 3 * q + 1, 1), f"{day.year}-Q{q + 1}", 3
    y, m = divmod(first.month - 1 + months, 12)
    return label, first, date(first.year + y, m + 1, 1) - timedelta(days=1)


def periods(start: date, end: date, kind: str) -> Iterator[tuple[str, date, date]]:
    """Every period of `kind` from the one holding `start` to the one holding `end`."""
    day = start
    while day <= end:
        label, first, last = _period_of(day, kind)
        yield label, first, last
        day = last + timedelta(days=1)


def _files_of(vendor: VendorConfig, export: ExportConfig, files: pl.DataFrame) -> pl.DataFrame:
    """The rows of `source_files` that belong to this export (its table and files pattern)."""
    prefix = f"{vendor.vendor_id}/"
    keep = [
        p.startswith(prefix) and fnmatch.fnmatch(p[len(prefix) :], export.files) for p in files["source_file"]
    ]
    return files.filter(pl.Series(keep, dtype=pl.Boolean) & (pl.col("source") == export.table))


def arrivals(log: pl.DataFrame, submissions: pl.DataFrame) -> dict[str, datetime]:
    """When each file path first arrived: its first load (ingest log) or submission, the earlier."""
    out: dict[str, datetime] = {}
    loaded = log.filter(pl.col("status").is_in(["loaded", "replaced", "unchanged"]))
    for path, at in zip(loaded["path"], loaded["loaded_at"], strict=True):
        if at is not None and (path not in out or at < out[path]):
            out[path] = at
    for path, at in zip(submissions["path"], submissions["at"], strict=True):
        when = datetime.strptime(at, "%Y-%m-%d %H:%M:%S") if isinstance(at, str) else at
        if path not in out or when < out[path]:
            out[path] = when
    return out


def status(
    vendor: VendorConfig, files: pl.DataFrame, arrived: dict[str, datetime], today: date
) -> pl.DataFrame:
    """One row per export with a deadline x period due by `today`: due date, arrival, status, days late."""
    mine = files.filter(pl.col("vendor_id") == vendor.vendor_id)
    rows = []
    if mine.is_empty():
        return pl.DataFrame(schema=COLUMNS)
    first_day = mine["first_date"].min()
    for export in vendor.exports:
        if not export.deadline:
            continue
        kind, after = export.deadline["period"], int(export.deadline["days_after"])
        own = _files_of(vendor, export, mine)
        for label, first, last in periods(first_day, today, kind):  # type: ignore[arg-type]
            due = last + timedelta(days=after)
            if due >= today:
                break
            covering = own.filter((pl.col("first_date") <= last) & (pl.col("last_date") >= first))
            times = [arrived[p] for p in covering["source_file"] if p in arrived]
            when = min(times) if times else None
            late = None if when is None else (when.date() - due).days
            state = "missing" if when is None else ("late" if late > 0 else "on time")
            rows.append((vendor.vendor_id, f"{export.table} ({export.files})", label, due, when, state,
                         late if state == "late" else None))  # fmt: skip
    return pl.DataFrame(rows, schema=COLUMNS, orient="row")
