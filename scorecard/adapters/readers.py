"""Reading export files as text tables, and parsing their values under the vendor's locale.

Every adapter starts from `read_table`: all columns as strings, plus `source_row` (1-based data row), so
the parsing rules (decimal commas, thousands separators, day-first dates, h:mm:ss durations) live in one
place and every parse failure can name its row and value.
"""

from __future__ import annotations

import codecs
import io
from pathlib import Path
from typing import TYPE_CHECKING

import polars as pl

from scorecard.errors import AdapterError

if TYPE_CHECKING:
    from scorecard.config import ExportConfig

SOURCE_ROW = "source_row"
_UTF8 = {"utf-8", "utf8", "utf-8-sig", "utf_8"}


def _codec(name: str, path: Path) -> str:
    try:
        return codecs.lookup(name).name
    except LookupError:
        raise AdapterError(
            f"{path}: unknown encoding {name!r} in vendor.toml; use a Python codec name such as "
            "utf-8, utf-8-sig, cp1251, gbk or latin-1."
        ) from None


def read_table(path: Path, export: ExportConfig, default_delimiter: str = ",") -> pl.DataFrame:
    """Read a CSV or XLSX export as strings, trimmed of blanks, with a 1-based `source_row` column."""
    suffix = path.suffix.lower()
    if suffix in {".xlsx", ".xlsm", ".xls"}:
        df = _read_excel(path, export.sheet)
    else:
        df = _read_csv(path, export, default_delimiter)
    df = df.rename({c: c.strip().lstrip("\ufeff") for c in df.columns})
    df = df.with_columns(pl.col(c).str.strip_chars().replace("", None) for c in df.columns).with_row_index(
        SOURCE_ROW, offset=1
    )
    return df.with_columns(pl.col(SOURCE_ROW).cast(pl.Int64))


def _read_csv(path: Path, export: ExportConfig, default_delimiter: str) -> pl.DataFrame:
    codec = _codec(export.encoding, path)
    source: Path | io.BytesIO = path
    if codec not in {"utf-8"} or export.encoding.lower() not in _UTF8 or _has_bom(path):
        try:
            text = path.read_bytes().decode("utf-8-sig" if codec == "utf-8" else codec)
        except UnicodeDecodeError as exc:
            raise AdapterError(
                f"{path}: cannot decode the file as {export.encoding} at byte {exc.start}; set "
                "`encoding` for this export in vendor.toml (e.g. cp1251, gbk, latin-1, utf-8-sig)."
            ) from None
        source = io.BytesIO(text.encode("utf-8"))
    try:
        return pl.read_csv(
            source,
            separator=export.delimiter or default_delimiter,
            infer_schema=False,
            truncate_ragged_lines=False,
        )
    except pl.exceptions.NoDataError:
        raise AdapterError(f"{path}: the file is empty; expected a header row.") from None
    except (pl.exceptions.ComputeError, pl.exceptions.ShapeError) as exc:
        first = str(exc).strip().splitlines()[0]
        raise AdapterError(
            f"{path}: cannot be read as a CSV with delimiter {export.delimiter or default_delimiter!r} "
            f"({first}). Check `delimiter` and `encoding` for this export in vendor.toml."
        ) from None


def _has_bom(path: Path) -> bool:
    with path.open("rb") as fh:
        return fh.read(3) == codecs.BOM_UTF8


def _read_excel(path: Path, sheet: str | int | None) -> pl.DataFrame:
    import fastexcel

    try:
        reader = fastexcel.read_excel(str(path))
        name = sheet if sheet is not None else 0
        frame = reader.load_sheet(name, dtypes="string").to_polars()
    except Exception as exc:  # fastexcel raises its own error types
        raise AdapterError(
            f"{path}: cannot read sheet {sheet if sheet is not None else 1!r} of the workbook ({exc}). "
            "Check `sheet` for this export in vendor.toml."
        ) from None
    return frame.select(pl.all().cast(pl.String))


# ----------------------------------------------------------------------------------------------
# Value parsers: polars expressions over string columns. A value that cannot be parsed becomes null
# and `parse_errors` reports it, so the schema and the user see the raw text.


def number(col: str, decimal: str = ".", thousands: str | None = None) -> pl.Expr:
    """A numeric column written with the export's decimal mark (and optional thousands separator)."""
    e = pl.col(col).str.replace_all("\u00a0", "").str.replace_all(" ", "")
    if thousands:
        e = e.str.replace_all(thousands, "", literal=True)
    elif decimal == ",":
        e = e.str.replace_all(".", "", literal=True)
    if decimal == ",":
        e = e.str.replace_all(",", ".", literal=True)
    return e.str.strip_suffix("%").cast(pl.Float64, strict=False)


def duration_s(col: str) -> pl.Expr:
    """Seconds from `h:mm:ss`, `mm:ss` or a plain number of seconds."""
    parts = pl.col(col).str.split(":")
    n = parts.list.len()
    as_float = parts.list.eval(pl.element().cast(pl.Float64, strict=False))
    hms = (
        pl.when(n == 3)
        .then(as_float.list.get(0) * 3600 + as_float.list.get(1) * 60 + as_float.list.get(2))
        .when(n == 2)
        .then(as_float.list.get(0) * 60 + as_float.list.get(1))
        .otherwise(as_float.list.get(0))
    )
    return hms


def boolean(col: str) -> pl.Expr:
    """true/false (also yes/no, y/n, 1/0, case-insensitive); anything else is null."""
    low = pl.col(col).str.to_lowercase()
    return (
        pl.when(low.is_in(["true", "yes", "y", "1", "t"]))
        .then(True)
        .when(low.is_in(["false", "no", "n", "0", "f"]))
        .then(False)
        .otherwise(None)
    )


def timestamp(col: str, timezone: str, fmt: str | None = None) -> pl.Expr:
    """An instant (tz-aware UTC) from vendor-local `YYYY-MM-DD HH:MM:SS` (or `fmt`) or ISO 8601 with offset.

    Local times that do not exist (the spring-forward gap) become null and fail validation; ambiguous ones
    (the autumn repeat) take the earlier instant.
    """
    if fmt:
        naive = pl.col(col).str.strptime(pl.Datetime("us"), fmt, strict=False)
        return _local_to_utc(naive, timezone)
    s = pl.col(col).str.replace("T", " ", literal=True)
    aware = s.str.replace(r"Z$", "+00:00").str.strptime(
        pl.Datetime("us", "UTC"), "%Y-%m-%d %H:%M:%S%.f%:z", strict=False
    )
    naive = s.str.strptime(pl.Datetime("us"), "%Y-%m-%d %H:%M:%S%.f", strict=False)
    return (
        pl.when(s.str.contains(r"(Z|[+-]\d\d:?\d\d)$")).then(aware).otherwise(_local_to_utc(naive, timezone))
    )


def _local_to_utc(naive: pl.Expr, timezone: str) -> pl.Expr:
    return naive.dt.replace_time_zone(
        timezone, ambiguous="earliest", non_existent="null"
    ).dt.convert_time_zone("UTC")


def date(col: str, fmt: str | None = None) -> pl.Expr:
    """A date `YYYY-MM-DD` (or `fmt`)."""
    return pl.col(col).str.strptime(pl.Date, fmt or "%Y-%m-%d", strict=False)
