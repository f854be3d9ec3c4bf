"""Workspace configuration: every mistake names the file and the key."""

from __future__ import annotations

from pathlib import Path

import pytest
from conftest import write

from scorecard.errors import ConfigError
from scorecard.workspace.config import load_workspace


def test_loads_workspace_with_defaults(workspace: Path) -> None:
    ws = load_workspace(workspace)
    assert (ws.base_currency, ws.sl_threshold_s, ws.short_abandon_s) == ("EUR", 20, 5)
    assert (ws.sl_variant, ws.fcr_method, ws.fcr_repeat_days, ws.preset) == (
        "negative",
        "survey",
        7,
        "quarterly_review",
    )
    [acme] = ws.vendors
    assert (acme.vendor_id, acme.name, acme.timezone, acme.currency) == (
        "acme",
        "Acme Contact",
        "Europe/Paris",
        "EUR",
    )
    assert [(e.table, e.format, e.files) for e in acme.exports] == [
        ("calls", "canonical", "calls/*.csv"),
        ("costs", "canonical", "costs.csv"),
    ]
    assert [p.name for p in acme.files(acme.exports[0])] == ["2026-04.csv"]


def test_unknown_workspace_key_names_file_and_key(workspace: Path) -> None:
    write(workspace / "scorecard.toml", 'base_currency = "EUR"\nsl_treshold_s = 30\n')
    with pytest.raises(ConfigError) as err:
        load_workspace(workspace)
    assert str(err.value) == (
        f"Invalid configuration in {workspace / 'scorecard.toml'}:\n"
        "  unknown key 'sl_treshold_s'; remove it or check its spelling"
    )


def test_bad_variant_currency_timezone_all_reported(workspace: Path) -> None:
    write(workspace / "scorecard.toml", 'base_currency = "EURO"\nsl_variant = "strict"\n')
    with pytest.raises(ConfigError) as err:
        load_workspace(workspace)
    lines = str(err.value).splitlines()
    assert lines[1] == (
        "  key 'base_currency' = 'EURO': unknown currency 'EURO'; use an ISO 4217 code such as EUR, USD, HUF"
    )
    assert lines[2].startswith("  key 'sl_variant' = 'strict': Input should be 'negative', 'answered_only'")


def test_unknown_timezone_in_vendor(workspace: Path) -> None:
    path = workspace / "acme" / "vendor.toml"
    path.write_text(path.read_text().replace("Europe/Paris", "Europe/Pariss"))
    with pytest.raises(ConfigError) as err:
        load_workspace(workspace).vendor("acme")  # the other vendors still load
    assert str(err.value) == (
        f"Invalid configuration in {path}:\n"
        "  key 'timezone' = 'Europe/Pariss': unknown time zone 'Europe/Pariss'; "
        "use an IANA name such as Europe/Paris or America/New_York"
    )


def test_unknown_export_format_lists_known_ones(workspace: Path) -> None:
    path = workspace / "acme" / "vendor.toml"
    path.write_text(
        path.read_text().replace('files = "costs.csv"', 'files = "costs.csv"\nformat = "genesys_v3"')
    )
    with pytest.raises(ConfigError) as err:
        load_workspace(workspace).vendor("acme")  # the other vendors still load
    message = str(err.value)
    assert message.startswith(
        f"Unknown export format 'genesys_v3' in {path} [[exports]] #2; expected one of: "
    )
    assert "canonical" in message


def test_unknown_reader_key_for_format(workspace: Path) -> None:
    path = workspace / "acme" / "vendor.toml"
    path.write_text(path.read_text().replace('files = "costs.csv"', 'files = "costs.csv"\nseperator = ";"'))
    with pytest.raises(ConfigError) as err:
        load_workspace(workspace).vendor("acme")  # the other vendors still load
    assert str(err.value).startswith(
        f"{path} [[exports]] #2: unknown key 'seperator' for format 'canonical'; "
        "allowed keys: table, format, files, decimal, delimiter, encoding, sheet, timestamp_format"
    )


def test_fx_rates_bad_month_names_row(workspace: Path) -> None:
    write(workspace / "fx_rates.csv", "month,currency,rate_to_base,source\n2026-13,USD,0.9,ecb\n")
    with pytest.raises(ConfigError) as err:
        load_workspace(workspace)
    assert str(err.value) == (
        f"{workspace / 'fx_rates.csv'} line 2, column 'month': '2026-13' is not a month (YYYY-MM)."
    )


def test_fx_rates_duplicate(workspace: Path) -> None:
    write(
        workspace / "fx_rates.csv",
        "month,currency,rate_to_base,source\n2026-04,USD,0.9,ecb\n2026-04,USD,0.91,ecb\n",
    )
    with pytest.raises(ConfigError, match=r"two rates for USD in 2026-04 \(lines 2 and 3\); keep one\.$"):
        load_workspace(workspace)


def test_fx_rates_non_positive(workspace: Path) -> None:
    write(workspace / "fx_rates.csv", "month,currency,rate_to_base,source\n2026-04,HUF,0,x\n")
    with pytest.raises(ConfigError) as err:
        load_workspace(workspace)
    assert str(err.value).endswith(
        "line 2, column 'rate_to_base': 0.0 must be a positive number (units of EUR for one HUF)."
    )


def test_missing_workspace_file(tmp_path: Path) -> None:
    with pytest.raises(ConfigError, match=r"Missing configuration file .*scorecard\.toml"):
        load_workspace(tmp_path)
