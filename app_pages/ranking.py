"""Ranking: preset, method and every weight; the ranked table and how far to trust it."""

from __future__ import annotations

import polars as pl
import streamlit as st

from app_pages import _common as c
from app_pages import _ranking_panels as panels
from scorecard import periods
from scorecard.errors import ScorecardError
from scorecard.present import format as fmt
from scorecard.present import share
from scorecard.present.text import plain
from scorecard.scoring import comparable, verdict
from scorecard.scoring.presets import MAX_WEIGHT

ctx = c.ctx()
c.header(ctx, "Ranking", "Which vendor scores best under the agreed weights — and how robust that is.")
if not ctx.view.vendors:
    st.info("Select at least one vendor in the sidebar.")
    st.stop()


def _generation() -> int:
    """The weight and method inputs' generation: a new one whenever the view's scoring is replaced.

    A widget's identity is its key, and the browser keeps a widget's value for as long as its identity
    lives: re-created under the same key after a preset switch or a reset, an input would show the new
    value once and send its old one back with the next interaction. New keys make new inputs.
    """
    return st.session_state.setdefault("_scoring_gen", 0)


def _key(name: str) -> str:
    return f"_w_{name}~{_generation()}"


def _renew() -> None:
    st.session_state["_scoring_gen"] = _generation() + 1
    for key in [k for k in st.session_state if str(k).startswith(("_w_w_", "_w_method~"))]:
        del st.session_state[key]


def _on_preset() -> None:
    st.session_state["view"] = share.with_preset(ctx.view, ctx.options, st.session_state["_w_preset"])
    _renew()


def _on_method() -> None:
    c.set_view(method=st.session_state[_key("method")])


def _on_partial() -> None:
    c.set_view(partial=bool(st.session_state["_w_partial"]))


def _on_weight(kpi_id: str) -> None:
    new = st.session_state[_key(f"w_{kpi_id}")]
    c.set_view(weights=tuple((k, float(new) if k == kpi_id else w) for k, w in ctx.view.weights))


def _reset() -> None:
    choice = ctx.options.presets[ctx.view.preset]
    c.set_view(weights=choice.weights, method=choice.method)
    _renew()


def _bounds(rule) -> str:
    if rule.method == "lowest_bid":
        return "points = 100 × lowest bid / this bid"
    if not rule.has_bounds:
        return "points relative to the best and worst vendor"
    target = fmt.bound(rule.kpi, rule.target, ctx.currency)
    return f"target {target}, floor {fmt.bound(rule.kpi, rule.floor, ctx.currency)}"


chosen = c.preset(ctx.paths.workspace, ctx.view.preset)
fixed = ctx.scope.locked or ctx.scope.read_only  # a vendor's view or a signed link: scoring cannot change
left, right = st.columns([1, 2.6], gap="large")
with left:
    st.selectbox(
        "Preset",
        list(ctx.options.presets),
        index=c.at(ctx.options.presets, ctx.view.preset),
        key=c.bind("preset"),
        on_change=_on_preset,
        format_func=lambda n: c.preset(ctx.paths.workspace, n).name,
        help=plain(chosen.description) or None,
        disabled=fixed,
    )
    st.radio(
        "Method",
        share.METHODS,
        index=c.at(share.METHODS, ctx.view.method),
        key=_key("method"),
        on_change=_on_method,
        horizontal=True,
        help="fixed: points against fixed targets and floors (adding a bidder never reorders the others); "
        "relative: points between the best and the worst vendor compared.",
        disabled=fixed,
    )
    st.toggle(
        "Rank partial vendors too",
        value=ctx.view.partial,
        key="_w_partial",
        on_change=_on_partial,
        help=f"A vendor whose data cover less than {comparable.MIN_COVERAGE:.0%} of the period's days is "
        "not ranked (its KPIs describe other days than its peers'); switch on to rank it anyway, flagged.",
    )
    st.markdown(
        "**Weights** — fixed in this view"
        if fixed
        else "**Weights** — change one and the ranking updates at once"
    )
    rules = {r.kpi: r for r in chosen.rules}
    priced = ctx.data("bids", str(ctx.paths.workspace), ctx.view.preset, ctx.view.period)  # None: billed
    label = panels.kpi_label(ctx, priced)
    total = sum(w for _, w in ctx.view.weights)
    for kpi_id, weight in ctx.view.weights:
        k = ctx.kpi(kpi_id)
        box, share_col = st.columns([3, 1], vertical_alignment="bottom")
        box.number_input(
            label(kpi_id),
            min_value=0.0,
            max_value=MAX_WEIGHT,
            step=1.0,
            format="%g",
            value=float(weight),
            key=_key(f"w_{kpi_id}"),
            on_change=_on_weight,
            args=(kpi_id,),
            help=f"{k.definition}. Scored with {_bounds(rules[kpi_id])}. A weight from 0 to 1,000; "
            "the score divides by the total, so what counts is the share.",
            disabled=fixed,
        )
        share_col.markdown(f"**{fmt.percent(weight / total if total else None)}**")
    st.caption(f"Total weight {fmt.by_unit(total, 'weight')} = 100% of the score.")
    changed = c.changed_weights(ctx.view, ctx.options)
    if changed:
        st.badge("Changed from preset", icon=":material/edit:", color="orange")
        st.caption(
            "; ".join(
                f"{ctx.kpi(k).label} {fmt.by_unit(old, 'weight')} → {fmt.by_unit(new, 'weight')}"
                for k, old, new in changed
            )
        )
    if not fixed:
        st.button("Reset to the preset's weights", on_click=_reset, icon=":material/restart_alt:")

try:
    result, stab = c.ranked(ctx)
except ScorecardError as exc:
    with right:
        st.error(plain(str(exc), lines=True))
    st.stop()

names = ctx.names
few = panels.few_events(stab)
boot = {r["vendor_id"]: r for r in stab.bootstrap.iter_rows(named=True)} if stab.bootstrap is not None else {}
first = {r["vendor_id"]: r["p_rank_1"] for r in stab.rank_probabilities.iter_rows(named=True)}


cover = result.comparability


def _days(vendor: str) -> str:
    """`91/91 days`, `⚠ 61/91 days` when ranked although under the threshold."""
    mine = cover.of(vendor) if cover is not None else None
    if mine is None:
        return fmt.MISSING
    return (
        "⚠ " if mine.status == comparable.FLAGGED else ""
    ) + f"{mine.covered_days}/{mine.window_days} days"


def _flags(vendor: str, coverage: float) -> str:
    out = [] if coverage >= 1 - 1e-12 else [f"⚠ incomplete data ({fmt.percent(coverage, 0)} of the weight)"]
    mine = cover.of(vendor) if cover is not None else None
    if mine is not None and mine.covered_days < mine.window_days:
        under = f", under {comparable.MIN_COVERAGE:.0%}" if mine.status == comparable.FLAGGED else ""
        out.append(f"⚠ data on part of the period ({mine.describe()}{under})")
    for r in few.filter(pl.col("vendor_id") == vendor).iter_rows(named=True):
        out.append(
            f"⚠ too few events: {ctx.kpi(r['kpi']).label} ({fmt.count(r['events'])} < {r['min_events']:g})"
        )
    return "; ".join(out)


def _interval(row: dict) -> str:
    """`85.7–95.3`, or why there is none (a monthly source cannot be resampled by day)."""
    note = row.get("note") or ""
    if note.startswith("not available"):
        return note
    return fmt.interval(row.get("score_low"), row.get("score_high"))


def _cell(kpi_id: str, row: dict) -> str:
    """A KPI's value beside its points: `85.9% · 100.0 pts`."""
    value = fmt.value(kpi_id, row.get(kpi_id), ctx.currency)
    pts = row.get(f"{kpi_id}_points")
    return value if pts is None else f"{value} · {fmt.points(pts)} pts"


own = set(ctx.options.vendors)
rows = []
for r in result.table.iter_rows(named=True):
    v = r["vendor_id"]
    row = {
        "Rank": r["rank"],
        "Vendor": names.get(v, v),
        "Score": r["score"],
        "90% interval": _interval(boot.get(v, {})),
        "P(first)": fmt.percent(first.get(v), 0),
        "Days covered": _days(v),
        "Coverage": fmt.percent(r["coverage"]),
    }
    row |= {label(k): _cell(k, r) for k in result.preset.kpi_ids}
    row["Flags"] = _flags(v, r["coverage"])
    row["Details"] = c.page_link(ctx, "vendor", vendor=v) if v in own else None
    row["Review"] = c.page_link(ctx, "review", vendor=v) if v in own else None
    rows.append(row)


call = verdict.verdict(result, stab)
with right:
    if cover is not None:  # which days each vendor covers comes first: it says what the ranking compares
        said = cover.summary(names, option="the switch “Rank partial vendors too”")
        if cover.same_days:
            st.caption(plain(said[0]))
        else:
            st.warning(plain("\n".join(said), lines=True), icon=":material/date_range:")
    text = verdict.headline(call, names, chosen.name, result.method)
    if call.kind == "clear":
        st.success(plain(text), icon=":material/emoji_events:")
    elif call.kind in ("close", "tie"):
        st.warning(plain(text), icon=":material/balance:")
    else:
        st.info(plain(text))
    # the days the comparison reads (contact days), not every dated row (an invoice spans its month)
    span = (cover.start, cover.end) if cover is not None else ctx.data("date_span")
    partial = periods.coverage(ctx.period(), *span).describe()
    if partial:
        st.caption(f"⚠ {plain(partial)} Scores cover only those days.")
    fragile = verdict.fragility(call, names)
    st.caption(
        plain(fragile)
        if fragile
        else "Removing any one vendor leaves the order of the others unchanged (leave-one-out)."
    )
    kpi_help = panels.kpi_columns(ctx, result.preset.kpi_ids, label)
    st.dataframe(
        pl.DataFrame(rows, infer_schema_length=None),
        hide_index=True,
        width="stretch",
        column_config={
            "Rank": st.column_config.NumberColumn(pinned=True),
            "Vendor": st.column_config.TextColumn(pinned=True),
            "Score": st.column_config.NumberColumn(
                format="%.1f", help="Σ weight × points / Σ weight (0–100)"
            ),
            "90% interval": st.column_config.TextColumn(
                help="Score interval from resampling days (block bootstrap)"
            ),
            "Days covered": st.column_config.TextColumn(
                help="Days of the period the vendor's data cover (runs of up to "
                f"{comparable.MAX_CLOSED_DAYS} days without data count as closed days) / days compared"
            ),
            "Coverage": st.column_config.TextColumn(
                help="Share of the preset's weight with data for the vendor"
            ),
            "P(first)": st.column_config.TextColumn(
                help="Share of weight perturbations in which the vendor ranks first"
            ),
            **kpi_help,
            "Flags": st.column_config.TextColumn(
                width="large", help="Incomplete data; too few events to separate vendors"
            ),
            "Details": st.column_config.LinkColumn(
                display_text="Vendor page", help="This vendor's programs, daily series and sources"
            ),
            "Review": st.column_config.LinkColumn(
                display_text="Quarterly review", help="This vendor's quarter against its contract"
            ),
        },
    )
    panels.bid_notes(priced, names, ctx.currency)
    panels.not_ranked(cover, names)
    panels.missing_values(ctx, result, names, own)
    order = result.table["vendor_id"].to_list()
    tabs = st.tabs(list(panels.PANELS), key="_ranking_panel", on_change="rerun")
    for tab, draw in zip(tabs, panels.PANELS.values(), strict=True):
        if tab.open:
            with tab:
                draw(ctx, stab, names, order)
    for note in stab.notes:
        st.caption(note)
