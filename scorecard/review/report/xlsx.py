"""The review as an XLSX workbook finance can audit: "Summary" first, then one sheet per section.

Numbers are stored as numbers with the number format that shows them as the app does
(`scorecard.present.format.excel_format`): rates as `85.9%`, changes of rates in percentage points
(`+2.3 pp`, stored ×100), durations from a minute as `m:ss` (stored as days), money with its symbol.
The quarter's totals, credits and net cost are live formulas over the monthly rows of "Credits" and
"Costs", and the Summary's reconciliation refers to them, so an auditor can follow every figure.
Each sheet has its title in A1, its note in A2 and its table from row 4 (header) on. Text that a
spreadsheet could read as a formula is stored as a string with Excel's quote prefix.
"""

from __future__ import annotations

from datetime import date, datetime
from pathlib import Path
from typing import Any

from openpyxl import Workbook
from openpyxl.cell.cell import Cell
from openpyxl.styles import Alignment, Font, PatternFill
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.worksheet import Worksheet

from scorecard.present import format as number
from scorecard.review import front
from scorecard.review.quarter import Review
from scorecard.review.report import Table, review_tables

HEADER_ROW = 4
FORMULA_PREFIXES = ("=", "+", "-", "@")
_SHEET_NAMES = {"kpis": "KPIs", "sla": "SLA attainment", "credit_lines": "Credit lines"}
_WRAP = frozenset({"summary", "causes", "checks", "definition", "note", "target", "line"})
_FILL = PatternFill("solid", fgColor="EEF1F5")


def number_format(unit: str, value: float) -> str:
    """The Excel number format of a unit (`currency:EUR` -> `"€"#,##0.00;-"€"#,##0.00`)."""
    return number.excel_format(unit, value)


def set_text(cell: Cell, text: str) -> None:
    """Store text as a string cell; formula-like text gets explicit string type and a quote prefix."""
    cell.value = text
    if text.startswith(FORMULA_PREFIXES):
        cell.data_type = "s"
        cell.quotePrefix = True


def set_value(cell: Cell, value: Any, unit: str) -> None:
    """Write one value: numbers with their number format, booleans natively, the rest (dates too) as text."""
    if value is None or (isinstance(value, float) and value != value):
        return
    if isinstance(value, bool):
        cell.value = value
    elif isinstance(value, int | float) and unit not in ("text",):
        cell.value = number.excel_value(float(value), unit)
        cell.number_format = number_format(unit, value)
    elif isinstance(value, datetime | date):
        set_text(cell, number.date_text(value))
    else:
        set_text(cell, str(value))


def set_formula(cell: Cell, formula: str, unit: str) -> None:
    """A live formula with the number format of its unit."""
    cell.value = formula
    cell.number_format = number_format(unit, None)


def sheet_name(table: Table) -> str:
    """A valid, readable sheet name for a section (≤ 31 characters)."""
    return _SHEET_NAMES.get(table.key, table.key.replace("_", " ").capitalize())[:31]


def _title(ws: Worksheet, title: str, note: str) -> None:
    set_text(ws.cell(1, 1), title)
    ws.cell(1, 1).font = Font(bold=True, size=13)
    if note:
        set_text(ws.cell(2, 1), note)
        ws.cell(2, 1).font = Font(italic=True, color="5B6573")


def _header(ws: Worksheet, row: int, names: list[str]) -> None:
    for j, name in enumerate(names, start=1):
        cell = ws.cell(row, j)
        set_text(cell, name)
        cell.font, cell.fill = Font(bold=True), _FILL


def _write_sheet(wb: Workbook, table: Table) -> Worksheet:
    ws = wb.create_sheet(sheet_name(table))
    _title(ws, table.title, table.note)
    _header(ws, HEADER_ROW, [table.header(c) for c in table.columns])
    widths = {j: len(table.header(c)) for j, c in enumerate(table.columns, start=1)}
    for i, row in enumerate(table.frame.iter_rows(named=True), start=HEADER_ROW + 1):
        for j, col in enumerate(table.columns, start=1):
            cell = ws.cell(i, j)
            set_value(cell, row[col], table.unit(col, row))
            if col in _WRAP:
                cell.alignment = Alignment(wrap_text=True, vertical="top")
            widths[j] = max(widths[j], len(str(row[col])) if row[col] is not None else 0)
    for j, width in widths.items():
        ws.column_dimensions[get_column_letter(j)].width = min(max(width + 2, 8), 60)
    ws.freeze_panes = ws.cell(HEADER_ROW + 1, 2 if table.key in ("kpis", "trend") else 1)
    return ws


def _col(table: Table, name: str) -> str:
    return get_column_letter(table.columns.index(name) + 1)


def _money_formulas(credits: Worksheet, ct: Table, costs: Worksheet, st: Table) -> dict[str, str]:
    """Monthly net cost and costs per call, and the quarter's total row, as formulas; returns the cells
    of the totals the Summary refers to (`"'Credits'!B8"`, ...)."""
    months = ct.frame.height - 1  # the last row is the quarter
    first, last = HEADER_ROW + 1, HEADER_ROW + months
    total = last + 1
    c = {k: _col(ct, k) for k in ct.columns}
    k = {n: _col(st, n) for n in st.columns}
    cur, base = ct.units["invoice"], ct.units["net_cost_base"]
    for r in range(first, last + 1):
        net = f"={c['invoice']}{r}+{c['adjustments']}{r}-{c['credits_owed']}{r}+{c['earned_back']}{r}"
        parts = [c["invoice"], c["adjustments"], c["credits_owed"], c["earned_back"]]
        _known(credits, r, parts, c["net_cost"], net, cur)
        net_ref = f"Credits!{c['net_cost']}{r}"
        rate, handled, resolved = f"{k['rate_to_base']}{r}", f"{k['handled']}{r}", f"{k['resolved']}{r}"
        _formula_if(
            costs,
            f"{k['net_cost_base']}{r}",
            f"={net_ref}*{rate}",
            base,
            costs[rate].value is not None and credits[f"{c['net_cost']}{r}"].value is not None,
        )
        for per, src in (("handled", handled), ("resolved", resolved)):
            ok = costs[src].value not in (None, 0) and credits[f"{c['net_cost']}{r}"].value is not None
            _formula_if(costs, f"{k[f'cost_per_{per}']}{r}", f"={net_ref}/{src}", cur, ok)
            _formula_if(costs, f"{k[f'cost_per_{per}_base']}{r}", f"={k['net_cost_base']}{r}/{src}",
                        base, ok and costs[rate].value is not None)  # fmt: skip
    for name in ct.columns[1:]:
        _sum(credits, c[name], first, last, total, ct.units.get(name, cur))
    for name in ("handled", "resolved", "billable_calls", "net_cost_base"):
        _sum(costs, k[name], first, last, total, st.units.get(name, "count"))
    costs[f"{k['rate_to_base']}{total}"].value = None
    for per in ("handled", "resolved"):
        src = f"{k[per]}{total}"
        ok = costs[src].value is not None
        _formula_if(
            costs, f"{k[f'cost_per_{per}']}{total}", f"=Credits!{c['net_cost']}{total}/{src}", cur, ok
        )
        _formula_if(costs, f"{k[f'cost_per_{per}_base']}{total}", f"={k['net_cost_base']}{total}/{src}",
                    base, ok)  # fmt: skip
    rows = f"{first}:{{c}}{last}"
    return {
        "invoice": f"Credits!{c['invoice']}{total}", "adjustments": f"Credits!{c['adjustments']}{total}",
        "recorded": f"Credits!{c['credits_recorded']}{total}", "owed": f"Credits!{c['credits_owed']}{total}",
        "back": f"Credits!{c['earned_back']}{total}", "net": f"Credits!{c['net_cost']}{total}",
        "handled": f"Costs!{k['handled']}{total}", "net_base": f"Costs!{k['net_cost_base']}{total}",
        "months": rows, "first": str(first), "last": str(last), "rate": k["rate_to_base"],
        **{f"col_{n}": c[n] for n in c},
    }  # fmt: skip


def _known(ws: Worksheet, r: int, cols: list[str], target: str, formula: str, unit: str) -> None:
    _formula_if(ws, f"{target}{r}", formula, unit, all(ws[f"{x}{r}"].value is not None for x in cols))


def _formula_if(ws: Worksheet, ref: str, formula: str, unit: str, ok: bool) -> None:
    """A formula where its inputs are known; an empty cell (unknown, as in the app) otherwise."""
    if ok:
        set_formula(ws[ref], formula, unit)
    else:
        ws[ref].value = None


def _sum(ws: Worksheet, col: str, first: int, last: int, total: int, unit: str) -> None:
    """The quarter's total of a monthly column; empty when a month is unknown (never a partial sum)."""
    known = all(ws[f"{col}{r}"].value is not None for r in range(first, last + 1))
    _formula_if(ws, f"{col}{total}", f"=SUM({col}{first}:{col}{last})", unit, known and last >= first)


def _summary(wb: Workbook, review: Review, refs: dict[str, str] | None) -> None:
    """The first page as a sheet: facts, KPIs against target, the cost reconciliation (formulas), findings."""
    ws = wb.create_sheet("Summary", 0)
    page = front.front_page(review)
    note = review.coverage.describe() or f"Changes since {review.previous}; rates in percentage points (pp)."
    _title(ws, f"Quarterly review: {review.vendor_name}, {review.quarter.label}", note)
    row = HEADER_ROW
    _header(ws, row, ["Item", "Value"])
    facts = [
        ("Vendor", review.vendor_name, "text"), ("Quarter", review.quarter.label, "text"),
        (f"Rank under preset '{review.preset.name}'", page.rank, "count"),
        ("Vendors ranked", page.ranked, "count"), ("Score (0–100)", page.score, "score"),
        ("Findings", len(review.findings), "count"),
        ("Data fingerprint (sha256)", review.fingerprint, "text"),
        *([("Invoice check", page.invoice_alert, "text")] if page.invoice_alert else []),
    ]  # fmt: skip
    for label, value, unit in facts:
        row += 1
        set_text(ws.cell(row, 1), label)
        set_value(ws.cell(row, 2), value, unit)
    row += 2
    _header(ws, row, ["KPI", "Value", "Target", "Target from", "Status", f"Change since {review.previous}"])
    for t in page.tiles:
        row += 1
        set_text(ws.cell(row, 1), t.label)
        set_value(ws.cell(row, 2), t.value, t.unit)
        set_text(ws.cell(row, 3), t.target_text)
        set_text(ws.cell(row, 4), t.source)
        set_text(ws.cell(row, 5), t.status)
        delta = None if not t.trend else t.value - t.previous  # type: ignore[operator]
        set_value(ws.cell(row, 6), delta, "+" + t.unit)
    row += 2
    _reconciliation(ws, row, page, refs)
    row += len(front.RECONCILIATION) + 2
    _header(ws, row, ["Top findings", "Value", "Target", "What it usually means"])
    for f in page.findings:
        row += 1
        unit = number.kpi_unit(f.kpi, review.base_currency)
        set_text(ws.cell(row, 1), f.label)
        set_value(ws.cell(row, 2), f.value, unit)
        set_text(ws.cell(row, 3), number.band(f.target_low, f.target_high, unit))
        set_text(ws.cell(row, 4), f.advice.summary if f.advice else "")
    for col, width in zip("ABCDEF", (58, 18, 16, 14, 12, 22), strict=True):
        ws.column_dimensions[col].width = width


def _reconciliation(ws: Worksheet, row: int, page: front.FrontPage, refs: dict[str, str] | None) -> None:
    """Invoiced → as billed → net cost after SLA credits: formulas over Credits and Costs where possible."""
    cur, base = f"currency:{page.currency}", f"currency:{page.base_currency}"
    _header(ws, row, ["Cost of the quarter", page.currency, page.base_currency])
    at = {key: row + i for i, (key, _) in enumerate(front.RECONCILIATION, start=1)}
    values = {r["line"]: r for r in page.reconciliation.iter_rows(named=True)}
    for (_, label), r in zip(front.RECONCILIATION, at.values(), strict=True):
        set_text(ws.cell(r, 1), label)
        ws.cell(r, 1).alignment = Alignment(wrap_text=True, vertical="top")
        for j, column, unit in ((2, "vendor_currency", cur), (3, "base_currency", base)):
            set_value(ws.cell(r, j), values[label][column], unit)
    if refs is None or values[front.RECONCILIATION[0][1]]["vendor_currency"] is None:
        return  # a month without money: the values above are unknown and stay empty, no formulas
    b = {key: f"B{r}" for key, r in at.items()}
    formulas = {
        "invoiced": f"={refs['invoice']}+{refs['adjustments']}",
        "recorded": f"={refs['recorded']}",
        "billed": f"={b['invoiced']}+{b['recorded']}",
        "billed_per_call": f"={b['billed']}/{refs['handled']}",
        "owed": f"={refs['owed']}",
        "back": f"={refs['back']}",
        "net": f"={b['invoiced']}-{b['owed']}+{b['back']}",
        "net_per_call": f"={b['net']}/{refs['handled']}",
        "outstanding": f"={b['billed']}-{b['net']}",
    }
    for key, formula in formulas.items():
        if ws[b[key]].value is not None:
            set_formula(ws[b[key]], formula, cur)


def build_workbook(review: Review) -> Workbook:
    """The review workbook (not yet saved): Summary, then one sheet per section."""
    wb = Workbook()
    wb.remove(wb.active)
    sheets = {}
    for table in review_tables(review):
        sheets[table.key] = (_write_sheet(wb, table), table)
    refs = None
    if "credits" in sheets and "costs" in sheets and sheets["credits"][1].frame.height > 1:
        refs = _money_formulas(*sheets["credits"], *sheets["costs"])
    _summary(wb, review, refs)
    wb.properties.title = f"Quarterly review {review.vendor_name} {review.quarter.label}"
    wb.properties.subject = f"data fingerprint sha256 {review.fingerprint}"
    wb.properties.creator = "vendor-scorecard"
    return wb


def write_xlsx(review: Review, path: str | Path) -> Path:
    """Write the review workbook to `path`."""
    path = Path(path)
    build_workbook(review).save(path)
    return path
