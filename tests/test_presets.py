"""Presets: the built-ins, the docs/scoring.md format, workspace presets, every error naming file and key."""

from __future__ import annotations

from pathlib import Path

import pytest

from scorecard.errors import PresetError
from scorecard.metrics import catalogue
from scorecard.scoring.presets import KpiRule, load_preset, load_preset_file, parse_preset, preset_files

DESIGN_EXAMPLE = """
name = "Quarterly review"
method = "fixed"          # fixed | relative
missing = "zero"

[kpis.service_level]
weight = 25
target = 0.80
floor = 0.50

[kpis.avg_talk_s]
weight = 5
band = [270, 360]
floor = [120, 600]
"""


def _write(tmp_path: Path, text: str, name: str = "p.toml") -> Path:
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return path


def test_builtin_presets_and_their_weights() -> None:
    weights = {name: dict(zip(p.kpi_ids, p.weights, strict=True)) for name, p in _builtins().items()}
    assert weights == {
        "procurement_bid": {
            "cost_per_call": 35.0,
            "service_level": 20.0,
            "abandon_rate": 10.0,
            "asa_s": 5.0,
            "fcr_rate": 15.0,
            "csat_rate": 10.0,
            "aht_s": 5.0,
        },
        "quarterly_review": {
            "service_level": 25.0,
            "abandon_rate": 15.0,
            "asa_s": 10.0,
            "blockage_rate": 5.0,
            "fcr_rate": 15.0,
            "csat_rate": 10.0,
            "qa_score": 10.0,
            "avg_talk_s": 5.0,
            "adherence_rate": 5.0,
        },
        "sales_program": {
            "revenue_per_call": 30.0,
            "conversion_rate": 25.0,
            "service_level": 15.0,
            "abandon_rate": 10.0,
            "csat_rate": 10.0,
            "fcr_rate": 10.0,
        },
    }
    bid = _builtins()["procurement_bid"]
    assert bid.rules[0] == KpiRule("cost_per_call", 35.0, "lower", method="lowest_bid")
    assert {p.method for p in _builtins().values()} == {"fixed"}


def _builtins() -> dict:
    return {name: load_preset(name) for name in preset_files()}


def test_design_example_parses(tmp_path: Path) -> None:
    preset = load_preset_file(_write(tmp_path, DESIGN_EXAMPLE))
    assert (preset.name, preset.method, preset.missing) == ("Quarterly review", "fixed", "zero")
    assert preset.rules == (
        KpiRule("service_level", 25.0, "higher", 0.80, 0.50),
        KpiRule("avg_talk_s", 5.0, "band", (270.0, 360.0), (120.0, 600.0)),
    )


def test_catalogue_defaults_fill_omitted_bounds() -> None:
    preset = parse_preset({"kpis": {"abandon_rate": {"weight": 1}, "aht_s": {"weight": 2}}}, "bounds.toml")
    # catalogue: abandon_rate target 0.03 / floor 0.10 (lower is better); aht_s band 180–600, floor 60–900
    assert preset.rules == (
        KpiRule("abandon_rate", 1.0, "lower", 0.03, 0.10),
        KpiRule("aht_s", 2.0, "band", (180.0, 600.0), (60.0, 900.0)),
    )
    assert (preset.name, preset.method, preset.missing) == ("bounds", "fixed", "zero")


def test_workspace_preset_adds_and_shadows(tmp_path: Path) -> None:
    (tmp_path / "presets").mkdir()
    _write(tmp_path / "presets", "[kpis.asa_s]\nweight = 1\n", "quarterly_review.toml")
    _write(tmp_path / "presets", "[kpis.qa_score]\nweight = 2\n", "mine.toml")
    assert load_preset("mine", tmp_path).kpi_ids == ("qa_score",)
    assert load_preset("quarterly_review", tmp_path).kpi_ids == ("asa_s",)
    assert load_preset("quarterly_review").kpi_ids[0] == "service_level"


def test_unknown_preset_name_lists_known(tmp_path: Path) -> None:
    with pytest.raises(PresetError) as err:
        load_preset("nope", tmp_path)
    assert str(err.value) == (
        "Unknown preset 'nope'; expected one of: procurement_bid, quarterly_review, sales_program "
        f"(built-in or {tmp_path / 'presets'}), or pass a file with --preset-file"
    )


@pytest.mark.parametrize(
    ("text", "message"),
    [
        (
            "[kpis.speed]\nweight = 1\n",
            "kpis.speed: unknown KPI 'speed'; expected one of: abandon_rate, adherence_rate, ",
        ),
        (
            "[kpis.asa_s]\nweight = -5\n",
            "kpis.asa_s.weight: negative weight -5; weights must be 0 or more",
        ),
        (
            "[kpis.asa_s]\nweight = 1\ntarget = 30\nfloor = 30\n",
            "kpis.asa_s.target: target equals floor (30); they must differ",
        ),
        (
            "[kpis.asa_s]\nweight = 0\n[kpis.qa_score]\nweight = 0\n",
            "kpis: all weights are zero; give at least one KPI a positive weight",
        ),
        (
            'nmae = "x"\n[kpis.asa_s]\nweight = 1\n',
            "nmae: unknown key; expected one of: name, description, method, missing, kpis",
        ),
        (
            "[kpis.asa_s]\nwieght = 1\n",
            "kpis.asa_s.wieght: unknown key; expected one of: weight, target, floor, band, method",
        ),
        (
            'method = "linear"\n[kpis.asa_s]\nweight = 1\n',
            "method: invalid value 'linear'; expected one of: fixed, relative",
        ),
        (
            'missing = "drop"\n[kpis.asa_s]\nweight = 1\n',
            "missing: invalid value 'drop'; expected one of: zero, reweight",
        ),
        (
            '[kpis.cost_per_call]\nweight = 1\nmethod = "cheapest"\n',
            "kpis.cost_per_call.method: invalid value 'cheapest'; expected one of: lowest_bid",
        ),
        (
            '[kpis.asa_s]\nweight = 1\nmethod = "lowest_bid"\n',
            "kpis.asa_s.method: 'lowest_bid' applies to cost KPIs only (cost_per_call)",
        ),
        (
            "[kpis.asa_s]\ntarget = 20\nfloor = 120\n",
            "kpis.asa_s.weight: missing; every KPI needs a weight (0 or more)",
        ),
        (
            '[kpis.asa_s]\nweight = "high"\n',
            "kpis.asa_s.weight: expected a number, got 'high'",
        ),
        (
            "[kpis.asa_s]\nweight = 1\ntarget = 20\n",
            "kpis.asa_s.floor: missing; give target and floor together",
        ),
        (
            "[kpis.abandon_rate]\nweight = 1\ntarget = 0.10\nfloor = 0.03\n",
            "kpis.abandon_rate.target: target 0.1 vs floor 0.03 makes higher better, but "
            "abandon_rate is lower-is-better; swap them",
        ),
        (
            "[kpis.avg_talk_s]\nweight = 1\nband = [270, 360]\nfloor = [270, 600]\n",
            "kpis.avg_talk_s.floor: floor [270.0, 600.0] must lie strictly outside band [270.0, 360.0]",
        ),
        (
            "[kpis.avg_talk_s]\nweight = 1\nband = [360, 270]\nfloor = [120, 600]\n",
            "kpis.avg_talk_s.band: low 360 is above high 270; write [low, high]",
        ),
        (
            "[kpis.revenue_per_call]\nweight = 1\n",
            "kpis.revenue_per_call: no target and floor, and the catalogue has no default for this "
            'KPI; add target and floor (or use method = "relative")',
        ),
        ('name = "x"\n', "kpis: missing or empty; add at least one [kpis.<id>] table"),
    ],
)
def test_invalid_presets_name_file_and_key(tmp_path: Path, text: str, message: str) -> None:
    path = _write(tmp_path, text)
    with pytest.raises(PresetError) as err:
        load_preset_file(path)
    assert str(err.value).startswith(f"{path}: {message}")


def test_unknown_kpi_message_lists_every_id(tmp_path: Path) -> None:
    path = _write(tmp_path, "[kpis.speed]\nweight = 1\n")
    with pytest.raises(PresetError) as err:
        load_preset_file(path)
    message = str(err.value)
    assert message.startswith(f"{path}: kpis.speed: unknown KPI 'speed'; expected one of: abandon_rate, ")
    # Every id of the catalogue, in alphabetical order, variants included.
    assert message.endswith(", ".join(sorted(catalogue.KPI_COLUMNS)))


def test_relative_preset_needs_no_bounds() -> None:
    preset = parse_preset({"method": "relative", "kpis": {"revenue_per_call": {"weight": 3}}}, "sales.toml")
    assert preset.rules == (KpiRule("revenue_per_call", 3.0, "higher"),)


def test_invalid_toml_names_the_file(tmp_path: Path) -> None:
    path = _write(tmp_path, "[kpis.asa_s\nweight = 1\n")
    with pytest.raises(PresetError) as err:
        load_preset_file(path)
    assert str(err.value).startswith(f"{path}: invalid TOML: ")


def test_missing_file(tmp_path: Path) -> None:
    with pytest.raises(PresetError) as err:
        load_preset_file(tmp_path / "none.toml")
    assert str(err.value) == (f"Cannot read preset file {tmp_path / 'none.toml'}: No such file or directory")


def test_with_weights_replaces_and_revalidates() -> None:
    preset = load_preset("quarterly_review")
    changed = preset.with_weights({"service_level": 50, "asa_s": 0})
    assert changed.weights == (50.0, 15.0, 0.0, 5.0, 15.0, 10.0, 10.0, 5.0, 5.0)
    assert changed.rules[0].target == 0.80 and preset.weights[0] == 25.0
    with pytest.raises(PresetError) as err:
        preset.with_weights({"speed": 1})
    assert str(err.value) == f"{preset.source}: kpis.speed: not a KPI of this preset"
    with pytest.raises(PresetError) as err:
        preset.with_weights({"asa_s": -1})
    assert str(err.value) == (
        f"{preset.source}: kpis.asa_s.weight: invalid weight -1; weights are numbers from 0 to 1,000"
    )
    with pytest.raises(PresetError) as err:
        preset.with_weights({"asa_s": 1e308})
    assert str(err.value) == (
        f"{preset.source}: kpis.asa_s.weight: invalid weight 1e+308; weights are numbers from 0 to 1,000"
    )
    with pytest.raises(PresetError) as err:
        parse_preset({"kpis": {"asa_s": {"weight": 1}}}, "one.toml").with_weights({"asa_s": 0})
    assert str(err.value) == "one.toml: kpis: all weights are zero; give at least one KPI a positive weight"


@pytest.mark.parametrize(
    ("kpi_id", "why"),
    [("transfer_rate", "a rate, not a price"), ("revenue_per_call", "money where more is better: not a bid")],
)
def test_lowest_bid_needs_a_price_not_only_the_cost_family(monkeypatch, kpi_id, why):
    """100 × lowest / x is a price comparison: a KPI filed in the cost family that is not money, or where
    more is better, would score the best vendor worst. Only cost_per_call (money, lower is better) does."""
    import dataclasses

    monkeypatch.setitem(catalogue.KPIS, kpi_id, dataclasses.replace(catalogue.KPIS[kpi_id], family="cost"))
    with pytest.raises(PresetError) as err:
        parse_preset({"kpis": {kpi_id: {"weight": 1, "method": "lowest_bid"}}}, "bid.toml")
    assert str(err.value) == (
        f"bid.toml: kpis.{kpi_id}.method: 'lowest_bid' applies to cost KPIs only (cost_per_call)"
    ), why
