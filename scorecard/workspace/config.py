"""Typed, validated workspace configuration: `scorecard.toml`, `vendor.toml` and `fx_rates.csv`.

Every mistake (an unknown key, time zone or currency, a bad value, a missing FX rate) becomes a
`ConfigError` naming the file and the key, so a user can fix it without reading code.
"""

from __future__ import annotations

import re
import tomllib
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path
from typing import Any, Literal
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError, available_timezones

import polars as pl
import pycountry
from pydantic import BaseModel, ConfigDict, Field, ValidationError, field_validator, model_validator

from scorecard.errors import ConfigError
from scorecard.metrics.catalogue import FCR_METHODS, SL_VARIANTS
from scorecard.workspace.contract import parse_contract

CANONICAL_TABLES = ("calls", "intervals", "agent_time", "surveys", "quality", "costs", "forecast")
READER_OPTIONS = ("delimiter", "decimal", "encoding", "sheet", "timestamp_format", "outcomes", "no_blocking")


def _currency(code: str) -> str:
    if pycountry.currencies.get(alpha_3=code.upper()) is None or code != code.upper():
        raise ValueError(f"unknown currency {code!r}; use an ISO 4217 code such as EUR, USD, HUF")
    return code


def _timezone(name: str) -> str:
    try:
        ZoneInfo(name)
    except (ZoneInfoNotFoundError, ValueError):
        raise ValueError(
            f"unknown time zone {name!r}; use an IANA name such as Europe/Paris or America/New_York"
        ) from None
    if name not in available_timezones() and name != "UTC":
        raise ValueError(f"unknown time zone {name!r}; use an IANA name such as Europe/Paris")
    return name


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class WorkspaceFile(_Strict):
    """Keys of `vendors/scorecard.toml`."""

    base_currency: str
    sl_threshold_s: float = Field(20, gt=0)
    short_abandon_s: float = Field(5, ge=0)
    sl_variant: Literal["negative", "answered_only", "ignore_early_abandons", "positive"] = "negative"
    fcr_method: Literal["survey", "disposition", "repeat"] = "survey"
    fcr_repeat_days: int = Field(7, ge=1, le=90)
    preset: str = "quarterly_review"
    #: Rows dated before this are implausible (rejected); set it earlier to load older history.
    earliest_date: date = date(2000, 1, 1)
    #: Who may sign in and see what; read by scorecard.access.config (not a Workspace field).
    access: dict[str, Any] | None = None

    _check_currency = field_validator("base_currency")(classmethod(lambda cls, v: _currency(v)))


class Deadline(_Strict):
    """`deadline = { period = "month", days_after = 5 }`: each period's file is due N days after it."""

    period: Literal["week", "month", "quarter"]
    days_after: int = Field(ge=0, le=92)


class ExportFile(_Strict):
    """One `[[exports]]` table of a vendor.toml (adapter-specific keys are checked by the adapter)."""

    model_config = ConfigDict(extra="allow", frozen=True)
    table: Literal["calls", "intervals", "agent_time", "surveys", "quality", "costs", "forecast"]
    format: str = "canonical"
    files: str
    delimiter: str | None = None
    decimal: Literal[".", ","] = "."
    encoding: str = "utf-8"
    sheet: str | int | None = None
    timestamp_format: str | None = None
    deadline: Deadline | None = None
    outcomes: list[Literal["answered", "abandoned", "blocked", "self_service"]] | None = None
    no_blocking: bool = False

    @model_validator(mode="after")
    def _table_options(self) -> ExportFile:
        if self.outcomes is not None and self.table != "calls":
            raise ValueError("'outcomes' is a key of calls exports only")
        if self.no_blocking and self.table not in ("calls", "intervals"):
            raise ValueError("'no_blocking' is a key of calls and intervals exports only")
        if self.outcomes is not None and (not self.outcomes or len(set(self.outcomes)) != len(self.outcomes)):
            raise ValueError("'outcomes' must list each outcome the export records, once")
        return self


class VendorFile(_Strict):
    """Keys of `vendors/<vendor_id>/vendor.toml`."""

    name: str
    country: str | None = None
    timezone: str
    currency: str
    contract: dict[str, Any] | None = None
    exports: list[ExportFile] = Field(default_factory=list)

    _check_tz = field_validator("timezone")(classmethod(lambda cls, v: _timezone(v)))
    _check_currency = field_validator("currency")(classmethod(lambda cls, v: _currency(v)))


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
        return sorted(p for p in self.folder.glob(export.files) if p.is_file())


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


def _explain(exc: ValidationError, path: Path) -> ConfigError:
    """Turn pydantic's errors into one message naming the file and each key."""
    lines = [f"Invalid configuration in {path}:"]
    for err in exc.errors():
        key = ".".join(str(p) for p in err["loc"]) or "(file)"
        if err["type"] == "extra_forbidden":
            lines.append(f"  unknown key '{key}'; remove it or check its spelling")
        elif err["type"] == "missing":
            lines.append(f"  missing required key '{key}'")
        else:
            msg = err["msg"].removeprefix("Value error, ")
            lines.append(f"  key '{key}' = {err.get('input')!r}: {msg}")
    return ConfigError("\n".join(lines))


def _read_toml(path: Path) -> dict[str, Any]:
    try:
        with path.open("rb") as fh:
            return tomllib.load(fh)
    except FileNotFoundError:
        raise ConfigError(f"Missing configuration file {path}.") from None
    except tomllib.TOMLDecodeError as exc:
        raise ConfigError(f"{path} is not valid TOML: {exc}.") from None


def load_vendor(folder: Path) -> VendorConfig:
    """Read and validate `<folder>/vendor.toml`; the vendor id is the folder name."""
    path = folder / "vendor.toml"
    return parse_vendor(_read_toml(path), folder, path)


def parse_vendor(raw: dict[str, Any], folder: Path, path: Path) -> VendorConfig:
    """Validate a vendor.toml's parsed content (messages name `path`); nothing is read or written."""
    try:
        parsed = VendorFile.model_validate(raw)
    except ValidationError as exc:
        raise _explain(exc, path) from None
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
    try:
        df = pl.read_csv(path, schema_overrides=schema)
    except Exception as exc:  # polars raises several types for malformed CSV
        raise ConfigError(f"{path} could not be read as CSV: {exc}") from None
    missing = [c for c in schema if c not in df.columns]
    if missing or len(df.columns) != len(schema):
        raise ConfigError(
            f"{path}: expected columns month,currency,rate_to_base,source; found {','.join(df.columns)}."
        )
    for i, row in enumerate(df.iter_rows(named=True), start=1):
        where = f"{path} row {i}"
        if not row["month"] or not re.fullmatch(r"\d{4}-(0[1-9]|1[0-2])", row["month"]):
            raise ConfigError(f"{where}, column 'month': {row['month']!r} is not a month (YYYY-MM).")
        try:
            _currency(row["currency"] or "")
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
        raise ConfigError(f"{path}: two rates for {r['currency']} in {r['month']}; keep one.")
    return df.sort("month", "currency")


def load_workspace(path: str | Path) -> Workspace:
    """Read and validate a workspace folder (its scorecard.toml, fx_rates.csv and vendor folders)."""
    root = Path(path)
    if not root.is_dir():
        raise ConfigError(f"Workspace folder {root} does not exist.")
    toml_path = root / "scorecard.toml"
    try:
        ws = WorkspaceFile.model_validate(_read_toml(toml_path))
    except ValidationError as exc:
        raise _explain(exc, toml_path) from None
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
    return Workspace(
        root=root,
        vendors=tuple(vendors),
        invalid=tuple(invalid),
        fx_rates=load_fx_rates(root / "fx_rates.csv", ws.base_currency),
        **ws.model_dump(exclude={"access"}),
    )
