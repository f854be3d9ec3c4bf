"""Large clean canonical CSV files, loaded batch by batch so that memory stays bounded whatever their size.

A file of at least `MIN_BYTES` that the canonical adapter's fast path can read (`canonical.clean_header`:
UTF-8, no quotes, one record per line, a canonical header) is read in runs of whole lines of about
`BATCH_BYTES`. Each batch is parsed, converted to UTC + local time and validated with pandera as a whole
file would be, and its rows go to a staging table inside the vendor's open transaction (a table of the
database file, which DuckDB writes out rather than holding in memory); the uniqueness rules (which span
batches) are then checked in the database, worded as pandera words them. Only when every batch is valid
do the rows replace the file's previous load; otherwise the staging table is dropped and the file is
rejected with one message listing the first problems by line and the count of all of them, as
`schemas.validate` does. A value the fast path cannot parse sends the file back to the whole-file path
(which names each such value's line), so messages never change.
"""

from __future__ import annotations

import io
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path

import duckdb
import polars as pl

from scorecard.errors import FileValidationError, RowWarning, ValidationFailure
from scorecard.ingest import db, plausible
from scorecard.ingest.adapters import canonical, get_adapter, sniff
from scorecard.ingest.prepare import _complete, _unrecorded_outcomes, observed_measures, to_utc_and_local
from scorecard.ingest.schemas import _unique_keys, validate, warnings_of
from scorecard.workspace.config import ExportConfig, VendorConfig

#: Files from this size on are read in batches (smaller ones are read whole: fewer, larger pandera calls).
MIN_BYTES = 256 << 20
#: Bytes of the file per batch (about 800,000 call records; some 200 MB once parsed and validated).
BATCH_BYTES = 64 << 20
#: Failures kept for the message (it shows 20) and the app's table; the count covers all of them.
KEPT_FAILURES = 1000
STAGING = "_batched_rows"
#: The unique keys and lines of the batches of a rejected file (for the uniqueness count over all rows).
KEYS = "_batched_keys"


class NotPlain(Exception):
    """The file has a value the fast path cannot parse: read it whole instead."""


@dataclass
class Batched:
    """What a batched read found: rows staged, warnings merged over the batches, the measures recorded."""

    rows: int = 0
    warnings: list[RowWarning] = field(default_factory=list)
    observed: tuple[str, ...] = ()
    failures: list[ValidationFailure] = field(default_factory=list)
    total: int = 0
    #: What the adapter says the file records (from its header), and the warnings by rule.
    recorded: frozenset[str] | None = None
    by_rule: dict[str, RowWarning] = field(default_factory=dict)


def eligible(path: Path, export: ExportConfig) -> bool:
    """True for a canonical CSV of at least MIN_BYTES whose table's uniqueness rules are single columns."""
    if export.format != "canonical" or path.suffix.lower() in {".xlsx", ".xlsm", ".xls"}:
        return False
    if any(len(key) > 1 for key in _unique_keys(export.table)):
        return False
    try:
        return path.stat().st_size >= MIN_BYTES
    except OSError:
        return False


def stage(
    con: duckdb.DuckDBPyConnection, path: Path, rel: str, export: ExportConfig, vendor: VendorConfig,
    window: plausible.Window,
) -> Batched | None:  # fmt: skip
    """Read, validate and stage the file in batches; None when the fast path cannot read it (nothing is
    staged then). Raises FileValidationError (after dropping the staging table) when any row is invalid."""
    try:
        found = canonical.clean_header(path, export, export.table)
    except FileValidationError as exc:  # a ragged or cut-off line: named in the workspace's terms
        exc.path = rel
        raise sniff.explain(exc, path, rel, export) from None
    if found is None:
        return None
    drop(con)
    out = Batched(recorded=canonical._observed(export.table, found))
    try:
        for first_line, text in chunks(path):
            scan = canonical.clean_frame(
                io.BytesIO(text), export, export.table, vendor.timezone, found, first_line
            )
            batch = scan.collect()
            if batch["_unparsed"].any():
                raise NotPlain
            _one(con, batch.drop("_unparsed"), rel, export, vendor, window, out)
    except (NotPlain, OSError, pl.exceptions.PolarsError):
        drop(con)
        return None
    out.warnings = list(out.by_rule.values())
    if not out.rows and not out.total:  # no rows at all: the whole-file path says what that means
        drop(con)
        return None
    _duplicates(con, export.table, out)
    if out.total:
        drop(con)
        out.failures.sort(key=lambda f: (f.row if f.row is not None else -1, f.column))
        exc = FileValidationError(path=rel, table=export.table, failures=out.failures[:KEPT_FAILURES],
                                  total=out.total)  # fmt: skip
        raise sniff.explain(exc, path, rel, export)  # the whole-file path's wording: keys grouped, cut-offs
    return out


def chunks(path: Path) -> Iterator[tuple[int, bytes]]:
    """The file in runs of whole lines of about BATCH_BYTES, each with the header line prepended, and the
    line number of its first record (the file has one record per line: `canonical.clean_header`)."""
    with path.open("rb") as fh:
        header = fh.readline()
        line = 2
        carry = b""
        while block := fh.read(BATCH_BYTES):
            cut = (carry + block).rfind(b"\n") + 1
            if not cut:
                carry += block
                continue
            text, carry = (carry + block)[:cut], (carry + block)[cut:]
            yield line, header + text
            line += text.count(b"\n")
        if carry:
            yield line, header + carry


def _one(
    con: duckdb.DuckDBPyConnection, batch: pl.DataFrame, rel: str, export: ExportConfig, vendor: VendorConfig,
    window: plausible.Window, out: Batched,
) -> None:  # fmt: skip
    """Validate one batch as `prepare.read_export` validates a file; stage it, or keep its failures."""
    table = export.table
    frame = to_utc_and_local(_complete(batch, table), table, vendor.timezone)
    out.observed = observed_measures(get_adapter(export.format), export, out.recorded, frame)
    problems = _unrecorded_outcomes(frame, export, out.observed) if table == "calls" else []
    ts = db.TIMESTAMP_COLUMNS.get(table)
    local = frame.select(f"{ts}_local") if ts else None
    body = frame.drop(f"{ts}_local") if ts else frame
    try:
        valid = validate(table, body, rel, extra=problems, window=window, unique=False)
    except FileValidationError as exc:
        out.total += exc.total
        out.failures = sorted([*out.failures, *exc.failures], key=lambda f: (f.row or -1, f.column))
        del out.failures[KEPT_FAILURES:]
        _keep_keys(con, table, body)
        return
    for w in warnings_of(table, valid):
        first = out.by_rule.get(w.rule)
        out.by_rule[w.rule] = w if first is None else RowWarning(
            first.rule, first.message, first.rows + w.rows, first.first_row, first.example
        )  # fmt: skip
    if out.total:  # the file is rejected already: validate on for the message, keep only the keys
        _keep_keys(con, table, valid)
        return
    if local is not None:
        valid = valid.with_columns(local)
    _append(con, STAGING, valid)
    out.rows += valid.height


def _keep_keys(con: duckdb.DuckDBPyConnection, table: str, frame: pl.DataFrame) -> None:
    """Keep the unique keys and lines of a batch that is not staged, for the uniqueness count."""
    keys = [c for (c,) in _unique_keys(table)]
    if not keys:
        return
    _append(con, KEYS, frame.select("source_row", *keys))


def _duplicates(con: duckdb.DuckDBPyConnection, table: str, out: Batched) -> None:
    """The uniqueness rules over the whole file, in the database, worded as pandera's (every row whose
    value appears more than once, by line; empty values count as equal, as in pandera)."""
    sources = [t for t in (STAGING, KEYS) if _exists(con, t)]
    for (column,) in _unique_keys(table):
        if not sources:
            return
        rows_of = " union all ".join(f"select source_row, {column} as v from {t}" for t in sources)
        dup = (
            f"from ({rows_of}) where v in (select v from ({rows_of}) group by v having count(*) > 1) "
            f"or (v is null and (select count(*) from ({rows_of}) where v is null) > 1)"
        )  # table and column names from the schema, never user input
        count = db.scalar(con, f"select count(*) {dup}")
        if not count:
            continue
        rows = con.execute(f"select source_row, v {dup} order by source_row limit ?",
                           [KEPT_FAILURES]).fetchall()  # fmt: skip
        out.total += count
        out.failures += [ValidationFailure(r, column, v, "must be unique in the file") for r, v in rows]


def _append(con: duckdb.DuckDBPyConnection, name: str, frame: pl.DataFrame) -> None:
    """Append a batch to a staging table (created by the first). Through an Arrow relation: a frame
    registered by name would be kept alive until the transaction ends, and memory would grow with the file.
    """
    rows = con.from_arrow(frame.to_arrow())
    if _exists(con, name):
        rows.insert_into(name)
    else:
        rows.create(name)


def _exists(con: duckdb.DuckDBPyConnection, name: str) -> bool:
    sql = "select 1 from duckdb_tables() where schema_name = 'main' and table_name = ?"
    return bool(con.execute(sql, [name]).fetchall())


def drop(con: duckdb.DuckDBPyConnection) -> None:
    """Drop the staging tables (if any)."""
    for name in (STAGING, KEYS):
        con.execute(f"drop table if exists main.{name}").fetchall()
