"""Numbers as people read them (scorecard.present.format): exact strings."""

from __future__ import annotations

import math

import polars as pl
import pytest

from scorecard.present import format as fmt


@pytest.mark.parametrize(
    ("value", "text"),
    [(0.8587, "85.9%"), (0.0, "0.0%"), (1.0, "100.0%"), (0.00049, "0.0%"), (None, "—"), (math.nan, "—")],
)
def test_percent_one_decimal(value, text):
    assert fmt.percent(value) == text


@pytest.mark.parametrize(
    ("value", "text"),
    [
        (8.51, "8.5 s"),
        (59.94, "59.9 s"),
        (60.0, "1:00"),
        (370.4, "6:10"),  # 370 s = 6 min 10 s
        (3725.0, "1:02:05"),  # 3725 s = 1 h 2 min 5 s
        (None, "—"),
    ],
)
def test_seconds_or_minutes(value, text):
    assert fmt.seconds(value) == text


@pytest.mark.parametrize(
    ("value", "currency", "text"),
    [
        (22.5806, "EUR", "€22.58"),
        (-1200.0, "USD", "-$1,200.00"),
        (12.5, "HUF", "12.50 HUF"),
        (None, "EUR", "—"),
    ],
)
def test_money_has_symbol(value, currency, text):
    assert fmt.money(value, currency) == text


def test_value_follows_the_catalogue_unit():
    assert fmt.value("service_level", 0.8587) == "85.9%"
    assert fmt.value("service_level_positive", 0.5) == "50.0%"
    assert fmt.value("asa_s", 8.5) == "8.5 s"
    assert fmt.value("aht_s", 370.4) == "6:10"
    assert fmt.value("cost_per_call", 22.58, "EUR") == "€22.58"
    assert fmt.value("qa_score", 85.52) == "85.5"
    assert fmt.unit_label("cost_per_call", "GBP") == "£"
    assert fmt.unit_label("asa_s") == "s"
    assert fmt.unit_label("calls_per_agent_hour") == "#"  # a count: the label names what is counted
    assert fmt.value("calls_per_agent_hour", 6.0) == "6" and fmt.value("avg_rings", 2.6667) == "2.7"


def test_targets_as_people_state_them():
    assert fmt.target("service_level", 0.8, "higher") == "≥ 80%"
    assert fmt.target("service_level", 0.855, "higher") == "≥ 85.5%"
    assert fmt.target("asa_s", 20.0, "lower") == "≤ 20 s"
    assert fmt.target("avg_talk_s", (270.0, 360.0), "band") == "4:30–6:00"
    assert fmt.target("cost_per_call", None, "lower") == "—"


@pytest.mark.parametrize(
    ("x", "target", "floor", "state"),
    [
        (0.80, 0.80, 0.50, "met"),  # exactly at target
        (0.73, 0.80, 0.50, "near"),  # 0.07 short <= 0.25 x 0.30 = 0.075
        (0.72, 0.80, 0.50, "missed"),  # 0.08 short > 0.075
        (0.011, 0.01, 0.05, "near"),  # lower is better: 0.001 over <= 0.25 x 0.04 = 0.01
        (0.03, 0.01, 0.05, "missed"),
        (300.0, (270.0, 360.0), (120.0, 600.0), "met"),
        (254.0, (270.0, 360.0), (120.0, 600.0), "near"),  # 16 below <= 0.25 x 150 = 37.5
        (200.0, (270.0, 360.0), (120.0, 600.0), "missed"),  # 70 below
        (None, 0.8, 0.5, None),
        (0.9, None, None, None),
    ],
)
def test_status_met_near_missed(x, target, floor, state):
    assert fmt.status(x, target, floor) == state


def test_status_mark_so_colour_is_not_the_only_cue():
    assert fmt.with_status("85.9%", "met") == "✓ 85.9%"
    assert fmt.with_status("75.5%", "near") == "≈ 75.5%"
    assert fmt.with_status("47.0%", "missed") == "✗ 47.0%"
    assert fmt.with_status("—", None) == "—"


def test_ranges_and_intervals():
    assert fmt.weight_range(18.2, math.inf) == "18.2–∞"
    assert fmt.weight_range(0.0, 57.3) == "0–57.3"
    assert fmt.interval(85.71, 95.34) == "85.7–95.3"
    assert fmt.interval(None, 3.0) == "—"


def test_expressions_format_nulls_as_a_dash():
    frame = pl.DataFrame({"asa_s": [8.5, None, 61.0]})
    assert frame.select(fmt.expr("asa_s", "asa_s"))["asa_s"].to_list() == ["8.5 s", "—", "1:01"]
