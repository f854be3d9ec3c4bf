"""Reading export files as text tables, and parsing their values under the vendor's locale.

Every adapter starts from `read_table`: all columns as strings, plus `source_row` (1-based data row), so
the parsing rules (decimal commas, thousands separators, day-first dates, h:mm:ss durations) live in one
place and every parse failure can name its row and value.
"""

from __future__ import annotations

import codecs
import hashlib
import io
import re
from pathlib import Path
from typing import TYPE_CHECKING, Any

import polars as pl

from scorecard.errors import AdapterError, ConfigError, RowWarning, ValidationFailure
from scorecard.ingest.adapters import lines

if TYPE_CHECKING:
    from scorecard.workspace.config import ExportConfig

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


def read_table(
    path: Path, export: ExportConfig, default_delimiter: str = ",", left_out: list[RowWarning] | None = None
) -> pl.DataFrame:
    """Read a CSV or XLSX export as strings, trimmed of blanks, with a `source_row` column.

    `source_row` is where each record starts as an editor shows it: the 1-based line of a CSV (the header
    is line 1; blank lines are skipped but counted), the row number of a spreadsheet. A CSV line with
    more or fewer fields than the header is a FileValidationError naming the line; when a `left_out`
    list is given, such lines are left out instead and counted there as one RowWarning.
    """
    suffix = path.suffix.lower()
    if suffix in {".xlsx", ".xlsm", ".xls"}:
        df = _read_excel(path, export.sheet)
        df = df.with_columns(pl.int_range(2, df.height + 2, dtype=pl.Int64).alias(SOURCE_ROW))
    else:
        delimiter = export.delimiter or default_delimiter
        df, records = _read_csv(path, export, default_delimiter, leave_out=left_out is not None)
        if len(records.lines) != df.height:
            raise AdapterError(
                f"{path}: the CSV reader found {df.height} records but the file has {len(records.lines)}; "
                "check `delimiter` and quoting for this export in vendor.toml."
            )
        keep = ~pl.Series(records.blank) & ~pl.Series(records.lines).is_in(records.ragged.tolist())
        df = df.with_columns(pl.Series(SOURCE_ROW, records.lines, dtype=pl.Int64)).filter(keep)
        if left_out is not None and records.first_ragged is not None:
            left_out.append(_ragged_warning(records, delimiter))
    df = df.rename({c: c.strip().lstrip("\ufeff") for c in df.columns if c != SOURCE_ROW})
    text = [c for c in df.columns if c != SOURCE_ROW]
    return df.select(SOURCE_ROW, *(pl.col(c).str.strip_chars().replace("", None) for c in text))


def _ragged_warning(records: lines.Records, delimiter: str) -> RowWarning:
    """The count of lines left out for having more or fewer fields than the header."""
    line, _, text = records.first_ragged or (None, 0, "")
    kind = lines.delimiter_name(delimiter)
    why = f"more or fewer fields than the header's {records.fields} ({kind})"
    return RowWarning(
        "left_out_ragged_line",
        f'left out by `ragged_lines = "leave_out"`: the line has {why}',
        len(records.ragged),
        line,
        lines.shown(text),
    )


def _read_csv(
    path: Path, export: ExportConfig, default_delimiter: str, leave_out: bool = False
) -> tuple[pl.DataFrame, lines.Records]:
    codec = _codec(export.encoding, path)
    delimiter = export.delimiter or default_delimiter
    source: Path | io.BytesIO = path
    if codec not in {"utf-8"} or export.encoding.lower() not in _UTF8 or _has_bom(path):
        text = decode(path, path.read_bytes(), "utf-8-sig" if codec == "utf-8" else codec, export.encoding)
        records = lines.record_lines(text, delimiter, str(path), export.table, leave_out=leave_out)
        source = io.BytesIO(text.encode("utf-8"))
    elif lines.file_has_byte(path, b'"'):
        text = decode(path, path.read_bytes(), "utf-8", export.encoding)
        records = lines.record_lines(text, delimiter, str(path), export.table, leave_out=leave_out)
    else:
        records = lines.scan_file(path, delimiter, str(path), export.table, leave_out=leave_out)
    try:
        frame = pl.read_csv(
            source, separator=delimiter, infer_schema=False, truncate_ragged_lines=len(records.ragged) > 0
        )
    except pl.exceptions.NoDataError:
        raise AdapterError(f"{path}: the file is empty; expected a header row.") from None
    except (pl.exceptions.ComputeError, pl.exceptions.ShapeError) as exc:
        if "utf-8" in str(exc).lower() or "utf8" in str(exc).lower():
            decode(path, path.read_bytes(), "utf-8", export.encoding)  # raises, naming the line
        first = str(exc).strip().splitlines()[0]
        raise AdapterError(
            f"{path}: cannot be read as a CSV with delimiter {delimiter!r} "
            f"({first}). Check `delimiter` and `encoding` for this export in vendor.toml."
        ) from None
    return frame, records


def decode(path: Path, data: bytes, codec: str, declared: str) -> str:
    """The file's text; bytes that are not valid in the declared encoding name their line, and a file
    declared in a legacy encoding whose bytes are valid UTF-8 is refused (it would read as mojibake)."""
    if not codecs.lookup(codec).name.startswith("utf") and not data.isascii():
        try:
            text = data.decode("utf-8-sig")
        except UnicodeDecodeError:
            text = ""
        odd = [(i, s) for i, s in enumerate(text.splitlines(), start=1) if not s.isascii()]
        if odd:
            line, sample = odd[0]
            raise AdapterError(
                f"{path}: this file looks like UTF-8, not {declared}: line {line} reads "
                f'{lines.shown(sample)!r} as UTF-8 and as mojibake in {declared}. Set encoding = "utf-8" '
                "for this export in vendor.toml (or re-export the file in the declared encoding)."
            )
    try:
        return data.decode(codec)
    except UnicodeDecodeError as exc:
        line = data.count(b"\n", 0, exc.start) + 1
        raise AdapterError(
            f"{path}: cannot decode line {line} (byte {exc.start}) as {declared}; set `encoding` for this "
            "export in vendor.toml (e.g. cp1251, gbk, latin-1, utf-8-sig)."
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
    text = frame.select(_excel_time_of_day(pl.col(c).cast(pl.String)) for c in frame.columns)
    return text.with_columns(_excel_dates(text))


def _excel_time_of_day(e: pl.Expr) -> pl.Expr:
    """Excel stores a time of day or a duration as a fraction of day 0; show it as `HH:MM:SS`."""
    return e.str.replace(r"^1899-12-3[01][ T](\d\d:\d\d:\d\d(?:\.\d+)?)$", "$1")


def _excel_dates(frame: pl.DataFrame) -> list[pl.Expr]:
    """Date cells come out as midnight datetimes: a column of midnights only is a date column."""
    midnight = r"^\d{4}-\d\d-\d\d 00:00:00$"
    return [
        pl.col(c).str.replace(" 00:00:00", "", literal=True)
        for c in frame.columns
        if frame[c].drop_nulls().len() and frame[c].drop_nulls().str.contains(midnight).all()
    ]


# ----------------------------------------------------------------------------------------------
# Value parsers: polars expressions over string columns. A value that cannot be parsed becomes null
# and `parse_failures` reports it, so the schema and the user see the raw text.


#: Spaces every export accepts as a thousands separator, besides the one its locale implies.
_SPACES = (" ", "\u00a0")
#: A character that separates digits: a number holding one must be laid out as its export writes numbers.
_SEPARATED = "[.,'\\s\u00a0]"
#: Digits and separators only (a sign, an exponent, a percent sign): text meant as a number.
_NUMBER_LIKE = re.compile("^[+-]?[0-9.,'\\s\u00a0]*[0-9][0-9.,'\\s\u00a0]*(?:[eE][+-]?[0-9]+)?%?$")


def group_separators(decimal: str = ".", thousands: str | None = None) -> list[str]:
    """The thousands separators of an export: `thousands`, else '.' under a decimal comma; and spaces."""
    groups = [thousands] if thousands else ["."] if decimal == "," else []
    return groups + [s for s in _SPACES if s not in groups]


def number_pattern(decimal: str = ".", thousands: str | None = None) -> str:
    """A number as the export writes it: a thousands separator only between groups of exactly 3 digits
    left of the decimal mark (one separator per number), the decimal mark at most once.

    The same pattern serves polars (Rust regex) and Python's `re`.
    """
    grouped = "|".join(
        rf"[0-9]{{1,3}}(?:{re.escape(g)}[0-9]{{3}})+" for g in group_separators(decimal, thousands)
    )
    mark = re.escape(decimal)
    body = rf"(?:[0-9]+|{grouped})(?:{mark}[0-9]*)?|{mark}[0-9]+"
    return rf"^[+-]?(?:{body})(?:[eE][+-]?[0-9]+)?(?:[ \u00a0]?%)?$"


def number(col: str, decimal: str = ".", thousands: str | None = None) -> pl.Expr:
    """A numeric column written with the export's decimal mark (and optional thousands separator).

    A value with a separator laid out otherwise than `number_pattern` says (`1.5` under a decimal comma,
    `1,5` with thousands ',') is null, so `parse_failures` reports it: deleting the separator would
    read it ten or a thousand times too large or small.
    """
    text = pl.col(col)
    separated = text.str.contains(_SEPARATED)
    if thousands:
        separated |= text.str.contains(thousands, literal=True)
    e = text
    for sep in group_separators(decimal, thousands):
        e = e.str.replace_all(sep, "", literal=True)
    if decimal == ",":
        e = e.str.replace_all(",", ".", literal=True)
    value = e.str.strip_suffix("%").cast(pl.Float64, strict=False)
    return pl.when(~separated | text.str.contains(number_pattern(decimal, thousands))).then(value).alias(col)


def number_rule(rule: str, value: str, decimal: str, thousands: str | None = None) -> str:
    """`rule` (`not a number`), with the export's number format and the option to check when `value` is
    digits and separators that do not fit that format (`1.5` in a decimal-comma export)."""
    if not _NUMBER_LIKE.match(value) or re.match(number_pattern(decimal, thousands), value):
        return rule
    grouping = thousands or ("." if decimal == "," else None)
    groups = f", thousands {grouping!r} only between groups of 3 digits" if grouping else ""
    keys = "`decimal` and `thousands`" if thousands else "`decimal`"
    return f"{rule} in this export's format (decimal {decimal!r}{groups}) — check {keys} in vendor.toml"


#: A clock duration: `h:mm:ss` (any hours) or `m:ss` (any minutes), seconds with optional decimals.
#: No sign: a duration cannot be negative, and `-0:05:30` must not read as 330 s.
_CLOCK = r"^(?:(\d+):([0-5]?\d)|(\d+)):([0-5]?\d(?:\.\d+)?)$"


def duration_s(col: str) -> pl.Expr:
    """Seconds from `h:mm:ss`, `mm:ss` or a plain number of seconds; a signed or malformed clock is null.

    A null where the cell had text is reported by `parse_failures` with the raw text, so `-00:05:05`
    is rejected rather than read as 305 s.
    """
    text = pl.col(col)
    parts = text.str.extract_groups(_CLOCK)
    hours = parts.struct.field("1").cast(pl.Float64)
    minutes = pl.coalesce(parts.struct.field("2"), parts.struct.field("3")).cast(pl.Float64)
    secs = parts.struct.field("4").cast(pl.Float64)
    clock = hours.fill_null(0) * 3600 + minutes * 60 + secs
    return pl.when(text.str.contains(":")).then(clock).otherwise(text.cast(pl.Float64, strict=False))


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
    """An instant (tz-aware UTC) from vendor-local `YYYY-MM-DD HH:MM:SS` (or `fmt`) or ISO 8601 with offset;
    a bare date `YYYY-MM-DD` is local midnight.

    Local times that do not exist (the spring-forward gap) become null and fail validation; ambiguous ones
    (the autumn repeat) take the earlier instant.
    """
    if fmt:
        naive = pl.col(col).str.strptime(pl.Datetime("us"), fmt, strict=False)
        return _local_to_utc(naive, timezone)
    s = pl.col(col).str.replace("T", " ", literal=True)
    s = pl.when(s.str.contains(r"^\d{4}-\d\d-\d\d$")).then(s + " 00:00:00").otherwise(s)  # a date: midnight
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


_SECONDS_PER = {"s": 1.0, "ms": 0.001, "min": 60.0, "h": 3600.0}


def integer(col: str, decimal: str = ".", thousands: str | None = None) -> pl.Expr:
    """A count: a whole number in the export's locale; fractions and text become null."""
    x = number(col, decimal, thousands)
    return pl.when(x == x.floor()).then(x).otherwise(None).cast(pl.Int64)


def seconds(col: str, unit: str = "s", decimal: str = ".", thousands: str | None = None) -> pl.Expr:
    """Seconds from `h:mm:ss` / `mm:ss`, or from a plain number in `unit` (s, ms, min or h)."""
    if unit not in _SECONDS_PER:
        raise ValueError(f"unknown duration unit {unit!r}; use one of: {', '.join(_SECONDS_PER)}")
    clock = pl.col(col).str.contains(":")
    return (
        pl.when(clock).then(duration_s(col)).otherwise(number(col, decimal, thousands) * _SECONDS_PER[unit])
    )


def hashed(col: str) -> pl.Expr:
    """A caller key: sha256 hex (first 16 characters) of the number without spaces, dashes, dots or brackets.

    The raw number never leaves the adapter; the same number written with different separators gets the
    same key.
    """
    cleaned = pl.col(col).str.replace_all(r"[\s\-.()/]", "").replace("", None)
    return cleaned.map_elements(_sha256_16, return_dtype=pl.String)


def _sha256_16(value: str) -> str:
    return hashlib.sha256(value.encode("utf-8")).hexdigest()[:16]


_POLARS_TYPES: dict[str, pl.DataType] = {
    "VARCHAR": pl.String(),
    "TIMESTAMP": pl.Datetime("us", "UTC"),
    "DATE": pl.Date(),
    "DOUBLE": pl.Float64(),
    "BIGINT": pl.Int64(),
    "BOOLEAN": pl.Boolean(),
}


def canonical_frame(frame: pl.DataFrame, table: str) -> pl.DataFrame:
    """The canonical columns of `table` in order and typed (null where not given), then `source_row`."""
    from scorecard.ingest.db import CANONICAL

    cols = [
        (pl.col(c) if c in frame.columns else pl.lit(None)).cast(_POLARS_TYPES[t]).alias(c)
        for c, t in CANONICAL[table].items()
    ]
    return frame.select(*cols, pl.col(SOURCE_ROW).cast(pl.Int64))


_KINDS = {
    pl.Float64: "a number",
    pl.Int64: "a whole number",
    pl.Boolean: "true or false (also yes/no, y/n, 1/0)",
    pl.Date: "a date",
    pl.Datetime: "a timestamp",
}


def parse_failures(
    raw: pl.DataFrame,
    parsed: pl.DataFrame,
    sources: dict[str, list[str]],
    hints: dict[str, str] | None = None,
    decimal: str | None = None,
    thousands: str | None = None,
) -> list[ValidationFailure]:
    """Cells whose source text is present but whose parsed value is null, as validation failures.

    `sources` maps each parsed column to the raw columns it was read from; `hints` adds a note to the rule
    of some parsed columns (the expected format, say). Given the export's `decimal` mark (and `thousands`
    separator), a number of a column without a hint whose separators do not fit them says so
    (`number_rule`).
    """
    failures = []
    for col, srcs in sources.items():
        present = pl.any_horizontal(pl.col(s).is_not_null() for s in srcs)
        text = pl.concat_str([pl.col(s) for s in srcs], separator=" ", ignore_nulls=True)
        bad = raw.select(SOURCE_ROW, text.alias("_text"), present.alias("_present")).with_columns(
            parsed[col].is_null().alias("_null")
        )
        kind = _KINDS.get(parsed.schema[col].base_type(), "a value")  # type: ignore[call-overload]
        rule = f"not {kind}{(hints or {}).get(col, '')}"
        numeric = parsed.schema[col].base_type() in (pl.Float64, pl.Int64) and col not in (hints or {})
        for row, value in bad.filter("_present", "_null").select(SOURCE_ROW, "_text").iter_rows():
            signed = value.lstrip().startswith("-") and ":" in value
            said = number_rule(rule, value, decimal, thousands) if numeric and decimal else rule
            failures.append(
                ValidationFailure(row, " + ".join(srcs), value, NEGATIVE_DURATION if signed else said)
            )
    return sorted(failures, key=lambda f: (f.row or 0, f.column))


def leave_out(
    raw: pl.DataFrame, keep: pl.Expr, rule: str, message: str, column: str, warnings: list[RowWarning]
) -> pl.DataFrame:
    """The rows where `keep` is true; the others are left out and counted as one RowWarning `rule`
    (named `left_out_...`), quoting the first such row's line and its `column` value."""
    keep = keep.fill_null(False)
    out_rows = raw.filter(~keep)
    if out_rows.height:
        first = out_rows.row(0, named=True)
        warnings.append(RowWarning(rule, message, out_rows.height, first[SOURCE_ROW], first[column]))
    return raw.filter(keep)


def text_list(export: ExportConfig, fmt: str, key: str, default: list[str]) -> list[str]:
    """An option of format `fmt` that lists texts (call types, dispositions, methods)."""
    values = option(export, fmt, key, list, default)
    if not all(isinstance(v, str) for v in values):
        raise ConfigError(f"{export.source}: option '{key}' of format '{fmt}' must be a list of texts.")
    return values


def known_others(
    export: ExportConfig,
    fmt: str,
    noun: str,
    inbound: tuple[str, list[str]],
    others: tuple[str, list[str]],
    built_in: list[str],
) -> list[str]:
    """The values known not to be inbound calls: the adapter's `built_in` ones and those of the option
    `others`, less those the option `inbound` lists; a value listed by both options is a ConfigError."""
    (in_key, in_values), (out_key, out_values) = inbound, others
    both = sorted(set(in_values) & set(out_values))
    if both:
        raise ConfigError(
            f"{export.source}: {noun} {both[0]!r} is in both '{in_key}' and '{out_key}' of format "
            f"'{fmt}'; keep it in one of them."
        )
    return [v for v in [*built_in, *out_values] if v not in in_values]


def only_known(
    raw: pl.DataFrame, known: pl.Expr, column: str, rule: str
) -> tuple[pl.DataFrame, list[ValidationFailure]]:
    """The rows whose `column` holds a value the adapter knows; every other row (an empty cell too) is a
    problem naming its line and value under `rule`, never dropped in silence."""
    known = known.fill_null(False)
    failures = [
        ValidationFailure(row, column, value, rule)
        for row, value in raw.filter(~known).select(SOURCE_ROW, column).iter_rows()
    ]
    return raw.filter(known), failures


#: The rule a signed clock duration breaks (`-00:05:05`): reading it without its sign would invent a value.
NEGATIVE_DURATION = "negative duration: a duration cannot be negative"


def local_to_utc(naive: pl.Expr, timezone: str) -> pl.Expr:
    """A naive vendor-local datetime as an instant in UTC (DST gaps become null, repeats take the earlier)."""
    return _local_to_utc(naive, timezone)


_TYPE_NAMES = {bool: "true or false", int: "a whole number", float: "a number", str: "a text",
               list: "a list", dict: "a table"}  # fmt: skip


def option(
    export: ExportConfig, adapter: str, key: str, kind: type | tuple[type, ...], default: Any = None
) -> Any:
    """An adapter option from vendor.toml; a value of the wrong type is a ConfigError naming the key."""
    if key not in export.options:
        return default
    value = export.options[key]
    kinds = kind if isinstance(kind, tuple) else (kind,)
    if not isinstance(value, kinds) or (isinstance(value, bool) and bool not in kinds):
        expected = " or ".join(_TYPE_NAMES[k] for k in kinds)
        raise ConfigError(
            f"{export.source}: option '{key}' of format '{adapter}' must be {expected}; got {value!r}."
        )
    return value


REPORTED_SCHEMA: dict[str, pl.DataType] = {
    "program": pl.String(),
    "period_start": pl.Date(),
    "period_end": pl.Date(),
    "kpi": pl.String(),
    "value": pl.Float64(),
    "definition": pl.String(),
    SOURCE_ROW: pl.Int64(),
}


def reported_frame(
    frame: pl.DataFrame, timezone: str, kpis: dict[str, tuple[pl.Expr, str]], start: str = "interval_start"
) -> pl.DataFrame:
    """Vendor-reported KPIs, one row per source row x KPI with a value, over the row's local period.

    `frame` has `program`, the UTC `start` column, optionally `interval_s`, and `source_row`; `kpis` maps
    our KPI id to (value expression, the vendor's definition). Figures over less than whole local days
    (a 30-minute interval's service level) are not kept: recomputed KPIs start at day grain, and
    comparing an interval's figure with a day's value would mislead.
    """
    local = pl.col(start).dt.convert_time_zone(timezone)
    end = local + pl.duration(seconds=pl.col("interval_s")) - pl.duration(microseconds=1)
    if "interval_s" in frame.columns:
        after = local + pl.duration(seconds=pl.col("interval_s"))
        midnight = pl.time(0, 0, 0)
        frame = frame.filter((local.dt.time() == midnight) & (after.dt.time() == midnight))
    parts = [
        frame.select(
            pl.col("program"),
            local.dt.date().alias("period_start"),
            (end if "interval_s" in frame.columns else local).dt.date().alias("period_end"),
            pl.lit(kpi).alias("kpi"),
            value.alias("value"),
            pl.lit(definition).alias("definition"),
            pl.col(SOURCE_ROW),
        )
        .filter(pl.col("value").is_not_null())
        .cast(REPORTED_SCHEMA)  # type: ignore[arg-type]
        for kpi, (value, definition) in kpis.items()
    ]
    return pl.concat(parts) if parts else pl.DataFrame(schema=REPORTED_SCHEMA)
