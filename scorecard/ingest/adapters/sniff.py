"""What a file really is, checked before an adapter reads it, and errors explained in the file's terms.

Adapters read what vendor.toml says a file is. When the file is something else — a workbook saved as
`.csv`, a CSV text saved as `.xlsx`, UTF-16, a header split by another delimiter, a column named twice,
formula cells without a saved value, NUL bytes — reading it gives a confusing message or, worse, wrong
values. `check_file` names the problem and what to do instead, each with a rule name that
docs/bad-input.md lists; `explain` adds the cause to a reader's error (an unclosed quote, a file cut
off inside its last line, a workbook whose data is on another sheet, a duplicated key).
"""

from __future__ import annotations

import codecs
import csv
import re
from collections import defaultdict
from pathlib import Path
from typing import TYPE_CHECKING

import polars as pl

from scorecard.errors import AdapterError, FileValidationError, ScorecardError, ValidationFailure
from scorecard.ingest.adapters import lines, workbook
from scorecard.ingest.adapters.readers import SOURCE_ROW

if TYPE_CHECKING:
    from scorecard.workspace.config import ExportConfig

#: Bytes read from the start of a file to judge what it is.
HEAD_BYTES = 64 << 10
_WORKBOOK = {".xlsx", ".xlsm"}
_TEXT = {".csv", ".txt", ".tsv"}
_OLE = b"\xd0\xcf\x11\xe0"  # the legacy binary .xls container
_UTF16 = (codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)
_CANDIDATES = (",", ";", "\t", "|")
_SHOWN = {"\t": "\\t"}


def _rule(name: str) -> str:
    return f"(rule {name})"


def check_file(path: Path, rel: str, export: ExportConfig) -> None:
    """Raise an AdapterError when the file is not what its export says it is (see the module doc)."""
    suffix = path.suffix.lower()
    with path.open("rb") as fh:
        head = fh.read(HEAD_BYTES)
    if suffix in _WORKBOOK:
        workbook.check_workbook(path, rel, head, export)
        return
    if not head.strip():
        size = "0 bytes" if not head else "only blank space"
        raise AdapterError(
            f"{rel}: the file is empty ({size}): an export has at least its header line "
            f"{_rule('empty_file')}. Send the file again; a period without data is a file with only "
            "its header."
        )
    if suffix not in _TEXT:
        return
    if head.startswith((workbook.ZIP, _OLE)):
        raise AdapterError(
            f"{rel}: this file is an Excel workbook, not a CSV text file, although its name ends in "
            f"{path.suffix} {_rule('not_csv')}. Rename it to .xlsx (the same adapter reads workbooks), "
            "or save it from Excel as CSV."
        )
    codec = codecs.lookup(export.encoding).name
    if head.startswith(_UTF16) and not codec.startswith("utf-16"):
        raise AdapterError(
            f"{rel}: this file is UTF-16 text (it starts with a UTF-16 byte-order mark), not "
            f'{export.encoding} {_rule("wrong_encoding")}. Set encoding = "utf-16" for this export in '
            "vendor.toml, or save the file as UTF-8."
        )
    if codec.startswith("utf-16"):
        return
    _check_nul(path, rel)
    header = _header(head, export.encoding)
    delimiter = export.delimiter or ","
    _check_delimiter(rel, header, delimiter)
    _check_duplicates(rel, header, delimiter)


def _header(head: bytes, encoding: str) -> str:
    text = head.decode(encoding, errors="replace").lstrip("\ufeff")
    return text.split("\n", 1)[0].rstrip("\r")


def _check_nul(path: Path, rel: str) -> None:
    """A NUL byte never belongs in a text export: the file is damaged or binary."""
    if not lines.file_has_byte(path, b"\x00"):
        return
    line, offset = 1, 0
    with path.open("rb") as fh:
        while chunk := fh.read(lines.CHUNK_BYTES):
            at = chunk.find(b"\x00")
            if at >= 0:
                line += chunk.count(b"\n", 0, at)
                break
            line += chunk.count(b"\n")
            offset += len(chunk)
    raise AdapterError(
        f"{rel}: line {line} holds a NUL byte (byte {offset + max(at, 0)}): the file is damaged or not a "
        f"text file {_rule('nul_byte')}. Export the file again."
    )


def _check_delimiter(rel: str, header: str, delimiter: str) -> None:
    """A header without the export's delimiter but with another one: the delimiter setting is wrong."""
    if delimiter in header:
        return
    counts = {d: header.count(d) for d in _CANDIDATES if d != delimiter}
    best = max(counts, key=lambda d: counts[d])
    if counts[best] == 0:
        return
    shown = _SHOWN.get(best, best)
    raise AdapterError(
        f"{rel}: the header has {counts[best]} `{shown}` and no `{_SHOWN.get(delimiter, delimiter)}`: "
        f"the file is {lines.delimiter_name(best)} {_rule('wrong_delimiter')}. Set delimiter = "
        f'"{shown}" for this export in vendor.toml. Header: {lines.shown(header)!r}'
    )


def _check_duplicates(rel: str, header: str, delimiter: str) -> None:
    """A column named twice: which of the two holds the values cannot be known."""
    names = next(csv.reader([header], delimiter=delimiter), [])
    duplicates(rel, [n.strip() for n in names])


def duplicates(rel: str, names: list[str]) -> None:
    """Raise naming the first column that appears more than once, with its 1-based positions."""
    seen: dict[str, list[int]] = defaultdict(list)
    for i, name in enumerate(names, start=1):
        if name:
            seen[name].append(i)
    twice = [(n, at) for n, at in seen.items() if len(at) > 1]
    if not twice:
        return
    name, at = twice[0]
    where = " and ".join(str(i) for i in at)
    raise AdapterError(
        f"{rel}: column {name!r} appears {'twice' if len(at) == 2 else f'{len(at)} times'} (columns "
        f"{where}) {_rule('duplicate_column')}: which one holds the values cannot be known. Remove or "
        "rename the extra column in the export."
    )


# ------------------------------------------------------------------------------------------------
# Errors explained


def explain(exc: ScorecardError, path: Path, rel: str, export: ExportConfig) -> ScorecardError:
    """The reader's error with its cause named where it can be seen from the file."""
    if isinstance(exc, FileValidationError):
        _explain_lines(exc, path)
        _group_duplicates(exc)
        exc.args = (exc.message(),)
        return exc
    if isinstance(exc, AdapterError) and str(path) in str(exc):  # name the file as the workspace does
        exc = AdapterError(str(exc).replace(str(path), rel))
    if isinstance(exc, AdapterError) and path.suffix.lower() in _WORKBOOK and "column" in str(exc):
        names = workbook.sheet_names(path)
        if len(names) > 1:
            which = export.sheet if export.sheet is not None else names[0]
            listed = ", ".join(repr(n) for n in names)
            return AdapterError(
                f"{exc} The workbook has {len(names)} sheets ({listed}) and this export reads sheet "
                f'{which!r}: if the data is on another sheet, set sheet = "..." for this export in '
                "vendor.toml."
            )
    return exc


def _explain_lines(exc: FileValidationError, path: Path) -> None:
    """A ragged record that opens a quote it never closes, or that is the file's unfinished last line."""
    ends_open = _ends_without_line_break(path)
    last = _last_line_number(path) if ends_open else None
    for f in exc.failures:
        if f.column != "(line)" or not isinstance(f.value, str) or "fields, expected" not in f.rule:
            continue
        if f.value.count('"') % 2 == 1:
            f.rule = (
                f"a quote opens on line {f.row} and is not closed before the end of the record, so the "
                f"rest of the file reads as one field ({f.rule}) {_rule('unclosed_quote')}"
            )
            exc.hint = "Close the quote on the line named above (or remove it) and ingest again."
        elif ends_open and f.row == last:
            f.rule = (
                f"the file ends inside this line, without a line break: it was cut off ({f.rule}) "
                f"{_rule('truncated_last_line')}"
            )
            exc.hint = "Send the complete file again."


def _ends_without_line_break(path: Path) -> bool:
    try:
        with path.open("rb") as fh:
            fh.seek(0, 2)
            if fh.tell() == 0:
                return False
            fh.seek(-1, 2)
            return fh.read(1) not in (b"\n", b"\r")
    except OSError:
        return False


def _last_line_number(path: Path) -> int:
    count = 0
    with path.open("rb") as fh:
        while chunk := fh.read(lines.CHUNK_BYTES):
            count += chunk.count(b"\n")
    return count + 1


_UNIQUE = re.compile(r"^(combination )?must be unique in the file")


def _group_duplicates(exc: FileValidationError) -> None:
    """One failure per duplicated key naming every line that holds it, instead of one per line."""
    groups: dict[tuple[str, str], list[ValidationFailure]] = defaultdict(list)
    rest: list[ValidationFailure] = []
    for f in exc.failures:
        if _UNIQUE.match(f.rule):
            groups[(f.column, repr(f.value))].append(f)
        else:
            rest.append(f)
    if not groups:
        return
    merged = []
    for (column, _), found in groups.items():
        rows = sorted({f.row for f in found if f.row is not None})
        where = ", ".join(str(r) for r in rows[:-1]) + f" and {rows[-1]}" if len(rows) > 1 else str(rows[0])
        merged.append(
            ValidationFailure(
                rows[0] if rows else None,
                column,
                found[0].value,
                f"{column} {found[0].value!r} appears on {exc.place}s {where}: a key must be unique in "
                f"the file {_rule('unique_key')}",
            )
        )
    exc.failures = sorted(merged + rest, key=lambda f: (f.row or 0, f.column))
    exc.total = len(exc.failures)


def more_than_offered(parsed: pl.DataFrame, offered: str, parts: list[str]) -> list[ValidationFailure]:
    """Rows whose answered and abandoned calls add up to more than the calls offered (a platform that
    counts every call where it ends, such as Avaya CMS, cannot produce them)."""
    total = pl.sum_horizontal(pl.col(p).fill_null(0) for p in parts)
    bad = parsed.filter(total > pl.col(offered)).select(SOURCE_ROW, offered, *parts).head(50)
    return [
        ValidationFailure(
            r[SOURCE_ROW],
            offered,
            r[offered],
            "counts do not add up: "
            + " + ".join(f"{p} {r[p]}" for p in parts)
            + f" is more than {offered} {r[offered]} {_rule('counts_add_up')}",
        )
        for r in bad.iter_rows(named=True)
    ]


def in_file_terms(exc: FileValidationError, raw: pl.DataFrame | None, cells: dict[str, str]) -> None:
    """Quote the file's own column and cell for failures found on converted canonical values
    (a Genesys sum in milliseconds, not the seconds it became)."""
    if raw is None or not cells:
        return
    wanted = {c: f for c, f in cells.items() if f in raw.columns}
    rows = {f.row for f in exc.failures if f.column in wanted}
    if not rows:
        return
    lookup = raw.filter(pl.col(SOURCE_ROW).is_in(sorted(r for r in rows if r is not None)))
    by_row = {r[SOURCE_ROW]: r for r in lookup.iter_rows(named=True)}
    for f in exc.failures:
        if f.column in wanted and f.row in by_row:
            source = wanted[f.column]
            f.rule = f"{f.rule} (the file's {source}, read as {f.column})"
            f.column, f.value = source, by_row[f.row][source]
    exc.args = (exc.message(),)
