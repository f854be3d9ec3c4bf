"""Data: the workspace and its ingest log, submissions against deadlines, and new exports — validated
before anything is written. Admins add files for any vendor (or a new vendor); a vendor user for its own
vendor only; analysts read."""

from __future__ import annotations

import hashlib
import tempfile
from datetime import UTC, datetime
from pathlib import Path

import polars as pl
import streamlit as st

from app_pages import _common as c
from app_pages import _data_audits
from app_pages import _session as session
from scorecard.access import deadlines, uploads
from scorecard.errors import ScorecardError
from scorecard.ingest import check, plausible
from scorecard.present import format as fmt
from scorecard.present.text import plain, unmarked
from scorecard.workspace import config

ctx = c.ctx()
scope = ctx.scope
c.header(
    ctx, "Data", "Where the numbers come from: the workspace, every file loaded or rejected, and new exports."
)
p = ctx.paths
ws = config.load_workspace(p.workspace)
mine = [v for v in ws.vendors if scope.allows(v.vendor_id)]

st.subheader("Workspace" if scope.vendors is None else "Your files")
log = ctx.data("ingest_log")
files = ctx.data("file_status")
warned = ctx.data("file_warnings")
a, b, d, e = st.columns(4)
a.metric("Vendors", len(ctx.options.vendors))
b.metric("Files loaded", files.filter(~pl.col("status").is_in(["rejected", "removed"])).height)
d.metric("Files rejected (latest attempt)", files.filter(pl.col("status") == "rejected").height)
e.metric("Files with warnings", warned.select("vendor_id", "path").unique().height)
if scope.can_ingest:
    st.caption(
        f"Workspace {plain(p.workspace)} · database {plain(p.db)}. "
        "`scorecard ingest` from a terminal works while the app runs."
    )
    if st.button("Re-read the workspace", icon=":material/sync:"):
        c.run_ingest(p, "Re-reading the workspace", scope)
        session.record(p, scope, "ingest", detail="re-read")
        log, files, warned = ctx.data("ingest_log"), ctx.data("file_status"), ctx.data("file_warnings")


def _vendor_name() -> pl.Expr:
    return pl.col("vendor_id").replace_strict(ctx.names, default=pl.col("vendor_id")).alias("Vendor")


def _text(column: str, name: str) -> pl.Expr:
    """A message column as table text (the backticks of our messages removed)."""
    return pl.col(column).map_elements(unmarked, return_dtype=pl.String, skip_nulls=True).alias(name)


st.caption(
    "Every file as it stands: loaded, replaced, reread (its settings changed), unchanged, held (its "
    "vendor.toml has a mistake: the rows loaded before stay), rejected (nothing of it is used) or removed "
    "(no longer in the workspace: its rows are gone)."
)
st.dataframe(
    files.select(
        _vendor_name(),
        pl.col("path").alias("File"),
        pl.col("table").alias("Table"),
        pl.col("status").alias("Status"),
        pl.col("rows").alias("Rows"),
        pl.when(pl.col("warning_rules") > 0)
        .then(pl.format("{} row(s), {} rule(s)", pl.col("warned_rows").cast(pl.Int64), "warning_rules"))
        .otherwise(pl.lit(""))
        .alias("Warnings"),
        pl.col("loaded_at").alias("Loaded at (UTC)"),
        _text("message", "Message"),
    ),
    hide_index=True,
    width="stretch",
    column_config={
        "Loaded at (UTC)": st.column_config.DatetimeColumn(format="YYYY-MM-DD HH:mm:ss"),
        "Warnings": st.column_config.TextColumn(width="medium", help="Rows loaded with a warning; below"),
        "Message": st.column_config.TextColumn(width="large"),
    },
)
st.markdown(f"**Warnings ({warned.height})**")
if warned.is_empty():
    st.caption("No file has rows loaded as incomplete or left out on purpose.")
else:
    st.caption(
        "Rows that are incomplete but honest (loaded, the unknown part left unknown) or left out on purpose "
        "(by the export's drop, keep or rules): counted per file and rule, not errors. First line: the line "
        "as an editor shows it (the sheet row for a workbook)."
    )
    # A static table: every message readable in full; each cell plain text (file names and examples come
    # from outsiders' files, so nothing in them may render as Markdown).
    shown = warned.select(
        _vendor_name(),
        pl.col("path").alias("File"),
        pl.col("status").alias("Status"),
        pl.col("rule").alias("Rule"),
        pl.col("rows").cast(pl.String).alias("Rows"),
        pl.col("first_row").cast(pl.String).fill_null(fmt.MISSING).alias("First line"),
        pl.col("example").fill_null(fmt.MISSING).alias("Example"),
        _text("message", "What"),
    )
    st.table(
        shown.with_columns(pl.all().map_elements(plain, return_dtype=pl.String)),
        hide_index=True,
        border="horizontal",
    )
with st.expander("Every ingest of every file, newest first"):
    st.dataframe(
        log.with_columns(_text("message", "message")),
        hide_index=True,
        width="stretch",
        column_config={
            "loaded_at": st.column_config.DatetimeColumn("Loaded at (UTC)", format="YYYY-MM-DD HH:mm:ss"),
            "message": st.column_config.TextColumn("Message", width="large"),
        },
    )

_data_audits.section(ctx)
st.subheader("Submissions and deadlines")
store = session.store(p.workspace)
submitted = store.submissions(None if scope.vendors is None else list(scope.vendors))
files = ctx.data("source_files")
arrived = deadlines.arrivals(log, submitted)
today = datetime.now(UTC).date()
due = pl.concat([deadlines.status(v, files, arrived, today) for v in mine], how="vertical_relaxed")
behind = due.filter(pl.col("status") != "on time") if due.height else due
if not any(e.deadline for v in mine for e in v.exports):
    st.caption(
        'No submission deadlines are set. Add `deadline = { period = "month", days_after = 5 }` to an '
        "[[exports]] table of a vendor.toml to list late and missing files here."
    )
elif behind.is_empty():
    st.success(f"Every export with a deadline has arrived on time up to {today:%Y-%m-%d}.")
else:
    st.warning(f"{behind.height} late or missing submission(s) up to {today:%Y-%m-%d}.")
    st.dataframe(
        behind.with_columns(pl.col("vendor_id").replace_strict(ctx.names, default=pl.col("vendor_id"))),
        hide_index=True,
        width="stretch",
        column_config={
            "arrived": st.column_config.DatetimeColumn("arrived (UTC)", format="YYYY-MM-DD HH:mm")
        },
    )
st.caption("Files submitted through this page, newest first (who, what, when):")
st.dataframe(submitted, hide_index=True, width="stretch")

uploaders = [v for v in mine if scope.can_upload(v.vendor_id)]
if not uploaders:
    st.stop()
st.subheader("Add an export")
st.caption(
    "The file is checked first (adapter and schema, every problem at once); nothing changes until you "
    "press Load, and a rejected file is never copied into the workspace."
)
modes = ["An existing vendor", "A new vendor"] if scope.can_ingest else ["An existing vendor"]
mode = st.radio("For", modes, horizontal=True, key="_data_mode") if len(modes) > 1 else modes[0]
draft = None
if mode == "An existing vendor":
    vendor = ws.vendor(
        st.selectbox("Vendor", [v.vendor_id for v in uploaders], format_func=lambda v: ctx.names.get(v, v))
    )
    export = st.selectbox(
        "Export", vendor.exports, format_func=lambda e: f"{e.table} — {e.format} — {e.files}"
    )
else:
    cols = st.columns(3)
    vid = cols[0].text_input("Vendor id (folder name)", placeholder="acme")
    name = cols[1].text_input("Name", placeholder="Acme Contact")
    country = cols[2].text_input("Country (ISO code)", placeholder="FR")
    cols = st.columns(3)
    tz = cols[0].text_input("Time zone (IANA)", placeholder="Europe/Paris")
    currency = cols[1].text_input("Currency (ISO 4217)", value=ws.base_currency)
    table = cols[2].selectbox("Table", config.CANONICAL_TABLES)
    if not (vid and name and tz):
        st.info("Give the new vendor an id, a name and a time zone, then choose a file.")
        st.stop()
    try:  # validated in memory: nothing is written before Load
        draft = uploads.new_vendor(p.workspace, vid, name, country, tz, currency, table)
    except ScorecardError as exc:
        st.error(plain(str(exc), lines=True))
        st.stop()
    vendor, export = draft.vendor, draft.vendor.exports[0]

done = st.session_state.pop("_load_result", None)
if done is not None:
    (st.success if done[0] else st.error)(plain(done[1], lines=True))
upload_round = st.session_state.setdefault("_uploads", 0)
uploaded = st.file_uploader("Export file", type=["csv", "txt", "tsv", "xlsx"], key=f"_upload_{upload_round}")
if uploaded is None:
    st.stop()
try:
    target, rel = uploads.target(p.workspace, vendor, export, uploaded.name)
except ScorecardError as exc:
    st.error(plain(str(exc), lines=True))
    st.stop()

data = uploaded.getvalue()
sha = hashlib.sha256(data).hexdigest()
with tempfile.NamedTemporaryFile(suffix=Path(uploaded.name).suffix, delete=False) as fh:
    fh.write(data)  # the system's temporary folder: nothing inside the workspace yet


def _submitted(status: str, rows: int | None, message: str) -> None:
    """Record a submission once per file content and outcome (reruns do not repeat it)."""
    key = (rel, sha, status)
    if st.session_state.get("_submitted") != key:
        store.add_submission(scope.user, vendor.vendor_id, rel, sha, rows, status, message)
        session.record(p, scope, "upload", page="data", vendors=(vendor.vendor_id,), detail=f"{rel} {status}")
        st.session_state["_submitted"] = key


try:  # the same reading and validation as `scorecard check` and the ingest; nothing is written
    result, read = check.check_file(Path(fh.name), rel, export, vendor, plausible.Window(ws.earliest_date))
finally:
    Path(fh.name).unlink(missing_ok=True)


def _show_check(result: check.FileCheck) -> None:
    """The file's line of `scorecard check` (rows read, left out, warnings, errors) and its warnings."""
    st.dataframe(check.check_frame([result]), hide_index=True, width="stretch")
    if result.warnings:
        st.caption("Rows left out on purpose or read as unknown (they are counted, not errors):")
        shown = check.warnings_frame(result)
        st.dataframe(shown.with_columns(_text("what", "what")), hide_index=True, width="stretch")


if read is None:
    _submitted("rejected at check", None, result.message)
    if result.failures:
        st.error(f"{plain(rel)} is rejected: {result.errors} problem(s). Nothing was copied or loaded.")
        _show_check(result)
        st.dataframe(
            pl.DataFrame(
                {
                    "Row": [f.row for f in result.failures],
                    "Column": [f.column for f in result.failures],
                    "Value": [str(f.value) for f in result.failures],
                    "Rule": [f.rule for f in result.failures],
                },
                schema={"Row": pl.Int64, "Column": pl.String, "Value": pl.String, "Rule": pl.String},
            ),
            hide_index=True,
            width="stretch",
        )
        st.caption(plain(result.hint))
    else:
        st.error(plain(f"{rel} is rejected. Nothing was copied or loaded.\n\n{result.message}", lines=True))
        _show_check(result)
    st.stop()
frame, reported = read.frame, read.reported

st.success(
    f"{plain(rel)}: {frame.height} valid row(s) for table '{export.table}'"
    + (f" and {reported.height} vendor-reported figure(s)" if reported is not None else "")
    + ". Nothing is loaded yet."
)
_show_check(result)
if target.exists():
    st.warning(
        f"{plain(rel)} already exists; Load replaces it (its earlier rows are replaced in one transaction)."
    )
st.caption("First rows as they will be stored (timestamps in UTC, plus the vendor-local `_local` column):")
st.dataframe(frame.head(20), hide_index=True, width="stretch")
if st.button("Load into the workspace", type="primary", icon=":material/upload:"):
    try:
        uploads.save(scope, p.workspace, vendor, export, uploaded.name, data, draft)
    except ScorecardError as exc:
        st.error(plain(str(exc), lines=True))
        st.stop()
    report = c.run_ingest(p, f"Loading {plain(rel)}", scope)
    this = [f for f in report.files if f.path == rel]
    ok = bool(this) and this[0].status != "rejected"
    message = (
        f"{rel}: {this[0].status}, {this[0].rows} row(s). Every page now includes it."
        if ok
        else (this[0].message if this else f"{rel} was not picked up by the export's files pattern.")
    )
    _submitted(this[0].status if this else "not picked up", this[0].rows if this else None, message)
    st.session_state["_load_result"] = (ok, message)
    st.session_state["_uploads"] = upload_round + 1  # a fresh, empty uploader
    st.rerun()
