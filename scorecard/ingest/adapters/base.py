"""The adapter extension point: every export format, built-in or user-configured, is an `Adapter`."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from types import ModuleType
from typing import TYPE_CHECKING, ClassVar

import polars as pl

from scorecard.errors import AdapterError, ConfigError, RowWarning, ValidationFailure

if TYPE_CHECKING:
    from scorecard.workspace.config import ExportConfig, VendorConfig


@dataclass
class AdapterOutput:
    """What an adapter returns: canonical rows (with `source_row`) and any vendor-reported KPIs."""

    frame: pl.DataFrame
    reported: pl.DataFrame | None = None
    #: Values the adapter could not parse (row, column, raw value, rule); reported with the schema's.
    problems: list[ValidationFailure] = field(default_factory=list)
    #: Rows left out or read as unknown on purpose (a `drop` filter, say): they are counted, not errors.
    warnings: list[RowWarning] = field(default_factory=list)
    #: For `calls`: the measures this file records — the outcomes it can tell apart and 'revenue' when
    #: sales are read. None: every outcome, and revenue when the file has any. A measure not recorded
    #: is NULL in every KPI, never 0 (a CDR without busy signals has an unknown blockage).
    observed: frozenset[str] | None = None
    #: The file's own cells, to quote in messages: the raw text table (with `source_row`) and, per
    #: canonical column, the file column it was read from (Genesys ms sums quoted as in the file).
    raw: pl.DataFrame | None = None
    cells: dict[str, str] = field(default_factory=dict)


class Adapter:
    """Turns one export file into canonical rows. Subclasses set `format`, `tables` and `read`."""

    format: ClassVar[str]
    tables: ClassVar[frozenset[str]]
    #: Adapter-specific keys allowed in an `[[exports]]` table besides the common reader options.
    options: ClassVar[frozenset[str]] = frozenset()
    #: Modules besides the adapter's own whose code decides how its files are read (part of its version).
    helpers: ClassVar[tuple[ModuleType, ...]] = ()

    def read(self, path: Path, export: ExportConfig, vendor: VendorConfig) -> AdapterOutput:
        raise NotImplementedError

    def check_options(self, export: ExportConfig, where: str) -> None:
        """Validate the adapter's options when vendor.toml loads; raise a ConfigError naming `where` and
        the key. The default checks nothing beyond the allowed keys."""

    # Shared helper for subclasses -------------------------------------------------------------
    def require_columns(self, path: Path, found: list[str], expected: list[str]) -> None:
        """Raise an AdapterError naming the adapter, file, expected and found columns if any is missing."""
        missing = [c for c in expected if c not in found]
        if missing:
            raise AdapterError(
                f"{path}: not a '{self.format}' export; missing column(s) {', '.join(missing)} "
                "(rule missing_column). "
                f"Expected columns: {', '.join(expected)}. Found: {', '.join(found) or '(none)'}. "
                "Check the file and the `format` of this export in vendor.toml."
            )


#: Every usable export format and its adapter (filled by `discover` from the entry points).
REGISTRY: dict[str, type[Adapter]] = {}
#: Formats an installed package declares but that cannot be used, with the reason (see `discover`).
PROBLEMS: dict[str, str] = {}


def register(cls: type[Adapter]) -> type[Adapter]:
    """Class decorator: make an adapter available under its `format` name (also without an entry point)."""
    if cls.format in REGISTRY and REGISTRY[cls.format] is not cls:
        other = REGISTRY[cls.format]
        raise ValueError(
            f"Two adapters claim the format name {cls.format!r}: {other.__module__}.{other.__qualname__} and "
            f"{cls.__module__}.{cls.__qualname__}"
        )
    REGISTRY[cls.format] = cls
    return cls


def get_adapter(name: str, where: str = "vendor.toml") -> Adapter:
    """The adapter registered as `name`, or a ConfigError saying why it cannot be used or what can."""
    if name in PROBLEMS:
        raise ConfigError(f"Export format {name!r} in {where} cannot be used: {PROBLEMS[name]}.")
    if name not in REGISTRY:
        known = ", ".join(sorted(REGISTRY))
        if not known:
            raise ConfigError(
                f"Unknown export format {name!r} in {where}: no adapter is installed. Reinstall Vendor "
                "Scorecard (`uv sync` or `pip install -e .` in a clone) so that its adapters are registered."
            )
        raise ConfigError(f"Unknown export format {name!r} in {where}; expected one of: {known}.")
    return REGISTRY[name]()
