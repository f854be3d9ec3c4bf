"""Ingest: workspace files -> adapters -> pandera validation -> DuckDB raw tables, vendor by vendor.

Rules (docs/ingest.md): what is loaded is what the workspace says. A load is identified by the vendor,
the export entry and everything that changes how the file is read (`prepare.export_key`) and the file's
sha256: the same load twice is skipped, any change re-reads exactly what it affects, and files, exports
and vendors no longer in the workspace leave the database. Each vendor's changes are one transaction, so
a vendor is never half under old settings and half under new ones. A file that cannot be right loads
nothing and names its lines, columns, values and rules; other files still load; nothing already loaded
is lost. A vendor whose vendor.toml is invalid (or whose folder cannot be read) is skipped with its
message and keeps what it loaded. Every file, loaded or not, gets a row in `ingest_log`.
"""

from __future__ import annotations

import os
import time
from collections.abc import Callable
from concurrent.futures import Future, ThreadPoolExecutor
from dataclasses import dataclass, field
from functools import partial
from itertools import groupby
from pathlib import Path

import duckdb

from scorecard.errors import ScorecardError
from scorecard.ingest import batched, db, plausible, publish, state
from scorecard.ingest.prepare import Digests, Prepared, export_key, loaded_sha, prepare_file, read_export
from scorecard.ingest.state import FileResult
from scorecard.ingest.unchanged import unchanged
from scorecard.sql import audits
from scorecard.sql.build import Builder
from scorecard.workspace.config import ExportConfig, VendorConfig, Workspace, load_workspace

Progress = Callable[[int, int, str], None]


@dataclass
class IngestReport:
    """Per-file results and workspace-level problems of one ingest run."""

    files: list[FileResult] = field(default_factory=list)
    problems: list[str] = field(default_factory=list)
    removed: list[FileResult] = field(default_factory=list)  #: loads no longer in the workspace
    removed_vendors: list[str] = field(default_factory=list)
    settings_changed: bool = False  #: scorecard.toml, vendor names or FX rates changed: all rebuilt
    rebuilt: bool = False  #: the database was built by another table layout and was reloaded whole
    seconds: float = 0.0  #: the whole run, wall clock
    build_seconds: float = 0.0  #: of which building the materialised daily components
    built: bool = True  #: False: loaded with build=False, the materialised tables are out of date
    copy_seconds: float = 0.0  #: of which copying the database to write on (`publish`)
    publish_seconds: float = 0.0  #: of which checkpointing, syncing and renaming the copy into place
    notes: list[str] = field(default_factory=list)  #: e.g. the leftovers of a killed ingest, removed
    audits: audits.AuditResult | None = None  #: the data audits at the end (None: --no-build)

    @property
    def ok(self) -> bool:
        """True when every file loaded, was unchanged or held, and the workspace is consistent."""
        return not self.problems and all(f.status != "rejected" for f in self.files)

    def count(self, status: str) -> int:
        """Number of files with this status."""
        return sum(f.status == status for f in self.files)


@dataclass(frozen=True)
class Job:
    """One file to load under one export entry."""

    vendor: VendorConfig
    export: ExportConfig
    key: str
    path: Path


def plan(ws: Workspace, report: IngestReport) -> tuple[list[Job], frozenset[str]]:
    """Every (vendor, export, file) of the workspace, and the vendors whose loads must be kept as they
    are: an invalid vendor.toml, or a folder that cannot be read (its files cannot be listed)."""
    held = {folder for folder, _ in ws.invalid}
    for folder, message in ws.invalid:
        report.problems.append(f"Vendor {folder} skipped (what it loaded is kept): {message}")
    jobs: list[Job] = []
    for vendor in ws.vendors:
        unreadable = _unreadable_folders(vendor.folder)
        if unreadable:
            held.add(vendor.vendor_id)
            names = ", ".join(p.relative_to(ws.root).as_posix() for p in unreadable)
            report.problems.append(
                f"Vendor {vendor.vendor_id}: cannot read the folder(s) {names}; the vendor is skipped and "
                "keeps what it loaded. Check the folders' permissions."
            )
            continue
        for export in vendor.exports:
            key = export_key(vendor, export, ws.earliest_date)
            jobs += [Job(vendor, export, key, p) for p in vendor.files(export)]
    return jobs, frozenset(held)


def _without_vendor_toml(
    con: duckdb.DuckDBPyConnection, ws: Workspace, held: frozenset[str], report: IngestReport
) -> frozenset[str]:
    """Loaded vendors whose folder is still there without its vendor.toml: a mistake, not a removal."""
    present = {v.vendor_id for v in ws.vendors} | held
    orphans = {r[0] for r in state.loads_of(con)} - present
    kept = frozenset(v for v in orphans if (ws.root / v).is_dir())
    for vendor_id in sorted(kept):
        report.problems.append(
            f"Vendor {vendor_id} skipped (what it loaded is kept): the folder {vendor_id}/ has no "
            "vendor.toml. Restore it, or delete the folder to remove the vendor."
        )
    return kept


def _unreadable_folders(folder: Path) -> list[Path]:
    errors: list[Path] = []
    for _ in os.walk(folder, onerror=lambda e: errors.append(Path(e.filename))):
        pass
    return errors


def ingest(
    workspace: str | Path | Workspace,
    db_path: str | Path,
    progress: Progress | None = None,
    build: bool = True,
    accept_empty: bool = False,
    wait: bool = False,
    on_wait: Callable[[str], None] | None = None,
) -> IngestReport:
    """Load every export file of the workspace into the database at `db_path` and build the daily
    components (see the module docstring for the rules).

    The ingest writes a private copy and publishes it atomically (`publish`): readers are never
    blocked, a crash leaves the previous database, and a second writer of the same database raises
    DatabaseError at once (or, with `wait`, waits for the first; `on_wait` is told why).

    Files load one at a time; while one is written a worker thread hashes, adapts and validates the
    next one. After a vendor's transaction commits, a third thread refreshes its rows of the per-vendor
    tables while the next vendor loads; the small daily marts are rebuilt at the end. `build=False` loads
    only. `accept_empty=True` lets a file that would remove every row already loaded from it (a month
    re-sent with only its header) replace them; otherwise it is held back with a warning.
    """
    start = time.perf_counter()
    ws = workspace if isinstance(workspace, Workspace) else load_workspace(workspace)
    digests = Digests()
    with publish.writer_lock(db_path, "ingest", wait, on_wait):
        report = IngestReport()
        jobs, held = plan(ws, report)
        if _kept(ws, jobs, report, Path(db_path), build, digests, progress):
            report.seconds = time.perf_counter() - start  # nothing changed: no copy, no publish
            return report
        with publish.publishing(db_path, "ingest", locked=True) as pub:
            _ingest(ws, jobs, held, report, pub.path, progress, build, accept_empty, digests)
    report.notes += pub.notes()
    report.copy_seconds, report.publish_seconds = pub.copy_seconds, pub.publish_seconds
    report.seconds = time.perf_counter() - start
    return report


def _kept(
    ws: Workspace,
    jobs: list[Job],
    report: IngestReport,
    db_path: Path,
    build: bool,
    digests: Digests,
    progress: Progress | None,
) -> bool:
    """True, with the report filled in, when loading `jobs` would change nothing in the database
    (`unchanged`); False, the report untouched, otherwise."""
    if progress:
        progress(0, len(jobs), "comparing the workspace with what is loaded")
    same = unchanged(ws, jobs, report.problems, db_path, build, digests)
    if same is None:
        return False
    for job, rows in same:
        rel = job.path.relative_to(ws.root).as_posix()
        report.files.append(
            FileResult(rel, job.vendor.vendor_id, job.export.table, job.export.format, "unchanged", rows,
                       "same content and settings as the last load; skipped", export_key=job.key)
        )  # fmt: skip
    report.notes += publish.leftover_notes(publish.remove_leftovers(db_path))
    con = db.connect(db_path, read_only=True)
    try:
        report.built = build
        report.problems += audit_fx(con)
        report.audits = audits.after_ingest(con) if build else None
    finally:
        con.close()
    if progress:
        progress(len(jobs), len(jobs), "nothing changed")
    return True


def _ingest(
    ws: Workspace,
    jobs: list[Job],
    held: frozenset[str],
    report: IngestReport,
    db_path: Path,
    progress: Progress | None,
    build: bool,
    accept_empty: bool,
    digests: Digests | None = None,
) -> None:
    """The ingest proper of the planned `jobs`, into the private copy at `db_path`, reported in `report`
    (every connection closed on return)."""
    con = db.connect(db_path)
    try:
        report.rebuilt = db.create_tables(con)
        held |= _without_vendor_toml(con, ws, held, report)
        con.execute("set memory_limit = '900MB'").fetchall()  # the builds spill to disk rather than grow
        reader = con.cursor()  # the worker's own connection to the same database (reads the state only)
        pool = ThreadPoolExecutor(max_workers=1, thread_name_prefix="ingest-prepare")
        try:
            prepare = partial(prepare_file, digests=digests)  # digests of files hashed before the copy
            ahead = pool.submit(prepare, reader, ws, *_args(jobs[0])) if jobs else None
            fresh = not con.execute("select 1 from settings limit 1").fetchall()
            changed = state.sync_workspace_tables(con, ws, held)
            report.settings_changed = changed and not fresh
            builder = Builder(con, changed, build)
            try:
                _remove_vendors(con, ws, held, builder, report)
                loader = _Loader(con, ws, jobs, held, pool, reader, builder, report, progress, accept_empty)
                loader.prepare = prepare
                loader.run(ahead)
                builder.finish()
            finally:
                builder.close()
        finally:
            pool.shutdown(wait=True)
            reader.close()
        report.build_seconds, report.built = builder.seconds, build
        report.problems += audit_fx(con)
        report.audits = audits.after_ingest(con) if build else None  # they read the built days
        con.execute("checkpoint").fetchall()
    finally:
        con.close()


def _args(job: Job) -> tuple[VendorConfig, ExportConfig, Path]:
    return job.vendor, job.export, job.path


def _remove_vendors(
    con: duckdb.DuckDBPyConnection,
    ws: Workspace,
    held: frozenset[str],
    builder: Builder,
    report: IngestReport,
) -> None:
    """Vendors no longer in the workspace leave the database, each in one transaction."""
    present = {v.vendor_id for v in ws.vendors} | held
    loads = [row for row in state.loads_of(con) if row[0] not in present]
    for vendor_id, rows in groupby(loads, key=lambda r: r[0]):
        builder.invalidate()
        con.execute("begin")
        for _, key, rel, table, fmt, n in rows:
            state.remove(con, vendor_id, key, rel, table)
            res = FileResult(rel, vendor_id, table, fmt, "removed", n, "the vendor is no longer in the "
                             "workspace", export_key=key)  # fmt: skip
            state.log(con, res, None)
            report.removed.append(res)
        con.execute("commit")
        report.removed_vendors.append(vendor_id)
        builder.vendor_done(vendor_id, changed=True)


class _Loader:
    """Loads the planned files vendor by vendor, one transaction per vendor."""

    def __init__(
        self,
        con: duckdb.DuckDBPyConnection,
        ws: Workspace,
        jobs: list[Job],
        held: frozenset[str],
        pool: ThreadPoolExecutor,
        reader: duckdb.DuckDBPyConnection,
        builder: Builder,
        report: IngestReport,
        progress: Progress | None,
        accept_empty: bool,
    ) -> None:
        self.con, self.ws, self.jobs, self.held, self.pool, self.reader = con, ws, jobs, held, pool, reader
        self.builder, self.report, self.progress, self.accept_empty = builder, report, progress, accept_empty
        self.reread: set[tuple[str, str]] = set()  #: (file, table) read again under new settings
        self.prepare: Callable[..., Prepared] = prepare_file

    def run(self, ahead: Future[Prepared] | None) -> None:
        """Every vendor of the workspace in order (the held ones keep their loads untouched)."""
        index = 0
        for vendor in self.ws.vendors:
            if vendor.vendor_id in self.held:
                continue
            self.con.execute("begin")
            try:
                changed = self._remove_stale(vendor.vendor_id)
                for job in [j for j in self.jobs if j.vendor.vendor_id == vendor.vendor_id]:
                    if self.progress:
                        self.progress(index, len(self.jobs), f"{vendor.vendor_id}: {job.path.name}")
                    prepared = ahead.result() if ahead else None
                    nxt = self.jobs[index + 1] if index + 1 < len(self.jobs) else None
                    ahead = self.pool.submit(self.prepare, self.reader, self.ws, *_args(nxt)) if nxt else None
                    result = self._file(job, prepared)
                    self.report.files.append(result)
                    changed = changed or result.status in ("loaded", "replaced", "reread")
                    index += 1
                self.con.execute("commit")
            except BaseException:
                self.con.execute("rollback")
                raise
            self.builder.vendor_done(vendor.vendor_id, changed)
        if self.progress:
            self.progress(len(self.jobs), len(self.jobs), "building the daily components")

    def _remove_stale(self, vendor_id: str) -> bool:
        """Loads of the vendor that the workspace no longer has: a file gone, or an export entry whose
        settings changed (its files are then read again under the new settings: status `reread`)."""
        planned = {
            (j.key, j.path.relative_to(self.ws.root).as_posix()): j.export.table
            for j in self.jobs
            if j.vendor.vendor_id == vendor_id
        }
        again = {(rel, table) for (_, rel), table in planned.items()}
        stale = [r for r in state.loads_of(self.con) if r[0] == vendor_id and (r[1], r[2]) not in planned]
        stale = [r for r in stale if not self._held_by_empty_glob(vendor_id, *r[1:])]
        for _, key, rel, table, fmt, n in stale:
            self.builder.invalidate()
            state.remove(self.con, vendor_id, key, rel, table)
            if (rel, table) in again:
                self.reread.add((rel, table))
                why = "superseded: the export's settings in vendor.toml changed; read again"
            elif (self.ws.root / rel).exists():
                why = "no export entry of vendor.toml reads this file into this table any more"
            else:
                why = "the file is no longer in the workspace"
            res = FileResult(rel, vendor_id, table, fmt, "removed", n, why, export_key=key)
            state.log(self.con, res, None)
            if (rel, table) not in again:
                self.report.removed.append(res)
        return bool(stale)

    def _held_by_empty_glob(self, vendor_id: str, key: str, rel: str, table: str, fmt: str, n: int) -> bool:
        """Keep a load whose file is still in the workspace but whose export entry now matches no file at
        all (a typo in `files`): the export would remove every row it loaded. Held back with a warning
        unless `accept_empty`, as a file re-sent with only its header is. (A file deleted from the
        workspace leaves with its rows, as always.)"""
        if self.accept_empty or not (self.ws.root / rel).exists():
            return False
        vendor = next(v for v in self.ws.vendors if v.vendor_id == vendor_id)
        entries = [e for e in vendor.exports if export_key(vendor, e, self.ws.earliest_date) == key]
        if not entries or any(j.export in entries for j in self.jobs):
            return False  # the entry is gone or changed (its loads leave), or it still reads files
        export = entries[0]
        res = FileResult(rel, vendor_id, table, fmt, "held", n, export_key=key)
        res.message = (
            f"files = {export.files!r} of {vendor_id}/vendor.toml matches no file now; removing the "
            f"{n:,} rows loaded from {rel} through it would leave the export empty. They are kept. Fix "
            "the `files` pattern, or run the ingest with --accept-empty if the export really has no "
            "files any more."
        )
        self.report.files.append(res)
        return True

    def _file(self, job: Job, prepared: Prepared | None) -> FileResult:
        """Load one file inside the vendor's transaction; never raises for a problem in the file itself."""
        rel = job.path.relative_to(self.ws.root).as_posix()
        vid = job.vendor.vendor_id
        res = FileResult(rel, vid, job.export.table, job.export.format, "rejected", None, export_key=job.key)
        prepared = prepared or self.prepare(self.reader, self.ws, *_args(job))
        digest = prepared.digest
        previous = loaded_sha(self.con, vid, job.key, rel)
        if prepared.error is None and previous is not None and previous == digest:
            res.status, res.message = "unchanged", "same content and settings as the last load; skipped"
            res.rows = state.loaded_rows(self.con, vid, job.key, rel)
            state.set_export_files(self.con, vid, job.key, rel, job.export.files)  # a new glob, same read
            return res
        try:
            if prepared.error:
                raise prepared.error
            window = plausible.Window(self.ws.earliest_date)
            if prepared.read is None and batched.eligible(job.path, job.export):
                staged = batched.stage(self.con, job.path, rel, job.export, job.vendor, window)
                if staged is not None:
                    return self._staged(job, res, staged, digest, previous)
            read = prepared.read or read_export(job.path, rel, job.export, job.vendor, window)
            before = state.loaded_rows(self.con, vid, job.key, rel)
            if read.frame.height == 0 and before and not self.accept_empty:
                res.status, res.rows = "held", before
                res.message = (
                    f"the file has no rows; loading it would remove the {before:,} rows loaded from it "
                    "before. They are kept. If the period really had no data, run the ingest with "
                    "--accept-empty."
                )
                state.log(self.con, res, digest)
                return res
            state.key_conflicts(self.con, job.export.table, vid, job.key, rel, read.frame)
            self.builder.invalidate()
            res.warnings = read.warnings
            state.write(
                self.con, res, read.frame, read.reported, digest or "", job.export.files, read.observed
            )
            res.status = "replaced" if previous else "reread" if (rel, res.table) in self.reread else "loaded"
            if res.status == "reread":
                res.message = "read again: the export's settings in vendor.toml changed"
            res.rows = read.frame.height
            state.log(self.con, res, digest)
        except ScorecardError as exc:
            res.status, res.message = "rejected", str(exc)
            state.log(self.con, res, digest)
        return res

    def _staged(
        self, job: Job, res: FileResult, staged: batched.Batched, digest: str | None, previous: str | None
    ) -> FileResult:
        """Write a file staged in batches (`scorecard.ingest.batched`) as `_file` writes a whole one."""
        try:
            state.key_conflicts(self.con, res.table, res.vendor_id, job.key, res.path, batched.STAGING)
            self.builder.invalidate()
            res.warnings = staged.warnings
            state.write(self.con, res, batched.STAGING, None, digest or "", job.export.files, staged.observed)
        finally:
            batched.drop(self.con)
        again = (res.path, res.table) in self.reread
        res.status = "replaced" if previous else "reread" if again else "loaded"
        if res.status == "reread":
            res.message = "read again: the export's settings in vendor.toml changed"
        res.rows = staged.rows
        state.log(self.con, res, digest)
        return res


def audit_fx(con: duckdb.DuckDBPyConnection) -> list[str]:
    """Months and currencies that need an FX rate and have none (from the fx audit view)."""
    try:
        rows = con.execute("select * from assert_fx_rates_cover_costs").fetchall()
        cols = [d[0] for d in con.description]
    except duckdb.CatalogException:
        return []
    return [
        "Missing FX rate: "
        + ", ".join(f"{c} {v}" for c, v in zip(cols, r, strict=True))
        + " — add the month's rate to fx_rates.csv (units of the base currency for one unit)."
        for r in rows
    ]
