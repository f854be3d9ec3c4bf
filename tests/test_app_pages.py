"""Compare, Trends, Vendor and Definitions pages (AppTest): shown values equal the library's, formatted."""

from __future__ import annotations

import shutil
from datetime import date
from pathlib import Path

import polars as pl
import pytest
from conftest import unmarked
from streamlit.testing.v1 import AppTest

from scorecard.ingest import db
from scorecard.ingest import run as load
from scorecard.metrics import catalogue, kpis
from scorecard.metrics.intervals import interval_service
from scorecard.present import format as fmt
from scorecard.scoring import funnel

ROOT = Path(__file__).resolve().parents[1]
FIXTURE = ROOT / "tests" / "fixtures" / "app_ws"
NAMES = {"north": "Northwind Contact", "south": "Southgate BPO", "west": "Westline Support"}


@pytest.fixture(scope="module")
def built(tmp_path_factory) -> tuple[Path, Path]:
    """The fixture workspace, ingested, plus one vendor-reported figure (as a reporting adapter stores it)."""
    ws = tmp_path_factory.mktemp("pages") / "ws"
    shutil.copytree(FIXTURE, ws, ignore=shutil.ignore_patterns("*.py", "__pycache__", "*.duckdb*"))
    path = ws / ".scorecard.duckdb"
    assert load.ingest(ws, path).ok
    con = db.connect(path)
    try:
        con.execute(
            "insert into reported_kpis values ('north', 'k', 'north/calls/2026-04.csv', 1, null, "
            "'2026-04-06', '2026-04-12', 'service_level', 0.93, 'answered in 20 s / answered')"
        )
    finally:
        con.close()
    return ws, path


@pytest.fixture
def app(built, monkeypatch) -> AppTest:
    ws, path = built
    monkeypatch.setenv("SCORECARD_WORKSPACE", str(ws))
    monkeypatch.setenv("SCORECARD_DB", str(path))
    return AppTest.from_file(str(ROOT / "app.py"), default_timeout=120)


def open_page(at: AppTest, name: str) -> AppTest:
    """Run the app once (st.navigation registers its pages), then switch to a page."""
    if not at.session_state.get("_ctx"):
        at.run()
    return at.switch_page(f"app_pages/{name}.py").run()


def library(path: Path, fn, *args):
    con = db.connect(path, read_only=True)
    try:
        return fn(con, *args)
    finally:
        con.close()


def frames(at: AppTest) -> list[pl.DataFrame]:
    return [pl.from_pandas(d.value) for d in at.dataframe]


def test_compare_shows_every_kpi_with_target_and_status(app, built):
    open_page(app, "compare")
    assert not app.exception
    table, *_ = frames(app)
    expected = library(built[1], kpis.kpis, "all").sort("vendor_id")
    rows = {r["KPI"]: r for r in table.iter_rows(named=True)}
    # ° marks a rate within the noise of the funnel plot (3 vendors: binomial 95 % limits)
    noise = funnel.noise_table(library(built[1], kpis.daily_components), list(catalogue.HEADLINE_COLUMNS))
    within = {(r["kpi"], r["vendor_id"]) for r in noise.filter("within_noise").iter_rows(named=True)}
    assert ("abandon_rate", "west") in within and ("abandon_rate", "north") not in within  # z −0.03, −3.33
    for kpi_id in ("service_level", "abandon_rate", "asa_s", "aht_s", "csat_rate", "cost_per_call"):
        k = catalogue.kpi(kpi_id)
        row = rows[k.label]
        for vendor in expected.iter_rows(named=True):
            x = vendor[kpi_id]
            # targets of KPIs the preset scores come from the preset; they equal the catalogue's here
            mark = " °" if (kpi_id, vendor["vendor_id"]) in within else ""
            assert (
                row[NAMES[vendor["vendor_id"]]]
                == fmt.with_status(fmt.value(kpi_id, x), fmt.status(x, k.target, k.floor)) + mark
            )
    assert rows["Service level (negative)"]["Target"] == "≥ 80%"
    assert [rows["Service level (negative)"][n] for n in NAMES.values()] == ["✓ 86.3%", "✗ 47.0%", "≈ 75.5%"]
    cost = rows["Cost per handled call (as billed)"]
    assert [cost[n] for n in NAMES.values()] == ["€21.83", "€12.28", "€17.26"]
    assert rows["Sales conversion"]["Northwind Contact"] == "—"
    # why a value is missing: the KPI by its label, as everywhere on the page, never its column id
    why = next(f for f in frames(app) if f.columns == ["Vendor", "KPI", "Reason"])
    labels = {catalogue.kpi(k).label for k in catalogue.KPI_COLUMNS}
    assert why.height and set(why["KPI"]) <= labels
    assert "Sales conversion" in set(why.filter(pl.col("Vendor") == "Northwind Contact")["KPI"])


def test_compare_shows_the_four_service_level_variants_and_reported_figures(app, built):
    open_page(app, "compare")
    _, notes, variants, reported = frames(app)
    expected = library(built[1], kpis.kpis, "all").sort("vendor_id")
    assert variants.columns == [
        "Vendor", "negative (workspace)", "answered only", "ignore early abandons", "positive", "Queued",
        "Short abandons",
    ]  # fmt: skip
    assert variants["positive"].to_list() == [fmt.percent(x) for x in expected["service_level_positive"]]
    assert variants["answered only"].to_list() == [
        fmt.percent(x) for x in expected["service_level_answered_only"]
    ]
    reasons = notes.filter(pl.col("KPI") == catalogue.kpi("revenue_per_call").label)["Reason"].to_list()
    assert reasons == [
        f"the calls export (canonical, calls/*.csv) of {name} does not record sales (revenue)"
        for name in ("Northwind Contact", "Southgate BPO", "Westline Support")
    ]
    ours = library(built[1], kpis.kpis, "all", ["north"], False, date(2026, 4, 6), date(2026, 4, 12))
    assert reported.row(0, named=True) == {
        "Vendor": "Northwind Contact",
        "Program": "(all)",
        "Days": "2026-04-06 – 2026-04-12",
        "KPI": "service_level",
        "Reported": "93.0%",
        "Recomputed": fmt.percent(ours["service_level"][0]),
        "Vendor's definition": "answered in 20 s / answered",
        "Source": "north/calls/2026-04.csv row 1",
    }


def test_service_level_variant_from_the_sidebar_changes_every_page(app, built):
    app.run()
    app.selectbox(key="_w_sl").set_value("positive").run()
    assert app.query_params["sl"] == "positive"
    open_page(app, "compare")
    rows = {r["KPI"]: r for r in frames(app)[0].iter_rows(named=True)}
    expected = library(built[1], kpis.kpis, "all").sort("vendor_id")
    shown = [rows["Service level (positive)"][n] for n in NAMES.values()]
    assert shown == [
        fmt.with_status(fmt.percent(x), fmt.status(x, 0.8, 0.5)) for x in expected["service_level_positive"]
    ]


def test_trends_values_are_the_weekly_kpis(app, built):
    open_page(app, "trends")
    assert not app.exception
    (values,) = frames(app)
    weekly = library(built[1], kpis.kpis, "week")
    for vendor, name in NAMES.items():
        mine = weekly.filter(pl.col("vendor_id") == vendor)
        shown = dict(zip(values["Period"], values[name], strict=True))
        for period, x in zip(mine["period"], mine["service_level"], strict=True):
            assert shown[period] == fmt.percent(x)
    app.radio(key="_w_grain").set_value("month").run()
    assert frames(app)[0]["Period"].to_list() == ["2026-04"]
    assert app.query_params["grain"] == "month"


def test_trends_heatmap_counts_intervals_meeting_the_target(built):
    # west answers slowly over lunch (12-14 h local): its lunch hours meet the 80% target less often.
    intervals = library(built[1], interval_service, "negative", ["west"])
    hours = intervals.with_columns(pl.col("interval_start").dt.hour().alias("hour"))
    lunch = hours.filter(pl.col("hour").is_in([12, 13]), pl.col("denominator") > 0)
    rest = hours.filter(~pl.col("hour").is_in([12, 13]), pl.col("denominator") > 0)
    share = lambda f: (f["numerator"] / f["denominator"] >= 0.8).mean()  # noqa: E731
    assert share(lunch) < share(rest) - 0.3


def test_vendor_page_traces_a_figure_to_its_files_and_rows(app, built):
    open_page(app, "vendor")
    assert not app.exception
    app.selectbox(key="_w_vendor").set_value("west").run()
    programs, provenance, all_files = frames(app)
    by_program = library(built[1], kpis.kpis, "all", ["west"], True).sort("program")
    assert programs["Program"].to_list() == ["billing", "support"]
    assert programs["Service level (negative)"].to_list() == [
        fmt.percent(x) for x in by_program["service_level"]
    ]
    assert provenance.with_columns(pl.col("First day", "Last day").cast(pl.Date)).to_dicts() == [
        {"Table": "calls", "File": "west/calls/2026-04.csv", "Rows": 464, "First day": date(2026, 4, 6),
         "Last day": date(2026, 4, 19)},
    ]  # fmt: skip
    value = library(built[1], kpis.kpis, "all", ["west"])["service_level"][0]
    assert unmarked(app.main.markdown[-1].value) == (
        f"**{fmt.percent(value)}** for Westline Support in all is computed from **464 rows** "
        "in **1 file(s)**: "
        "answered within T / (queued − short abandons)."
    )
    assert sorted(all_files["source"].to_list()) == ["agent_time", "calls", "costs", "quality", "surveys"]
    app.selectbox(key="_w_kpi_vendor").set_value("csat_rate").run()
    assert frames(app)[1]["Table"].to_list() == ["surveys"]
    assert app.query_params["kpi"] == "csat_rate" and app.query_params["vendor"] == "west"


def test_definitions_show_the_settings_in_force_and_every_formula(app):
    open_page(app, "definitions")
    assert not app.exception
    settings, formulas, preset = frames(app)
    shown = dict(zip(settings["Setting"], settings["Value"], strict=True))
    assert {k: shown[k] for k in list(shown)[:8]} == {
        "Base currency": "EUR",
        "Service-level threshold T": "20 s",
        "Short-abandon threshold": "5 s",
        "Service-level variant (workspace)": "negative",
        "Service-level variant (this view)": "negative",
        "FCR method": "survey",
        "Repeat-contact window": "7 days",
        "Default preset": "quarterly_review",
    }
    assert formulas["Id"].to_list() == list(catalogue.KPI_COLUMNS)
    row = formulas.filter(pl.col("Id") == "abandon_rate").row(0, named=True)
    assert (row["Numerator"], row["Denominator"]) == (
        "abandoned − short_abandoned",
        "queued − short_abandoned",
    )
    assert preset["Weight (this view)"].to_list() == [25, 15, 10, 5, 15, 10, 10, 5, 5]


def test_quarterly_review_shows_the_library_review_with_exports(app, built):
    from scorecard.review import quarter as review
    from scorecard.review import report
    from scorecard.scoring import presets

    open_page(app, "review")
    assert not app.exception
    con = db.connect(built[1], read_only=True)
    try:
        expected = review.quarterly_review(
            con, "north", "2026-Q2", None, presets.load_preset("quarterly_review")
        )
    finally:
        con.close()
    tables = report.review_tables(expected)
    assert [unmarked(s.value) for s in app.subheader] == [
        "Northwind Contact, 2026-Q2",
        *(t.title for t in tables),
    ]
    kpi_table = next(t for t in tables if t.key == "kpis")
    shown = frames(app)[1 + [t.key for t in tables].index("kpis")]  # after the first page's cost table
    assert shown["Value"].to_list() == [
        report.fmt(r["value"], kpi_table.unit("value", r)) for r in kpi_table.frame.iter_rows(named=True)
    ]
    assert [b.label for b in app.get("download_button")] == ["Download HTML report", "Download XLSX workbook"]
