"""Shareable views (scorecard.present.share): query parameters round-trip; invalid values fall back."""

from __future__ import annotations

import dataclasses

import polars as pl
import pytest

from scorecard.present import share
from scorecard.scoring import presets

OPTS = share.Options(
    pages=("ranking", "compare", "trends"),
    periods=("all", "2026-Q2", "2026-04", "2026-W16"),
    vendors=("north", "south", "west"),
    presets={
        "quarterly_review": share.PresetChoice("fixed", (("service_level", 25.0), ("abandon_rate", 15.0))),
        "procurement_bid": share.PresetChoice("fixed", (("cost_per_call", 35.0), ("service_level", 20.0))),
    },
    kpis=("service_level", "asa_s", "cost_per_call"),
    default_preset="quarterly_review",
)


def test_no_parameters_open_the_defaults():
    view = share.decode({}, OPTS)
    assert view == share.View(
        page="ranking",
        period="all",
        vendors=("north", "south", "west"),
        preset="quarterly_review",
        method="fixed",
        weights=(("service_level", 25.0), ("abandon_rate", 15.0)),
        sl="negative",
        vendor="north",
        kpi="service_level",
        grain="week",
    )
    assert view.notices == ()


def test_encode_lists_every_key_and_weight_in_order():
    view = dataclasses.replace(share.defaults(OPTS), weights=(("service_level", 12.5), ("abandon_rate", 0.0)))
    assert share.encode(view) == {
        "page": "ranking",
        "period": "all",
        "vendors": "north,south,west",
        "preset": "quarterly_review",
        "method": "fixed",
        "sl": "negative",
        "w_service_level": "12.5",
        "w_abandon_rate": "0",
        "vendor": "north",
        "kpi": "service_level",
        "grain": "week",
    }


def test_round_trip_reproduces_the_view_exactly():
    view = share.View(
        page="compare",
        period="2026-W16",
        vendors=("south", "west"),
        preset="procurement_bid",
        method="relative",
        weights=(("cost_per_call", 0.1), ("service_level", 33.0)),
        sl="positive",
        vendor="west",
        kpi="asa_s",
        grain="month",
    )
    again = share.decode(share.encode(view), OPTS)
    assert again == view
    assert again.notices == ()
    assert share.encode(again) == share.encode(view)


def test_url_keeps_commas_readable():
    view = share.defaults(OPTS)
    assert share.url("http://host:8501/compare?x=1", view) == (
        "http://host:8501/compare?page=ranking&period=all&vendors=north,south,west&preset=quarterly_review"
        "&method=fixed&sl=negative&w_service_level=25&w_abandon_rate=15&vendor=north&kpi=service_level&grain=week"
    )


def test_invalid_values_fall_back_with_notices_never_an_exception():
    view = share.decode(
        {
            "page": "nope",
            "period": "2031-Q9",
            "vendors": "north,ghost",
            "preset": "quarterly_review",
            "method": "magic",
            "sl": "sideways",
            "w_service_level": "-3",
            "w_abandon_rate": "abc",
            "w_unknown_kpi": "5",
            "grain": "hour",
        },
        OPTS,
    )
    assert (view.page, view.period, view.vendors, view.method, view.sl, view.grain) == (
        "ranking", "all", ("north",), "fixed", "negative", "week",
    )  # fmt: skip
    assert view.weights == (("service_level", 25.0), ("abandon_rate", 15.0))
    assert view.notices == (
        "The link's page 'nope' is not available here; showing 'ranking' instead.",
        "The link's period '2031-Q9' is not available here; showing 'all' instead.",
        "The link names 1 vendor(s) not available here; left out.",
        "The link's method 'magic' is not available here; showing 'fixed' instead.",
        "The link's sl 'sideways' is not available here; showing 'negative' instead.",
        "The link's grain 'hour' is not available here; showing 'week' instead.",
        "The link's weight 'w_unknown_kpi' is not a KPI of preset 'quarterly_review'; ignored.",
        "The link's weight w_service_level='-3' is not a number ≥ 0 and ≤ 1,000; using the preset's 25.",
        "The link's weight w_abandon_rate='abc' is not a number ≥ 0 and ≤ 1,000; using the preset's 15.",
    )


def test_no_known_vendor_or_all_zero_weights_fall_back():
    view = share.decode({"vendors": "ghost", "w_service_level": "0", "w_abandon_rate": "0"}, OPTS)
    assert view.vendors == OPTS.vendors
    assert view.weights == OPTS.presets["quarterly_review"].weights
    assert view.notices == (
        "The link names 1 vendor(s) not available here; left out.",
        "The link selects no known vendor; showing all vendors.",
        "The link gives every KPI a weight of 0; using the preset's weights.",
    )


def test_repeated_keys_take_the_last_value_like_streamlit():
    assert share.decode({"period": ["all", "2026-04"]}, OPTS).period == "2026-04"


def test_preset_switch_resets_method_and_weights():
    view = dataclasses.replace(share.defaults(OPTS), method="relative")
    switched = share.with_preset(view, OPTS, "procurement_bid")
    assert (switched.preset, switched.method, switched.weights) == (
        "procurement_bid", "fixed", (("cost_per_call", 35.0), ("service_level", 20.0)),
    )  # fmt: skip


def test_apply_weights_changes_only_the_named_kpis():
    preset = presets.load_preset("quarterly_review")
    changed = share.apply_weights(preset, [("service_level", 0.0), ("qa_score", 2.5)])
    assert changed.weights == (0.0, 15.0, 10.0, 5.0, 15.0, 10.0, 2.5, 5.0, 5.0)
    assert changed.kpi_ids == preset.kpi_ids


def test_apply_variant_swaps_the_headline_service_level():
    frame = pl.DataFrame(
        {"service_level": [0.8], "service_level_negative": [0.8], "service_level_positive": [0.9]}
    )
    assert share.apply_variant(frame, "positive")["service_level"].to_list() == [0.9]


@pytest.mark.parametrize("weight", [25.0, 12.5, 0.1, 1e-7, 999.125, 1000.0])
def test_weights_round_trip_exactly(weight):
    view = dataclasses.replace(
        share.defaults(OPTS), weights=(("service_level", weight), ("abandon_rate", 1.0))
    )
    assert share.decode(share.encode(view), OPTS).weights[0][1] == weight


@pytest.mark.parametrize("raw", ["1e308", "1000.5", "inf", "nan", "-0.5"])
def test_a_weight_out_of_bounds_in_a_link_falls_back_with_a_notice(raw):
    # 1e308 once made every score Infinity and every vendor first; weights are 0 to 1,000.
    view = share.decode({"w_service_level": raw}, OPTS)
    assert view.weights == (("service_level", 25.0), ("abandon_rate", 15.0))
    assert view.notices == (
        f"The link's weight w_service_level={raw!r} is not a number ≥ 0 and ≤ 1,000; using the preset's 25.",
    )
