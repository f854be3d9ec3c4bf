"""The KPI catalogue's one declaration (`catalogue.toml`): how it is read and checked, the tables and SQL
derived from it, and the reference printed from it."""

from __future__ import annotations

import copy
import tomllib
from pathlib import Path

import duckdb
import pytest
from kpi_fixtures import add_vendor, call, insert, new_db, ready
from typer.testing import CliRunner

from scorecard.cli import app
from scorecard.errors import ConfigError
from scorecard.ingest import db
from scorecard.metrics import catalogue
from scorecard.metrics.declaration import DECLARATION, parse, parse_terms
from scorecard.metrics.kpis import kpis
from scorecard.sql.views import CATALOGUE_TABLES

RAW = tomllib.loads(DECLARATION.read_text(encoding="utf-8"))
COMPONENTS = dict.fromkeys(["talk_s", "hold_s", "acw_s", "answered"])


def _with(kpi_id: str, spec: dict) -> dict:
    data = copy.deepcopy(RAW)
    data["kpis"][kpi_id] = spec
    return data


def _error(data: dict) -> str:
    with pytest.raises(ConfigError) as err:
        parse(data)
    return str(err.value)


RATIO = {
    "label": "Hold share",
    "unit": "rate",
    "direction": "lower",
    "family": "quality",
    "definition": "hold / (talk + hold)",
    "numerator": "hold_s",
    "denominator": "talk_s + hold_s",
}


def test_formulas_are_signed_sums_of_components_with_optional_factors() -> None:
    assert parse_terms("talk_s + hold_s - 6 * acw_s", COMPONENTS, "x") == {
        "talk_s": 1.0,
        "hold_s": 1.0,
        "acw_s": -6.0,
    }
    assert parse_terms("-answered", COMPONENTS, "x") == {"answered": -1.0}


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("talk_s hold_s", "cannot read the formula 'talk_s hold_s' at 'hold_s'; write e.g. 'a + b - 2 * c'"),
        ("talk_s + speed", "unknown component 'speed' in 'talk_s + speed'; expected one of: talk_s, "),
        ("talk_s - talk_s", "component 'talk_s' appears twice in 'talk_s - talk_s'"),
        ("", "the formula is empty"),
    ],
)
def test_formula_mistakes_name_the_table_and_the_text(text: str, message: str) -> None:
    with pytest.raises(ConfigError) as err:
        parse_terms(text, COMPONENTS, "kpis.x.numerator")
    assert str(err.value).startswith(f"catalogue.toml: [kpis.x.numerator]: {message}")


def test_declaration_mistakes_are_errors_naming_the_kpi() -> None:
    assert _error(_with("hold_share", {**RATIO, "unit": "percent"})) == (
        "catalogue.toml: [kpis.hold_share]: unit = 'percent'; expected one of: rate, seconds, currency, "
        "points, count"
    )
    assert _error(_with("hold_share", {**RATIO, "colour": "red"})) == (
        "catalogue.toml: [kpis.hold_share]: unknown keys ['colour'], missing keys []"
    )
    no_definition = {k: v for k, v in RATIO.items() if k != "definition"}
    assert _error(_with("hold_share", no_definition)) == (
        "catalogue.toml: [kpis.hold_share]: unknown keys [], missing keys ['definition']"
    )
    assert _error(_with("hold_share", {**RATIO, "direction": "band", "target": 0.1})) == (
        "catalogue.toml: [kpis.hold_share.target]: 0.1: expected [low, high]"
    )
    assert _error(_with("answered", RATIO)) == (
        "catalogue.toml: [kpis.answered]: a KPI id is lowercase snake_case and not a component name"
    )
    assert _error(_with("service_level_fast", {**RATIO, "variant_of": "speed"})) == (
        "catalogue.toml: [kpis.service_level_fast]: variant_of = 'speed': expected a headline KPI id "
        "prefixing it"
    )


def test_a_declared_ratio_kpi_is_a_column_with_its_formula_and_order() -> None:
    parsed = parse(_with("hold_share", RATIO))
    assert parsed.columns[-1] == "hold_share"
    assert parsed.kpis["hold_share"].numerator == {"hold_s": 1.0}
    assert parsed.kpis["hold_share"].denominator == {"talk_s": 1.0, "hold_s": 1.0}


def test_catalogue_matches_the_declaration() -> None:
    assert tuple(RAW["kpis"]) == catalogue.KPI_COLUMNS
    assert tuple(RAW["components"]) == catalogue.COMPONENT_COLUMNS
    assert catalogue.VOLUME_COLUMNS == (
        "attempts", "offered", "queued", "answered", "abandoned", "short_abandoned", "blocked",
        "self_service", "handled",
    )  # fmt: skip
    assert catalogue.SL_VARIANTS == ("negative", "answered_only", "ignore_early_abandons", "positive")
    assert catalogue.FCR_METHODS == ("survey", "disposition", "repeat")
    assert "service_level_positive" not in catalogue.HEADLINE_COLUMNS
    assert catalogue.headline_of("fcr_rate_repeat") == "fcr_rate"
    assert catalogue.headline_of("asa_s") == "asa_s"
    sl = catalogue.kpi("service_level", sl_variant="positive")
    assert (sl.label, sl.aliases, sl.numerator) == (
        "Service level (positive)",
        ("service_level_positive",),
        {"answered_in_sl": 1.0, "abandoned_in_sl": 1.0},
    )


def test_generated_sql_keeps_the_declared_order_of_terms() -> None:
    assert catalogue.sql_ratio(catalogue.KPIS["aht_s"]) == "(talk_s + hold_s + acw_s) / nullif(answered, 0)"
    assert catalogue.sql_ratio(catalogue.KPIS["abandon_rate"]) == (
        "(abandoned - short_abandoned) / nullif(queued - short_abandoned, 0)"
    )
    parts = catalogue.sql_variant_parts("service_level", "v", "sl").splitlines()
    assert parts[0].startswith("case v when 'negative' then answered_in_sl when 'answered_only' then")
    assert parts[1].strip().endswith("when 'positive' then queued end as sl_denominator")


def test_catalogue_tables_are_written_and_read_only_databases_get_temporary_ones(tmp_path: Path) -> None:
    path = tmp_path / "scorecard.duckdb"
    con = new_db(path)
    add_vendor(con, "acme")
    insert(con, "calls", "acme", [call("a1", "answered", 10), call("a2", "abandoned", 30)])
    ready(con)
    tables = {r[0] for r in con.execute("select table_name from duckdb_tables()").fetchall()}
    assert set(CATALOGUE_TABLES) <= tables
    terms = con.sql("select * from kpi_formula_terms where kpi = 'aht_s' order by component").fetchall()
    assert terms == [
        ("aht_s", "numerator", "acw_s", 1.0),
        ("aht_s", "denominator", "answered", 1.0),
        ("aht_s", "numerator", "hold_s", 1.0),
        ("aht_s", "numerator", "talk_s", 1.0),
    ]
    con.execute("drop table kpi_columns").fetchall()  # a database built before the table existed
    con.close()
    reader = db.connect(path, read_only=True)
    frame = kpis(reader)
    assert frame["abandon_rate"].to_list() == [0.5]  # a2 / (a1 + a2)
    temp = reader.sql("select temporary from duckdb_tables() where table_name = 'kpi_columns'").fetchall()
    assert temp == [(True,)]
    reader.close()
    with pytest.raises(duckdb.CatalogException):
        duckdb.connect(str(path), read_only=True).sql("select * from main.kpi_columns").fetchall()


def test_definitions_command_prints_the_reference_from_the_declaration() -> None:
    result = CliRunner().invoke(app, ["definitions", "--sl-variant", "positive"])
    assert result.exit_code == 0
    lines = result.stdout.splitlines()
    assert lines[0] == (
        "| Id | KPI | Definition | Numerator | Denominator | Unit | Better | Seed target | Floor (0 points) |"
    )
    assert len(lines) == 2 + len(catalogue.KPI_COLUMNS)
    assert lines[4] == (
        "| service_level | Service level (positive) | (answered within T + abandoned within T) / queued | "
        "answered_in_sl + abandoned_in_sl | queued | % | higher | ≥ 80% | 50% |"
    )
    csv = CliRunner().invoke(app, ["definitions", "--format", "csv", "--currency", "USD"]).stdout
    assert "cost_per_call,Cost per handled call (as billed)," in csv and ",$,lower,—,—" in csv
    bad = CliRunner().invoke(app, ["definitions", "--fcr-method", "guess"])
    assert (bad.exit_code, bad.stderr) == (
        1,
        "Error: Unknown --fcr-method 'guess'; expected one of: survey, disposition, repeat.\n",
    )
