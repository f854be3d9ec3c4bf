"""The review as an XLSX workbook: one sheet per section, numbers stored as numbers with number formats.

Each sheet has the section title in A1, its note in A2 and the table from row 4 (header) on. Text that a
spreadsheet could read as a formula (starting with `=`, `+`, `-` or `@`) is stored as an explicit string
with Excel's quote prefix, so opening or editing the workbook never evaluates it.
"""

from __future__ import annotations

from datetime import date, datetime
from pathlib import Path
from typing import Any

from openpyxl import Workbook
from openpyxl.cell.cell import Cell
from openpyxl.styles import Alignment, Font, PatternFill
from openpyxl.utils import get_column_letter

from scorecard.review.quarter import Review
from scorecard.review.report import Table, review_tables

HEADER_ROW = 4
FORMULA_PREFIXES = ("=", "+", "-", "@")
_SHEET_NAMES = {"kpis": "KPIs", "sla": "SLA attainment", "credit_lines": "Credit lines"}
_WRAP = frozenset({"summary", "causes", "checks", "definition", "note", "target"})
_FORMATS = {
    "rate": "0.0%",
    "+rate": "+0.0%;-0.0%;0.0%",
    "seconds": '0.0" s"',
    "+seconds": '+0.0" s";-0.0" s";0.0" s"',
    "points": "0.0",
    "+points": "+0.0;-0.0;0.0",
    "score": "0.0",
    "pct": '0.##" %"',
    "fx": "0.0000",
}


def number_format(unit: str, value: float) -> str:
    """The Excel number format of a unit (`currency:EUR` -> `#,##0.00 "EUR"`)."""
    if unit.lstrip("+").startswith("currency:"):
        code = unit.split(":", 1)[1]
        fmt = f'#,##0.00 "{code}"'
        return f"+{fmt};-{fmt};{fmt}" if unit.startswith("+") else fmt
    if unit.lstrip("+") == "count":
        return "#,##0" if float(value).is_integer() else "#,##0.0"
    return _FORMATS.get(unit, "General")


def set_text(cell: Cell, text: str) -> None:
    """Store text as a string cell; formula-like text gets explicit string type and a quote prefix."""
    cell.value = text
    if text.startswith(FORMULA_PREFIXES):
        cell.data_type = "s"
        cell.quotePrefix = True


def set_value(cell: Cell, value: Any, unit: str) -> None:
    """Write one value: numbers with their number format, booleans and dates natively, the rest as text."""
    if value is None or (isinstance(value, float) and value != value):
        return
    if isinstance(value, bool):
        cell.value = value
    elif isinstance(value, int | float) and unit not in ("text",):
        cell.value = value
        cell.number_format = number_format(unit, value)
    elif isinstance(value, datetime | date):
        cell.value = value
        cell.number_format = "yyyy-mm-dd hh:mm:ss" if isinstance(value, datetime) else "yyyy-mm-dd"
    else:
        set_text(cell, str(value))


def sheet_name(table: Table) -> str:
    """A valid, readable sheet name for a section (≤ 31 characters)."""
    return _SHEET_NAMES.get(table.key, table.key.replace("_", " ").capitalize())[:31]


def _write_sheet(wb: Workbook, table: Table) -> None:
    ws = wb.create_sheet(sheet_name(table))
    set_text(ws.cell(1, 1), table.title)
    ws.cell(1, 1).font = Font(bold=True, size=13)
    if table.note:
        set_text(ws.cell(2, 1), table.note)
        ws.cell(2, 1).font = Font(italic=True, color="5B6573")
    fill = PatternFill("solid", fgColor="EEF1F5")
    widths = {}
    for j, col in enumerate(table.columns, start=1):
        cell = ws.cell(HEADER_ROW, j)
        set_text(cell, table.header(col))
        cell.font, cell.fill = Font(bold=True), fill
        widths[j] = len(table.header(col))
    for i, row in enumerate(table.frame.iter_rows(named=True), start=HEADER_ROW + 1):
        for j, col in enumerate(table.columns, start=1):
            cell = ws.cell(i, j)
            set_value(cell, row[col], table.unit(col, row))
            if col in _WRAP:
                cell.alignment = Alignment(wrap_text=True, vertical="top")
            widths[j] = max(widths[j], len(str(row[col])) if row[col] is not None else 0)
    for j, width in widths.items():
        ws.column_dimensions[get_column_letter(j)].width = min(max(width + 2, 8), 60)
    ws.freeze_panes = ws.cell(HEADER_ROW + 1, 1)


def build_workbook(review: Review) -> Workbook:
    """The review workbook (not yet saved)."""
    wb = Workbook()
    wb.remove(wb.active)
    for table in review_tables(review):
        _write_sheet(wb, table)
    wb.properties.title = f"Quarterly review {review.vendor_id} {review.quarter.label}"
    wb.properties.subject = f"data fingerprint sha256 {review.fingerprint}"
    wb.properties.creator = "vendor-scorecard"
    return wb


def write_xlsx(review: Review, path: str | Path) -> Path:
    """Write the review workbook to `path`."""
    path = Path(path)
    build_workbook(review).save(path)
    return path
