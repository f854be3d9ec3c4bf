"""XLSX workbooks checked before an adapter reads them: a workbook in name only (a CSV text saved as
`.xlsx`), a damaged zip, formula cells without a saved value (a program that writes formulas without
calculating them; the reader would see empty cells), and the names of the sheets for messages.
"""

from __future__ import annotations

import zipfile
from pathlib import Path
from typing import TYPE_CHECKING
from xml.etree import ElementTree

from scorecard.errors import AdapterError

if TYPE_CHECKING:
    from scorecard.workspace.config import ExportConfig

ZIP = b"PK\x03\x04"


def _rule(name: str) -> str:
    return f"(rule {name})"


def check_workbook(path: Path, rel: str, head: bytes, export: ExportConfig) -> None:
    if not head.startswith(ZIP):
        what = "a CSV text file" if _looks_like_text(head) else "not a workbook"
        raise AdapterError(
            f"{rel}: this file is {what}, not an XLSX workbook, although its name ends in "
            f"{path.suffix} {_rule('not_xlsx')}. Rename it to .csv (the same adapter reads CSV files), "
            "or open it in Excel and save it as a workbook."
        )
    try:
        with zipfile.ZipFile(path) as book:
            sheet = _sheet_part(book, export.sheet)
            cells = _formulas_without_values(book, sheet) if sheet else []
    except (zipfile.BadZipFile, KeyError, ElementTree.ParseError, OSError):
        raise AdapterError(
            f"{rel}: the workbook is damaged (its zip structure cannot be read; was it cut off in "
            f"transfer?) {_rule('damaged_workbook')}. Send the file again."
        ) from None
    if cells:
        shown = ", ".join(cells[:10]) + (f" and {len(cells) - 10} more" if len(cells) > 10 else "")
        raise AdapterError(
            f"{rel}: {len(cells)} cell(s) hold a formula without a saved value ({shown}) "
            f"{_rule('formula_without_value')}: the file was written by a program that does not "
            "calculate. Open and save the file in Excel (or LibreOffice), or export values instead of "
            "formulas."
        )


def _looks_like_text(head: bytes) -> bool:
    try:
        head.decode("utf-8")
    except UnicodeDecodeError:
        return False
    return b"\x00" not in head


_NS = {
    "m": "http://schemas.openxmlformats.org/spreadsheetml/2006/main",
    "r": "http://schemas.openxmlformats.org/officeDocument/2006/relationships",
    "rel": "http://schemas.openxmlformats.org/package/2006/relationships",
}


def sheet_names(path: Path) -> list[str]:
    """The sheets of an XLSX workbook in order (empty when it cannot be read)."""
    try:
        with zipfile.ZipFile(path) as book:
            root = ElementTree.fromstring(book.read("xl/workbook.xml"))
    except (zipfile.BadZipFile, KeyError, ElementTree.ParseError, OSError):
        return []
    return [s.get("name", "") for s in root.iter(f"{{{_NS['m']}}}sheet")]


def _sheet_part(book: zipfile.ZipFile, sheet: str | int | None) -> str | None:
    """The zip member of the sheet an export reads (by name, 0-based index, or the first)."""
    root = ElementTree.fromstring(book.read("xl/workbook.xml"))
    sheets = list(root.iter(f"{{{_NS['m']}}}sheet"))
    if isinstance(sheet, str):
        sheets = [s for s in sheets if s.get("name") == sheet]
    elif isinstance(sheet, int):
        sheets = sheets[sheet : sheet + 1]
    if not sheets:
        return None
    rid = sheets[0].get(f"{{{_NS['r']}}}id")
    rels = ElementTree.fromstring(book.read("xl/_rels/workbook.xml.rels"))
    for rel in rels.iter(f"{{{_NS['rel']}}}Relationship"):
        if rel.get("Id") == rid:
            target = rel.get("Target", "")
            return target.lstrip("/") if target.startswith("/") else f"xl/{target}"
    return None


def _formulas_without_values(book: zipfile.ZipFile, part: str) -> list[str]:
    """References of the cells of one sheet that have a formula and no cached value."""
    if not _has_formula(book, part):
        return []  # the common case, found by a byte scan: no XML parse of a large sheet
    out = []
    cell, f, v = (f"{{{_NS['m']}}}{t}" for t in ("c", "f", "v"))
    with book.open(part) as fh:
        for _, elem in ElementTree.iterparse(fh):
            if elem.tag == cell:
                value = elem.find(v)
                if elem.find(f) is not None and (value is None or value.text is None):
                    out.append(elem.get("r", "?"))
                elem.clear()
    return out


_FORMULA_TAGS = (b"<f>", b"<f ", b":f>", b":f ")


def _has_formula(book: zipfile.ZipFile, part: str) -> bool:
    """True when the sheet's XML has a formula element (`<f>`, with or without a namespace prefix)."""
    tail = b""
    with book.open(part) as fh:
        while chunk := fh.read(8 << 20):
            data = tail + chunk
            if any(tag in data for tag in _FORMULA_TAGS):
                return True
            tail = data[-3:]
    return False
