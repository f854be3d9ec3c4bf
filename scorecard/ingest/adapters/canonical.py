"""The `canonical` format: CSV or XLSX files whose header uses exactly the canonical column names.

Values are parsed under the export's reader options (delimiter, decimal, encoding, sheet,
timestamp_format). A value that cannot be parsed is reported with its row and raw text, together with
the schema's own findings, so one message lists every problem of the file.
"""

from __future__ import annotations

import codecs
import io
from pathlib import Path
from typing import TYPE_CHECKING

import polars as pl

from scorecard.errors import AdapterError, ValidationFailure
from scorecard.ingest.adapters import lines, readers
from scorecard.ingest.adapters.base import Adapter, AdapterOutput, register
from scorecard.ingest.db import CANONICAL
from scorecard.ingest.schemas import SCHEMAS

if TYPE_CHECKING:
    from scorecard.workspace.config import ExportConfig, VendorConfig

_EXPECT = {
    "DOUBLE": "a number",
    "BIGINT": "a whole number",
    "BOOLEAN": "true or false",
    "TIMESTAMP": "a timestamp YYYY-MM-DD HH:MM:SS (vendor local) or ISO 8601 with an offset",
    "DATE": "a date YYYY-MM-DD",
}


def required_columns(table: str) -> list[str]:
    """Canonical columns an export must carry (the non-nullable ones); the others may be left out."""
    fields = SCHEMAS[table].to_schema().columns
    return [c for c in CANONICAL[table] if not fields[c].nullable]


def parse_columns(
    raw: pl.DataFrame, table: str, export: ExportConfig, timezone: str
) -> tuple[pl.DataFrame, list[ValidationFailure]]:
    """Parse string columns named canonically into their canonical types; list values that fail to parse."""
    exprs: list[pl.Expr] = []
    for col, sql_type in CANONICAL[table].items():
        if col not in raw.columns:
            exprs.append(pl.lit(None).alias(col))
            continue
        if sql_type == "DOUBLE":
            e = readers.number(col, export.decimal)
        elif sql_type == "BIGINT":
            e = readers.number(col, export.decimal)
            e = pl.when(e == e.round(0)).then(e).otherwise(None).cast(pl.Int64)
        elif sql_type == "BOOLEAN":
            e = readers.boolean(col)
        elif sql_type == "TIMESTAMP":
            e = readers.timestamp(col, timezone, export.timestamp_format)
        elif sql_type == "DATE":
            e = readers.date(col)
        else:
            e = pl.col(col)
        exprs.append(e.alias(col))
    parsed = raw.select(pl.col(readers.SOURCE_ROW), *exprs)
    failures: list[ValidationFailure] = []
    for col, sql_type in CANONICAL[table].items():
        if col not in raw.columns or sql_type == "VARCHAR":
            continue
        bad = raw.select(readers.SOURCE_ROW, col).filter(pl.col(col).is_not_null() & parsed[col].is_null())
        rule = f"not {_EXPECT[sql_type]}"
        if sql_type == "TIMESTAMP":
            rule += f" (or a local time that does not exist in {timezone})"
        numeric = sql_type in ("DOUBLE", "BIGINT")
        failures += [
            ValidationFailure(r, col, v, readers.number_rule(rule, v, export.decimal) if numeric else rule)
            for r, v in bad.iter_rows()
        ]
    return parsed, failures


#: Columns the CSV reader parses itself in the fast path; it raises on any value it cannot parse.
_READER_TYPES = {"DOUBLE": pl.Float64, "BOOLEAN": pl.Boolean}


def _plain(col: str, sql_type: str, timezone: str) -> pl.Expr:
    """The fast path's parser of a column; where it gives a value, `parse_columns` gives the same one."""
    raw = pl.col(col)
    if sql_type == "BIGINT":
        e = raw.cast(pl.Float64, strict=False)
        return pl.when(e == e.round(0)).then(e).otherwise(None).cast(pl.Int64)
    if sql_type == "TIMESTAMP":
        # cache=False: call timestamps are nearly all distinct, so polars' parse cache only costs time.
        naive = raw.str.to_datetime("%Y-%m-%d %H:%M:%S", time_unit="us", strict=False, cache=False)
        return readers.local_to_utc(naive, timezone)
    if sql_type == "DATE":
        return readers.date(col)
    if sql_type == "VARCHAR":
        text = raw.str.strip_chars()
        return pl.when(text.str.len_bytes() > 0).then(text)  # blank -> null, as in `read_table`
    return raw  # parsed by the CSV reader


def read_clean_csv(path: Path, export: ExportConfig, table: str, timezone: str) -> pl.DataFrame | None:
    """Fast path for a clean canonical CSV: one lazy scan that reads and parses every column at once.

    None when the file is not eligible or has a value the plain parsers cannot parse (see `clean_scan`).
    """
    scan = clean_scan(path, export, table, timezone)
    if scan is None:
        return None
    try:
        frame = scan.collect()
    except pl.exceptions.PolarsError:
        return None
    if frame["_unparsed"].any():
        return None
    return frame.drop("_unparsed")


def clean_scan(path: Path, export: ExportConfig, table: str, timezone: str) -> pl.LazyFrame | None:
    """The fast path's lazy scan of a clean canonical CSV, with a boolean `_unparsed` column (a value the
    plain parsers could not parse: the caller then takes the general path), or None when not eligible
    (`clean_header`)."""
    found = clean_header(path, export, table)
    return None if found is None else clean_frame(path, export, table, timezone, found)


def clean_header(path: Path, export: ExportConfig, table: str) -> list[str] | None:
    """The header of a CSV the fast path can read, or None.

    Applies to UTF-8 files without a BOM or quote characters, with one record per line, a '.' decimal
    mark and no `timestamp_format`, whose header is exactly canonical. Numbers and booleans are parsed
    by the CSV reader, timestamps as `YYYY-MM-DD HH:MM:SS` (vendor local). Returns None, so that the
    caller takes the general path (which parses every locale variant and names each bad value's line),
    when the file is not eligible, cannot be read or lacks a required column. A line with the wrong
    number of fields is an error here already.
    """
    if path.suffix.lower() in {".xlsx", ".xlsm", ".xls"} or export.decimal != "." or export.timestamp_format:
        return None
    try:
        if codecs.lookup(export.encoding).name != "utf-8" or export.encoding.lower() == "utf-8-sig":
            return None
        with path.open("rb") as fh:
            if fh.read(3) == codecs.BOM_UTF8:
                return None
        separator = export.delimiter or ","
        if lines.file_has_byte(path, b'"'):
            return None  # quoted fields may span lines: the general path numbers lines exactly
        records = lines.scan_file(path, separator, str(path), table)  # ragged lines raise here
        if not records.simple:
            return None
        found = pl.scan_csv(path, separator=separator, infer_schema=False).collect_schema().names()
    except (LookupError, OSError, pl.exceptions.PolarsError):
        return None
    if set(found) - set(CANONICAL[table]) or set(required_columns(table)) - set(found):
        return None
    return found


def clean_frame(
    source: Path | io.BytesIO, export: ExportConfig, table: str, timezone: str, found: list[str],
    first_line: int = 2,
) -> pl.LazyFrame:  # fmt: skip
    """The fast path's parse of `source` (the file, or a run of its lines after the header, the header
    prepended, whose first record is on line `first_line`)."""
    types = {c: CANONICAL[table][c] for c in found}
    schema = {c: _READER_TYPES.get(t, pl.String) for c, t in types.items()}
    checked = [c for c, t in types.items() if t in ("BIGINT", "TIMESTAMP", "DATE")]
    unparsed = [pl.col(f"_raw_{c}").is_not_null() & pl.col(c).is_null() for c in checked]
    return (
        pl.scan_csv(source, separator=export.delimiter or ",", schema=schema)
        .with_row_index(readers.SOURCE_ROW, offset=first_line)  # one record per line (records.simple)
        .select(
            pl.col(readers.SOURCE_ROW).cast(pl.Int64),
            *(
                _plain(c, t, timezone).alias(c) if c in found else pl.lit(None).alias(c)
                for c, t in CANONICAL[table].items()
            ),
            *(pl.col(c).alias(f"_raw_{c}") for c in checked),
        )
        .select(pl.exclude("^_raw_.*$"), pl.any_horizontal(pl.lit(False), *unparsed).alias("_unparsed"))
    )


def _observed(table: str, columns: list[str]) -> frozenset[str] | None:
    """A canonical calls file records every outcome, and sales when it has a `revenue` column."""
    if table != "calls":
        return None
    return frozenset({"answered", "abandoned", "blocked", "self_service"} | ({"revenue"} & set(columns)))


def found_columns(path: Path, export: ExportConfig) -> list[str]:
    """The header of a CSV read by the fast path."""
    return pl.scan_csv(path, separator=export.delimiter or ",", infer_schema=False).collect_schema().names()


@register
class CanonicalAdapter(Adapter):
    """Files already in the canonical layout of docs/tables.md."""

    format = "canonical"
    tables = frozenset(CANONICAL)

    def read(self, path: Path, export: ExportConfig, vendor: VendorConfig) -> AdapterOutput:
        clean = read_clean_csv(path, export, export.table, vendor.timezone)
        if clean is not None:
            return AdapterOutput(frame=clean, observed=_observed(export.table, found_columns(path, export)))
        raw = readers.read_table(path, export)
        found = [c for c in raw.columns if c != readers.SOURCE_ROW]
        unknown = [c for c in found if c not in CANONICAL[export.table]]
        if unknown:
            raise AdapterError(
                f"{path}: column(s) {', '.join(unknown)} are not in the canonical '{export.table}' "
                f"table (rule unknown_column). Expected columns: {', '.join(CANONICAL[export.table])}. "
                "Rename them, or use the 'mapped' format to map the export's own names."
            )
        self.require_columns(path, found, required_columns(export.table))
        frame, problems = parse_columns(raw, export.table, export, vendor.timezone)
        return AdapterOutput(frame=frame, problems=problems, observed=_observed(export.table, found))
