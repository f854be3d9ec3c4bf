"""The HTML report: parsed back, its key figures asserted against the hand-worked fixture of test_review."""

from __future__ import annotations

import json
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


def test_summary_key_figures(page: Page) -> None:
    s = {k: v[0] for k, v in rows_by_first(page, "t-summary").items()}
    assert s["Vendor"] == "Acme (acme)"
    assert (s["Rank under preset 'Quarterly review'"], s["Vendors ranked"], s["Score (0–100)"]) == (
        "2",
        "3",
        "51.6",
    )
    # May: min(5 % + 3 %, cap 6 %) × 10,000 = 600 USD = 540 EUR at 0.9.
    assert (s["Credits owed"], s["Credits owed (base)"], s["Credits earned back"]) == (
        "600.00 USD",
        "540.00 EUR",
        "0.00 USD",
    )
    # Net 3 × 10,000 − 600 = 29,400 USD (26,460 EUR); per handled 29,400 / 12 = 2,450;
    # per resolved 29,400 / (2.5 + 3 + 2 = 7.5) = 3,920 (3,528 EUR).
    assert (s["Net cost after credits"], s["Net cost after credits (base)"]) == (
        "29,400.00 USD",
        "26,460.00 EUR",
    )
    assert (s["Handled calls"], s["Cost per handled call"], s["Cost per handled call (base)"]) == (
        "12",
        "2,450.00 USD",
        "2,205.00 EUR",
    )
    assert (s["Cost per resolved call"], s["Cost per resolved call (base)"]) == (
        "3,920.00 USD",
        "3,528.00 EUR",
    )
    assert (s["Interval attainment"], s["Findings"]) == ("57.1 %", "7")  # 4 of 7 intervals


def test_kpi_table_against_target_previous_and_peers(page: Page) -> None:
    kpis = {r[1]: r for r in page.tables["t-kpis"][1:]}
    assert page.tables["t-kpis"][0] == [
        "label",
        "kpi",
        "value",
        "previous",
        "change",
        "peer median",
        "peers",
        "target",
        "target source",
        "status",
        "note",
    ]
    # 10/14 = 71.4 %, March 100 %, change −28.6 pp, peers 1.0 and 0.5 -> 75 %.
    assert kpis["service_level"] == [
        "Service level (negative)",
        "service_level",
        "71.4 %",
        "100.0 %",
        "-28.6 pp",
        "75.0 %",
        "2",
        "≥ 80.0 %",
        "contract",
        "low",
        "—",
    ]
    assert kpis["aht_s"][2:10] == [
        "130.0 s",
        "130.0 s",
        "+0.0 s",
        "130.0 s",
        "2",
        "180.0 s – 600.0 s",
        "catalogue",
        "low",
    ]
    assert kpis["adherence_rate"][2:] == [
        "—",
        "—",
        "—",
        "—",
        "0",
        "≥ 92.0 %",
        "catalogue",
        "no data",
        "no agent time data",
    ]


def test_monthly_trend(page: Page) -> None:
    trend = {r[1]: r[2:] for r in page.tables["t-trend"]}
    assert trend["kpi"] == ["2026-03", "2026-04", "2026-05", "2026-06"]
    # Abandonment by month: 0/2, 0/5, 2/5, 0/4; ASA: 10, (4×10 + 30)/5 = 14, (2×10 + 30)/3 = 16.7, 10.
    assert trend["abandon_rate"] == ["0.0 %", "0.0 %", "40.0 %", "0.0 %"]
    assert trend["asa_s"] == ["10.0 s", "14.0 s", "16.7 s", "10.0 s"]


def test_credit_tables(page: Page) -> None:
    credits = rows_by_first(page, "t-credits")
    assert credits["2026-05"] == [
        "10,000.00 USD",
        "0.00 USD",
        "-600.00 USD",
        "800.00 USD",
        "600.00 USD",
        "600.00 USD",
        "0.00 USD",
        "9,400.00 USD",
    ]
    assert credits["2026-Q2"] == [
        "30,000.00 USD",
        "0.00 USD",
        "-600.00 USD",
        "800.00 USD",
        "1,800.00 USD",
        "600.00 USD",
        "0.00 USD",
        "29,400.00 USD",
    ]
    costs = rows_by_first(page, "t-costs")
    assert costs["2026-04"] == [
        "5",
        "2.5",
        "—",
        "0.9000",
        "9,000.00 EUR",
        "2,000.00 USD",
        "1,800.00 EUR",
        "4,000.00 USD",
        "3,600.00 EUR",
    ]
    sla = page.tables["t-sla"]
    assert sla[2] == [
        "1",
        "service_level",
        "service_level ≥ 0.8",
        "2026-05",
        "40.0 %",
        "missed",
        "5 %",
        "pending",
    ]


def test_findings_in_order_with_advice(page: Page, text: str) -> None:
    assert page.h3 == [
        "Abandonment: 14.3 % (target ≤ 10.0 %, contract)",
        "Service level (negative): 71.4 % (target ≥ 80.0 %, contract)",
        "Average talk time: 100.0 s (target 270.0 s – 360.0 s, catalogue)",
        "Average after-call work: 20.0 s (target 30.0 s – 60.0 s, catalogue)",
        "Average handle time: 130.0 s (target 180.0 s – 600.0 s, catalogue)",
        "Customer satisfaction (top-2 box): 66.7 % (target ≥ 85.0 %, catalogue)",
        "First-contact resolution (survey): 66.7 % (target ≥ 85.0 %, catalogue)",
    ]
    assert "<li>Staffing below the forecast requirement, so queues build up</li>" in text


def test_reproducibility_sections(page: Page, review: Review) -> None:
    assert page.meta["scorecard-fingerprint"] == review.fingerprint
    assert [r[1] for r in page.tables["t-sources"][1:]] == FILES
    weights = {r[0]: r[1] for r in page.tables["t-weights"][1:]}
    assert weights == {
        "service_level": "25",
        "abandon_rate": "15",
        "asa_s": "10",
        "blockage_rate": "5",
        "fcr_rate": "15",
        "csat_rate": "10",
        "qa_score": "10",
        "avg_talk_s": "5",
        "adherence_rate": "5",
    }
    settings = rows_by_first(page, "t-settings")
    assert (settings["sl_threshold_s"], settings["sl_variant"], settings["base_currency"]) == (
        ["20.0"],
        ["negative"],
        ["EUR"],
    )
    defs = {r[0]: r[2] for r in page.tables["t-definitions"][1:]}
    assert defs["service_level"] == "answered within T / (queued − short abandons)"


def test_self_contained_and_printable(page: Page, text: str, review: Review) -> None:
    assert page.script_src == []  # no network request without --charts-cdn
    assert re.findall(r'(?:src|href)="https?:', text) == []
    assert "@media print" in text and "size: A4" in text
    specs = {k: json.loads(v) for k, v in page.specs.items()}
    assert sorted(specs) == ["spec-profile", "spec-ranking", "spec-sla"]
    assert specs["spec-ranking"]["$schema"].startswith("https://vega.github.io/schema/vega-lite/v6.")
    [values] = specs["spec-profile"]["datasets"].values()
    assert [(v["time"], v["intervals"], v["meeting"]) for v in values] == [
        ("09:00", 2, 1),
        ("09:30", 2, 2),
        ("10:00", 1, 1),
        ("10:30", 1, 0),
        ("11:00", 1, 0),
    ]
    assert "Generated 2026-07-02 08:30 UTC" in text
    cdn = parse(render_html(review, charts_cdn=True, generated_at=WHEN)).script_src
    assert [re.sub(r"@.*", "", s) for s in cdn] == [
        "https://cdn.jsdelivr.net/npm/vega",
        "https://cdn.jsdelivr.net/npm/vega-lite",
        "https://cdn.jsdelivr.net/npm/vega-embed",
    ]


def test_text_from_the_data_is_escaped() -> None:
    con = build_review_db(duckdb.connect())
    con.execute("update vendors set name = ? where vendor_id = 'acme'", ["<script>alert(1)</script> & Co"])
    text = render_html(make_review(con), generated_at=WHEN)
    assert "<script>alert(1)</script>" not in text
    assert (
        "<title>Quarterly review: &lt;script&gt;alert(1)&lt;/script&gt; &amp; Co (acme), 2026-Q2</title>"
        in text
    )
    page = parse(text)
    assert rows_by_first(page, "t-summary")["Vendor"] == ["<script>alert(1)</script> & Co (acme)"]
