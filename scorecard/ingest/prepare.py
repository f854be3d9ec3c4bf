"""Preparing one export file for ingest without writing anything: identify, hash, adapt, convert, validate.

`prepare_file` runs in the ingest's worker thread while the previous file is written; the Data page's
upload preview calls `read_export` directly. A load is identified by the vendor, the export entry and
everything that changes how a file is read (`export_key`) together with the file's sha256, so that any
change to vendor.toml re-reads exactly the files it affects.
"""

from __future__ import annotations

import functools
import hashlib
import inspect
import json
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path

import duckdb
import polars as pl

from scorecard.errors import AdapterError, FileValidationError, RowWarning, ScorecardError, ValidationFailure
from scorecard.ingest import db, plausible
from scorecard.ingest.adapters import get_adapter, lines, readers, sniff, workbook
from scorecard.ingest.adapters.base import Adapter
from scorecard.ingest.schemas import OUTCOMES, validate, warnings_of
from scorecard.workspace.config import ExportConfig, VendorConfig, Workspace

#: Modules whose code decides how every file is read: a change to any of them re-reads every file.
_SHARED_READING = (readers, lines, sniff, workbook)


def sha256(path: Path) -> str:
    """Hex digest of a file's bytes, read in chunks."""
    h = hashlib.sha256()
    with path.open("rb") as fh:
        for chunk in iter(lambda: fh.read(1 << 20), b""):
            h.update(chunk)
    return h.hexdigest()


@functools.cache
def adapter_version(fmt: str) -> str:
    """A fingerprint of the code that reads a format: its adapter's module and the shared readers."""
    adapter = type(get_adapter(fmt))
    h = hashlib.sha256()
    for module in (
        inspect.getmodule(adapter),
        *adapter.helpers,
        *_SHARED_READING,
        inspect.getmodule(validate),
    ):
        h.update(inspect.getsource(module).encode())  # type: ignore[arg-type]
    return h.hexdigest()[:16]


def export_key(
    vendor: VendorConfig, export: ExportConfig, earliest: date = plausible.DEFAULT_EARLIEST
) -> str:
    """The identity of an export entry: its table, format, adapter version, every option that changes how
    its files are read, and the vendor's time zone and currency (but not the `files` glob)."""
    settings = {
        "table": export.table,
        "format": export.format,
        "adapter": adapter_version(export.format),
        "delimiter": export.delimiter,
        "decimal": export.decimal,
        "encoding": export.encoding,
        "sheet": export.sheet,
        "timestamp_format": export.timestamp_format,
        "outcomes": export.outcomes,
        "no_blocking": export.no_blocking,
        "options": export.options,
        "timezone": vendor.timezone,
        "currency": vendor.currency,
        "earliest_date": earliest,
    }
    text = json.dumps(settings, sort_keys=True, default=str, ensure_ascii=False)
    return f"{export.table}-{hashlib.sha256(text.encode()).hexdigest()[:12]}"


def to_utc_and_local(frame: pl.DataFrame, table: str, timezone: str) -> pl.DataFrame:
    """Store the table's timestamp as naive UTC and add `<ts>_local` (vendor wall-clock time)."""
    ts = db.TIMESTAMP_COLUMNS.get(table)
    if ts is None:
        return frame
    col = frame[ts]
    if col.dtype == pl.Null or col.dtype == pl.String:
        col = col.cast(pl.Datetime("us", "UTC"), strict=False)
    if col.dtype.time_zone is None:  # type: ignore[union-attr]
        col = col.dt.replace_time_zone(timezone, ambiguous="earliest", non_existent="null")
    aware = col.dt.convert_time_zone("UTC")
    return frame.with_columns(
        aware.dt.replace_time_zone(None).dt.cast_time_unit("us").alias(ts),
        aware.dt.convert_time_zone(timezone)
        .dt.replace_time_zone(None)
        .dt.cast_time_unit("us")
        .alias(f"{ts}_local"),
    )


def _complete(frame: pl.DataFrame, table: str) -> pl.DataFrame:
    """Add absent optional canonical columns as nulls and order columns canonically."""
    cols = [*db.CANONICAL[table], "source_row"]
    missing = [pl.lit(None).alias(c) for c in cols if c not in frame.columns]
    return frame.with_columns(missing).select(cols)


@dataclass
class FileRead:
    """One file adapted and validated: raw-table rows (without provenance), reported KPIs, the rows that
    load with a warning, and the measures the file records (see `AdapterOutput.observed`)."""

    frame: pl.DataFrame
    reported: pl.DataFrame | None = None
    warnings: list[RowWarning] = field(default_factory=list)
    observed: tuple[str, ...] = ()


def observed_measures(adapter: Adapter, export: ExportConfig, out_observed: frozenset[str] | None,
                      frame: pl.DataFrame) -> tuple[str, ...]:  # fmt: skip
    """What a calls file records: the outcomes it can tell apart (the format's, narrowed by `outcomes`,
    with `blocked` declared by `no_blocking`) and 'revenue' when sales are read."""
    if export.table != "calls":
        return ()
    if out_observed is None:
        out_observed = frozenset(OUTCOMES) | ({"revenue"} if frame["revenue"].is_not_null().any() else set())
    outcomes = set(out_observed) & set(OUTCOMES)
    if export.outcomes is not None:
        extra = sorted(set(export.outcomes) - outcomes)
        if extra:
            raise ScorecardError(
                f"{export.source}: outcomes = {list(export.outcomes)} names {', '.join(extra)}, which format "
                f"'{export.format}' cannot record (it records: {', '.join(sorted(outcomes))}). "
                + (
                    "Use no_blocking = true to declare that the line cannot be busy."
                    if "blocked" in extra
                    else ""
                )
            )
        outcomes = set(export.outcomes)
    if export.no_blocking:
        outcomes.add("blocked")
    revenue = {"revenue"} & set(out_observed)
    return tuple(sorted(outcomes | revenue))


def _unrecorded_outcomes(
    frame: pl.DataFrame, export: ExportConfig, observed: tuple[str, ...]
) -> list[ValidationFailure]:
    """Calls whose outcome the export says it does not record (or a blocked call on a line declared
    `no_blocking`): the file contradicts its configuration."""
    allowed = [o for o in observed if o in OUTCOMES and not (o == "blocked" and export.no_blocking)]
    bad = frame.filter(pl.col("outcome").is_in(OUTCOMES) & ~pl.col("outcome").is_in(allowed)).head(50)
    why = (
        "this export declares no_blocking = true"
        if export.no_blocking
        else "not among the outcomes this export records"
    )
    return [
        ValidationFailure(r["source_row"], "outcome", r["outcome"], f"{why} ({', '.join(allowed)})")
        for r in bad.iter_rows(named=True)
    ]


def _declared_no_blocking(frame: pl.DataFrame) -> tuple[pl.DataFrame, list[ValidationFailure]]:
    """Interval rows of a line declared `no_blocking`: an empty blocked count is 0; a count above 0
    contradicts the declaration."""
    bad = frame.filter(pl.col("blocked").fill_null(0) > 0).head(50)
    failures = [
        ValidationFailure(r["source_row"], "blocked", r["blocked"], "this export declares no_blocking = true")
        for r in bad.iter_rows(named=True)
    ]
    return frame.with_columns(pl.col("blocked").fill_null(0)), failures


def read_export(
    path: Path, rel: str, export: ExportConfig, vendor: VendorConfig, window: plausible.Window | None = None
) -> FileRead:
    """Adapt and validate one file; FileValidationError names every line that cannot be right."""
    adapter = get_adapter(export.format, str(export.source))
    try:
        sniff.check_file(path, rel, export)
        out = adapter.read(path, export, vendor)
    except FileValidationError as exc:
        exc.path = rel
        raise sniff.explain(exc, path, rel, export) from None
    except AdapterError as exc:
        raise sniff.explain(exc, path, rel, export) from None
    frame = to_utc_and_local(_complete(out.frame, export.table), export.table, vendor.timezone)
    problems = list(out.problems)
    observed = observed_measures(adapter, export, out.observed, frame)
    if export.table == "calls":
        problems += _unrecorded_outcomes(frame, export, observed)
    if export.table == "intervals" and export.no_blocking:
        frame, more = _declared_no_blocking(frame)
        problems += more
    ts = db.TIMESTAMP_COLUMNS.get(export.table)
    local = frame.select(f"{ts}_local") if ts else None
    body = frame.drop(f"{ts}_local") if ts else frame
    try:
        valid = validate(export.table, body, rel, extra=problems, window=window)
    except FileValidationError as exc:
        sniff.in_file_terms(exc, out.raw, out.cells)
        raise sniff.explain(exc, path, rel, export) from None
    warnings = [*out.warnings, *warnings_of(export.table, valid)]
    if local is not None:
        valid = valid.with_columns(local)
    return FileRead(valid, out.reported, warnings, observed)


def read_file(
    path: Path, rel: str, export: ExportConfig, vendor: VendorConfig
) -> tuple[pl.DataFrame, pl.DataFrame | None]:
    """Adapt and validate one file; return raw-table rows (without provenance) and reported KPIs."""
    read = read_export(path, rel, export, vendor)
    return read.frame, read.reported


def loaded_sha(con: duckdb.DuckDBPyConnection, vendor_id: str, key: str, rel: str) -> str | None:
    """The sha256 of the file as loaded under this export identity, None if it is not loaded."""
    return db.scalar(
        con,
        "select sha256 from loaded_files where vendor_id = ? and export_key = ? and source_file = ?",
        [vendor_id, key, rel],
    )


@dataclass
class Digests:
    """sha256 of files hashed before the copy, each valid while the file's size and mtime are the same."""

    known: dict[Path, tuple[int, int, str]] = field(default_factory=dict)

    def of(self, path: Path) -> str:
        """The file's digest: the one computed before when the file has not changed since, else a new one."""
        stat = path.stat()
        kept = self.known.get(path)
        if kept is not None and kept[:2] == (stat.st_size, stat.st_mtime_ns):
            return kept[2]
        digest = sha256(path)
        self.known[path] = (stat.st_size, stat.st_mtime_ns, digest)
        return digest


@dataclass
class Prepared:
    """A file hashed and, unless this content is loaded under this export identity, adapted and
    validated (nothing written)."""

    digest: str | None
    read: FileRead | None = None
    error: ScorecardError | None = None


def prepare_file(
    con: duckdb.DuckDBPyConnection,
    ws: Workspace,
    vendor: VendorConfig,
    export: ExportConfig,
    path: Path,
    digests: Digests | None = None,
) -> Prepared:
    """Hash one file (or take its digest from `digests`) and adapt and validate it unless it is loaded as
    it is; reads only."""
    rel = path.relative_to(ws.root).as_posix()
    try:
        digest = digests.of(path) if digests is not None else sha256(path)
    except OSError as exc:
        return Prepared(
            None,
            error=ScorecardError(
                f"{rel}: cannot be read ({exc.strerror or exc}); check the "
                "file's permissions. What was loaded from it is kept."
            ),
        )
    if loaded_sha(con, vendor.vendor_id, export_key(vendor, export, ws.earliest_date), rel) == digest:
        return Prepared(digest)
    from scorecard.ingest import batched  # (it builds on this module)

    if batched.eligible(path, export):
        return Prepared(digest)  # a large file: the writer reads it batch by batch into its transaction
    try:
        return Prepared(digest, read_export(path, rel, export, vendor, plausible.Window(ws.earliest_date)))
    except ScorecardError as exc:
        return Prepared(digest, error=exc)
    except OSError as exc:
        return Prepared(digest, error=ScorecardError(f"{rel}: cannot be read ({exc.strerror or exc})."))
