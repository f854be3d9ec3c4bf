"""Chart builders (scorecard.present.charts): the data they show, encodings, colour-blind-safe colours."""

from __future__ import annotations

from datetime import datetime

import polars as pl

from scorecard.present import charts


def _spec_data(spec: dict) -> list[dict]:
    """The inline rows of a chart (Altair moves them to `datasets`)."""
    (rows,) = spec["datasets"].values()
    return rows


def test_attainment_grid_shares_intervals_meeting_the_target():
    # 2026-04-06 is a Monday. north, Monday 09:00-10:00 has two half-hour intervals: 8/10 = 0.8 meets 0.80,
    # 7/10 = 0.7 does not -> 1 of 2 = 0.5. Monday 10:00: 0/0 (no queued calls) is left out. Tuesday 09:00:
    # 9/10 -> 1 of 1. south, Monday 09:00: NULL numerator (not comparable) is left out -> no row.
    frame = pl.DataFrame(
        {
            "vendor_id": ["north", "north", "north", "north", "south"],
            "interval_start": [
                datetime(2026, 4, 6, 9, 0),
                datetime(2026, 4, 6, 9, 30),
                datetime(2026, 4, 6, 10, 0),
                datetime(2026, 4, 7, 9, 0),
                datetime(2026, 4, 6, 9, 0),
            ],
            "numerator": [8.0, 7.0, 0.0, 9.0, None],
            "denominator": [10.0, 10.0, 0.0, 10.0, 10.0],
        }
    )
    grid = charts.attainment_grid(frame, 0.80)
    assert grid.to_dicts() == [
        {
            "vendor_id": "north",
            "weekday": "Mon",
            "weekday_no": 1,
            "hour": 9,
            "intervals": 2,
            "met": 1,
            "share": 0.5,
        },
        {
            "vendor_id": "north",
            "weekday": "Tue",
            "weekday_no": 2,
            "hour": 9,
            "intervals": 1,
            "met": 1,
            "share": 1.0,
        },
    ]


def test_heatmap_uses_a_colour_blind_safe_sequential_scale():
    grid = pl.DataFrame(
        {
            "vendor_id": ["north"],
            "weekday": ["Mon"],
            "weekday_no": [1],
            "hour": [9],
            "intervals": [2],
            "met": [1],
            "share": [0.5],
        }
    )
    spec = charts.attainment_heatmap(grid, {"north": "Northwind"}, 0.8).to_dict()
    assert spec["spec"]["encoding"]["color"]["scale"] == {"scheme": "viridis", "domain": [0, 1]}
    assert spec["facet"]["row"]["field"] == "vendor"
    assert _spec_data(spec)[0]["share_text"] == "50%"


def test_contributions_stack_each_kpi_with_its_definition_in_the_tooltip():
    frame = pl.DataFrame(
        {
            "vendor_id": ["north", "north"],
            "kpi": ["service_level", "asa_s"],
            "weight": [25.0, 10.0],
            "value": [0.8587, 8.5],
            "points": [100.0, 100.0],
            "contribution": [71.43, 28.57],
        }
    )
    spec = charts.contributions(frame, ["north"], {"north": "Northwind"}).to_dict()
    enc = spec["encoding"]
    assert enc["x"]["field"] == "contribution" and enc["x"]["aggregate"] == "sum"
    assert enc["color"]["scale"]["range"] == ["#006BA4", "#FF800E"]
    assert [t["title"] for t in enc["tooltip"]] == [
        "Vendor", "KPI", "Value", "Points", "Weight", "Contribution", "Definition",
    ]  # fmt: skip
    rows = _spec_data(spec)
    assert [(r["vendor"], r["label"], r["value_text"], r["definition"]) for r in rows] == [
        ("Northwind", "Service level (negative)", "85.9%", "answered within T / (queued − short abandons)"),
        ("Northwind", "Average speed of answer", "8.5 s", "Σ wait of answered calls / answered"),
    ]


def test_rank_probabilities_become_cells_with_percent_labels():
    frame = pl.DataFrame(
        {"vendor_id": ["north", "west"], "rank": [1, 2], "p_rank_1": [0.65, 0.35], "p_rank_2": [0.35, 0.65]}
    )
    spec = charts.rank_probabilities(frame, {"north": "Northwind", "west": "Westline"}).to_dict()
    rows = [(r["vendor"], r["rank"], r["p_text"]) for r in _spec_data(spec)]
    assert rows == [
        ("Northwind", 1, "65%"),
        ("Westline", 1, "35%"),
        ("Northwind", 2, "35%"),
        ("Westline", 2, "65%"),
    ]


def test_weight_ranges_show_the_share_interval_and_the_current_share():
    frame = pl.DataFrame(
        {
            "kpi": ["service_level"],
            "weight": [25.0],
            "share": [0.25],
            "weight_low": [18.2],
            "weight_high": [None],
            "share_low": [0.195],
            "share_high": [1.0],
            "winner": ["north"],
            "below_low_winner": ["west"],
            "above_high_winner": [None],
        },
        schema_overrides={"weight_high": pl.Float64, "above_high_winner": pl.String},
    )
    spec = charts.weight_ranges(frame).to_dict()
    (row,) = _spec_data(spec)
    assert (row["range_text"], row["share_text"]) == ("19.5%–100.0%", "25.0%")
    assert spec["layer"][0]["encoding"]["x"]["field"] == "share_low"
    assert spec["layer"][0]["encoding"]["x2"]["field"] == "share_high"


def test_trend_formats_values_and_axis_by_unit_and_skips_empty_periods():
    frame = pl.DataFrame(
        {
            "vendor_id": ["north"] * 3,
            "period": ["2026-W15", "2026-W16", "2026-W17"],
            "asa_s": [9.0, 61.0, None],
        }
    )
    spec = charts.trend(frame, "asa_s", {"north": "Northwind"}).to_dict()
    assert [(r["period"], r["value_text"]) for r in _spec_data(spec)] == [
        ("2026-W15", "9.0 s"),
        ("2026-W16", "1:01"),
    ]
    assert spec["encoding"]["y"]["axis"]["title"] == "Average speed of answer (s)"
