"""The Data page's audits: the rules the data as a whole must keep (queries/audits), run on the database
as it stands. Only for those who see every vendor: an audit's first offending row may name any vendor."""

from __future__ import annotations

import streamlit as st

from app_pages import _common as c
from scorecard.present.text import plain
from scorecard.sql import audits


@st.cache_data(show_spinner="Running the data audits…")
def _run(p: c.Paths, version: float) -> tuple[tuple[str, ...], tuple[str, ...], float]:
    """The audits of one version of the database: names passed, one line per failure, seconds."""
    result = c.read(p, audits.run, version=version)
    return result.passed, tuple(f.summary() for f in result.failures), result.seconds


def section(ctx: c.Context) -> None:
    """A button that runs the audits (a few seconds) and says which rules hold."""
    if ctx.scope.vendors is not None:
        return
    st.subheader("Data audits")
    st.caption(
        "Rules the data as a whole must keep: one row per call id and vendor, programs adding up to their "
        "vendor, rates between 0 and 100%, an FX rate for every month with costs or revenue, ... Every "
        "ingest runs them and reports a broken one as a warning; `scorecard audit` runs them again."
    )
    if not st.button("Run the data audits", key="_run_audits", icon=":material/rule:"):
        return
    passed, failed, seconds = _run(ctx.paths, ctx.version)
    if failed:
        head = f"{len(failed)} of {len(passed) + len(failed)} audits fail:"
        st.warning(plain("\n".join([head, *failed]), lines=True), icon=":material/rule:")
    else:
        st.success(f"Every audit passed ({len(passed)}), in {seconds:.1f} s.", icon=":material/rule:")
