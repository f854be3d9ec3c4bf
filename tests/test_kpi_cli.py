"""`scorecard kpis` end to end on a small database file.

acme (EUR, call records on 2026-04-15): a1 answered after 10 s (talk 100, hold 10, acw 20), b1 abandoned
after 30 s. beta (USD, an interval report with a 60 s threshold): 10 answered (waits 100 s in all, talk
1000 s), 2 abandoned (none short), and a 3,000 USD invoice for April at 0.9 EUR per USD.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from kpi_fixtures import add_fx, add_vendor, call, insert, interval, new_db
from typer.testing import CliRunner

from scorecard.cli import app
from scorecard.metrics.catalogue import KPI_COLUMNS, VOLUME_COLUMNS


@pytest.fixture(scope="module")
def db_path(tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("cli") / "scorecard.duckdb"
    con = new_db(path)
    add_vendor(con, "acme")
    add_vendor(con, "beta", currency="USD")
    add_fx(con, "2026-04", "USD", 0.9)
    insert(con, "calls", "acme", [call("a1", "answered", 10), call("b1", "abandoned", 30)])
    row = interval(answered=10, answered_in_sl=8, abandoned=2, sl_threshold_s=60.0)
    insert(con, "intervals", "beta", [row | {"answered_wait_s": 100.0, "talk_s": 1000.0}])
    costs = [{"period_start": "2026-04-01", "period_end": "2026-04-30", "amount": 3000.0, "kind": "invoice"}]
    insert(con, "costs", "beta", costs)
    con.close()  # no views applied: the command builds its own (temporary) views
    return path


def _run(*args: str) -> tuple[int, str, str]:
    result = CliRunner().invoke(app, ["kpis", *args])
    return result.exit_code, result.stdout, result.stderr


def test_table_shows_definitions_units_and_notes(db_path: Path) -> None:
    code, out, err = _run("--db", str(db_path))
    assert code == 0
    lines = out.splitlines()
    assert lines[0] == (
        "Definitions: service_level = negative: answered within T / (queued − short abandons) "
        "(T = 20 s; short abandons wait < 5 s); fcr_rate = survey: surveys answering resolved = yes / "
        "surveys answering the resolved question; money in EUR; every KPI pooled over its period."
    )
    table = "\n".join(lines[2:])
    expected = {
        "vendor_id": ("acme", "beta"),
        "period": ("all", "all"),
        "queued": ("2", "12"),  # 1 + 1; 10 + 2
        "abandon_rate": ("50.0%", "16.7%"),  # 1 / 2; 2 / 12
        "service_level": ("50.0%", "—"),  # 1 / 2; beta: 60 s threshold, not comparable
        "asa_s": ("10.0 s", "10.0 s"),  # 10 / 1; 100 / 10
        "aht_s": ("2:10", "1:40"),  # (100 + 10 + 20) / 1 = 130 s; 1000 / 10 = 100 s
        "cost_per_call": ("—", "€270.00"),  # 3000 × 0.9 / 10 handled
        "csat_rate": ("—", "—"),
    }
    for label, (acme, beta) in expected.items():
        assert f"{label} {acme} {beta}" in {" ".join(line.split()) for line in table.splitlines()}
    assert [line.split()[0] for line in lines[5:]] == [*VOLUME_COLUMNS, *KPI_COLUMNS]
    assert lines[4] == "-" * 35 + "  " + "-" * 6 + "  " + "-" * 7  # column widths: "acme", "€270.00"
    err_lines = err.splitlines()
    assert err_lines[0] == "Why some KPIs are empty:"
    assert (
        "  beta service_level (all): not comparable: interval report threshold 60 s vs workspace 20 s"
        in err_lines
    )
    assert "  acme cost_per_call (all): no cost data" in err_lines
    assert "  acme csat_rate (all): no surveys sent" in err_lines


def test_notes_group_periods(db_path: Path) -> None:
    code, _, err = _run("--db", str(db_path), "--grain", "day", "--vendor", "beta")
    assert code == 0
    # The invoice spreads over 30 days; 29 of them have no calls.
    assert "  beta asa_s (29 periods, 2026-04-01 to 2026-04-30): denominator is zero: answered = 0" in err


def test_csv_has_exactly_the_design_columns(db_path: Path) -> None:
    code, out, _ = _run("--db", str(db_path), "--format", "csv", "--vendor", "acme")
    assert code == 0
    header, row = out.splitlines()
    assert header.split(",") == ["vendor_id", "period", *VOLUME_COLUMNS, *KPI_COLUMNS]
    values = dict(zip(header.split(","), row.split(","), strict=True))
    assert (values["queued"], values["abandon_rate"], values["asa_s"]) == ("2", "0.5", "10.0")
    assert values["csat_rate"] == ""  # NULL, never 0


def test_json_by_program(db_path: Path) -> None:
    code, out, _ = _run("--db", str(db_path), "--format", "json", "--by-program", "--grain", "month")
    assert code == 0
    rows = json.loads(out)
    assert [(r["vendor_id"], r["period"], r["program"]) for r in rows] == [
        ("acme", "2026-04", "sales"),
        ("beta", "2026-04", "sales"),
    ]
    assert list(rows[0]) == ["vendor_id", "period", "program", *VOLUME_COLUMNS, *KPI_COLUMNS]
    assert (rows[1]["answered"], rows[1]["service_level"], rows[1]["cost_per_call"]) == (10, None, None)


def test_missing_database(tmp_path: Path) -> None:
    missing = tmp_path / "nope.duckdb"
    code, out, err = _run("--db", str(missing))
    assert code == 1
    assert out == ""
    assert err == (
        f"Error: Database {missing} does not exist. Build it first with: scorecard ingest WORKSPACE "
        f"--db {missing}\n"
    )


def test_unknown_vendor_and_grain(db_path: Path) -> None:
    code, _, err = _run("--db", str(db_path), "--vendor", "zeta")
    assert code == 1
    assert err == f"Error: Unknown vendor 'zeta' in --vendor; vendors in {db_path}: acme, beta.\n"
    code, _, err = _run("--db", str(db_path), "--grain", "fortnight")
    assert code == 1
    assert err == (
        "Error: Unknown grain 'fortnight' in --grain; expected one of: day, week, month, quarter, year, "
        "all.\n"
    )
