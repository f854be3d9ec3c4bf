"""Scoped reads (scorecard.access.reads, .peers): a vendor's view never returns another vendor's rows, names,
ids or money, whatever it asks for; peers appear only as "Peer A" and medians of at least two.

Fixture workspace (tests/fixtures/app_ws): north, south, west. Under the quarterly_review preset for `all`,
the library ranks north 1, west 2, south 3 (test_app_ranking checks those against the page).
"""

from __future__ import annotations

import io
import re
import shutil
import statistics
from pathlib import Path

import numpy as np
import polars as pl
import pytest
from openpyxl import load_workbook

from scorecard.access import AccessError, peers, reads
from scorecard.access.scope import Scope
from scorecard.ingest import db
from scorecard.ingest import run as load
from scorecard.metrics import catalogue, kpis
from scorecard.scoring import presets
from scorecard.workspace import config, contract

ROOT = Path(__file__).resolve().parents[1]
FIXTURE = ROOT / "tests" / "fixtures" / "app_ws"
NAMES = {"north": "Northwind Contact", "south": "Southgate BPO", "west": "Westline Support"}
NORTH = Scope("ops@northwind.example", "vendor", vendors=("north",), own="north", preset="quarterly_review")
QR = presets.load_preset("quarterly_review")
W = tuple(zip(QR.kpi_ids, QR.weights, strict=True))


@pytest.fixture(scope="module")
def con(tmp_path_factory):
    ws = tmp_path_factory.mktemp("scope") / "ws"
    shutil.copytree(FIXTURE, ws, ignore=shutil.ignore_patterns("*.py", "__pycache__", "*.duckdb*"))
    assert load.ingest(ws, ws / ".scorecard.duckdb").ok
    connection = db.connect(ws / ".scorecard.duckdb", read_only=True)
    connection.execute("set variable ws = ?", [str(ws)])
    yield connection
    connection.close()


def forbidden(own: str) -> re.Pattern[str]:
    """Every other vendor's id (as a word) and name."""
    others = [v for v in NAMES if v != own]
    words = [rf"\b{re.escape(v)}\b" for v in others] + [re.escape(NAMES[v]) for v in others]
    return re.compile("|".join(words), re.IGNORECASE)


def texts(obj) -> list[str]:
    """Every string inside frames, arrays, tuples, dataclasses and dicts (and every column name)."""
    out: list[str] = []
    if isinstance(obj, str):
        out.append(obj)
    elif isinstance(obj, pl.DataFrame):
        out += obj.columns
        for col in obj.columns:
            out += [str(v) for v in obj[col].to_list() if v is not None]
    elif isinstance(obj, np.ndarray):
        out += [str(v) for v in obj.ravel().tolist()]
    elif isinstance(obj, dict):
        for k, v in obj.items():
            out += texts(k) + texts(v)
    elif isinstance(obj, list | tuple):
        for v in obj:
            out += texts(v)
    elif hasattr(obj, "__dataclass_fields__"):
        for name in obj.__dataclass_fields__:
            out += texts(getattr(obj, name))
    return out


def assert_no_leak(obj, own: str = "north") -> None:
    pattern = forbidden(own)
    leaks = sorted({t for t in texts(obj) if pattern.search(t)})
    assert leaks == []


@pytest.mark.parametrize("asked", [None, ["south", "west"], ["north", "south"], "west"])
def test_every_vendor_read_of_a_vendor_view_returns_its_own_rows_only(con, asked):
    frames = [
        reads.kpi_frame(con, NORTH, "all", asked),
        reads.kpi_frame(con, NORTH, "day", asked, True),
        reads.kpi_notes(con, NORTH, "week", asked),
        reads.daily_components(con, NORTH, asked),
        reads.source_files(con, NORTH, asked),
        reads.provenance_files(con, NORTH, "cost_per_call", asked),
        reads.interval_service(con, NORTH, "negative", asked),
        reads.reported_vs_recomputed(con, NORTH, asked),
        reads.vendors(con, NORTH),
        reads.ingest_log(con, NORTH),
    ]
    for frame in frames:
        assert set(frame["vendor_id"]) <= {"north"}
        assert_no_leak(frame)
    own = "north" in (asked or ["north"])
    assert reads.kpi_frame(con, NORTH, "all", asked)["vendor_id"].to_list() == (["north"] if own else [])


def test_a_single_vendor_read_of_a_peer_is_refused(con):
    with pytest.raises(AccessError, match=r"This vendor is not available to you\."):
        reads.daily_rows(con, NORTH, "south")
    assert reads.daily_rows(con, NORTH, "north").height > 0


def test_a_vendor_views_ranking_shows_peers_as_labels_in_rank_order(con):
    args = ("all", None, "quarterly_review", QR, W, "fixed", "negative", "survey")
    result, stab = peers.ranked(con, NORTH, *args)
    full = kpis.kpis(con, "all")
    from scorecard.scoring.points import ranking

    library = ranking(full, QR)
    assert library.table["vendor_id"].to_list() == ["north", "west", "south"]
    assert result.table["vendor_id"].to_list() == ["north", "Peer A", "Peer B"]
    assert result.table["score"].to_list() == library.table["score"].to_list()  # scores kept, ids not
    peer_rows = result.table.filter(pl.col("vendor_id") != "north")
    kpi_cols = [
        c for c in result.table.columns if c not in ("vendor_id", "period", "rank", "score", "coverage")
    ]
    assert all(peer_rows[c].null_count() == peer_rows.height for c in kpi_cols)
    assert set(stab.contributions["vendor_id"]) == {"north"}
    assert stab.weight_ranges.is_empty() and stab.leave_one_out.is_empty()
    assert set(stab.rank_probabilities["vendor_id"]) == {"north", "Peer A", "Peer B"}
    assert set(stab.bootstrap["vendor_id"]) == {"north", "Peer A", "Peer B"}
    assert set(stab.wilson["vendor_id"]) == {"north"}
    assert np.isnan(result.values[[v != "north" for v in result.vendors]]).all()
    assert_no_leak(result)
    assert_no_leak(stab)


def test_a_vendor_view_cannot_change_the_weights_the_method_or_the_preset(con):
    # One KPI weighted alone would make a peer's score equal its points on that KPI: reversible.
    alone = tuple((k, 100.0 if k == "service_level" else 0.0) for k in QR.kpi_ids)
    asked, _ = peers.ranked(con, NORTH, "all", None, "quarterly_review", QR, alone, "relative", "positive",
                            "survey")  # fmt: skip
    fixed, _ = peers.ranked(con, NORTH, "all", None, "quarterly_review", QR, W, "fixed", "negative",
                            "survey")  # fmt: skip
    assert asked.table["score"].to_list() == fixed.table["score"].to_list()
    other = presets.load_preset("procurement_bid")
    with pytest.raises(AccessError, match="use its fixed preset only"):
        peers.ranked(
            con, NORTH, "all", None, "procurement_bid", other, other.weights, "fixed", "negative", "survey"
        )


def test_peer_medians_are_medians_of_two_or_more_and_never_money(con):
    frame = kpis.kpis(con, "all")
    medians = peers.peer_medians(con, NORTH, "all", None, None, "negative")
    by_kpi = dict(zip(medians["kpi"], medians["peer_median"], strict=True))
    south, west = (frame.filter(pl.col("vendor_id") == v).row(0, named=True) for v in ("south", "west"))
    # two peers: the median is the mean of south's and west's values
    assert by_kpi["abandon_rate"] == pytest.approx(
        statistics.median([south["abandon_rate"], west["abandon_rate"]])
    )
    assert by_kpi["aht_s"] == pytest.approx((south["aht_s"] + west["aht_s"]) / 2)
    assert by_kpi["service_level"] == pytest.approx((south["service_level"] + west["service_level"]) / 2)
    money = {k for k in catalogue.KPI_COLUMNS if catalogue.kpi(k).unit == "currency"}
    assert money == {"cost_per_call", "revenue_per_call"}
    assert all(by_kpi[k] is None for k in money)
    assert set(medians["peers"]) <= {0, 2}
    assert_no_leak(medians)


def test_peer_medians_are_only_for_a_vendor_view(con):
    with pytest.raises(AccessError):
        peers.peer_medians(con, Scope("a@b.example", "analyst"), "all", None, None, "negative")


def _review(con, scope):
    ws = Path(con.execute("select getvariable('ws')").fetchone()[0])
    north = config.load_workspace(ws).vendor("north")
    terms = contract.parse_contract(north.contract, "north/vendor.toml")
    return peers.review(con, scope, "north", "2026-Q2", terms, "quarterly_review", QR, W, "fixed")


def test_a_vendor_views_review_and_its_exports_name_no_peer(con):
    from scorecard.review.report import review_tables
    from scorecard.review.report.html import render_html
    from scorecard.review.report.xlsx import build_workbook

    review = _review(con, NORTH)
    assert review.ranking["vendor_id"].to_list() == ["north", "Peer A", "Peer B"]
    assert set(review.sources["vendor_id"]) == {"north"}
    money = review.kpis.filter(pl.col("kpi").is_in(["cost_per_call", "revenue_per_call"]))
    assert money["peer_median"].null_count() == 2 and money["peers"].to_list() != [0, 0]
    assert_no_leak([t.frame for t in review_tables(review)])
    assert not forbidden("north").search(render_html(review))
    buffer = io.BytesIO()
    build_workbook(review).save(buffer)
    book = load_workbook(io.BytesIO(buffer.getvalue()))
    cells = [
        str(c.value) for ws in book.worksheets for row in ws.iter_rows() for c in row if c.value is not None
    ]
    props = [str(v) for v in vars(book.properties).values() if v]
    assert not [t for t in cells + props + book.sheetnames if forbidden("north").search(t)]


def test_a_review_of_a_peer_is_refused(con):
    ws = Path(con.execute("select getvariable('ws')").fetchone()[0])
    south = config.load_workspace(ws).vendor("south")
    terms = contract.parse_contract(south.contract, "south/vendor.toml")
    with pytest.raises(AccessError, match="not available to you"):
        peers.review(con, NORTH, "south", "2026-Q2", terms, "quarterly_review", QR, W, "fixed")


def test_a_viewer_sees_its_named_vendors_only_and_ranks_among_them(con):
    viewer = Scope("cfo@buyer.example", "viewer", vendors=("north", "south"), pages=("ranking",))
    frame = reads.kpi_frame(con, viewer, "all")
    assert frame["vendor_id"].to_list() == ["north", "south"]
    comps = reads.daily_components(con, viewer)
    result, _ = peers.score(viewer, frame, comps, "quarterly_review", QR, W, "fixed", "negative", "survey")
    assert result.table["vendor_id"].to_list() == ["north", "south"]
    with pytest.raises(AccessError, match="outside this view"):
        peers.score(
            viewer, kpis.kpis(con, "all"), comps, "quarterly_review", QR, W, "fixed", "negative", "survey"
        )
    review = _review(con, viewer)
    assert review.ranking["vendor_id"].to_list() == ["north", "Peer A", "south"]  # west: outside the view
    assert set(review.sources["vendor_id"]) <= {"north", "south"}


def test_restrict_narrows_requests_to_the_scope():
    assert NORTH.restrict(None) == ["north"] and NORTH.restrict(["south"]) == []
    assert Scope("a", "admin").restrict(None) is None
    assert Scope("a", "admin").restrict("west") == ["west"]
    with pytest.raises(ValueError, match="exactly its own vendor"):
        Scope("x", "vendor", vendors=("north", "south"), own="north")
