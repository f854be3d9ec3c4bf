"""The review as one self-contained HTML file: tables for every number, Altair charts, A4 print styles.

Every number is in an HTML table, so the file reads fully offline and prints on A4. The charts are
Vega-Lite specs embedded in the page. They render when a Vega library is present: inlined from the
`vl-convert-python` package when it is installed, else loaded from a CDN only when asked
(`charts_cdn=True`); without either, the page makes no network request and shows the tables alone.
"""

from __future__ import annotations

import html
import json
from datetime import UTC, datetime
from importlib import resources
from typing import Any

import altair as alt
import polars as pl

from scorecard.review.quarter import Review
from scorecard.review.report import Table, fmt, review_tables, target_text

_TEXT_UNITS = ("text", "bool")
_ID = ' class="id"'
_NOWRAP = frozenset({"month", "period", "target", "status", "time", "side"})
_CDN = "https://cdn.jsdelivr.net/npm"
_EMBED_JS = """
document.querySelectorAll("div.vega[data-spec]").forEach(function (el) {
  if (typeof vegaEmbed !== "function") return;
  var spec = JSON.parse(document.getElementById(el.dataset.spec).textContent);
  el.textContent = "";
  vegaEmbed(el, spec, {actions: false, renderer: "svg"}).catch(function (err) { el.textContent = err; });
});
"""


def _e(text: Any) -> str:
    return html.escape(str(text), quote=True)


def _json_script(spec: dict[str, Any]) -> str:
    """JSON safe inside a <script> element (no `</script>` or `<!--` can appear)."""
    text = json.dumps(spec, sort_keys=True)
    return text.replace("<", "\\u003c").replace(">", "\\u003e").replace("&", "\\u0026")


def _cell(table: Table, column: str, row: dict[str, Any]) -> str:
    unit = table.unit(column, row)
    value = row[column]
    classes = []
    if unit.lstrip("+") not in _TEXT_UNITS:
        classes.append("num")
    if column == "status" and value:
        classes.append("status-" + str(value).replace(" ", "-"))
    if column in ("sha256", "fingerprint"):
        classes.append("code")
    if column in _NOWRAP:
        classes.append("nw")
    if column == "kpi" and "label" in table.columns:
        classes.append("id")
    raw = "" if value is None or not classes or "num" not in classes else f' data-value="{_e(value)}"'
    cls = f' class="{" ".join(classes)}"' if classes else ""
    return f"<td{cls}{raw}>{_e(fmt(value, unit))}</td>"


def render_table(table: Table, highlight: str | None = None) -> str:
    """One section table; rows whose vendor_id equals `highlight` are marked."""
    head = "".join(
        f"<th{_ID if c == 'kpi' and 'label' in table.columns else ''}>{_e(table.header(c))}</th>"
        for c in table.columns
    )
    rows = []
    for row in table.frame.iter_rows(named=True):
        me = ' class="me"' if highlight is not None and row.get("vendor_id") == highlight else ""
        rows.append(f"<tr{me}>" + "".join(_cell(table, c, row) for c in table.columns) + "</tr>")
    body = "\n".join(rows) or f'<tr><td colspan="{len(table.columns)}">(none)</td></tr>'
    return (
        f'<div class="wide"><table id="t-{table.key}">\n<thead><tr>{head}</tr></thead>\n'
        f"<tbody>\n{body}\n</tbody>\n</table></div>"
    )


def _findings_html(review: Review, table: Table) -> str:
    if not review.findings:
        return "<p>Every KPI with a target is within its band.</p>"
    parts = []
    for f, row in zip(review.findings, table.frame.iter_rows(named=True), strict=True):
        unit = row["_unit"]
        head = (
            f"{_e(f.label)}: {_e(fmt(f.value, unit))} "
            f"(target {_e(target_text(f.target_low, f.target_high, unit))}, {_e(f.source)})"
        )
        body = [f'<div class="finding {_e(f.source)}" id="finding-{_e(f.kpi)}"><h3>{head}</h3>']
        if f.advice:
            body.append(f"<p>{_e(f.advice.summary)}</p><p>Likely causes:</p><ul>")
            body += [f"<li>{_e(c)}</li>" for c in f.advice.causes]
            body.append("</ul><p>Checks to make:</p><ul>")
            body += [f"<li>{_e(c)}</li>" for c in f.advice.checks]
            body.append("</ul>")
        parts.append("".join(body) + "</div>")
    return "\n".join(parts)


def review_charts(review: Review) -> dict[str, alt.TopLevelMixin]:
    """Altair charts keyed by the section they follow: SLA terms by month, interval profile, scores."""
    charts: dict[str, alt.TopLevelMixin] = {}
    sla = review.attainment.filter(pl.col("period").str.len_chars() == 7)
    if sla.height:
        bands = {t.kpi: t.target for t in review.contract.terms}
        data = sla.with_columns(
            pl.col("kpi")
            .replace_strict(
                {k: (v if isinstance(v, float) else v[0]) for k, v in bands.items()}, return_dtype=pl.Float64
            )
            .alias("target_value")
        )
        base = alt.Chart(data)
        line = base.mark_line(point=True).encode(
            x=alt.X("period:O", title="month"), y=alt.Y("value:Q", title="value"), tooltip=["period", "value"]
        )
        rule = base.mark_rule(strokeDash=[4, 4], color="#b3261e").encode(y="target_value:Q")
        charts["sla"] = (
            alt.layer(line, rule).facet(column=alt.Column("kpi:N", title=None)).resolve_scale(y="independent")
        )
    if review.profile.height:
        charts["profile"] = (
            alt.Chart(review.profile)
            .mark_bar()
            .encode(
                x=alt.X("time:O", title="interval start (local)"),
                y=alt.Y(
                    "attainment_rate:Q", title="share of intervals meeting target", axis=alt.Axis(format="%")
                ),
                tooltip=["time", "intervals", "meeting"],
            )
            .properties(width=560, height=180)
        )
    if review.ranking.height:
        data = review.ranking.with_columns((pl.col("vendor_id") == review.vendor_id).alias("reviewed"))
        charts["ranking"] = (
            alt.Chart(data)
            .mark_bar()
            .encode(
                x=alt.X("score:Q", scale=alt.Scale(domain=[0, 100])),
                y=alt.Y("vendor_id:N", sort="-x", title=None),
                color=alt.Color("reviewed:N", legend=None, scale=alt.Scale(range=["#9aa5b1", "#c77700"])),
            )
            .properties(width=560, height=24 * data.height)
        )
    return charts


def _vega_script(charts_cdn: bool) -> str:
    """The Vega libraries: inlined from vl-convert when installed, from a CDN when asked, else none."""
    try:
        from altair.utils._importers import import_vl_convert, vl_version_for_vl_convert

        bundle = import_vl_convert().javascript_bundle(vl_version=vl_version_for_vl_convert())
        return "<script>" + bundle.replace("</script", "<\\/script") + "</script>"
    except (ImportError, RuntimeError):
        pass
    if not charts_cdn:
        return ""
    libs = [
        ("vega", alt.VEGA_VERSION),
        ("vega-lite", alt.VEGALITE_VERSION),
        ("vega-embed", alt.VEGAEMBED_VERSION),
    ]
    return "\n".join(f'<script src="{_CDN}/{name}@{ver}"></script>' for name, ver in libs)


def _figure(key: str, chart: alt.TopLevelMixin) -> str:
    spec = chart.to_dict()
    return (
        f'<figure class="chart"><div class="vega" data-spec="spec-{key}">'
        '<p class="vega-fallback">Chart embedded as a Vega-Lite spec; the numbers are in the table above.</p>'
        f'</div><script type="application/json" id="spec-{key}">{_json_script(spec)}</script></figure>'
    )


def render_html(review: Review, charts_cdn: bool = False, generated_at: datetime | None = None) -> str:
    """The whole report as one HTML document."""
    when = (generated_at or datetime.now(UTC)).strftime("%Y-%m-%d %H:%M UTC")
    css = resources.files("scorecard.review.report").joinpath("report.css").read_text(encoding="utf-8")
    charts = review_charts(review)
    tables = review_tables(review)
    toc = "".join(f'<li><a href="#{t.key}">{_e(t.title)}</a></li>' for t in tables)
    sections = []
    for t in tables:
        body = _findings_html(review, t) if t.key == "findings" else render_table(t, review.vendor_id)
        note = f'<p class="note">{_e(t.note)}</p>' if t.note else ""
        figure = _figure(t.key, charts[t.key]) if t.key in charts else ""
        major = (
            ' class="major"'
            if t.key in ("kpis", "contract", "intervals", "ranking", "findings", "sources")
            else ""
        )
        sections.append(f'<section id="{t.key}"{major}><h2>{_e(t.title)}</h2>{note}{body}{figure}</section>')
    title = f"Quarterly review: {review.vendor_name} ({review.vendor_id}), {review.quarter.label}"
    return f"""<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta name="scorecard-fingerprint" content="{_e(review.fingerprint)}">
<title>{_e(title)}</title>
<style>
{css}</style>
{_vega_script(charts_cdn)}
</head>
<body>
<header>
<h1>{_e(title)}</h1>
<p>Generated {_e(when)} · vendor currency {_e(review.currency)} · base currency {_e(review.base_currency)}
 · data fingerprint <span class="fingerprint">{_e(review.fingerprint)}</span></p>
</header>
<nav><ul>{toc}</ul></nav>
{chr(10).join(sections)}
<script>{_EMBED_JS}</script>
</body>
</html>
"""
