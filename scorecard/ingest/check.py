"""Check a workspace without loading anything: its configuration, then every file read and validated as
the ingest would read it, with per file the rows read, the rows left out, the warnings and the errors;
then what the ingest would find across files (a key loaded twice, a month without an FX rate).

`scorecard check WORKSPACE` prints it; the Data page shows the same result for an uploaded file. Nothing
is written: no database is opened, no file in the workspace changes.
"""

from __future__ import annotations

import os
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

import polars as pl

from scorecard.errors import FileValidationError, RowWarning, ScorecardError, ValidationFailure
from scorecard.ingest import plausible
from scorecard.ingest.prepare import FileRead, read_export
from scorecard.ingest.state import KEYED_ROWS, NATURAL_KEYS, place
from scorecard.workspace.config import ExportConfig, VendorConfig, Workspace, load_workspace

Progress = Callable[[int, int, str], None]


@dataclass
class FileCheck:
    """One file read as the ingest would read it. `rows` would load; `left_out` were left out on purpose
    (filters, rules, broken lines); `warnings` load with a warning (sentinels, survey non-responses);
    `errors` is the number of problems that reject the file (0: it would load)."""

    path: str
    vendor_id: str
    table: str
    format: str
    rows: int | None = None
    left_out: int | None = None
    warnings: list[RowWarning] = field(default_factory=list)
    errors: int = 0
    message: str = ""
    #: The problems of a rejected file, each with its line, column, value and rule, and what to do.
    failures: list[ValidationFailure] = field(default_factory=list)
    hint: str = ""

    @property
    def rows_read(self) -> int | None:
        """Rows that would load plus rows left out; None when the file could not be read."""
        return None if self.rows is None else self.rows + (self.left_out or 0)

    @property
    def warned(self) -> int:
        """Rows that would load with a warning (counted per rule: a row may count under two rules)."""
        return sum(w.rows for w in self.warnings if not w.left_out)

    @property
    def ok(self) -> bool:
        return self.errors == 0


@dataclass
class CheckReport:
    """Per-file results and workspace-level problems (configuration) and notes (nothing to read)."""

    files: list[FileCheck] = field(default_factory=list)
    problems: list[str] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        """True when the configuration is valid and every file would load."""
        return not self.problems and all(f.ok for f in self.files)


def check_file(
    path: Path, rel: str, export: ExportConfig, vendor: VendorConfig, window: plausible.Window | None = None
) -> tuple[FileCheck, FileRead | None]:
    """Read and validate one file (nothing written): its FileCheck, and what would load (None if rejected).
    `window` is the workspace's plausible dates (its `earliest_date`), as the ingest applies them."""
    result = FileCheck(rel, vendor.vendor_id, export.table, export.format)
    try:
        read = read_export(path, rel, export, vendor, window)
    except FileValidationError as exc:
        result.errors, result.message = exc.total or len(exc.failures), exc.message(limit=10)
        result.failures, result.hint = list(exc.failures), exc.hint
        return result, None
    except ScorecardError as exc:
        result.errors, result.message = 1, str(exc)
        return result, None
    except OSError as exc:
        result.errors, result.message = 1, f"{rel}: cannot be read ({exc.strerror or exc})."
        return result, None
    result.rows = read.frame.height
    result.left_out = sum(w.rows for w in read.warnings if w.left_out)
    result.warnings = list(read.warnings)
    return result, read


def check_workspace(workspace: str | Path, progress: Progress | None = None) -> CheckReport:
    """Validate the workspace's configuration and read every file of every export (see the module)."""
    ws = load_workspace(workspace)  # scorecard.toml and fx_rates.csv: a mistake here is raised
    report = CheckReport()
    for folder, message in ws.invalid:
        report.problems.append(f"Vendor {folder}: {message}")
    report.problems += _settings_problems(ws)
    jobs = [(v, e, p) for v in ws.vendors for e in v.exports for p in _files(ws, v, e, report)]
    seen: dict[tuple[str, str], pl.DataFrame] = {}
    months: dict[tuple[str, str, str], set[str]] = {}  # (vendor, currency, costs|revenue) -> months
    for i, (vendor, export, path) in enumerate(jobs):
        rel = path.relative_to(ws.root).as_posix()
        if progress:
            progress(i, len(jobs), f"{vendor.vendor_id}: {path.name}")
        result, read = check_file(path, rel, export, vendor, plausible.Window(ws.earliest_date))
        if read is not None:
            _key_conflicts(result, read, seen)
            if vendor.currency != ws.base_currency:
                for source, needed in _money_months(export.table, read).items():
                    months.setdefault((vendor.vendor_id, vendor.currency, source), set()).update(needed)
        report.files.append(result)
    _fx_gaps(ws, months, report)
    if progress:
        progress(len(jobs), len(jobs), "done")
    return report


def _money_months(table: str, read: FileRead) -> dict[str, set[str]]:
    """The months whose FX rate the file's money needs: every month a cost line's period touches, and
    the local month of every call with revenue."""
    frame = read.frame
    if table == "costs" and frame.height:
        spans = pl.date_ranges(pl.col("period_start").dt.truncate("1mo"), pl.col("period_end"), "1mo")
        return {"costs": set(frame.select(spans.alias("m")).explode("m")["m"].dt.strftime("%Y-%m"))}
    if table == "calls" and "revenue" in read.observed:
        sold = frame.filter(pl.col("revenue") > 0)["arrived_at_local"].dt.strftime("%Y-%m")
        return {"revenue": set(sold)}
    return {}


def _fx_gaps(ws: Workspace, months: dict[tuple[str, str, str], set[str]], report: CheckReport) -> None:
    """A cost in a month without a rate is a problem (the ingest reports it too); revenue a note."""
    rates = set(ws.fx_rates.select("currency", "month").iter_rows())
    for (vendor_id, currency, source), needed in sorted(months.items()):
        missing = sorted(m for m in needed if (currency, m) not in rates)
        if not missing:
            continue
        text = (
            f"Missing FX rate: {vendor_id} has {source} in {currency} in {', '.join(missing)}; add each "
            f"month's rate to fx_rates.csv (units of {ws.base_currency} for one {currency})."
        )
        (report.problems if source == "costs" else report.notes).append(text)


def _files(ws: Workspace, vendor: VendorConfig, export: ExportConfig, report: CheckReport) -> list[Path]:
    """The files an export reads; a pattern that matches nothing is a note (a file may not be due yet)."""
    errors: list[str] = []
    for _ in os.walk(vendor.folder, onerror=lambda e: errors.append(str(e.filename))):
        pass
    if errors:
        report.problems.append(f"Vendor {vendor.vendor_id}: cannot read the folder(s) {', '.join(errors)}.")
        return []
    files = vendor.files(export)
    if not files:
        report.notes.append(
            f"{vendor.vendor_id}: no file matches files = {export.files!r} (table '{export.table}')."
        )
    return files


def _settings_problems(ws: Workspace) -> list[str]:
    """The workspace's preset, every preset of its presets folder, and its access configuration."""
    from scorecard.access.config import load_access
    from scorecard.scoring.presets import load_preset

    problems = []
    names = {ws.preset, *(p.stem for p in (ws.root / "presets").glob("*.toml"))}
    try:
        access = load_access(ws.root)
        if access is not None and access.vendor_preset:
            names.add(access.vendor_preset)
    except ScorecardError as exc:
        problems.append(str(exc))
    for name in sorted(names):
        try:
            load_preset(name, ws.root)
        except ScorecardError as exc:
            problems.append(f"Preset {name}: {exc}")
    return problems


def _key_conflicts(result: FileCheck, read: FileRead, seen: dict[tuple[str, str], pl.DataFrame]) -> None:
    """A natural key (call_id, survey_id, ...) already read from another file of the vendor: the ingest
    would reject this file, so the check does too."""
    keys = NATURAL_KEYS.get(result.table)
    if not keys:
        return
    mine = read.frame.select(*keys, "source_row").with_columns(pl.lit(result.path).alias("source_file"))
    if result.table in KEYED_ROWS:  # only a period's invoice is billed once
        mine = mine.filter(pl.sql_expr(KEYED_ROWS[result.table]))
    earlier = seen.get((result.vendor_id, result.table))
    if earlier is not None:
        clash = mine.join(earlier, on=list(keys), suffix="_other", nulls_equal=True).sort("source_row")
        if clash.height:
            failures = [
                ValidationFailure(
                    r["source_row"],
                    ", ".join(keys),
                    r[keys[0]] if len(keys) == 1 else tuple("" if r[k] is None else str(r[k]) for k in keys),
                    f"also in {r['source_file_other']} ({place(r['source_file_other'])} "
                    f"{r['source_row_other']}) for vendor '{result.vendor_id}'",
                )
                for r in clash.head(20).iter_rows(named=True)
            ]
            exc = FileValidationError(result.path, result.table, failures, clash.height, hint=_KEY_HINT)
            result.errors, result.message = clash.height, exc.message(limit=10)
            result.failures, result.hint = failures, _KEY_HINT
            return
        mine = pl.concat([earlier, mine])
    seen[(result.vendor_id, result.table)] = mine


_KEY_HINT = (
    "Each key may be loaded once per vendor: remove the duplicate rows, or check that two exports do not "
    "read the same file into the same table."
)


def check_frame(files: list[FileCheck]) -> pl.DataFrame:
    """The per-file table as people read it (the CLI and the Data page show these columns)."""
    return pl.DataFrame(
        {
            "file": [f.path for f in files],
            "table": [f.table for f in files],
            "format": [f.format for f in files],
            "rows read": [f.rows_read for f in files],
            "left out": [f.left_out for f in files],
            "warnings": [f.warned for f in files],
            "errors": [f.errors for f in files],
            "result": ["would load" if f.ok else "rejected" for f in files],
        },
        schema={
            "file": pl.String,
            "table": pl.String,
            "format": pl.String,
            "rows read": pl.Int64,
            "left out": pl.Int64,
            "warnings": pl.Int64,
            "errors": pl.Int64,
            "result": pl.String,
        },
    )


def warnings_frame(result: FileCheck) -> pl.DataFrame:
    """A file's warnings, one row per rule: what was left out or read as unknown, how many, where first."""
    first = f"first {place(result.path)}"
    return pl.DataFrame(
        [(w.rows, w.left_out, w.message, w.first_row, w.rule) for w in result.warnings],
        schema=[
            ("rows", pl.Int64),
            ("left out", pl.Boolean),
            ("what", pl.String),
            (first, pl.Int64),
            ("rule", pl.String),
        ],
        orient="row",
    )
