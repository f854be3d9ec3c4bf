"""What the workspace's files may say: the pydantic models of `scorecard.toml` and `vendor.toml`.

Each model forbids unknown keys; `explain` turns pydantic's errors into one `ConfigError` naming the
file and each key. `config.py` turns the validated files into the `Workspace` the stages read.
"""

from __future__ import annotations

import codecs
import tomllib
from datetime import date
from pathlib import Path
from typing import Any, Literal
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError, available_timezones

import pycountry
from pydantic import BaseModel, ConfigDict, Field, ValidationError, field_validator, model_validator

from scorecard.errors import ConfigError
from scorecard.workspace.scenario import Scenario

CANONICAL_TABLES = ("calls", "intervals", "agent_time", "surveys", "quality", "costs", "forecast")
READER_OPTIONS = ("delimiter", "decimal", "encoding", "sheet", "timestamp_format", "outcomes", "no_blocking")


def check_currency(code: str) -> str:
    """An ISO 4217 currency code as written, or a ValueError saying what is expected."""
    if pycountry.currencies.get(alpha_3=code.upper()) is None or code != code.upper():
        raise ValueError(f"unknown currency {code!r}; use an ISO 4217 code such as EUR, USD, HUF")
    return code


def check_timezone(name: str) -> str:
    """An IANA time zone name as written, or a ValueError saying what is expected."""
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
    earliest_date: date = date(1980, 1, 1)
    #: Who may sign in and see what; read by scorecard.access.config (not a Workspace field).
    access: dict[str, Any] | None = None
    #: The volume scenario bids are priced on (scorecard.workspace.scenario).
    scenario: Scenario | None = None

    _check_currency = field_validator("base_currency")(classmethod(lambda cls, v: check_currency(v)))


class Deadline(_Strict):
    """`deadline = { period = "month", days_after = 5 }`: each period's file is due N days after it."""

    period: Literal["week", "month", "quarter"]
    days_after: int = Field(ge=0, le=92)


class ExportFile(_Strict):
    """One `[[exports]]` table of a vendor.toml (adapter-specific keys are checked by the adapter)."""

    model_config = ConfigDict(extra="allow", frozen=True)
    table: Literal[CANONICAL_TABLES]  # type: ignore[valid-type]  # the tuple's names, one list
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

    @field_validator("encoding")
    @classmethod
    def _known_encoding(cls, name: str) -> str:
        try:
            codecs.lookup(name)
        except LookupError:
            raise ValueError(
                f"unknown encoding {name!r}; use a Python codec name such as utf-8, utf-8-sig, cp1251, gbk "
                "or latin-1"
            ) from None
        return name

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

    _check_tz = field_validator("timezone")(classmethod(lambda cls, v: check_timezone(v)))
    _check_currency = field_validator("currency")(classmethod(lambda cls, v: check_currency(v)))


def explain(exc: ValidationError, path: Path) -> ConfigError:
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


def read_toml(path: Path) -> dict[str, Any]:
    """A TOML file's keys, or a ConfigError naming a missing or malformed file."""
    try:
        with path.open("rb") as fh:
            return tomllib.load(fh)
    except FileNotFoundError:
        raise ConfigError(f"Missing configuration file {path}.") from None
    except tomllib.TOMLDecodeError as exc:
        raise ConfigError(f"{path} is not valid TOML: {exc}.") from None
