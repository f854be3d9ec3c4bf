"""Price models of `[contract.price]` worked out by hand: every basis, tiers, outcome parts, gainshare."""

from __future__ import annotations

import pytest

from scorecard.errors import ConfigError
from scorecard.workspace.contract import parse_contract
from scorecard.workspace.pricing import PriceModel, price, total

WHERE = "vendors/acme/vendor.toml"
#: One month's recorded volumes: 1,000 handled = 900 answered + 100 self-service, 1,200 offered,
#: handle time 900 answered × 300 s = 270,000 s = 4,500 min, 412.5 productive h = 1,485,000 s.
VOLUMES = {
    "handled": 1000,
    "answered": 900,
    "offered": 1200,
    "self_service": 100,
    "handle_s": 270_000.0,
    "productive_s": 1_485_000.0,
    "revenue": 12_000.0,
}


def model(**price_table) -> PriceModel:
    """The price model of a `[contract.price]` table, parsed as vendor.toml's would be."""
    contract = parse_contract({"price": price_table}, WHERE)
    assert contract.price is not None
    return contract.price


def one(charge: dict, **extra) -> tuple[float | None, str]:
    parts = price(model(charges=[charge], **extra), VOLUMES, {}, "EUR")
    assert len(parts) == 1
    return parts[0].amount, parts[0].formula


@pytest.mark.parametrize(
    ("per", "rate", "amount", "formula"),
    [
        ("handled_call", 2.5, 2500.0, "1,000 handled calls × €2.50 = €2,500.00"),  # 1,000 × 2.50
        ("answered_call", 3.0, 2700.0, "900 answered calls × €3.00 = €2,700.00"),  # 900 × 3
        ("offered_call", 2.0, 2400.0, "1,200 offered calls × €2.00 = €2,400.00"),  # 1,200 × 2
        ("self_service_call", 0.9, 90.0, "100 self-service calls × €0.90 = €90.00"),  # 100 × 0.90
        ("handled_minute", 0.85, 3825.0, "4,500 handled min × €0.85 = €3,825.00"),  # 270,000 / 60 × 0.85
        ("productive_hour", 28.0, 11550.0, "412.5 productive h × €28.00 = €11,550.00"),  # 1,485,000 / 3,600
        ("month", 5000.0, 5000.0, "1 month × €5,000.00 = €5,000.00"),  # a fixed fee
    ],
)
def test_each_basis_prices_the_recorded_quantity(per: str, rate: float, amount: float, formula: str) -> None:
    assert one({"per": per, "rate": rate}) == (amount, formula)


def test_per_fte_divides_productive_hours_by_the_hours_of_one_fte() -> None:
    # 412.5 h / 137.5 h = 3 FTE; 3 × 4,200 = 12,600
    amount, formula = one({"per": "fte_month", "rate": 4200}, fte_hours=137.5)
    assert amount == 12600.0
    assert formula == "412.5 productive h ÷ 137.5 h = 3 FTE × €4,200.00 = €12,600.00"


def test_a_unit_price_keeps_its_decimals() -> None:
    # 4,500 min × 0.0875 = 393.75
    assert one({"per": "handled_minute", "rate": 0.0875}) == (
        393.75,
        "4,500 handled min × €0.0875 = €393.75",
    )


def test_marginal_tiers_price_each_unit_at_its_own_tier() -> None:
    tiers = [{"from": 0, "rate": 3.0}, {"from": 600, "rate": 2.0}, {"from": 5000, "rate": 1.0}]
    # 600 × 3.00 + 400 × 2.00 = 1,800 + 800 = 2,600 (the third tier is not reached)
    assert one({"per": "handled_call", "tiers": tiers}) == (
        2600.0,
        "600 handled calls × €3.00 + 400 handled calls × €2.00 = €2,600.00",
    )


def test_all_units_tiers_price_every_unit_at_the_tier_reached() -> None:
    tiers = [{"from": 0, "rate": 3.0}, {"from": 600, "rate": 2.0}]
    # 1,000 reaches the tier from 600: 1,000 × 2.00 = 2,000
    assert one({"per": "handled_call", "tiers": tiers, "tiering": "all_units"}) == (
        2000.0,
        "1,000 handled calls × €2.00 (tier from 600) = €2,000.00",
    )


def test_combined_charges_and_outcome_parts_sum_to_the_expected_invoice() -> None:
    m = model(
        charges=[{"per": "productive_hour", "rate": 28.0}, {"per": "month", "rate": 1000.0}],
        outcomes=[
            {"kpi": "csat_rate", "target": 0.80, "per_point": 250.0},  # higher is better
            {"kpi": "abandon_rate", "target": 0.05, "per_point": 400.0, "cap": 1000.0},  # lower is better
            {"kpi": "qa_score", "target": 85, "per_point": 100.0, "side": "bonus"},
        ],
        gainshare_pct=5,
    )
    kpis = {"csat_rate": 0.84, "abandon_rate": 0.08, "qa_score": 82.0}
    parts = price(m, VOLUMES, kpis, "EUR")
    assert [(p.part, p.amount) for p in parts] == [
        ("per productive hour", 11550.0),  # 412.5 × 28
        ("fixed fee per month", 1000.0),
        ("bonus/malus on Customer satisfaction (top-2 box)", 1000.0),  # (84 − 80) points × 250
        ("bonus/malus on Abandonment", -1000.0),  # (5 − 8) points × 400 = −1,200, capped at −1,000
        ("bonus on Quality assurance score", 0.0),  # (82 − 85) × 100 = −300: a bonus-only part pays no malus
        ("gainshare", 600.0),  # 12,000 × 5 %
    ]
    assert (
        parts[2].formula
        == "Customer satisfaction (top-2 box) 84.0% vs ≥ 80%: +4 points × €250.00 = €1,000.00"
    )
    assert parts[3].formula == (
        "Abandonment 8.0% vs ≤ 5%: -3 points × €400.00 = -€1,200.00, capped at -€1,000.00"
    )
    assert parts[5].formula == "€12,000.00 revenue × 5% = €600.00"
    # 11,550 + 1,000 + 1,000 − 1,000 + 0 + 600 = 13,150
    amount, formula, reason = total(parts, "EUR")
    assert (amount, reason) == (13150.0, "")
    assert formula == "€11,550.00 + €1,000.00 + €1,000.00 − €1,000.00 + €0.00 + €600.00 = €13,150.00"


def test_a_part_without_its_quantity_leaves_the_invoice_unknown_with_the_reason() -> None:
    m = model(charges=[{"per": "handled_call", "rate": 2.0}, {"per": "productive_hour", "rate": 28.0}])
    parts = price(m, {**VOLUMES, "productive_s": None}, {}, "EUR")
    assert parts[1].amount is None
    assert total(parts, "EUR") == (
        None,
        "—",
        "per productive hour: no productive hours (staffed_s of agent_time) recorded",
    )


def test_price_mistakes_are_reported_together_with_the_key() -> None:
    raw = {
        "price": {
            "charges": [
                {"per": "hour", "rate": 28},
                {"per": "handled_call", "rate": 1, "tiers": [{"from": 0, "rate": 1}]},
                {"per": "handled_call", "tiers": [{"from": 100, "rate": 1}]},
                {"per": "fte_month", "rate": -5},
            ],
            "outcomes": [{"kpi": "aht_s", "target": 300, "per_point": 1}],
            "gainshare": 5,
        }
    }
    with pytest.raises(ConfigError) as err:
        parse_contract(raw, WHERE)
    assert str(err.value).split("\n  ") == [
        f"Invalid contract in {WHERE}:",
        "[contract.price]: unknown key 'gainshare'; allowed keys: charges, outcomes, gainshare_pct, "
        "fte_hours, tolerance_pct",
        "[[contract.price.charges]] #1: key 'per' = 'hour': expected one of: handled_call, "
        "answered_call, offered_call, self_service_call, handled_minute, productive_hour, fte_month, month",
        "[[contract.price.charges]] #2: give either 'rate' (one price) or 'tiers' (volume tiers), not "
        "both or neither",
        "[[contract.price.charges]] #3: key 'tiers': the first tier starts from 0 and each next one higher; "
        "got [100.0]",
        "[[contract.price.charges]] #4: key 'rate' = -5: expected a number ≥ 0",
        "[[contract.price.outcomes]] #1: key 'kpi' = 'aht_s': expected a KPI where higher or lower is better "
        "(not a two-sided or money KPI)",
        "[contract.price]: a charge per fte_month needs 'fte_hours' (productive hours of one FTE a month)",
    ]
