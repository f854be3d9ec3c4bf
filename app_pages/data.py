"""Data: the workspace and its ingest log; add an export, validated before anything is committed."""

from __future__ import annotations

import tempfile
from pathlib import Path

import polars as pl
import streamlit as st

from app_pages import _common as c
from scorecard.access import uploads
from scorecard.errors import FileValidationError, ScorecardError
from scorecard.ingest import prepare
from scorecard.metrics import provenance
from scorecard.workspace import config

ctx = c.ctx()
c.header(
    ctx, "Data", "Where the numbers come from: the workspace, every file loaded or rejected, and new exports."
)
p = ctx.paths

st.subheader("Workspace")
log = ctx.data("ingest_log")
a, b, d = st.columns(3)
a.metric("Vendors", len(ctx.options.vendors))
b.metric("Files loaded", log.filter(pl.col("status") != "rejected")["path"].n_unique())
d.metric(
    "Files rejected (latest attempt)",
    log.unique("path", keep="first").filter(pl.col("status") == "rejected").height,
)
st.caption(
    f"Workspace `{p.workspace}` · database `{p.db}`. "
    "`scorecard ingest` from a terminal works while the app runs."
)
if st.button("Re-read the workspace", icon=":material/sync:"):
    c.run_ingest(p, "Re-reading the workspace")
    log = c.read(p, provenance.ingest_log)
st.dataframe(
    log,
    hide_index=True,
    width="stretch",
    column_config={
        "loaded_at": st.column_config.DatetimeColumn("Loaded at (UTC)", format="YYYY-MM-DD HH:mm:ss"),
        "message": st.column_config.TextColumn("Message", width="large"),
    },
)

st.subheader("Add an export")
st.caption(
    "The file is checked first (adapter and schema, every problem at once); nothing changes until you "
    "press Load, and a rejected file is never copied into the workspace."
)
ws = config.load_workspace(p.workspace)
mode = st.radio("For", ["An existing vendor", "A new vendor"], horizontal=True, key="_data_mode")
draft = None
if mode == "An existing vendor":
    vendor = ws.vendor(
        st.selectbox("Vendor", [v.vendor_id for v in ws.vendors], format_func=lambda v: ctx.names.get(v, v))
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
        st.error(str(exc))
        st.stop()
    vendor, export = draft.vendor, draft.vendor.exports[0]

done = st.session_state.pop("_load_result", None)
if done is not None:
    (st.success if done[0] else st.error)(done[1])
upload_round = st.session_state.setdefault("_uploads", 0)
uploaded = st.file_uploader("Export file", type=["csv", "txt", "tsv", "xlsx"], key=f"_upload_{upload_round}")
if uploaded is None:
    st.stop()
try:
    target, rel = uploads.target(p.workspace, vendor, export, uploaded.name)
except ScorecardError as exc:
    st.error(str(exc))
    st.stop()

with tempfile.NamedTemporaryFile(suffix=Path(uploaded.name).suffix, delete=False) as fh:
    fh.write(uploaded.getvalue())  # the system's temporary folder: nothing inside the workspace yet
try:
    frame, reported = prepare.read_file(Path(fh.name), rel, export, vendor)
except FileValidationError as exc:
    st.error(f"{rel} is rejected: {exc.total or len(exc.failures)} problem(s). Nothing was copied or loaded.")
    st.dataframe(
        pl.DataFrame(
            {
                "Row": [f.row for f in exc.failures],
                "Column": [f.column for f in exc.failures],
                "Value": [str(f.value) for f in exc.failures],
                "Rule": [f.rule for f in exc.failures],
            },
            schema={"Row": pl.Int64, "Column": pl.String, "Value": pl.String, "Rule": pl.String},
        ),
        hide_index=True,
        width="stretch",
    )
    st.caption(exc.hint)
    st.stop()
except ScorecardError as exc:
    st.error(f"{rel} is rejected. Nothing was copied or loaded.\n\n{exc}")
    st.stop()
finally:
    Path(fh.name).unlink(missing_ok=True)

st.success(
    f"{rel}: {frame.height} valid row(s) for table '{export.table}'"
    + (f" and {reported.height} vendor-reported figure(s)" if reported is not None else "")
    + ". Nothing is loaded yet."
)
if target.exists():
    st.warning(f"{rel} already exists; Load replaces it (its earlier rows are replaced in one transaction).")
st.caption("First rows as they will be stored (timestamps in UTC, plus the vendor-local `_local` column):")
st.dataframe(frame.head(20), hide_index=True, width="stretch")
if st.button("Load into the workspace", type="primary", icon=":material/upload:"):
    try:
        uploads.save(ctx.scope, p.workspace, vendor, export, uploaded.name, uploaded.getvalue(), draft)
    except ScorecardError as exc:
        st.error(str(exc))
        st.stop()
    report = c.run_ingest(p, f"Loading {rel}")
    mine = [f for f in report.files if f.path == rel]
    ok = bool(mine) and mine[0].status != "rejected"
    message = (
        f"{rel}: {mine[0].status}, {mine[0].rows} row(s). Every page now includes it."
        if ok
        else (mine[0].message if mine else f"{rel} was not picked up by the export's files pattern.")
    )
    st.session_state["_load_result"] = (ok, message)
    st.session_state["_uploads"] = upload_round + 1  # a fresh, empty uploader
    st.rerun()
