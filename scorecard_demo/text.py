"""Byte-exact text output: explicit number formats, quoting, line endings and encodings."""

from __future__ import annotations

import codecs
import csv
import io
from collections.abc import Iterable, Sequence
from datetime import date, datetime

import polars as pl


def num(x: float | int | None, decimals: int, decimal: str = ".") -> str:
    """`x` with at most `decimals` decimals, trailing zeros dropped; empty for None."""
    if x is None:
        return ""
    text = f"{x:.{decimals}f}"
    if "." in text:
        text = text.rstrip("0").rstrip(".")
    if text == "-0":
        text = "0"
    return text.replace(".", decimal)


def hms(seconds: float, short: bool = False) -> str:
    """Whole seconds as `hh:mm:ss` (`h:mm:ss` when `short`)."""
    s = round(seconds)
    h, m, sec = s // 3600, s % 3600 // 60, s % 60
    return f"{h}:{m:02d}:{sec:02d}" if short else f"{h:02d}:{m:02d}:{sec:02d}"


def csv_bytes(
    header: Sequence[str],
    rows: Iterable[Sequence[str]],
    delimiter: str = ",",
    line_end: str = "\n",
    encoding: str = "utf-8",
    bom: bool = False,
) -> bytes:
    """A CSV file's bytes: minimal quoting, the given delimiter, line ending and encoding."""
    buf = io.StringIO()
    writer = csv.writer(buf, delimiter=delimiter, lineterminator=line_end, quoting=csv.QUOTE_MINIMAL)
    writer.writerow(header)
    writer.writerows(rows)
    data = buf.getvalue().encode(encoding)
    return codecs.BOM_UTF8 + data if bom else data


def cell(value: object, decimals: int = 3, decimal: str = ".", fixed: bool = False) -> str:
    """One canonical CSV cell: ISO timestamps and dates, true/false, numbers via `num` (or with exactly
    `decimals` decimals when `fixed`, as for money), empty for null."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, datetime):
        return value.strftime("%Y-%m-%d %H:%M:%S")
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, int | float):
        return f"{value:.{decimals}f}".replace(".", decimal) if fixed else num(value, decimals, decimal)
    return str(value)


def canonical_csv(
    frame: pl.DataFrame,
    decimals: dict[str, int] | None = None,
    fixed: dict[str, int] | None = None,
    delimiter: str = ",",
    decimal: str = ".",
    line_end: str = "\n",
    encoding: str = "utf-8",
    bom: bool = False,
) -> bytes:
    """A canonical table as CSV under a vendor's locale (delimiter, decimal mark, encoding, BOM)."""
    fixed = fixed or {}
    places = [fixed.get(c, (decimals or {}).get(c, 3)) for c in frame.columns]
    is_fixed = [c in fixed for c in frame.columns]
    rows = (
        [cell(v, p, decimal, f) for v, p, f in zip(row, places, is_fixed, strict=True)]
        for row in frame.iter_rows()
    )
    return csv_bytes(frame.columns, rows, delimiter, line_end, encoding, bom)
