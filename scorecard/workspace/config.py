"""Typed, validated workspace configuration: `scorecard.toml`, `vendor.toml` and `fx_rates.csv`.

Every mistake (an unknown key, time zone or currency, a bad value, a missing FX rate) becomes a
`ConfigError` naming the file and the key, so a user can fix it without reading code.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path
from typing import Any

import polars as pl
from pydantic import ValidationError

from scorecard.errors import ConfigError
from scorecard.metrics.catalogue import FCR_METHODS, SL_VARIANTS
from scorecard.workspace.contract import parse_contract
from scorecard.workspace.files import (
    CANONICAL_TABLES,
    READER_OPTIONS,
    Deadline,
    ExportFile,
    VendorFile,
    WorkspaceFile,
    check_currency,
    explain,
    read_toml,
)
from scorecard.workspace.fx_file import read_fx_csv
from scorecard.workspace.scenario import Scenario

#: Re-exported: the file models live in files.py; `_explain` is the name older callers import.
_explain = explain
__all__ = [
    "CANONICAL_TABLES",
    "READER_OPTIONS",
    "Deadline",
    "ExportConfig",
    "ExportFile",
    "VendorConfig",
    "VendorFile",
    "Workspace",
    "WorkspaceFile",
    "load_fx_rates",
    "load_vendor",
    "load_workspace",
    "parse_vendor",
]


@dataclass(frozen=True)
class ExportConfig:
    """One kind of export file of a vendor, with its reader options and adapter options."""

    table: str
    format: str
    files: str
    source: Path
    delimiter: str | None = None
    decimal: str = "."
    encoding: str = "utf-8"
    sheet: str | int | None = None
    timestamp_format: str | None = None
    #: calls: the outcomes the export records (None: what its format can record).
    outcomes: tuple[str, ...] | None = None
    #: calls and intervals: the line cannot be busy, so blocked calls are a declared 0, not unknown.
    no_blocking: bool = False
    options: dict[str, Any] = field(default_factory=dict)
    #: Submission deadline (`{"period": "month", "days_after": 5}`); not part of how the file is read.
    deadline: dict[str, Any] | None = field(default=None, compare=False)


@dataclass(frozen=True)
class VendorConfig:
    """A vendor folder: identity, locale, contract terms and exports."""

    vendor_id: str
    folder: Path
    name: str
    country: str | None
    timezone: str
    currency: str
    contract: dict[str, Any]
    exports: tuple[ExportConfig, ...]

    def files(self, export: ExportConfig) -> list[Path]:
        """The files an export's glob matches, sorted so that ingest order is reproducible."""
        return sorted(p for p in self.folder.glob(export.files) if p.is_file() or _broken_link(p))


def _broken_link(path: Path) -> bool:
    """A symbolic link that leads nowhere (or to itself): listed, so that the ingest names it."""
    return path.is_symlink() and not path.exists()


@dataclass(frozen=True)
class Workspace:
    """A workspace folder: settings, vendors and FX rates."""

    root: Path
    base_currency: str
    sl_threshold_s: float
    short_abandon_s: float
    sl_variant: str
    fcr_method: str
    fcr_repeat_days: int
    preset: str
    earliest_date: date
    vendors: tuple[VendorConfig, ...]
    fx_rates: pl.DataFrame
    #: The volume scenario bids are priced on (`[scenario]`), if any.
    scenario: Scenario | None = None
    #: Vendor folders whose vendor.toml is invalid or unreadable: (folder name, the whole message).
    #: They are left out of `vendors`; an ingest keeps what it loaded for them and exits non-zero.
    invalid: tuple[tuple[str, str], ...] = ()

    def vendor(self, vendor_id: str) -> VendorConfig:
        """The vendor with this id, or a ConfigError (its configuration's, or listing the known ones)."""
        for v in self.vendors:
            if v.vendor_id == vendor_id:
                return v
        for folder, message in self.invalid:
            if folder == vendor_id:
                raise ConfigError(message)
        known = ", ".join(v.vendor_id for v in self.vendors) or "(none)"
        raise ConfigError(f"Unknown vendor {vendor_id!r} in workspace {self.root}; known: {known}.")

    def settings_row(self) -> dict[str, Any]:
        """The `settings` table row the SQL views read."""
        return {
            "base_currency": self.base_currency,
            "sl_threshold_s": self.sl_threshold_s,
            "short_abandon_s": self.short_abandon_s,
            "sl_variant": self.sl_variant,
            "fcr_method": self.fcr_method,
            "fcr_repeat_days": self.fcr_repeat_days,
            "preset": self.preset,
        }


def load_vendor(folder: Path) -> VendorConfig:
    """Read and validate `<folder>/vendor.toml`; the vendor id is the folder name."""
    path = folder / "vendor.toml"
    return parse_vendor(read_toml(path), folder, path)


def parse_vendor(raw: dict[str, Any], folder: Path, path: Path) -> VendorConfig:
    """Validate a vendor.toml's parsed content (messages name `path`); nothing is read or written."""
    try:
        parsed = VendorFile.model_validate(raw)
    except ValidationError as exc:
        raise explain(exc, path) from None
    parse_contract(dict(parsed.contract or {}), str(path))
    if not re.fullmatch(r"[A-Za-z0-9_][A-Za-z0-9_.-]*", folder.name):
        raise ConfigError(
            f"Vendor folder name {folder.name!r} ({folder}) is not a valid vendor id; "
            "use letters, digits, '_', '-' or '.'."
        )
    exports = []
    for i, exp in enumerate(parsed.exports):
        data = exp.model_dump()
        extra = dict(exp.model_extra or {})
        if data.get("outcomes") is not None:
            data["outcomes"] = tuple(data["outcomes"])
        exports.append(
            ExportConfig(**{k: data[k] for k in data if k not in extra}, source=path, options=extra)
        )
        _check_adapter_options(exports[-1], f"{path} [[exports]] #{i + 1}")
    return VendorConfig(
        vendor_id=folder.name,
        folder=folder,
        name=parsed.name,
        country=parsed.country,
        timezone=parsed.timezone,
        currency=parsed.currency,
        contract=dict(parsed.contract or {}),
        exports=tuple(exports),
    )


def _check_adapter_options(export: ExportConfig, where: str) -> None:
    """The format must be a registered adapter that feeds this table and knows every extra key."""
    from scorecard.ingest.adapters import get_adapter

    adapter = get_adapter(export.format, where)
    if export.table not in adapter.tables:
        raise ConfigError(
            f"{where}: format '{export.format}' cannot feed table '{export.table}'; "
            f"it feeds: {', '.join(sorted(adapter.tables))}."
        )
    unknown = sorted(set(export.options) - set(adapter.options))
    if unknown:
        common = {*READER_OPTIONS} - ({"outcomes"} if export.table != "calls" else set())
        common -= {"no_blocking"} if export.table not in ("calls", "intervals") else set()
        allowed = ", ".join(sorted({*common, *adapter.options}))
        raise ConfigError(
            f"{where}: unknown key '{unknown[0]}' for format '{export.format}'; allowed keys: "
            f"table, format, files, {allowed}."
        )
    adapter.check_options(export, where)


def load_fx_rates(path: Path, base_currency: str) -> pl.DataFrame:
    """Read `fx_rates.csv` (month,currency,rate_to_base,source); an absent file means no rates."""
    schema = {
        "month": pl.String,
        "currency": pl.String,
        "rate_to_base": pl.Float64,
        "source": pl.String,
    }
    if not path.exists():
        return pl.DataFrame(schema=schema)
    df = read_fx_csv(path, str(path))
    for row in df.iter_rows(named=True):
        where = f"{path} line {row['line']}"
        if not row["month"] or not re.fullmatch(r"\d{4}-(0[1-9]|1[0-2])", row["month"]):
            raise ConfigError(f"{where}, column 'month': {row['month']!r} is not a month (YYYY-MM).")
        try:
            check_currency(row["currency"] or "")
        except ValueError as exc:
            raise ConfigError(f"{where}, column 'currency': {exc}.") from None
        if row["rate_to_base"] is None or not row["rate_to_base"] > 0:
            raise ConfigError(
                f"{where}, column 'rate_to_base': {row['rate_to_base']!r} must be a positive number "
                f"(units of {base_currency} for one {row['currency']})."
            )
    dupes = df.filter(pl.struct("month", "currency").is_duplicated())
    if dupes.height:
        r = dupes.row(0, named=True)
        at = " and ".join(str(n) for n in dupes.filter(month=r["month"], currency=r["currency"])["line"])
        raise ConfigError(f"{path}: two rates for {r['currency']} in {r['month']} (lines {at}); keep one.")
    return df.drop("line").sort("month", "currency")


def _unique_names(
    vendors: list[VendorConfig], invalid: list[tuple[str, str]]
) -> tuple[list[VendorConfig], list[tuple[str, str]]]:
    """A vendor whose `name` an earlier folder already uses is invalid: rankings, headlines and reviews
    tell vendors apart by name ("Vendor A leads Vendor A" says nothing)."""
    first: dict[str, VendorConfig] = {}
    kept = []
    for v in vendors:
        same = first.setdefault(v.name.strip().casefold(), v)
        if same is v:
            kept.append(v)
            continue
        invalid.append(
            (v.vendor_id, f"{v.folder.name}/vendor.toml: name {v.name!r} is already the name of vendor "
             f"{same.vendor_id} ({same.folder.name}/); rankings and reviews tell vendors apart by name. "
             "Give this vendor a name of its own.")
        )  # fmt: skip
    return kept, invalid


def load_workspace(path: str | Path) -> Workspace:
    """Read and validate a workspace folder (its scorecard.toml, fx_rates.csv and vendor folders)."""
    root = Path(path)
    if not root.is_dir():
        raise ConfigError(f"Workspace folder {root} does not exist.")
    toml_path = root / "scorecard.toml"
    try:
        ws = WorkspaceFile.model_validate(read_toml(toml_path))
    except ValidationError as exc:
        raise explain(exc, toml_path) from None
    assert set(SL_VARIANTS) >= {ws.sl_variant} and set(FCR_METHODS) >= {ws.fcr_method}
    vendors: list[VendorConfig] = []
    invalid: list[tuple[str, str]] = []
    for folder in sorted(root.iterdir()):
        try:
            if not (folder.is_dir() and (folder / "vendor.toml").exists()):
                continue
            vendors.append(load_vendor(folder))
        except ConfigError as exc:  # one vendor's mistake never stops the others
            invalid.append((folder.name, str(exc)))
        except OSError as exc:
            invalid.append((folder.name, f"Cannot read {folder / 'vendor.toml'}: {exc.strerror or exc}."))
    vendors, invalid = _unique_names(vendors, invalid)
    return Workspace(
        root=root,
        vendors=tuple(vendors),
        invalid=tuple(invalid),
        fx_rates=load_fx_rates(root / "fx_rates.csv", ws.base_currency),
        scenario=ws.scenario,
        **ws.model_dump(exclude={"access", "scenario"}),
    )
