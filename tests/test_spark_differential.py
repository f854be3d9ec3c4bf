"""Spark's daily components equal DuckDB's exactly: counts, exact decimal sums, time zones and the
repeat-contact window, on the demo workspace and the benchmark smoke data; the database the Spark step
loads reads like one DuckDB built. Spark runs in local mode, one session per test run (conftest)."""

from __future__ import annotations

import shutil
from pathlib import Path

import duckdb
import pyarrow as pa
import pytest
from polars.testing import assert_frame_equal
from typer.testing import CliRunner

from benchmarks import generate
from scorecard.cli import app
from scorecard.errors import DatabaseError
from scorecard.ingest.run import ingest
from scorecard.metrics.kpis import kpis
from scorecard.spark import source as src
from scorecard.spark.build import load_job, run_job
from scorecard.spark.export import export_parquet
from scorecard.sql import views

pytestmark = pytest.mark.spark
ROOT = Path(__file__).resolve().parents[1]
MATERIALISED = ("int_call_days", "mart_program_days", "mart_vendor_days")


def differences(db_a: Path, db_b: Path, table: str) -> tuple[int, int, int]:
    """(rows, rows only in a, rows only in b) of `table` in two databases, compared value for value."""
    con = duckdb.connect()
    con.execute(f"attach '{db_a}' as a (read_only)")
    con.execute(f"attach '{db_b}' as b (read_only)")
    rows = con.execute(f"select count(*) from a.{table}").fetchall()[0][0]
    only_a = con.execute(f"select count(*) from (from a.{table} except all from b.{table})").fetchall()[0][0]
    only_b = con.execute(f"select count(*) from (from b.{table} except all from a.{table})").fetchall()[0][0]
    con.close()
    return rows, only_a, only_b


def mart_mismatches(db_a: Path, db_b: Path, table: str) -> int:
    """Rows of a mart that differ between two databases: exactly in every column but the doubles the
    marts sum themselves, within 1e-12 relative. DuckDB adds doubles in thread order: two DuckDB builds of
    the same data differ in the last bits of qa_score_sum (53 of the demo's 1,803 program-days)."""
    con = duckdb.connect()
    con.execute(f"attach '{db_a}' as a (read_only)")
    con.execute(f"attach '{db_b}' as b (read_only)")
    columns = [(r[0], r[1]) for r in con.execute(f"describe a.{table}").fetchall()]
    keys = [c for c, _ in columns if c in ("vendor_id", "program", "local_date")]
    differ = []
    for c, dtype in columns:
        if c in keys:
            continue
        same = f"abs(x.{c} - y.{c}) <= 1e-12 * abs(x.{c})" if dtype == "DOUBLE" else f"x.{c} = y.{c}"
        differ.append(f"not coalesce({same}, x.{c} is null and y.{c} is null)")
    missing = f"x.{keys[0]} is null or y.{keys[0]} is null"
    query = (
        f"select count(*) from a.{table} as x full join b.{table} as y using ({', '.join(keys)}) "
        f"where {missing} or {' or '.join(differ)}"
    )
    (n,) = con.execute(query).fetchall()[0]
    con.close()
    return n


@pytest.fixture(scope="module")
def demo(tmp_path_factory: pytest.TempPathFactory, spark) -> dict[str, Path]:
    """The demo workspace ingested by DuckDB, exported, and a copy built by `scorecard build --engine
    spark`."""
    root = tmp_path_factory.mktemp("demo")
    duck = root / "duckdb.duckdb"
    assert ingest(ROOT / "vendors", duck).ok
    export_parquet(duck, root / "canonical")
    on_spark = root / "spark.duckdb"
    shutil.copy(duck, on_spark)
    with duckdb.connect(str(on_spark)) as con:  # nothing of DuckDB's own build may survive into the result
        con.execute("delete from int_call_days; delete from mart_program_days; delete from mart_vendor_days")
    cli = CliRunner().invoke(
        app, ["build", "--engine", "spark", "--source", str(root / "canonical"), "--db", str(on_spark)]
    )
    return {"duckdb": duck, "spark": on_spark, "canonical": root / "canonical", "output": cli}


def test_demo_daily_components_from_spark_equal_duckdbs(demo: dict) -> None:
    assert demo["output"].exit_code == 0, demo["output"].output
    # 3 vendors send call records (China, France, US; 96,352 calls); 1,113 vendor x program x day rows
    assert differences(demo["duckdb"], demo["spark"], "int_call_days") == (1113, 0, 0)
    for table in MATERIALISED[1:]:
        assert mart_mismatches(demo["duckdb"], demo["spark"], table) == 0, table
    assert "with spark: 1,113 vendor x program x day rows from 96,352 calls of 3 vendor(s)" in (
        demo["output"].output
    )


def test_demo_rows_exercise_the_repeat_window_revenue_and_unknowns(demo: dict) -> None:
    con = duckdb.connect(str(demo["spark"]), read_only=True)
    per_vendor = con.execute(
        "select vendor_id, sum(fcr_repeat_n), sum(fcr_repeat_resolved), count(revenue_base), count(*) "
        "from int_call_days group by all order by 1"
    ).fetchall()
    con.close()
    # repeat-contact FCR counted for every vendor; cn_hanyu sends no revenue: NULL, not 0, on every row
    assert per_vendor == [
        ("cn_hanyu", 32591, 26451, 0, 362),
        ("fr_lumiere", 26701, 22760, 298, 298),
        ("us_northstar", 16346, 14090, 453, 453),
    ]


def _shadow_views(db: Path) -> tuple[object, int]:
    """KPIs at quarter grain read from `db`, and how many temporary views of query objects the read made."""
    con = duckdb.connect(str(db), read_only=True)
    frame = kpis(con, grain="quarter")
    (n,) = con.execute("select count(*) from duckdb_views() where temporary and not internal").fetchall()[0]
    con.close()
    return frame, n


def test_the_spark_built_database_is_marked_built_and_read_without_shadow_views(
    demo: dict, tmp_path: Path
) -> None:
    with duckdb.connect(str(demo["spark"]), read_only=True) as con:
        assert not views.marts_stale(con)
    frame, shadows = _shadow_views(demo["spark"])
    assert shadows == 0  # the tables are current: no temporary views over the raw calls
    expected, _ = _shadow_views(demo["duckdb"])
    # equal KPIs; qa_score within 1e-12 (DuckDB's own double sums of QA scores, see mart_mismatches)
    assert_frame_equal(frame, expected, rel_tol=1e-12, abs_tol=0)
    # the contrast: with the build marker cleared, readers shadow the tables (slower, never stale)
    stale = tmp_path / "stale.duckdb"
    shutil.copy(demo["spark"], stale)
    with duckdb.connect(str(stale)) as con:
        views.invalidate_marts(con)
    assert _shadow_views(stale)[1] > 0


def test_local_times_derived_on_spark_equal_the_ingests(demo: dict, spark) -> None:
    # A lakehouse table may hold only the UTC instant: Spark derives the vendor-local wall clock from the
    # vendor's IANA zone (Shanghai, Paris and Chicago; both DST changes of 2026 are inside Q1-Q2).
    calls = spark.read.option("basePath", str(demo["canonical"] / "calls")).parquet(
        str(demo["canonical"] / "calls")
    )
    vendors = spark.read.parquet(str(demo["canonical"] / "vendors"))
    derived = src.with_local_time(calls.drop("arrived_at_local"), "calls", vendors)
    got = derived.select("vendor_id", "call_id", "arrived_at_local").toArrow()
    con = duckdb.connect(str(demo["duckdb"]), read_only=True)
    con.register("derived", got)
    mismatched, total = con.execute(
        "select count(*) filter (where d.arrived_at_local is distinct from r.arrived_at_local), count(*) "
        "from raw_calls as r join derived as d using (vendor_id, call_id)"
    ).fetchall()[0]
    offsets = con.execute(
        "select vendor_id, list_sort(list(distinct hour(arrived_at_local - arrived_at))) "
        "from raw_calls group by 1 order by 1"
    ).fetchall()
    con.close()
    assert (mismatched, total) == (0, 96352)
    # both sides of the DST changes: Paris UTC+1 then +2, Chicago UTC-6 then -5; Shanghai +8 throughout
    assert offsets == [("cn_hanyu", [8]), ("fr_lumiere", [1, 2]), ("us_northstar", [-6, -5])]


@pytest.fixture(scope="module")
def smoke(tmp_path_factory: pytest.TempPathFactory, spark) -> dict[str, Path]:
    """The benchmark smoke data (10 vendors in 10 time zones, 4,000 calls with repeat callers) built by
    DuckDB, and a copy loaded from the cluster job's output (`python -m scorecard.spark.job`)."""
    root = tmp_path_factory.mktemp("smoke")
    workspace = generate.generate(root / "ws", generate.spec_for("smoke"))
    duck = root / "duckdb.duckdb"
    assert ingest(workspace, duck).ok
    export_parquet(duck, root / "canonical")
    job = run_job(str(root / "canonical"), str(root / "job"))
    on_spark = root / "spark.duckdb"
    shutil.copy(duck, on_spark)
    report = load_job(on_spark, root / "job")
    return {"duckdb": duck, "spark": on_spark, "job": root / "job", "calls": job.calls, "rows": report.rows}


def test_smoke_daily_components_from_a_spark_job_equal_duckdbs(smoke: dict) -> None:
    assert smoke["calls"] == 4000
    rows, only_duckdb, only_spark = differences(smoke["duckdb"], smoke["spark"], "int_call_days")
    assert (rows, only_duckdb, only_spark) == (smoke["rows"], 0, 0) and rows > 3000
    for table in MATERIALISED[1:]:
        assert mart_mismatches(smoke["duckdb"], smoke["spark"], table) == 0, table
    con = duckdb.connect(str(smoke["spark"]), read_only=True)
    repeats, resolved = con.execute(
        "select sum(fcr_repeat_n), sum(fcr_repeat_resolved) from int_call_days"
    ).fetchall()[0]
    con.close()
    assert 0 < resolved < repeats  # some answered calls were followed by the same caller within 7 days


def test_a_job_output_is_refused_when_the_databases_workspace_changed(smoke: dict, tmp_path: Path) -> None:
    db = tmp_path / "changed.duckdb"
    shutil.copy(smoke["duckdb"], db)
    with duckdb.connect(str(db)) as con:
        con.execute("update settings set sl_threshold_s = 30")
    before = differences(smoke["duckdb"], db, "int_call_days")
    with pytest.raises(
        DatabaseError, match=r"The workspace tables .* changed since the Spark step read them"
    ):
        load_job(db, smoke["job"])
    assert differences(smoke["duckdb"], db, "int_call_days") == before  # nothing was written


def test_duckdbs_double_to_decimal_cast_is_reproduced_on_spark(spark) -> None:
    # DuckDB rounds the double product x * 1e10 half away from zero; Spark's own cast rounds x's shortest
    # decimal text, so 266330.56045725953 would give ...595 on Spark and ...596 on DuckDB.
    from sqlglot import exp

    from scorecard.spark.prepass import duckdb_decimal_cast

    values = [
        266330.56045725953,
        956539.7294242835,
        1.00000000005,
        -123.00000000015,
        0.1 + 0.2,
        49.99 * 0.0923,
    ]
    values += [k * 1.0000001e-7 + 5e-11 for k in range(2000)] + [k / 7 for k in range(-500, 500)]
    expr = duckdb_decimal_cast(exp.column("v"), exp.DataType.build("decimal(38, 10)")).sql("spark")
    got = spark.createDataFrame([(i, v) for i, v in enumerate(values)], "i long, v double").selectExpr(
        "i", f"cast({expr} as string) as d"
    )
    con = duckdb.connect()
    con.register("v", pa.table({"i": range(len(values)), "v": values}))
    con.register("s", got.toArrow())
    differ = con.execute(
        "select count(*) from v join s using (i) "
        "where cast(v.v as decimal(38, 10)) <> cast(s.d as decimal(38, 10))"
    ).fetchall()[0][0]
    assert differ == 0


def test_duckdbs_list_contains_is_reproduced_on_spark(spark) -> None:
    # DuckDB's list_contains skips NULL elements (false where Spark's array_contains says NULL) and is
    # NULL for a NULL list or value; the translation compacts the list first
    import sqlglot

    from scorecard.spark.prepass import spark_functions

    lists = [["a", "b"], ["a", None], [None], [], None, ["b", None, "a"]]
    values = ["a", "b", None]
    cases = [(i, lst, v) for i, (lst, v) in enumerate((lst, v) for lst in lists for v in values)]
    tree = sqlglot.parse_one("select list_contains(l, v) as hit from t", read="duckdb")
    expr = spark_functions(tree).expressions[0].this.sql("spark")
    got = spark.createDataFrame(cases, "i int, l array<string>, v string").selectExpr("i", f"{expr} as hit")
    con = duckdb.connect()
    con.register("cases", pa.table({"i": [c[0] for c in cases], "l": [c[1] for c in cases],
                                    "v": [c[2] for c in cases]}))  # fmt: skip
    con.register("s", got.toArrow())
    expected = con.execute("select i, list_contains(l, v) from cases order by i").fetchall()
    spark_rows = con.execute("select i, hit from s order by i").fetchall()
    assert spark_rows == expected
    # the cases mean something: DuckDB's false for ['a', NULL] without 'b', NULL for a NULL list
    assert expected[4] == (4, False) and expected[12] == (12, None)
