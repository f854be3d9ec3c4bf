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

ROOT = Path(__file__).resolve().parent
if str(ROOT) not in sys.path:  # `app_pages` is importable under `streamlit run` and AppTest alike
    sys.path.insert(0, str(ROOT))

import streamlit as st  # noqa: E402

from app_pages import _common as c  # noqa: E402
from scorecard.errors import ScorecardError  # noqa: E402
from scorecard.metrics.catalogue import SL_VARIANTS  # noqa: E402
from scorecard.present import share  # noqa: E402

#: view.page -> (page file, title, icon), in navigation order.
PAGES: dict[str, tuple[str, str, str]] = {
    "ranking": ("app_pages/ranking.py", "Ranking", ":material/leaderboard:"),
    "compare": ("app_pages/compare.py", "Compare", ":material/table_chart:"),
    "trends": ("app_pages/trends.py", "Trends", ":material/show_chart:"),
    "vendor": ("app_pages/vendor.py", "Vendor", ":material/storefront:"),
    "data": ("app_pages/data.py", "Data", ":material/upload_file:"),
    "definitions": ("app_pages/definitions.py", "Definitions", ":material/menu_book:"),
}
# The quarterly review page joins the navigation (after Vendor) once its library module exists.
if importlib.util.find_spec("scorecard.review.quarter") and (ROOT / "app_pages" / "review.py").exists():
    PAGES = dict(
        [*list(PAGES.items())[:4],
         ("review", ("app_pages/review.py", "Quarterly review", ":material/summarize:")),
         *list(PAGES.items())[4:]]
    )  # fmt: skip


def _sidebar(ctx: c.Context) -> None:
    """Period, vendors, service-level variant, and the link that reproduces this view."""
    opts = ctx.options
    with st.sidebar:
        st.selectbox(
            "Period",
            opts.periods,
            index=c.at(opts.periods, ctx.view.period),
            key=c.bind("period"),
            on_change=c.sync,
            args=("period",),
            help="Vendor-local calendar: all, a year, a quarter (2026-Q2), a month (2026-04) or an ISO week.",
        )
        st.multiselect(
            "Vendors",
            opts.vendors,
            default=list(ctx.view.vendors),
            key=c.bind("vendors"),
            on_change=c.sync,
            args=("vendors",),
            format_func=lambda v: ctx.names.get(v, v),
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
        st.caption("Copy the link (icon at the right of the box): it opens exactly this page and settings.")


def main() -> None:
    """Build or refresh the database, restore the view from the URL, and run the chosen page."""
    st.set_page_config(page_title="Vendor Scorecard", page_icon=":material/leaderboard:", layout="wide")
    p = c.paths()
    if not p.workspace.is_dir():
        st.error(f"Workspace folder {p.workspace} does not exist. Start the app with --workspace FOLDER.")
        st.stop()
    if "_checked" not in st.session_state or not p.db.exists():
        try:
            if c.needs_ingest(p):
                c.run_ingest(p, f"Building the database from {p.workspace.name}/")
        except ScorecardError as exc:
            st.error(str(exc))
            st.stop()
        st.session_state["_checked"] = True
    pages = {
        key: st.Page(file, title=title, icon=icon, url_path=key, default=key == "ranking")
        for key, (file, title, icon) in PAGES.items()
    }
    try:
        ctx = c.context(p, pages)
    except ScorecardError as exc:
        st.error(str(exc))
        st.stop()
    nav = st.navigation(list(pages.values()))
    current = next(k for k, pg in pages.items() if pg.title == nav.title)
    if "view" not in st.session_state:
        view = share.decode(st.query_params.to_dict(), ctx.options)
        if current != "ranking" and view.page != current:  # a page's own address wins over a stale key
            view = dataclasses.replace(view, page=current)
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
    else:
        c.set_view(page=current)
    st.session_state["_stamp"] = c.stamp(p.db)
    ctx = dataclasses.replace(ctx, sl=ctx.view.sl)
    st.session_state["_ctx"] = ctx
    st.query_params.from_dict(share.encode(ctx.view))
    _sidebar(ctx)
    for notice in st.session_state.pop("_notices", []):
        st.warning(notice, icon=":material/link_off:")
    nav.run()
    # Again at the end: the browser may apply a page switch's address after the first update.
    st.query_params.from_dict(share.encode(ctx.view))


main()
