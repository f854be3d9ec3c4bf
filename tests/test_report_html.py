"""The HTML report: parsed back, its key figures asserted against the hand-worked fixture of test_review."""

from __future__ import annotations

import re
from datetime import UTC, datetime
from html.parser import HTMLParser

import duckdb
import pytest
from test_review import FILES, build_review_db, make_review

from scorecard.review.quarter import Review
from scorecard.review.report.html import render_html

WHEN = datetime(2026, 7, 2, 8, 30, tzinfo=UTC)


class Page(HTMLParser):
    """Collects every table (by id) as rows of cell texts, the JSON scripts, script sources and headings."""

    def __init__(self) -> None:
        super().__init__()
        self.tables: dict[str, list[list[str]]] = {}
        self.specs: dict[str, str] = {}
        self.script_src: list[str] = []
        self.h3: list[str] = []
        self.meta: dict[str, str] = {}
        self._table: str | None = None
        self._cell: list[str] | None = None
        self._json: str | None = None
        self._h3: list[str] | None = None

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        a = dict(attrs)
        if tag == "table":
            self._table = a["id"]
            self.tables[self._table] = []
        elif tag == "tr" and self._table:
            self.tables[self._table].append([])
        elif tag in ("td", "th") and self._table:
            self._cell = []
        elif tag == "script" and a.get("type") == "application/json":
            self._json = a["id"]
            self.specs[self._json] = ""
        elif tag == "script" and a.get("src"):
            self.script_src.append(a["src"] or "")
        elif tag == "h3":
            self._h3 = []
        elif tag == "meta" and a.get("name"):
            self.meta[a["name"] or ""] = a.get("content") or ""

    def handle_endtag(self, tag: str) -> None:
        if tag in ("td", "th") and self._cell is not None and self._table:
            self.tables[self._table][-1].append("".join(self._cell))
            self._cell = None
        elif tag == "table":
            self._table = None
        elif tag == "script":
            self._json = None
        elif tag == "h3" and self._h3 is not None:
            self.h3.append("".join(self._h3))
            self._h3 = None

    def handle_data(self, data: str) -> None:
        if self._cell is not None:
            self._cell.append(data)
        if self._json is not None:
            self.specs[self._json] += data
        if self._h3 is not None:
            self._h3.append(data)


def parse(text: str) -> Page:
    page = Page()
    page.feed(text)
    return page


@pytest.fixture(scope="module")
def review() -> Review:
    return make_review()


@pytest.fixture(scope="module")
def text(review: Review) -> str:
    return render_html(review, generated_at=WHEN)


@pytest.fixture(scope="module")
def page(text: str) -> Page:
    return parse(text)


def rows_by_first(page: Page, table: str) -> dict[str, list[str]]:
    return {r[0]: r[1:] for r in page.tables[table][1:]}


def test_first_page_tiles_rank_and_top_findings(page: Page, text: str) -> None:
    front = text[text.index('<section id="front"') : text.index("</section>")]
    # Rank 2 of 3 (beta 55.0, acme 51.6, gamma 30.0; see test_review).
    assert "Rank <b>2</b> of 3 under preset 'Quarterly review' with a score of <b>51.6</b>." in front
    # Contract terms first: abandonment 2/14 = 14.3 % against ≤ 10 %, up from 0/2 in March (+14.3 pp, worse);
    # service level 10/14 = 71.4 % against ≥ 80 %, down from 2/2 (−28.6 pp).
    assert (
        '<div class="tile missed"><div class="k">Abandonment</div><div class="v">14.3%</div>'
        '<div class="t">target ≤ 10% · contract · <b>missed</b></div>'
        '<div class="c">↑ +14.3 pp (worse) vs 2026-Q1</div></div>'
    ) in front
    assert '<div class="c">↓ -28.6 pp (worse) vs 2026-Q1</div>' in front
    assert front.count('<div class="tile ') == 8
    assert front.count("<svg") == 1  # the credits waterfall, static
    assert "<li><b>Abandonment</b> 14.3% (target ≤ 10%, contract): " in front
    assert front.count("<li>") == 3


def test_cost_per_handled_call_before_and_after_credits_reconciled(page: Page) -> None:
    rec = rows_by_first(page, "t-reconciliation")
    # Invoices 3 × 10,000 USD, a −600 USD credit note in May; credits owed 600 (May: min(5 % + 3 %, cap 6 %)
    # × 10,000); 12 handled calls; 0.9 EUR per USD.
    assert rec["Invoiced (invoices + adjustments)"] == ["$30,000.00", "€27,000.00"]
    assert rec["Credit notes received (in the cost data)"] == ["-$600.00", "-€540.00"]
    assert rec["Cost as billed"] == ["$29,400.00", "€26,460.00"]  # 30,000 − 600
    # as billed per call: 29,400 / 12 = 2,450 USD = 2,205 EUR, the KPI cost_per_call of Compare
    assert rec["Cost per handled call, as billed (as billed ÷ the quarter's handled calls)"] == [
        "$2,450.00",
        "€2,205.00",
    ]
    assert rec["SLA credits owed under the contract"] == ["$600.00", "€540.00"]
    assert rec["Net cost after SLA credits (invoiced − owed + earned back)"] == ["$29,400.00", "€26,460.00"]
    assert rec["Cost per handled call, after SLA credits"] == ["$2,450.00", "€2,205.00"]
    # the KPI of Compare and Ranking: cost over the compared days only, the days from the first call
    # (10 April) to the last (15 June) of the vendors: 29,400 USD less 1–9 April (9/30 × 10,000 = 3,000)
    # and 16–30 June (15/30 × 10,000 = 5,000) = 21,400 USD × 0.9 = 19,260 EUR / 12 calls = 1,605 EUR;
    # no USD value (the KPI is in the base currency)
    assert rec["Cost per handled call over the compared days (the KPI on Compare and Ranking)"] == [
        "—",
        "€1,605.00",
    ]
    # the May credit note settles the credit owed: nothing left to receive
    assert rec["Still to be settled (as billed − net; below zero: due back to the vendor)"] == [
        "$0.00",
        "€0.00",
    ]


def test_kpi_table_against_target_previous_and_peers(page: Page) -> None:
    kpis = {r[0]: r for r in page.tables["t-kpis"][1:]}
    assert page.tables["t-kpis"][0] == [
        "KPI", "Value", "Previous", "Change", "Peer median", "Peers", "Target", "Target from", "Status",
        "Note",
    ]  # fmt: skip
    # 10/14 = 71.4 %, March 100 %, change −28.6 pp, peers 1.0 and 0.5 -> 75 %. Shown once (the configured
    # variant repeats the headline).
    assert kpis["Service level (negative)"] == [
        "Service level (negative)", "71.4%", "100.0%", "-28.6 pp", "75.0%", "2", "≥ 80%", "contract", "low",
        "—",
    ]  # fmt: skip
    assert [r[0] for r in page.tables["t-kpis"]].count("Service level (negative)") == 1
    assert kpis["Average handle time"][1:9] == [
        "2:10", "2:10", "+0.0 s", "2:10", "2", "3:00–10:00", "catalogue", "low",
    ]  # fmt: skip
    assert kpis["Schedule adherence"][1:] == [
        "—", "—", "—", "—", "0", "≥ 92%", "catalogue", "no data", "no agent time data",
    ]  # fmt: skip


def test_monthly_trend(page: Page) -> None:
    trend = {r[0]: r[1:] for r in page.tables["t-trend"]}
    assert trend["KPI"] == ["2026-03", "2026-04", "2026-05", "2026-06"]
    # Abandonment by month: 0/2, 0/5, 2/5, 0/4; ASA: 10, (4×10 + 30)/5 = 14, (2×10 + 30)/3 = 16.7, 10.
    assert trend["Abandonment"] == ["0.0%", "0.0%", "40.0%", "0.0%"]
    assert trend["Average speed of answer"] == ["10.0 s", "14.0 s", "16.7 s", "10.0 s"]


def test_credit_tables(page: Page) -> None:
    credits = rows_by_first(page, "t-credits")
    assert page.tables["t-credits"][0][1] == "Invoice (USD)"
    assert credits["2026-05"] == [
        "$10,000.00", "$0.00", "-$600.00", "$800.00", "$600.00", "$600.00", "$0.00", "$9,400.00",
    ]  # fmt: skip
    assert credits["2026-Q2"] == [
        "$30,000.00", "$0.00", "-$600.00", "$800.00", "$1,800.00", "$600.00", "$0.00", "$29,400.00",
    ]  # fmt: skip
    costs = rows_by_first(page, "t-costs")
    assert costs["2026-04"] == [
        "5", "2.5", "—", "0.9000", "€9,000.00", "$2,000.00", "€1,800.00", "$4,000.00", "€3,600.00",
    ]  # fmt: skip
    sla = page.tables["t-sla"]
    assert sla[2] == ["1", "Service level (negative)", "≥ 80%", "2026-05", "40.0%", "missed", "5%", "pending"]
    assert page.tables["t-contract"][1] == ["1", "Service level (negative)", "≥ 80%", "month", "5%", "2"]


def test_findings_in_order_with_advice(page: Page, text: str) -> None:
    assert page.h3 == [
        "Abandonment: 14.3% (target ≤ 10%, contract)",
        "Service level (negative): 71.4% (target ≥ 80%, contract)",
        "Queue placement: 100.0% (target 10%–20%, catalogue)",
        "Average talk time: 1:40 (target 4:30–6:00, catalogue)",
        "Average queue time: 17.1 s (target 0:30–1:30, catalogue)",
        "Average after-call work: 20.0 s (target 0:30–1:00, catalogue)",
        "Average handle time: 2:10 (target 3:00–10:00, catalogue)",
        "Customer satisfaction (top-2 box): 66.7% (target ≥ 85%, catalogue)",
        "First-contact resolution (survey): 66.7% (target ≥ 85%, catalogue)",
    ]
    assert "<li>Staffing below the forecast requirement, so queues build up</li>" in text


def test_reproducibility_sections_name_kpis_and_vendors(page: Page, review: Review) -> None:
    assert page.meta["scorecard-fingerprint"] == review.fingerprint
    assert [r[1] for r in page.tables["t-sources"][1:]] == FILES
    weights = {r[0]: r[1:] for r in page.tables["t-weights"][1:]}
    assert weights["Service level (negative)"] == ["25", "25.0%", "≥ 80%", "50%"]
    assert weights["Average speed of answer"] == ["10", "10.0%", "≤ 20 s", "2:00"]
    assert len(weights) == 9
    assert page.tables["t-ranking"][1:] == [
        ["Beta", "1", "55.0", "60.0%"], ["Acme", "2", "51.6", "95.0%"], ["Gamma", "3", "30.0", "60.0%"],
    ]  # fmt: skip
    settings = rows_by_first(page, "t-settings")
    assert (settings["sl_threshold_s"], settings["sl_variant"], settings["base_currency"]) == (
        ["20.0"],
        ["negative"],
        ["EUR"],
    )
    defs = {r[1]: r[2] for r in page.tables["t-definitions"][1:]}
    assert defs["service_level"] == "answered within T / (queued − short abandons)"


def test_self_contained_printable_with_static_charts(text: str) -> None:
    assert re.findall(r'(?:src|href)="https?:', text) == []  # nothing to fetch: works offline
    assert "<script" not in text  # no chart library: every chart is a static SVG
    assert "Vega-Lite spec" not in text
    assert "@media print" in text and "size: A4" in text
    # waterfall, monthly trend, SLA terms by month, interval profile, scores
    assert text.count("<svg") == 5
    assert "Generated 2026-07-02 08:30 UTC" in text
    assert "Credits: invoiced to net cost" in text


def test_text_from_the_data_is_escaped() -> None:
    con = build_review_db(duckdb.connect())
    con.execute("update vendors set name = ? where vendor_id = 'acme'", ["<script>alert(1)</script> & Co"])
    text = render_html(make_review(con), generated_at=WHEN)
    assert "<script>alert(1)</script>" not in text
    assert "<title>Quarterly review: &lt;script&gt;alert(1)&lt;/script&gt; &amp; Co, 2026-Q2</title>" in text
    assert rows_by_first(parse(text), "t-ranking")["<script>alert(1)</script> & Co"] == ["2", "51.6", "95.0%"]


@pytest.mark.parametrize(
    ("kpi", "value", "previous", "low", "high", "trend"),
    [
        ("service_level", 0.75, 0.70, 0.80, None, "better"),  # higher is better
        ("abandon_rate", 0.06, 0.05, None, 0.03, "worse"),  # lower is better
        ("abandon_rate", 0.0501, 0.05, None, 0.03, "steady"),  # 0.0001 ≤ 1 % of the 0.03 target
        ("aht_s", 337.0, 339.0, 180.0, 600.0, "steady"),  # both inside the band: on target either way
        ("aht_s", 170.0, 175.0, 180.0, 600.0, "worse"),  # 10 s below the band, was 5 s
        ("aht_s", 590.0, 610.0, 180.0, 600.0, "better"),  # back inside from 10 s above
    ],
)
def test_tile_trends_follow_the_kpis_direction(kpi, value, previous, low, high, trend) -> None:
    from scorecard.review.front import _trend

    assert _trend(kpi, value, previous, low, high) == trend
