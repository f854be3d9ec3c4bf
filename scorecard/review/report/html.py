"""The review as one self-contained HTML file: a first page for the meeting, then every table, A4 print.

Every chart is a static SVG rendered by `vl-convert` when the report is written, so the file shows its
charts offline, in print and in any mail client; every number is also in an HTML table.
"""

from __future__ import annotations

import html
from datetime import UTC, datetime
from importlib import resources
from typing import Any

import altair as alt

from scorecard.present import format as number
from scorecard.review import front
from scorecard.review.quarter import Review
from scorecard.review.report import Table, fmt, review_tables, target_text
from scorecard.review.report import charts as review_charts

_TEXT_UNITS = ("text", "bool")
_NOWRAP = frozenset({"month", "period", "target", "status", "time", "side"})


def _e(text: Any) -> str:
    return html.escape(str(text), quote=True)


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
    raw = "" if value is None or not classes or "num" not in classes else f' data-value="{_e(value)}"'
    cls = f' class="{" ".join(classes)}"' if classes else ""
    return f"<td{cls}{raw}>{_e(fmt(value, unit))}</td>"


def render_table(table: Table) -> str:
    """One section table; the reviewed vendor's row (hidden `_me` column) is marked."""
    head = "".join(f"<th>{_e(table.header(c))}</th>" for c in table.columns)
    rows = []
    for row in table.frame.iter_rows(named=True):
        me = ' class="me"' if row.get("_me") else ""
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


def _svg(chart: alt.TopLevelMixin | None, title: str) -> str:
    if chart is None:
        return ""
    return f'<figure class="chart" aria-label="{_e(title)}">{review_charts.svg(chart)}</figure>'


def section_charts(review: Review) -> dict[str, str]:
    """Static SVG figures keyed by the section they follow."""
    headline = [t.kpi for t in front.tiles(review)]
    sla = [t.kpi for t in review.contract.terms]
    return {
        "trend": _svg(review_charts.trend(review, headline), "Monthly trend"),
        "sla": _svg(review_charts.trend(review, list(dict.fromkeys(sla))), "SLA terms by month")
        if sla
        else "",
        "profile": _svg(review_charts.profile(review), "Interval attainment by time of day"),
        "ranking": _svg(review_charts.ranking(review), "Scores"),
    }


def _tile(t: front.Tile, previous: str) -> str:
    change = f"{t.arrow} {t.change_text} vs {previous}" if t.change_text else f"no value for {previous}"
    return (
        f'<div class="tile {_e(t.status.replace(" ", "-"))}"><div class="k">{_e(t.label)}</div>'
        f'<div class="v">{_e(t.value_text)}</div>'
        f'<div class="t">target {_e(t.target_text)} · {_e(t.source)} · '
        f'<b>{_e(t.status)}</b></div><div class="c">{_e(change)}</div></div>'
    )


def front_html(review: Review) -> str:
    """The first page: KPI tiles, rank among peers, the credits waterfall and reconciliation, top findings."""
    page = front.front_page(review)
    rank = (
        f"Rank <b>{page.rank}</b> of {page.ranked} under preset '{_e(review.preset.name)}' "
        f"with a score of <b>{_e(fmt(page.score, 'score'))}</b>"
        if page.rank is not None
        else "Not ranked (no score for this quarter)"
    )
    partial = review.coverage.describe()
    facts = f'<p class="facts">{rank}.{" <b>" + _e(partial) + "</b>" if partial else ""}</p>'
    if page.invoice_alert:
        facts += f'<p class="facts alert"><b>{_e(page.invoice_alert)}</b></p>'
    tiles = "".join(_tile(t, review.previous) for t in page.tiles)
    rec = page.reconciliation
    both = page.currency != page.base_currency  # one column when the vendor bills in the base currency
    rows = "".join(
        f'<tr><td>{_e(r["line"])}</td><td class="num">{_e(fmt(r["vendor_currency"], _cur(page.currency)))}'
        + (f'</td><td class="num">{_e(fmt(r["base_currency"], _cur(page.base_currency)))}' if both else "")
        + "</td></tr>"
        for r in rec.iter_rows(named=True)
    )
    base = f"<th>{_e(page.base_currency)} (base)</th>" if both else ""
    table = (
        f'<table id="t-reconciliation"><thead><tr><th>Cost of the quarter</th>'
        f"<th>{_e(page.currency)}</th>{base}</tr></thead><tbody>{rows}</tbody></table>"
    )
    items = "".join(
        f"<li><b>{_e(f.label)}</b> {_e(fmt(f.value, _unit(review, f.kpi)))} "
        f"(target {_e(target_text(f.target_low, f.target_high, _unit(review, f.kpi)))}, {_e(f.source)})"
        f"{': ' + _e(f.advice.summary) if f.advice else ''}</li>"
        for f in page.findings
    )
    findings = f"<ol>{items}</ol>" if items else "<p>Every KPI with a target is within its band.</p>"
    return (
        f'<section id="front" class="front">{facts}<div class="tiles">{tiles}</div>'
        f'<div class="money">{_svg(review_charts.waterfall(page), "Credits: invoiced to net cost")}'
        f"{table}</div><h2>Top findings</h2>{findings}</section>"
    )


def _cur(code: str) -> str:
    return f"currency:{code}"


def _unit(review: Review, kpi_id: str) -> str:
    return number.kpi_unit(kpi_id, review.base_currency)


def render_html(review: Review, generated_at: datetime | None = None) -> str:
    """The whole report as one HTML document: the first page, then every section with its chart."""
    when = (generated_at or datetime.now(UTC)).strftime("%Y-%m-%d %H:%M UTC")
    css = resources.files("scorecard.review.report").joinpath("report.css").read_text(encoding="utf-8")
    charts = section_charts(review)
    tables = review_tables(review)
    toc = "".join(f'<li><a href="#{t.key}">{_e(t.title)}</a></li>' for t in tables)
    sections = []
    for t in tables:
        body = _findings_html(review, t) if t.key == "findings" else render_table(t)
        note = f'<p class="note">{_e(t.note)}</p>' if t.note else ""
        major = ' class="major"' if t.key in MAJOR else ""
        figure = charts.get(t.key, "")
        sections.append(f'<section id="{t.key}"{major}><h2>{_e(t.title)}</h2>{note}{figure}{body}</section>')
    title = f"Quarterly review: {review.vendor_name}, {review.quarter.label}"
    return f"""<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta name="scorecard-fingerprint" content="{_e(review.fingerprint)}">
<title>{_e(title)}</title>
<style>
{css}</style>
</head>
<body>
<header>
<h1>{_e(title)}</h1>
<p>Generated {_e(when)} · amounts in {_e(review.currency)} (the vendor's invoices) and
 {_e(review.base_currency)} (base currency) · definitions and sources from page 2 on</p>
</header>
{front_html(review)}
<nav><h2>Contents</h2><ul>{toc}</ul></nav>
{chr(10).join(sections)}
</body>
</html>
"""


#: Sections that start a new printed page.
MAJOR = frozenset({"kpis", "contract", "intervals", "ranking", "findings", "sources"})
