"""Contract terms (`[contract]` of vendor.toml) and the SLA credit engine, on hand-made monthly frames."""

from __future__ import annotations

from typing import Any

import polars as pl
import pytest

from scorecard.errors import ConfigError
from scorecard.workspace.contract import (
    Contract,
    Term,
    assess,
    month_range,
    next_month,
    parse_contract,
    quarter_of,
)

WHERE = "vendors/acme/vendor.toml"

#: The worked example of docs/contract.md: cap 6 %, two monthly terms, an earn-back on service level.
EXAMPLE: dict[str, Any] = {
    "at_risk_cap_pct": 6,
    "terms": [
        {"kpi": "service_level", "target": 0.80, "credit_pct": 5, "earn_back_months": 2},
        {"kpi": "abandon_rate", "target": 0.05, "credit_pct": 3},
    ],
}
MONTHS = ["2026-04", "2026-05", "2026-06", "2026-07"]


def kpi_months(**columns: list[Any]) -> pl.DataFrame:
    """Monthly KPI rows for MONTHS: 1,000 handled and 900 answered calls, FCR 80 %, unless given."""
    base: dict[str, list[Any]] = {
        "period": MONTHS,
        "handled": [1000] * 4,
        "answered": [900] * 4,
        "fcr_rate": [0.8] * 4,
    }
    return pl.DataFrame({**base, **columns})


def money(invoice: list[float | None] | None = None, rate: float = 0.9) -> pl.DataFrame:
    """An invoice of 100,000 a month in the vendor currency (0.9 base units per unit) unless given."""
    invoices = invoice or [100_000.0] * 4
    return pl.DataFrame(
        {
            "month": MONTHS[: len(invoices)],
            "invoice": invoices,
            "adjustments": [0.0] * len(invoices),
            "credits_recorded": [0.0] * len(invoices),
            "rate_to_base": [rate] * len(invoices),
        },
        schema_overrides={"invoice": pl.Float64},
    )


def example_kpis() -> pl.DataFrame:
    return kpi_months(
        service_level=[0.78, 0.75, 0.82, 0.85],  # missed, missed, met, met
        abandon_rate=[0.04, 0.07, 0.03, 0.05],  # met, missed, met, met (≤ 5 % meets)
    )


# --- parsing -----------------------------------------------------------------------------------------


def test_parses_the_documented_contract() -> None:
    contract = parse_contract(
        {
            "at_risk_cap_pct": 12,
            "volume_floor_calls": 20000,
            "terms": [
                {
                    "kpi": "service_level",
                    "target": 0.80,
                    "period": "month",
                    "credit_pct": 5,
                    "earn_back_months": 2,
                },
                {"kpi": "aht_s", "target": [180, 600], "credit_pct": 2},
                {
                    "kpi": "qa_score",
                    "target": 85,
                    "period": "quarter",
                    "credit_pct": 1.5,
                    "earn_back_months": 3,
                },
            ],
        },
        WHERE,
    )
    assert contract == Contract(
        terms=(
            Term("service_level", 0.80, "higher", "month", 5.0, 2),
            Term("aht_s", (180.0, 600.0), "band", "month", 2.0, None),
            Term("qa_score", 85.0, "higher", "quarter", 1.5, 3),
        ),
        at_risk_cap_pct=12.0,
        volume_floor_calls=20000,
        source=WHERE,
    )
    assert [t.describe() for t in contract.terms] == [
        "service_level ≥ 0.8",
        "aht_s within [180, 600]",
        "qa_score ≥ 85",
    ]


def test_empty_contract_has_no_terms_and_no_cap() -> None:
    assert parse_contract({}, WHERE) == Contract((), None, None, WHERE)


def test_direction_decides_what_meets() -> None:
    sl = Term("service_level", 0.80, "higher")
    abandon = Term("abandon_rate", 0.05, "lower")
    talk = Term("avg_talk_s", (270.0, 360.0), "band")
    assert (sl.meets(0.80), sl.meets(0.7999), sl.meets(None)) == (True, False, None)
    assert (abandon.meets(0.05), abandon.meets(0.0501)) == (True, False)
    assert (talk.meets(270.0), talk.meets(360.0), talk.meets(361.0), talk.meets(float("nan"))) == (
        True,
        True,
        False,
        None,
    )


def test_every_problem_is_reported_with_file_and_key() -> None:
    raw = {
        "at_risk_cap": 12,
        "at_risk_cap_pct": 120,
        "volume_floor_calls": 2.5,
        "terms": [
            {"kpi": "servce_level", "target": 0.8, "credit_pct": 5},
            {"kpi": "service_level", "target": 80, "credit_pct": "5", "earn_back_months": 0, "note": "x"},
            {"kpi": "aht_s", "target": 300, "credit_pct": 2, "period": "week"},
            {"kpi": "qa_score", "target": 90, "credit_pct": 1, "period": "quarter", "earn_back_months": 2},
            {"target": 0.9},
            "service_level",
        ],
    }
    with pytest.raises(ConfigError) as err:
        parse_contract(raw, WHERE)
    lines = str(err.value).split("\n  ")
    assert lines[0] == f"Invalid contract in {WHERE}:"
    assert lines[1] == (
        "[contract]: unknown key 'at_risk_cap'; allowed keys: at_risk_cap_pct, volume_floor_calls, "
        "volume_band_pct, terms, price"
    )
    assert lines[2] == "[contract]: key 'at_risk_cap_pct' = 120: expected a number from 0 to 100"
    assert lines[3] == "[contract]: key 'volume_floor_calls' = 2.5: expected a whole number ≥ 0"
    assert lines[4].startswith(
        "[[contract.terms]] #1: key 'kpi' = 'servce_level': unknown KPI id; expected one of: "
        "blockage_rate, abandon_rate, service_level, "
    )
    assert "cost_per_call" not in lines[4]
    assert lines[5:] == [
        "[[contract.terms]] #2: unknown key 'note'; allowed keys: kpi, target, period, credit_pct, "
        "earn_back_months, min_share, hours",
        "[[contract.terms]] #2: key 'credit_pct' = '5': expected a number from 0 to 100",
        "[[contract.terms]] #2: key 'earn_back_months' = 0: expected a whole number ≥ 1",
        "[[contract.terms]] #2: key 'target' = 80: expected a number from 0 to 1 (a fraction: 0.80 for 80 %)",
        "[[contract.terms]] #3: key 'period' = 'week': expected one of: month, quarter, day, interval",
        "[[contract.terms]] #3: key 'target' = 300: aht_s is two-sided; expected [low, high] with "
        "0 ≤ low ≤ high",
        "[[contract.terms]] #4: key 'earn_back_months' = 2: a quarterly term earns back over whole quarters; "
        "use 3, 6, 9 ...",
        "[[contract.terms]] #5: missing required key 'kpi'",
        "[[contract.terms]] #5: missing required key 'credit_pct'",
        "[[contract.terms]] #6: expected a table with keys kpi, target, period, credit_pct, "
        "earn_back_months, min_share, hours, got 'service_level'",
    ]


def test_terms_must_be_an_array_and_unique_per_period() -> None:
    with pytest.raises(ConfigError) as err:
        parse_contract({"terms": {"kpi": "service_level"}}, WHERE)
    assert str(err.value) == (
        f"Invalid contract in {WHERE}:\n"
        "  [contract]: key 'terms' must be an array of tables: write [[contract.terms]]"
    )
    twice = {"kpi": "service_level", "target": 0.8, "credit_pct": 5}
    with pytest.raises(ConfigError) as err:
        parse_contract({"terms": [twice, dict(twice), {**twice, "period": "quarter"}]}, WHERE)
    assert str(err.value) == (
        f"Invalid contract in {WHERE}:\n"
        "  [[contract.terms]] #2: kpi 'service_level' with period 'month' is already term #1; keep one"
    )


def test_month_helpers() -> None:
    assert (next_month("2026-12"), next_month("2026-01", 14), quarter_of("2026-05")) == (
        "2027-01",
        "2027-03",
        "2026-Q2",
    )
    assert month_range("2025-11", "2026-02") == ["2025-11", "2025-12", "2026-01", "2026-02"]


# --- credits -----------------------------------------------------------------------------------------


def test_month_missing_one_term_owes_its_credit() -> None:
    result = assess(parse_contract(EXAMPLE, WHERE), example_kpis(), money())
    april = result.monthly.row(0, named=True)
    # Service level 78 % < 80 %: 5 % × 100,000 = 5,000; under the cap 6 % × 100,000 = 6,000.
    assert (april["credits_due"], april["cap"], april["credits_owed"]) == (5000.0, 6000.0, 5000.0)
    # Net cost 100,000 − 5,000 = 95,000; per handled call 95,000 / 1,000 = 95;
    # per resolved call 95,000 / (900 × 0.8 = 720) = 131.944...
    assert (april["net_cost"], april["cost_per_handled"]) == (95000.0, 95.0)
    assert april["cost_per_resolved"] == 95000.0 / 720.0
    # Base currency at 0.9: 4,500 owed, 85,500 net, 85.5 per handled call.
    assert (april["credits_owed_base"], april["net_cost_base"], april["cost_per_handled_base"]) == (
        4500.0,
        85500.0,
        85.5,
    )


def test_month_missing_two_terms_is_capped_pro_rata() -> None:
    result = assess(parse_contract(EXAMPLE, WHERE), example_kpis(), money())
    may = result.monthly.row(1, named=True)
    # Due 5 % + 3 % = 8,000 > cap 6,000: owed 6,000; net 94,000.
    assert (may["credits_due"], may["credits_owed"], may["net_cost"]) == (8000.0, 6000.0, 94000.0)
    lines = result.lines.filter(pl.col("month") == "2026-05")
    # Pro rata: service level 5,000 × 6/8 = 3,750; abandonment 3,000 × 6/8 = 2,250.
    assert lines.select("kpi", "status", "credit_due", "credit_owed").rows() == [
        ("service_level", "missed", 5000.0, 3750.0),
        ("abandon_rate", "missed", 3000.0, 2250.0),
    ]


def test_earn_back_returns_the_capped_credit_after_n_good_months() -> None:
    result = assess(parse_contract(EXAMPLE, WHERE), example_kpis(), money())
    sl = result.attainment.filter(pl.col("kpi") == "service_level")
    # April's miss: May misses too -> forfeited. May's miss: June and July meet -> back in July.
    assert sl.select("period", "status", "earn_back", "back_in").rows() == [
        ("2026-04", "missed", "forfeited", None),
        ("2026-05", "missed", "earned back in 2026-07", "2026-07"),
        ("2026-06", "met", "", None),
        ("2026-07", "met", "", None),
    ]
    july = result.monthly.row(3, named=True)
    # July returns May's capped service-level credit 3,750: net 100,000 − 0 + 3,750 = 103,750.
    assert (july["credits_owed"], july["earned_back"], july["net_cost"]) == (0.0, 3750.0, 103750.0)
    assert (july["earned_back_base"], july["net_cost_base"]) == (3375.0, 93375.0)  # × 0.9
    assert result.monthly["net_cost"].to_list() == [95000.0, 94000.0, 100000.0, 103750.0]


def test_earn_back_window_past_the_data_is_pending() -> None:
    three = example_kpis().head(3)  # no July yet: May's window (June, July) is not over
    result = assess(parse_contract(EXAMPLE, WHERE), three, money()[:3])
    may = result.attainment.filter((pl.col("kpi") == "service_level") & (pl.col("period") == "2026-05"))
    assert may.select("earn_back", "back_in").row(0) == ("pending", None)
    assert result.monthly["earned_back"].to_list() == [0.0, 0.0, 0.0]


def test_no_cap_sums_credits_and_no_data_owes_nothing() -> None:
    contract = parse_contract({"terms": EXAMPLE["terms"]}, WHERE)
    kpis = kpi_months(service_level=[0.5, None, 0.9, 0.9], abandon_rate=[0.5, 0.01, 0.01, 0.01])
    result = assess(contract, kpis, money())
    # April: 5,000 + 3,000 = 8,000 with no cap; May: service level unknown -> "no data", no credit.
    assert result.monthly["credits_owed"].to_list() == [8000.0, 0.0, 0.0, 0.0]
    assert result.monthly["cap"].to_list() == [None, None, None, None]
    assert result.lines.filter(pl.col("month") == "2026-05")["status"].to_list() == ["no data", "met"]


def test_month_without_invoice_has_unknown_credits_and_net_cost() -> None:
    result = assess(parse_contract(EXAMPLE, WHERE), example_kpis(), money([100_000.0, None, 100_000.0]))
    # May misses with no invoice: the credit is unknown. July has no cost row but misses nothing: 0 owed.
    assert result.monthly["credits_owed"].to_list() == [5000.0, None, 0.0, 0.0]
    assert result.monthly["net_cost"].to_list() == [95000.0, None, 100000.0, None]


def test_quarterly_term_is_measured_over_the_quarter_and_credits_each_month() -> None:
    contract = parse_contract(
        {"terms": [{"kpi": "qa_score", "target": 85, "period": "quarter", "credit_pct": 2}]}, WHERE
    )
    quarters = pl.DataFrame({"period": ["2026-Q2", "2026-Q3"], "qa_score": [84.0, 90.0]})
    result = assess(contract, kpi_months(), money(), quarters)
    # Q2 (84 < 85) is missed: 2 % of each of April, May and June = 2,000 each; Q3 is not over in the data.
    assert result.attainment.select("period", "value", "status").rows() == [
        ("2026-Q2", 84.0, "missed"),
        ("2026-Q3", None, "pending"),
    ]
    assert result.monthly["credits_owed"].to_list() == [2000.0, 2000.0, 2000.0, 0.0]


def test_volume_floor_gives_billable_calls() -> None:
    contract = parse_contract({"volume_floor_calls": 1200}, WHERE)
    result = assess(contract, kpi_months(handled=[1000, 1500, 1200, 0]), money())
    assert result.monthly["billable_calls"].to_list() == [1200, 1500, 1200, 1200]
    assert result.monthly["cost_per_handled"].to_list() == [100.0, 100_000 / 1500, 100_000 / 1200, None]
