"""Conventions: SQL file headers, layers and dependencies; the KPI catalogue, the SQL and the product's
docs (docs/kpis.md) agree on every KPI id and formula."""

from __future__ import annotations

import re
from pathlib import Path

import polars as pl
import pytest
from kpi_fixtures import add_fx, add_vendor, call, insert, interval, new_db, ready

from scorecard.ingest.db import TABLES, create_tables
from scorecard.metrics import catalogue
from scorecard.metrics.catalogue import KPI_COLUMNS, KPIS, VOLUME_COLUMNS
from scorecard.metrics.kpis import daily_components, kpis
from scorecard.sql.views import CATALOGUE_TABLES, LAYERS, QueryFile, queries_dir, query_files

KPI_DOCS = Path(__file__).resolve().parents[1] / "docs" / "kpis.md"
FILES = query_files()
NAMES = {f.name for f in FILES}
LAYER_RANK = {layer: i for i, layer in enumerate(LAYERS)}


def _tables() -> set[str]:
    con = new_db()
    create_tables(con)
    return {r[0] for r in con.execute("select table_name from duckdb_tables()").fetchall()} | set(
        CATALOGUE_TABLES
    )


TABLE_NAMES = _tables()


def _body(f: QueryFile) -> str:
    """The SQL of the file without comments and string literals."""
    text = re.sub(r"--[^\n]*", "", f.text)
    return re.sub(r"'[^']*'", "''", text)


def test_every_folder_holds_only_query_files() -> None:
    root = queries_dir()
    assert sorted(p.name for p in root.iterdir() if p.is_dir()) == sorted(LAYERS)
    assert len(FILES) == len(list(root.rglob("*.sql")))


@pytest.mark.parametrize("f", FILES, ids=lambda f: f.name)
def test_sql_file_header_prefix_and_shape(f: QueryFile) -> None:
    lines = f.text.splitlines()
    assert lines[0] == f"-- {f.path.stem}"
    assert lines[1].startswith("-- Grain: ")
    assert f.grain and f.definition
    assert f.name == f.path.stem
    assert f.name.startswith(LAYERS[f.layer]), f"{f.path} needs the prefix {LAYERS[f.layer]!r}"
    if f.layer == "kpi":
        assert not f.name.startswith(("stg_", "int_", "mart_", "assert_"))
    if f.layer == "macros":  # scalar helpers only; table macros belong to the layer whose data they read
        assert f.kind == "macro" and " as table" not in _body(f), f"{f.path} must be a scalar macro"
    elif f.kind == "macro":
        assert " as table" in _body(f), f"{f.path}: scalar helper macros live in queries/macros/"
    assert 10 <= len(lines) <= 80, f"{f.path} has {len(lines)} lines; keep SQL files to 10-80 lines"
    long = [i for i, line in enumerate(lines, start=1) if len(line) > 100]
    assert not long, f"{f.path}: lines {long} are longer than 100 characters"
    body = _body(f)
    upper = re.findall(r"\b(SELECT|FROM|WHERE|GROUP|ORDER|JOIN|CREATE|WITH|CASE|WHEN|END|AS)\b", body)
    assert not upper, f"{f.path}: keywords are lowercase, found {upper}"
    if f.layer == "audits":
        assert f.kind == "view"
    if " as table" in body or f.kind in ("view", "table"):
        assert body.rstrip().endswith("select * from final"), f"{f.path} must end with the final CTE"


@pytest.mark.parametrize("f", FILES, ids=lambda f: f.name)
def test_dependencies_exist_are_declared_and_point_down(f: QueryFile) -> None:
    by_name = {q.name: q for q in FILES}
    for dep in f.depends_on:
        assert dep in NAMES or dep in TABLE_NAMES, f"{f.path}: unknown dependency {dep!r}"
        if dep in by_name:
            assert LAYER_RANK[by_name[dep].layer] <= LAYER_RANK[f.layer], f"{f.path} depends up on {dep}"
    body = _body(f)
    ctes = set(re.findall(r"\b(\w+) as \(", body))
    words = set(re.findall(r"\b\w+\b", body)) - ctes
    used = {n for n in (NAMES | TABLE_NAMES) & words if n != f.name}
    assert used == set(f.depends_on), f"{f.path}: uses {sorted(used)}, declares {sorted(f.depends_on)}"


def test_raw_tables_are_read_only_by_staging() -> None:
    raw = {f"raw_{t}" for t in TABLES}
    for f in FILES:
        if raw & set(f.depends_on):
            assert f.layer == "staging", f.path


def test_every_catalogue_kpi_has_a_definition_and_an_output_column() -> None:
    con = ready(new_db())
    columns = kpis(con).columns
    assert columns == ["vendor_id", "period", *VOLUME_COLUMNS, *KPI_COLUMNS]
    for kpi_id in KPI_COLUMNS:
        assert catalogue.kpi(kpi_id).definition
    assert set(KPIS) <= set(KPI_COLUMNS)


def test_formula_terms_table_is_the_catalogue() -> None:
    con = ready(new_db())
    rows = con.sql("select kpi, part, component, coefficient from kpi_formula_terms").fetchall()
    from_sql: dict[str, dict[str, dict[str, float]]] = {}
    for kpi_id, part, component, coefficient in rows:
        from_sql.setdefault(kpi_id, {"numerator": {}, "denominator": {}})[part][component] = coefficient
    expected = {k.id: {"numerator": k.numerator, "denominator": k.denominator} for k in KPIS.values()}
    assert from_sql == expected
    order = con.sql("select name from kpi_columns order by position").fetchall()
    assert [r[0] for r in order] == [*VOLUME_COLUMNS, *KPI_COLUMNS]


def test_no_sql_file_names_a_kpi() -> None:
    """KPI formulas live in catalogue.toml only: no query file names a KPI id in a string or computes a
    column named after one (the catalogue tables carry the ids and terms)."""
    ids = set(KPI_COLUMNS)
    for f in FILES:
        code = f.text.split("\n-- Depends on:", 1)[1]
        named = set(re.findall(r"'(\w+)'", code)) | set(re.findall(r"\bas (\w+)\b", code))
        assert not named & ids, f"{f.path} names KPI ids {sorted(named & ids)}"
    expanded = {f.name for f in FILES if f.sql != f.text}
    assert expanded == {"kpi_values", "kpi_interval_service"}
    assert not any("/*" in f.sql for f in FILES), "a catalogue comment was left unexpanded"


def test_every_kpi_in_the_docs_is_in_the_catalogue_and_back() -> None:
    text = KPI_DOCS.read_text(encoding="utf-8")
    section = text.split("## The KPIs", 1)[1].split("\n## ", 1)[0]
    reference = section.split("<!-- generated", 1)[1].split("<!-- end of generated", 1)[0]
    ids = [line.split("|")[1].strip() for line in reference.splitlines()[3:] if line.startswith("| ")]
    ids += re.findall(r"`(service_level_\w+|fcr_rate_\w+)`", section)
    assert len(ids) >= 27
    assert set(ids) <= set(KPI_COLUMNS), sorted(set(ids) - set(KPI_COLUMNS))
    assert set(KPI_COLUMNS) <= set(ids), sorted(set(KPI_COLUMNS) - set(ids))


def _mixed_db():
    """Two vendors, several days, every source: call records, an interval report, surveys, QA,
    agent time, costs in two currencies."""
    con = new_db(sl_variant="ignore_early_abandons", fcr_method="disposition")
    add_vendor(con, "acme")
    add_vendor(con, "beta", currency="USD")
    add_fx(con, "2026-04", "USD", 0.9)
    add_fx(con, "2026-05", "USD", 0.8)
    calls = [
        call("a1", "answered", 12, arrived_at="2026-04-29 09:00:00", resolved=True, revenue=20.0),
        call("a2", "answered", 40, arrived_at="2026-04-30 09:00:00", resolved=False, caller_key="x"),
        call("a3", "abandoned", 3, arrived_at="2026-04-30 10:00:00", caller_key="x"),
        call("a4", "abandoned", 50, arrived_at="2026-05-01 10:00:00"),
        call("a5", "blocked", 0, arrived_at="2026-05-01 11:00:00"),
        call("a6", "self_service", 0, arrived_at="2026-05-02 11:00:00", transferred=True),
        call("a7", "answered", 7, arrived_at="2026-05-02 12:00:00", transferred=True, caller_key="y"),
    ]
    insert(con, "calls", "acme", calls)
    insert(con, "intervals", "beta", [
        interval("2026-04-30 10:00:00", answered=20, answered_in_sl=15, abandoned=5, abandoned_in_sl=2,
                 short_abandoned=0, blocked=2, self_service=3, answered_wait_s=300.0,
                 abandoned_wait_s=200.0, talk_s=4000.0, hold_s=300.0, acw_s=900.0, transferred=2),
        interval("2026-05-01 10:00:00", answered=8, answered_in_sl=8, abandoned=1, abandoned_in_sl=1,
                 short_abandoned=1, answered_wait_s=40.0, abandoned_wait_s=2.0, talk_s=1600.0),
    ])  # fmt: skip
    surveys = [
        {"survey_id": "s1", "call_id": "a1", "responded_at": "2026-04-29 12:00:00", "csat": 5},
        {"survey_id": "s2", "responded_at": "2026-05-02 12:00:00", "csat": 2, "resolved": False},
    ]
    insert(con, "surveys", "acme", surveys)
    insert(con, "surveys", "beta", [{"survey_id": "t1", "responded_at": "2026-05-01 08:00:00", "csat": 4}])
    insert(con, "quality", "beta", [
        {"evaluation_id": "q1", "agent_id": "b", "evaluated_at": "2026-04-30 15:00:00", "score": 70.0},
        {"evaluation_id": "q2", "agent_id": "b", "evaluated_at": "2026-05-01 15:00:00", "score": 95.0},
    ])  # fmt: skip
    agent = {"agent_id": "ag", "scheduled_s": 3600.0, "staffed_s": 3000.0, "handle_s": 1500.0}
    agent |= {"available_s": 900.0, "in_adherence_s": 3200.0}
    insert(con, "agent_time", "acme", [agent | {"date": d} for d in ("2026-04-30", "2026-05-01")])
    insert(
        con,
        "costs",
        "acme",
        [{"period_start": "2026-04-29", "period_end": "2026-05-02", "amount": 80.0, "kind": "invoice"}],
    )
    insert(
        con,
        "costs",
        "beta",
        [{"period_start": "2026-04-30", "period_end": "2026-05-01", "amount": 100.0, "kind": "invoice"}],
    )
    return ready(con)


def _catalogue_value(kpi: catalogue.Kpi, totals: dict[str, float | None]) -> float | None:
    """sum(numerator) / sum(denominator) with the catalogue's coefficients; None if unknown or 0."""
    parts = []
    for terms in (kpi.numerator, kpi.denominator):
        values = [totals[c] for c in terms]
        if any(v is None for v in values):
            return None
        parts.append(sum(coef * v for coef, v in zip(terms.values(), values, strict=True)))
    return None if parts[1] == 0 else parts[0] / parts[1]


@pytest.mark.parametrize("grain", ["month", "all"])
def test_sql_kpis_equal_the_catalogue_formulas_on_daily_components(grain: str) -> None:
    con = _mixed_db()
    days = daily_components(con)
    from_sql = kpis(con, grain=grain)
    assert from_sql.height == (4 if grain == "month" else 2)
    for row in from_sql.iter_rows(named=True):
        period = row["period"]
        mine = days.filter(vendor_id=row["vendor_id"])
        if period != "all":
            mine = mine.filter(pl.col("local_date").dt.strftime("%Y-%m") == period)
        totals = {
            c: (None if mine[c].null_count() else float(mine[c].sum())) for c in catalogue.COMPONENT_COLUMNS
        }
        for kpi_id in KPI_COLUMNS:
            expected = _catalogue_value(catalogue.kpi(kpi_id, "ignore_early_abandons", "disposition"), totals)
            assert row[kpi_id] == pytest.approx(expected), (row["vendor_id"], period, kpi_id)
        for volume in VOLUME_COLUMNS:
            assert row[volume] == totals[volume]
    # The fixture exercises values as well as NULLs.
    assert from_sql["service_level"].null_count() < from_sql.height
    assert from_sql["revenue_per_call"].null_count() > 0


#: Python modules kept under this many lines (docs/internals.md: small modules, functions on a screen).
MODULE_LINES = 300
#: Modules still over the limit, each with why it is not split yet; a split file leaves the list.
LONG_MODULES = {
    "scorecard/ingest/adapters/readers.py": "the readers every adapter shares (CSV, XLSX, JSON lines, "
    "numbers, durations); to split by kind of file next",
    "scorecard/ingest/schemas.py": "one pandera model per canonical table (seven) with their row rules and "
    "warnings; to split the warnings out next",
    "scorecard/ingest/run.py": "the ingest run: one transaction per vendor, the staged batches, publishing; "
    "to split the file loop from the run next",
    "scorecard/workspace/contract.py": "contract terms: parsing, attainment and credits with cap and "
    "earn-back; to split attainment out next",
    "scorecard_demo/writers.py": "one writer per simulated platform export",
    "app_pages/_common.py": "the app's shared page state and its cached, scoped reads",
    "scorecard/present/format.py": "the one way to write a number: one function per unit, kept in one place "
    "so that no page writes a number its own way",
}


def _modules() -> dict[str, int]:
    root = Path(__file__).resolve().parents[1]
    paths = [
        *root.glob("scorecard/**/*.py"),
        *root.glob("scorecard_demo/**/*.py"),
        *root.glob("app_pages/*.py"),
    ]
    paths += [root / "app.py"] if (root / "app.py").exists() else []  # a copy may hold the library only
    return {p.relative_to(root).as_posix(): len(p.read_text(encoding="utf-8").splitlines()) for p in paths}


def test_modules_stay_under_the_line_limit_or_are_listed_with_a_reason() -> None:
    lines = _modules()
    over = {name: n for name, n in sorted(lines.items()) if n > MODULE_LINES and name not in LONG_MODULES}
    assert not over, f"modules over {MODULE_LINES} lines (split them): {over}"
    split = [name for name in LONG_MODULES if name in lines and lines[name] <= MODULE_LINES]
    assert not split, f"now within {MODULE_LINES} lines: remove from LONG_MODULES: {split}"
