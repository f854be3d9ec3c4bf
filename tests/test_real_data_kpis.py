"""Real public call-center data (tests/data/README.md) through the KPI views.

Both sources are aggregated exports, the kind a bidder sends when it has no call records. Each is turned
here into `raw_intervals` rows (one per month or day); what a source lacks stays NULL, and the views must
recompute what the counts allow and say why they cannot compute the rest.

Short abandons: neither source splits abandons by wait. Under the default workspace (short abandons
< 5 s) our abandon_rate excludes short abandons, which these exports cannot count, so abandon_rate is
NULL with the reason, while the gross ratio abandoned / queued stays available from the volumes. A user
comparing such bidders sets `short_abandon_s = 0` (no abandon is short: nothing waits < 0 s), and every
vendor then gets abandon_rate = abandoned / queued under that one definition; that is the published
"abandonment" the references below use. We do not invent a 0 short-abandon count under a 5 s definition.
"""

from __future__ import annotations

from datetime import date, datetime, timedelta

import duckdb
import polars as pl
import pytest
from conftest import EXTERNAL_DATA, REPO_DATA, needs_external
from kpi_fixtures import add_vendor, new_db, notes, one, ready, register_file

from scorecard.ingest.db import raw_columns

SF = REPO_DATA / "sf_hss_monthly" / "Call_Center_Metrics_for_the_Health_Service_System.csv"
KAGGLE = EXTERNAL_DATA / "kaggle_daily" / "call_center_data.csv"
needs_kaggle = needs_external("kaggle_daily/call_center_data.csv")


def _load_intervals(con: duckdb.DuckDBPyConnection, vendor_id: str, frame: pl.DataFrame) -> None:
    """Insert interval rows: the frame's columns, every other raw_intervals column NULL."""
    columns = raw_columns("intervals")
    full = frame.with_columns(
        pl.lit(vendor_id).alias("vendor_id"),
        pl.lit("test").alias("export_key"),
        pl.lit(f"{vendor_id}.csv").alias("source_file"),
        pl.int_range(1, frame.height + 1, dtype=pl.Int64).alias("source_row"),
        pl.col("interval_start").alias("interval_start_local"),
    )
    missing = [pl.lit(None).alias(c) for c in columns if c not in full.columns]
    rows = full.with_columns(missing).select(list(columns))
    con.register("incoming_intervals", rows)
    con.execute("insert into raw_intervals by name select * from incoming_intervals").fetchall()
    con.unregister("incoming_intervals")
    register_file(con, vendor_id, "intervals", f"{vendor_id}.csv", frame.height)


def sf_intervals() -> pl.DataFrame:
    """One row per month: queued = inbound, answered = inbound − abandoned, Σ wait = ASA × answered."""
    raw = pl.read_csv(SF)
    month = pl.col("Month").str.to_date("%b %Y")
    answered = pl.col("Inbound Calls") - pl.col("Abandoned Calls")
    return raw.select(
        pl.lit("hss").alias("program"),
        month.cast(pl.Datetime("us")).alias("interval_start"),
        ((month.dt.offset_by("1mo") - month).dt.total_seconds()).cast(pl.Int64).alias("interval_s"),
        answered.cast(pl.Int64).alias("answered"),
        pl.col("Abandoned Calls").cast(pl.Int64).alias("abandoned"),
        (pl.col("Average Speed of Answer in Secs") * answered).cast(pl.Float64).alias("answered_wait_s"),
    )


def _hms(column: str) -> pl.Expr:
    parts = pl.col(column).str.split(":").list
    return parts.get(0).cast(pl.Int64) * 3600 + parts.get(1).cast(pl.Int64) * 60 + parts.get(2).cast(pl.Int64)


def kaggle_intervals() -> pl.DataFrame:
    """One row per day; the export has no dates, so day `Index` is placed at 2021-01-01 + Index − 1.

    Its service level (20 s) is a published percentage whose denominator cannot be recovered, so
    answered_in_sl stays NULL (the threshold is known: 20 s).
    """
    raw = pl.read_csv(KAGGLE, separator=";")
    start = datetime(2021, 1, 1)
    return raw.select(
        pl.lit("all").alias("program"),
        (pl.lit(start) + pl.duration(days=pl.col("Index") - 1)).alias("interval_start"),
        pl.lit(86400, dtype=pl.Int64).alias("interval_s"),
        pl.col("Answered Calls").cast(pl.Int64).alias("answered"),
        pl.col("Abandoned Calls").cast(pl.Int64).alias("abandoned"),
        pl.lit(20.0).alias("sl_threshold_s"),
        (_hms("Answer Speed (AVG)") * pl.col("Answered Calls")).cast(pl.Float64).alias("answered_wait_s"),
        (_hms("Talk Duration (AVG)") * pl.col("Answered Calls")).cast(pl.Float64).alias("talk_s"),
    )


def _db(short_abandon_s: float, **sources: pl.DataFrame) -> duckdb.DuckDBPyConnection:
    con = new_db(short_abandon_s=short_abandon_s)
    for vendor_id, frame in sources.items():
        add_vendor(con, vendor_id, currency="USD")
        _load_intervals(con, vendor_id, frame)
    return ready(con)


def _sources() -> dict[str, pl.DataFrame]:
    """SF always (it is in the repository); the Kaggle set when it is present."""
    return {"sf": sf_intervals(), **({"kaggle": kaggle_intervals()} if KAGGLE.is_file() else {})}


@pytest.fixture(scope="module")
def default_db() -> duckdb.DuckDBPyConnection:
    """Workspace defaults: short abandons < 5 s."""
    return _db(5.0, **_sources())


@pytest.fixture(scope="module")
def no_short_db() -> duckdb.DuckDBPyConnection:
    """A workspace that counts every abandon (short_abandon_s = 0)."""
    return _db(0.0, **_sources())


def test_sf_2019_pooled_abandonment_and_weighted_asa(no_short_db: duckdb.DuckDBPyConnection) -> None:
    k = one(no_short_db, "sf", grain="year", start=date(2019, 1, 1), end=date(2019, 12, 31))
    assert (k["period"], k["queued"], k["abandoned"]) == ("2019", 54650, 607)
    assert round(k["abandon_rate"] * 100, 4) == 1.1107  # 607 / 54,650 (pooled; mean of months: 1.0583 %)
    assert round(k["asa_s"], 3) == 21.157  # Σ ASA × (inbound − abandoned) / Σ (inbound − abandoned)
    assert k["service_level"] is None  # no split at any threshold


def test_sf_2023_pooled_abandonment_and_unknown_asa(no_short_db: duckdb.DuckDBPyConnection) -> None:
    k = one(no_short_db, "sf", grain="year", start=date(2023, 1, 1), end=date(2023, 12, 31))
    assert round(k["abandon_rate"] * 100, 3) == 20.525  # pooled; mean of published rates: 13.792 %
    assert k["asa_s"] is None  # ASA is missing for Jan-Mar 2023: the year's ASA is unknown
    reasons = notes(no_short_db, "sf", grain="year", start=date(2023, 1, 1), end=date(2023, 12, 31))
    assert reasons["asa_s"] == "the source does not report answered_wait_s"


def test_sf_under_a_5_s_short_abandon_definition(default_db: duckdb.DuckDBPyConnection) -> None:
    k = one(default_db, "sf", grain="year", start=date(2019, 1, 1), end=date(2019, 12, 31))
    assert k["abandon_rate"] is None  # the export cannot count abandons shorter than 5 s
    assert round(k["abandoned"] / k["queued"] * 100, 4) == 1.1107  # the gross ratio, from the volumes
    reasons = notes(default_db, "sf", grain="year", start=date(2019, 1, 1), end=date(2019, 12, 31))
    assert reasons["abandon_rate"] == "the interval report has no short-abandon split"
    assert reasons["service_level_answered_only"] == "the interval report has no service-level split"
    assert reasons["blockage_rate"] == (  # blocked / attempts, attempts = answered + abandoned + ...
        "the intervals export (canonical, *.csv) of Sf does not record blocked (empty in every row); "
        "the intervals export (canonical, *.csv) of Sf does not record self_service (empty in every row)"
    )


@needs_kaggle
def test_kaggle_reference_values(no_short_db: duckdb.DuckDBPyConnection) -> None:
    k = one(no_short_db, "kaggle")
    assert (k["queued"], k["answered"], k["abandoned"]) == (248373, 221234, 27139)
    assert round(k["abandon_rate"] * 100, 3) == 10.927  # 27,139 / 248,373
    assert round(k["answered"] / k["queued"] * 100, 2) == 89.07  # pooled answer rate (daily mean: 92.69 %)
    assert round(k["asa_s"], 3) == 29.836  # weighted by answered calls (unweighted mean: 24.898 s)
    assert round(k["avg_talk_s"], 3) == 159.528
    assert k["service_level"] is None
    reasons = notes(no_short_db, "kaggle")
    assert reasons["service_level"] == "the interval report has no service-level split"


@needs_kaggle
def test_kaggle_under_a_5_s_short_abandon_definition(default_db: duckdb.DuckDBPyConnection) -> None:
    k = one(default_db, "kaggle")
    assert (k["abandon_rate"], k["service_level"]) == (None, None)
    assert round(k["abandoned"] / k["queued"] * 100, 3) == 10.927
    assert round(k["asa_s"], 3) == 29.836  # unaffected by the short-abandon definition
    reasons = notes(default_db, "kaggle")
    assert reasons["abandon_rate"] == "the interval report has no short-abandon split"
    assert reasons["service_level"] == (
        "the interval report has no service-level split; the interval report has no short-abandon split"
    )


@needs_kaggle
def test_kaggle_days_are_kept_apart(no_short_db: duckdb.DuckDBPyConnection) -> None:
    from scorecard.metrics.kpis import daily_components

    days = daily_components(no_short_db, vendors="kaggle")
    assert days.height == 1251
    assert days["local_date"].min() == date(2021, 1, 1)
    assert days["local_date"].max() == date(2021, 1, 1) + timedelta(days=1250)


def test_sf_ingested_through_the_docs_mapping_equals_its_raw_rows_every_year(tmp_path) -> None:
    """The published file, the docs' vendor.toml, a real ingest: each year's volumes and KPIs equal those
    computed from the raw rows with the csv module (months without an abandon count left out)."""
    import shutil

    from conftest import write
    from docs_blocks import toml_block
    from test_real_data_mapped import sf_rows, sf_year

    from scorecard.ingest.run import ingest
    from scorecard.metrics.kpis import kpis

    root = tmp_path / "ws"
    write(root / "scorecard.toml", 'base_currency = "USD"\nshort_abandon_s = 0\n')
    heading = "Example: a monthly aggregate with a published abandonment rate"
    head = 'name = "SF Health Service System"\ntimezone = "America/Los_Angeles"\ncurrency = "USD"\n\n'
    write(root / "sf" / "vendor.toml", head + toml_block("adapters.md", heading))
    shutil.copyfile(SF, root / "sf" / SF.name)
    report = ingest(root, tmp_path / "sf.duckdb")
    assert report.ok and [f.rows for f in report.files] == [155]
    with duckdb.connect(str(tmp_path / "sf.duckdb"), read_only=True) as con:
        years = {r["period"]: r for r in kpis(con, grain="year").iter_rows(named=True)}
    expected_years = sorted({r["Month"][-4:] for r in sf_rows() if r["Abandoned Calls"]})
    assert sorted(years) == expected_years == [str(y) for y in range(2011, 2025)]
    for label, row in years.items():
        ref = sf_year(int(label))
        assert (row["queued"], row["answered"], row["abandoned"]) == (
            ref["inbound"], ref["answered"], ref["abandoned"],
        ), label  # fmt: skip
        assert row["abandon_rate"] == pytest.approx(ref["abandoned"] / ref["inbound"]), label
        assert row["asa_s"] == (None if ref["asa_s"] is None else pytest.approx(ref["asa_s"])), label
        assert (row["service_level"], row["blockage_rate"], row["aht_s"]) == (None, None, None)
