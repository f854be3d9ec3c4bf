"""Findings: which KPIs are out of band, in what order, and the advice catalogue behind them."""

from __future__ import annotations

import pytest

from scorecard.errors import ConfigError
from scorecard.metrics import catalogue
from scorecard.review.findings import (
    base_kpi,
    findings,
    findings_frame,
    load_advice,
    parse_advice,
    side_of,
    sides_for,
)


def row(kpi: str, value: float | None, low: float | None, high: float | None, source: str = "catalogue"):
    return {"kpi": kpi, "value": value, "target_low": low, "target_high": high, "target_source": source}


def test_builtin_catalogue_covers_every_targeted_headline_kpi_side() -> None:
    advice = load_advice()
    headline = [k for k in catalogue.KPI_COLUMNS if base_kpi(k) == k]
    missing = [
        (k, side)
        for k in headline
        if catalogue.kpi(k).target is not None
        for side in sides_for(catalogue.kpi(k).direction)
        if (k, side) not in advice
    ]
    assert missing == []
    assert all(a.causes and a.checks and a.summary for a in advice.values())


def test_builtin_advice_names_the_usual_suspects() -> None:
    advice = load_advice()
    assert advice[("adherence_rate", "low")].causes[:3] == (
        "Absenteeism and late log-ins",
        "Weak supervision of breaks, lunches and off-phone time",
        "Schedules that do not fit agents' real constraints (shift patterns, commuting)",
    )
    assert advice[("avg_acw_s", "high")].causes[:3] == (
        "Tooling: slow CRM, duplicate data entry, no call-reason templates",
        "Training: agents unsure how to document or close cases",
        "New hires who have not built the routine yet",
    )
    assert advice[("abandon_rate", "high")].causes[:2] == (
        "Staffing below the forecast requirement, so queues build up",
        "Long handle or hold time tying agents up",
    )


def test_side_of_a_band() -> None:
    assert side_of(0.79, 0.80, None) == "low"
    assert side_of(0.80, 0.80, None) is None  # the target itself meets
    assert side_of(0.06, None, 0.05) == "high"
    assert side_of(100.0, 270.0, 360.0) == "low"
    assert side_of(400.0, 270.0, 360.0) == "high"
    assert side_of(None, 0.8, None) is None
    assert side_of(float("nan"), 0.8, None) is None


def test_findings_put_contract_terms_first_then_the_largest_gap() -> None:
    found = findings(
        [
            row("adherence_rate", 0.80, 0.92, None),  # gap (0.92 − 0.80) / 0.92 = 0.1304
            row("avg_acw_s", 90.0, 30.0, 60.0),  # gap (90 − 60) / 60 = 0.5
            row("service_level", 0.78, 0.80, None, "contract"),  # gap 0.02 / 0.80 = 0.025
            row("asa_s", 15.0, None, 20.0),  # within the band: no finding
            row("cost_per_call", 3.0, None, None, "none"),  # no target: no finding
        ]
    )
    assert [(f.kpi, f.side, f.source) for f in found] == [
        ("service_level", "low", "contract"),
        ("avg_acw_s", "high", "catalogue"),
        ("adherence_rate", "low", "catalogue"),
    ]
    assert [round(f.gap, 4) for f in found] == [0.025, 0.5, 0.1304]
    assert found[1].advice is load_advice()[("avg_acw_s", "high")]


def test_variant_columns_use_the_headline_advice() -> None:
    [found] = findings([row("service_level_positive", 0.5, 0.8, None, "contract")])
    assert found.label == "Service level (positive)"
    assert found.advice is load_advice()[("service_level", "low")]


def test_findings_frame_joins_causes_and_checks() -> None:
    frame = findings_frame(findings([row("blockage_rate", 0.04, None, 0.01)]))
    assert frame.columns == [
        "kpi",
        "label",
        "side",
        "value",
        "target_low",
        "target_high",
        "target_source",
        "summary",
        "causes",
        "checks",
    ]
    assert frame.row(0)[:7] == ("blockage_rate", "Blockage", "high", 0.04, None, 0.01, "catalogue")
    assert frame["causes"][0] == (
        "Trunk or channel capacity sized below the peak load | Queue size limits or overflow rules set too "
        "tight | Platform incidents or carrier problems"
    )


@pytest.mark.parametrize(
    ("data", "message"),
    [
        (
            {"speed": {"low": {}}},
            "findings.toml: [speed]: unknown KPI id; use an id of the KPI catalogue",
        ),
        (
            {"adherence_rate": {"high": {"summary": "s", "causes": ["c"], "checks": ["k"]}}},
            "findings.toml: [adherence_rate.high]: adherence_rate is 'higher is better'; "
            "expected side(s): low",
        ),
        (
            {"aht_s": {"low": {"summary": "s", "causes": ["c"]}}},
            "findings.toml: [aht_s.low]: expected exactly the keys summary, causes, checks",
        ),
        (
            {"aht_s": {"low": {"summary": "s", "causes": [], "checks": ["k"]}}},
            "findings.toml: [aht_s.low]: summary must be text, causes and checks non-empty lists of text",
        ),
    ],
)
def test_advice_catalogue_is_validated(data: dict, message: str) -> None:
    with pytest.raises(ConfigError) as err:
        parse_advice(data, "findings.toml")
    assert str(err.value) == message
