"""Access (admins): the access log, signed links (revoke), and who may sign in with which role."""

from __future__ import annotations

import polars as pl
import streamlit as st

from app_pages import _common as c
from app_pages import _session as session
from scorecard.present.text import plain

ctx = c.ctx()
if not ctx.scope.can_audit:  # the page is only in an admin's navigation; this guards a stale session
    st.error("The access log is for admins.")
    st.stop()
c.header(ctx, "Access", "Who signed in, what they looked at, downloaded and uploaded, and every signed link.")
log = session.store(ctx.paths.workspace)

st.subheader("Access log")
events = st.multiselect(
    "Events", ["sign-in", "denied", "view", "download", "upload", "ingest", "link-created", "link-opened",
               "link-refused", "link-revoked"], key="_access_events",
)  # fmt: skip
frame = log.events(limit=5000)
if events:
    frame = frame.filter(pl.col("event").is_in(events))
st.caption(
    f"{frame.height} event(s), newest first; times in UTC. Stored in {plain(log.path.name)} in the "
    "workspace's .scorecard folder (SQLite, so the app never writes to the database while ingest runs)."
)
st.dataframe(frame, hide_index=True, width="stretch")

st.subheader("Signed links")
issued = log.links()
if issued.is_empty():
    st.info(
        "No signed links yet. Make one from the sidebar (Signed link …) or with `scorecard share create`."
    )
else:
    st.dataframe(issued, hide_index=True, width="stretch")
    active = issued.filter(pl.col("revoked_at").is_null())["id"].to_list()
    if active:
        left, right = st.columns([2, 1], vertical_alignment="bottom")
        chosen = left.selectbox("Link", active, key="_revoke_id")
        if right.button("Revoke", icon=":material/link_off:"):
            log.revoke(chosen, ctx.scope.user)
            session.record(ctx.paths, ctx.scope, "link-revoked", detail=chosen)
            st.rerun()

st.subheader("Roles")
cfg = session.access(ctx.paths)
if cfg is None:
    st.caption("Local mode: no access configured, so nobody signs in. See the README, 'Deploy for a team'.")
else:
    st.caption(plain(f"From {cfg.source.name}; the first rule that matches a person wins."))
    st.dataframe(
        pl.DataFrame(
            {
                "Match": [r.match for r in cfg.rules],
                "Role": [r.role for r in cfg.rules],
                "Vendor(s)": [r.vendor or ", ".join(r.vendors or ()) or "all" for r in cfg.rules],
                "Pages": [", ".join(r.pages or ()) or "all of the role" for r in cfg.rules],
            }
        ),
        hide_index=True,
        width="stretch",
    )
