"""Vendor Scorecard — the Streamlit app, thin over the `scorecard` library.

    streamlit run app.py -- --workspace vendors --db vendors/.scorecard.duckdb

Defaults: the demo workspace `vendors/` and `<workspace>/.scorecard.duckdb` (or SCORECARD_WORKSPACE /
SCORECARD_DB). On start the database is built or refreshed when any workspace file is newer. The view
(page, period, vendors, preset, method, weights, service-level variant) lives in the URL query, so a
link reproduces it; see `scorecard/share.py` for the keys.
"""

from __future__ import annotations

import dataclasses
import importlib.util
import sys
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent
if str(ROOT) not in sys.path:  # `app_pages` is importable under `streamlit run` and AppTest alike
    sys.path.insert(0, str(ROOT))

import streamlit as st  # noqa: E402

from app_pages import _start  # noqa: E402

# A first start (no database yet) shows the build's progress before the rest of the app is imported;
# the run stops here until the build is done (app_pages/_start.py).
_start.show_progress(_start.paths())

from app_pages import _common as c  # noqa: E402
from app_pages import _session as session  # noqa: E402
from scorecard.access.scope import Scope  # noqa: E402
from scorecard.errors import ScorecardError  # noqa: E402
from scorecard.metrics.catalogue import SL_VARIANTS  # noqa: E402
from scorecard.present import share  # noqa: E402
from scorecard.present.text import plain  # noqa: E402

#: view.page -> (page file, title, icon), in navigation order.
PAGES: dict[str, tuple[str, str, str]] = {
    "ranking": ("app_pages/ranking.py", "Ranking", ":material/leaderboard:"),
    "compare": ("app_pages/compare.py", "Compare", ":material/table_chart:"),
    "trends": ("app_pages/trends.py", "Trends", ":material/show_chart:"),
    "vendor": ("app_pages/vendor.py", "Vendor", ":material/storefront:"),
    "data": ("app_pages/data.py", "Data", ":material/upload_file:"),
    "definitions": ("app_pages/definitions.py", "Definitions", ":material/menu_book:"),
    "access": ("app_pages/access.py", "Access", ":material/admin_panel_settings:"),
}
# The quarterly review page joins the navigation (after Vendor) once its library module exists.
if importlib.util.find_spec("scorecard.review.quarter") and (ROOT / "app_pages" / "review.py").exists():
    PAGES = dict(
        [*list(PAGES.items())[:4],
         ("review", ("app_pages/review.py", "Quarterly review", ":material/summarize:")),
         *list(PAGES.items())[4:]]
    )  # fmt: skip


def _sidebar(ctx: c.Context) -> None:
    """Who is looking; period, vendors, service-level variant; the link that reproduces this view."""
    opts, scope = ctx.options, ctx.scope
    with st.sidebar:
        session.who_block(scope)
        if scope.read_only:
            return
        partial = c.partial_periods(ctx)
        st.selectbox(
            "Period",
            opts.periods,
            index=c.at(opts.periods, ctx.view.period),
            key=c.bind("period"),
            on_change=c.sync,
            args=("period",),
            format_func=lambda p: f"{p} (partial)" if p in partial else p,
            help="Vendor-local calendar: all, a year, a quarter (2026-Q2), a month (2026-04) or an ISO week. "
            "Partial: the data does not cover the period from its first to its last day.",
        )
        st.multiselect(
            "Vendors",
            opts.vendors,
            default=list(ctx.view.vendors),
            key=c.bind("vendors"),
            on_change=c.sync,
            args=("vendors",),
            format_func=lambda v: ctx.names.get(v, v),
            help="Peers appear only anonymised in your view." if scope.anonymised else None,
        )
        st.selectbox(
            "Service-level variant",
            SL_VARIANTS,
            index=c.at(SL_VARIANTS, ctx.view.sl),
            key=c.bind("sl"),
            on_change=c.sync,
            args=("sl",),
            format_func=lambda v: v.replace("_", " "),
            help="Which of the four service-level definitions is scored and shown as 'Service level'. "
            f"The workspace setting is '{ctx.settings['sl_variant']}'.",
        )
        st.divider()
        st.markdown("**Share this view**")
        base = st.context.url or "http://localhost:8501/"
        st.code(share.url(base, ctx.view), language=None, wrap_lines=False)
        st.caption(
            "Copy the link (icon at the right of the box): it opens exactly this page and settings"
            + (" for anyone who can sign in and see them." if scope.mode == "signed-in" else ".")
        )
        if scope.can_share:
            session.link_maker(ctx.paths, ctx, base)


def _pages(scope: Scope) -> dict[str, Any]:
    """The pages this scope may open; a link's one page is served at the app's root."""
    allowed = [k for k in PAGES if k in scope.pages]
    return {
        key: st.Page(
            PAGES[key][0], title=PAGES[key][1], icon=PAGES[key][2], url_path=key,
            default=key == allowed[0],
        )
        for key in allowed
    }  # fmt: skip


def _audit_view(ctx: c.Context) -> None:
    """One 'view' event per page, period and vendors shown in a session (not in local mode; not for pages
    without vendor data)."""
    v, scope = ctx.view, ctx.scope
    key = (v.page, v.period, v.vendors, v.vendor)
    if (
        scope.mode == "local"
        or v.page in ("access", "definitions")
        or st.session_state.get("_audited") == key
    ):
        return
    shown = (v.vendor,) if v.page in ("vendor", "review") else v.vendors
    detail = "peers anonymised" if scope.anonymised else ""
    session.record(
        ctx.paths, scope, "view", page=v.page, vendors=shown, detail=f"{v.period} {detail}".strip()
    )
    st.session_state["_audited"] = key


def main() -> None:
    """Decide who is looking, build or refresh the database, restore the view, and run the chosen page."""
    st.set_page_config(page_title="Vendor Scorecard", page_icon=":material/leaderboard:", layout="wide")
    p = c.paths()
    if not p.workspace.is_dir():
        st.error(f"Workspace folder {p.workspace} does not exist. Start the app with --workspace FOLDER.")
        st.stop()
    scope = session.gate(p)
    built = st.session_state.pop("_built", None)
    if built is not None:  # the first start's background build (app_pages/_start.py) just ended
        c.built_status(built, f"Building the database from {p.workspace.name}/", scope)
        st.session_state["_checked"] = True
    if "_checked" not in st.session_state or not p.db.exists():
        try:
            if c.needs_ingest(p):
                c.run_ingest(p, f"Building the database from {p.workspace.name}/", scope)
        except ScorecardError as exc:
            st.error(plain(str(exc), lines=True))
            st.stop()
        st.session_state["_checked"] = True
    pages = _pages(scope)
    try:
        ctx = c.context(p, pages, scope)
    except ScorecardError as exc:
        st.error(plain(str(exc), lines=True))
        st.stop()
    except c.DatabaseChanged:  # an ingest swapped the database in while this run read it
        st.rerun()
    nav = st.navigation(list(pages.values()), position="sidebar" if len(pages) > 1 else "hidden")
    current = next(k for k, pg in pages.items() if pg.title == nav.title)
    if scope.read_only:  # a signed link: its view, re-read from the token on every run
        view = share.decode(session.links_params(), ctx.options)
        st.session_state["view"] = dataclasses.replace(view, page=current)
        st.session_state.setdefault("_notices", list(view.notices))
    elif "view" not in st.session_state:
        view = share.decode(st.query_params.to_dict(), ctx.options)
        asked = st.session_state.pop("_start_page", None)  # the address before the first build
        address = asked if asked in pages and current == pages_default(pages) else current
        if address != pages_default(pages) and view.page != address:  # a page's own address wins
            view = dataclasses.replace(view, page=address)
        st.session_state["view"] = view
        st.session_state["_notices"] = list(view.notices)
        if view.page != current:
            st.switch_page(pages[view.page], query_params=share.encode(view))
    elif st.session_state.get("_stamp") != c.stamp(p.db):  # the workspace changed under this session
        view = share.decode(share.encode(st.session_state["view"]), ctx.options)
        st.session_state["view"] = dataclasses.replace(view, page=current, notices=())
        st.session_state["_notices"] = list(view.notices)
        for key in [k for k in st.session_state if str(k).startswith("_w_")]:
            del st.session_state[key]  # widgets re-seed from the re-validated view
        st.session_state["_scoring_gen"] = st.session_state.get("_scoring_gen", 0) + 1
    else:
        c.set_view(page=current)
    st.session_state["_stamp"] = c.stamp(p.db)
    ctx = dataclasses.replace(ctx, sl=ctx.view.sl)
    st.session_state["_ctx"] = ctx
    _query(ctx)
    _sidebar(ctx)
    _audit_view(ctx)
    for notice in st.session_state.pop("_notices", []):
        st.warning(plain(notice), icon=":material/link_off:")
    try:
        nav.run()
    except c.DatabaseChanged:  # read the new database whole rather than part old, part new
        st.rerun()
    # Again at the end: the browser may apply a page switch's address after the first update.
    _query(ctx)


def pages_default(pages: dict[str, Any]) -> str:
    """The page served at the app's root."""
    return next(iter(pages))


def _query(ctx: c.Context) -> None:
    """The address bar: the view's parameters, or for a signed link only its token."""
    if ctx.scope.read_only:
        st.query_params.from_dict({"share": st.query_params.get("share", "")})
    else:
        st.query_params.from_dict(share.encode(ctx.view))


main()
