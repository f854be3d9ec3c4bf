"""The `canonical` format: CSV or XLSX files whose header uses exactly the canonical column names.

Values are parsed under the export's reader options (delimiter, decimal, encoding, sheet,
timestamp_format). A value that cannot be parsed is reported with its row and raw text, together with
the schema's own findings, so one message lists every problem of the file.
"""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

import polars as pl

from scorecard.adapters import readers
from scorecard.adapters.base import Adapter, AdapterOutput, register
from scorecard.db import CANONICAL
from scorecard.errors import AdapterError, ValidationFailure
from scorecard.schemas import SCHEMAS

if TYPE_CHECKING:
    from scorecard.config import ExportConfig, VendorConfig

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
        failures += [ValidationFailure(r, col, v, rule) for r, v in bad.iter_rows()]
    return parsed, failures


@register
class CanonicalAdapter(Adapter):
    """Files already in the canonical layout of DESIGN.md."""

    format = "canonical"
    tables = frozenset(CANONICAL)

    def read(self, path: Path, export: ExportConfig, vendor: VendorConfig) -> AdapterOutput:
        raw = readers.read_table(path, export)
        found = [c for c in raw.columns if c != readers.SOURCE_ROW]
        unknown = [c for c in found if c not in CANONICAL[export.table]]
        if unknown:
            raise AdapterError(
                f"{path}: column(s) {', '.join(unknown)} are not in the canonical '{export.table}' "
                f"table. Expected columns: {', '.join(CANONICAL[export.table])}. Rename them, or use "
                "the 'mapped' format to map the export's own names."
            )
        self.require_columns(path, found, required_columns(export.table))
        frame, problems = parse_columns(raw, export.table, export, vendor.timezone)
        return AdapterOutput(frame=frame, problems=problems)
