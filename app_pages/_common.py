"""What every page shares: paths, the database freshness check, cached reads, the shareable view state.

The only module with caching (docs/internals.md): reads open a short-lived read-only connection inside a
cached function keyed by the database file's modification time; an ingest (here or in another process)
writes a copy and swaps it in, so it never waits for a read, and its new file invalidates every cached
result.
"""

from __future__ import annotations

import dataclasses
import threading
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, TypeVar

import polars as pl
import streamlit as st

from app_pages._start import Paths, needs_ingest, paths, stamp  # noqa: F401 (c.paths() etc.)
from scorecard import periods
from scorecard.access import peers, reads
from scorecard.access.scope import Scope
from scorecard.access.scope import local as local_scope
from scorecard.ingest import db
from scorecard.ingest import run as load
from scorecard.metrics import catalogue, kpis
from scorecard.present import share
from scorecard.scoring import comparable, presets, sensitivity
from scorecard.scoring import points as scoring
from scorecard.scoring.bids import bid_costs

T = TypeVar("T")
ROOT = Path(__file__).resolve().parent.parent


@st.cache_resource
def _db_lock() -> threading.Lock:
    """One read at a time per app process: DuckDB shares one open file between the connections of a process,
    so a read that opens the file while none is open always gets the newest version."""
    return threading.Lock()


def run_ingest(p: Paths, label: str, scope: Scope) -> load.IngestReport:
    """Ingest the workspace with a progress bar inside a status box; returns the report.

    The progress and the counts name only the scope's vendors' files (a vendor's upload re-reads all).
    """
    with st.status(label, expanded=True) as box:
        bar = st.progress(0.0, text="Reading the workspace…")

        def progress(done: int, total: int, message: str) -> None:
            text = reads.ingest_progress(scope, message)
            bar.progress(done / total if total else 1.0, text=f"{done}/{total} files — {text}")

        # The ingest writes a copy and swaps it in: reads go on meanwhile (no `_db_lock`), and an ingest
        # already running (the CLI, another session) is waited for.
        report = load.ingest(
            p.workspace, p.db, progress=progress, wait=True, on_wait=lambda m: bar.progress(0.0, text=m)
        )
        _summary(box, report, label, scope)
    st.cache_data.clear()
    return report


def _summary(box: Any, report: load.IngestReport, label: str, scope: Scope) -> None:
    """The status box after an ingest: files loaded and rejected (of the scope's vendors)."""
    loaded, rejected = reads.ingest_summary(scope, report)
    state = "complete" if not rejected else "error"
    box.update(label=f"{label} — {loaded} file(s) loaded, {rejected} rejected", state=state,
               expanded=bool(rejected))  # fmt: skip


def built_status(report: load.IngestReport, label: str, scope: Scope) -> None:
    """The first start's background build, once done: the same status box as `run_ingest` leaves."""
    with st.status(label) as box:
        _summary(box, report, label, scope)


class DatabaseChanged(Exception):
    """An ingest swapped a new database in during this run: `app.py` reruns, and the run reads it whole."""


def read(p: Paths, fn: Callable[..., T], *args: Any, version: float | None = None) -> T:
    """Run `fn(con, *args)` on a short-lived read-only connection; with `version`, only on that version
    of the file (else DatabaseChanged), so that one run of a page never mixes two versions."""
    with _db_lock():
        if version is not None and stamp(p.db) != version:
            raise DatabaseChanged
        con = db.connect(p.db, read_only=True)
        try:
            if version is not None and stamp(p.db) != version:  # the file replaced while it opened
                raise DatabaseChanged
            return fn(con, *args)
        finally:
            con.close()


#: The reads pages may request by name: scoped library reads, each `fn(con, scope, *args)`.
READS: dict[str, Callable[..., Any]] = {
    "kpis": reads.kpi_frame,
    "kpi_notes": reads.kpi_notes,
    "daily_components": reads.daily_components,
    "settings": reads.settings,
    "vendors": reads.vendors,
    "date_span": reads.date_span,
    "coverage_days": reads.coverage_days,
    "ingest_log": reads.ingest_log,
    "file_status": reads.file_status,
    "file_warnings": reads.file_warnings,
    "source_files": reads.source_files,
    "provenance": reads.provenance_files,
    "daily_rows": reads.daily_rows,
    "interval_service": reads.interval_service,
    "reported_vs_recomputed": reads.reported_vs_recomputed,
    "peer_medians": peers.peer_medians,
    "ranked": peers.ranked,
    "bids": reads.bids,
}


@st.cache_data(show_spinner=False)
def cached(p: Paths, version: float, fn_name: str, scope: Scope, *args: Any) -> Any:
    """A scoped read (a function named in `READS`) cached until the database changes."""
    return read(p, READS[fn_name], scope, *args, version=version)


@st.cache_data(show_spinner=False)
def _period_labels(p: Paths, version: float, scope: Scope) -> tuple[str, ...]:
    first, last = cached(p, version, "date_span", scope)
    return periods.labels_between(first, last, ("year", "quarter", "month", "week"))


@st.cache_data(show_spinner=False)
def preset(workspace: Path, name: str) -> presets.Preset:
    """A preset by name (built-in or the workspace's)."""
    return presets.load_preset(name, workspace)


@dataclass(frozen=True)
class Context:
    """Everything a page needs to render."""

    paths: Paths
    settings: dict[str, Any]
    vendors: pl.DataFrame
    options: share.Options
    names: dict[str, str]
    currency: str
    pages: dict[str, Any]
    #: The view's service-level variant when this run started (safe to read outside the script thread).
    sl: str = "negative"
    #: Who is looking: every read is scoped by it.
    scope: Scope = field(default_factory=local_scope)
    #: The database file's stamp when this run started: every read of the run is of that version.
    version: float = 0.0

    @property
    def view(self) -> share.View:
        """The current shareable view."""
        return st.session_state["view"]

    def data(self, fn_name: str, *args: Any) -> Any:
        """A cached read of the database, scoped to who is looking."""
        return cached(self.paths, self.version, fn_name, self.scope, *args)

    def period(self) -> kpis.Period:
        """The view's period with its local-date range."""
        return kpis.parse_period(self.view.period)

    def kpi(self, kpi_id: str) -> catalogue.Kpi:
        """A catalogue entry resolved under the view's service-level variant and the workspace FCR method.

        Pure (no session state), so it is safe in format functions and polars expressions.
        """
        return catalogue.kpi(kpi_id, self.sl, self.settings["fcr_method"])


def ctx() -> Context:
    """The context app.py built for this run."""
    return st.session_state["_ctx"]


def context(p: Paths, pages: dict[str, Any], scope: Scope) -> Context:
    """Read the settings, vendors, periods and presets this scope may see (cached by database stamp)."""
    version = stamp(p.db)
    settings = cached(p, version, "settings", scope)
    vendors = cached(p, version, "vendors", scope)
    names = [scope.preset] if scope.locked else list(presets.preset_files(p.workspace))
    choices = {}
    for name in names:
        try:
            pr = preset(p.workspace, name)
        except presets.PresetError:
            if scope.locked:
                raise
            continue
        choices[name] = share.PresetChoice(pr.method, tuple(zip(pr.kpi_ids, pr.weights, strict=True)))
    default = settings.get("preset") if settings.get("preset") in choices else next(iter(choices))
    options = share.Options(
        pages=tuple(pages),
        periods=_period_labels(p, version, scope),
        vendors=tuple(vendors["vendor_id"].to_list()),
        presets=choices,
        kpis=tuple(k for k in catalogue.KPI_COLUMNS if not k.startswith(("service_level_", "fcr_rate_"))),
        default_preset=default,
        default_sl=settings["sl_variant"],
        locked=scope.locked,
    )
    names_of = dict(zip(vendors["vendor_id"].to_list(), vendors["name"].to_list(), strict=True))
    currency = settings["base_currency"]
    return Context(p, settings, vendors, options, names_of, currency, pages, scope=scope, version=version)


def set_view(**changes: Any) -> None:
    """Change fields of the view (widget callbacks call this before the rerun starts)."""
    st.session_state["view"] = dataclasses.replace(st.session_state["view"], **changes)


def bind(field: str, key: str | None = None) -> str:
    """The widget key of a view field; the widget's on_change copies its value back with `sync`.

    Widgets take their default from the view (never from a Session State assignment), so a widget that is
    re-created, on another page or after a navigation, starts from the view rather than from empty.
    """
    return key or f"_w_{field}"


def at(options: Any, value: Any) -> int:
    """The index of the view's value among a widget's options (0 when absent)."""
    options = list(options)
    return options.index(value) if value in options else 0


def sync(field: str, key: str | None = None) -> None:
    """on_change callback: copy a bound widget's value into the view."""
    value = st.session_state[key or f"_w_{field}"]
    set_view(**{field: tuple(value) if isinstance(value, list) else value})


def partial_periods(ctx: Context) -> frozenset[str]:
    """The period labels the data does not cover from their first to their last day."""
    first, last = ctx.data("date_span")
    return frozenset(p for p in ctx.options.periods if periods.coverage(p, first, last).partial)


def changed_weights(view: share.View, opts: share.Options) -> list[tuple[str, float, float]]:
    """`(kpi, preset weight, view weight)` for every weight of the view that differs from its preset's."""
    preset = dict(opts.presets[view.preset].weights)
    return [(k, preset[k], w) for k, w in view.weights if k in preset and preset[k] != w]


def page_link(ctx: Context, page: str, **changes: Any) -> str | None:
    """A link to another page of this app for this view (None when the page is not open to this scope)."""
    if page not in ctx.pages or ctx.scope.read_only:
        return None
    base = st.context.url or "http://localhost:8501/"
    root = base.split("?", 1)[0].rstrip("/")
    root = root.rsplit("/", 1)[0] if root.rsplit("/", 1)[-1] in ctx.pages else root
    view = dataclasses.replace(ctx.view, page=page, notices=(), **changes)
    return share.url(f"{root}/{page}", view)


def ranked(ctx: Context) -> tuple[scoring.Ranking, sensitivity.Stability]:
    """The view's ranking and its stability report (cached by database stamp, scope and view)."""
    v, p, version = ctx.view, ctx.paths, ctx.version
    chosen = preset(p.workspace, v.preset)
    fcr = ctx.settings["fcr_method"]
    if ctx.scope.anonymised:  # peers are read and anonymised inside the library, in one call
        args = (v.period, None, v.preset, chosen, v.weights, v.method, v.sl, fcr, v.partial)
        return cached(p, version, "ranked", ctx.scope, *args)
    return _ranked(
        p, version, ctx.scope, v.period, v.vendors, v.preset, v.method, v.weights, v.sl, fcr, v.partial
    )


def comparability(ctx: Context) -> comparable.Comparability:
    """Which days of the view's period each selected vendor's data cover (comparable periods)."""
    per, v = ctx.period(), ctx.view
    days = ctx.data("coverage_days", list(v.vendors), per.start, per.end)
    return comparable.assess(per, days, list(v.vendors), include_partial=v.partial)


@st.cache_data(show_spinner="Scoring…")
def _ranked(
    p: Paths, version: float, scope: Scope, period: str, vendors: tuple, name: str, method: str,
    weights: tuple, sl: str, fcr: str, partial: bool,
) -> tuple[scoring.Ranking, sensitivity.Stability]:  # fmt: skip
    # The database reads are cached by stamp and period only, so a weight change reruns just the scoring.
    per = kpis.parse_period(period)
    days = cached(p, version, "coverage_days", scope, list(vendors), per.start, per.end)
    cover = comparable.assess(per, days, list(vendors), include_partial=partial)
    costs = cover.kpi_days(per)  # cost over the compared days only, as `scorecard rank`
    frame = cached(p, version, "kpis", scope, per.grain, list(vendors), False, per.start, per.end, costs)
    frame = frame.filter(pl.col("period") == per.label)
    components = cached(
        p, version, "daily_components", scope, list(vendors), per.start, per.end, False, costs
    )
    chosen = preset(p.workspace, name)
    priced = cached(p, version, "bids", scope, str(p.workspace), name, period)
    if priced is not None:  # a procurement preset: cost is each bid on the scenario, as in the CLI;
        frame, components = bid_costs(frame, priced), None  # fixed numbers: no day resampling
    return peers.score(scope, frame, components, name, chosen, weights, method, sl, fcr, cover)


def header(ctx: Context, title: str, intro: str) -> None:
    """Page title, a one-line purpose, and the definitions in force (so a screenshot is unambiguous)."""
    s, v = ctx.settings, ctx.view
    st.title(title)
    st.caption(intro)
    st.caption(
        f"Period **{v.period}** · {len(v.vendors)} vendor(s) · service level = {v.sl.replace('_', ' ')} "
        f"variant, T = {s['sl_threshold_s']:g} s · short abandons < {s['short_abandon_s']:g} s · "
        f"FCR method {s['fcr_method']} · amounts in {ctx.currency}"
    )


@st.cache_data(show_spinner="Building the review…")
def review_of(
    p: Paths, version: float, scope: Scope, vendor: str, quarter: str, name: str, method: str, weights: tuple
) -> tuple[Any, str, bytes]:
    """The quarterly review of a vendor (under the view's preset and weights), as HTML and XLSX too."""
    import io

    from scorecard.review.report.html import render_html
    from scorecard.review.report.xlsx import build_workbook
    from scorecard.workspace import config, contract

    folder = config.load_workspace(p.workspace).vendor(vendor)
    terms = contract.parse_contract(folder.contract, str(folder.folder / "vendor.toml"))
    result = read(
        p, peers.review, scope, vendor, quarter, terms, name, preset(p.workspace, name), weights, method
    )
    buffer = io.BytesIO()
    build_workbook(result).save(buffer)
    return result, render_html(result), buffer.getvalue()
