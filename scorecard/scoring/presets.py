"""Scoring presets: TOML files of KPI weights and bounds (docs/scoring.md).

A preset file looks like this (every key is checked; unknown keys are errors naming the file and key):

```toml
name = "Quarterly review"     # optional, defaults to the file name
description = "..."           # optional, one line shown next to the ranking
method = "fixed"              # fixed (default) | relative
missing = "zero"              # zero (default) | reweight

[kpis.service_level]          # a KPI id of the catalogue (service_level / fcr_rate follow the workspace)
weight = 25                   # >= 0; weights need not sum to 100, the score divides by their sum
target = 0.80                 # 100 points at or better than this
floor = 0.50                  # 0 points at or worse; target < floor means lower is better

[kpis.avg_talk_s]
weight = 5
band = [270, 360]             # two-sided: 100 points inside the band
floor = [120, 600]            # 0 points at or beyond these, linear in between

[kpis.cost_per_call]
weight = 30
method = "lowest_bid"         # cost KPIs only: points = 100 x lowest / x among the vendors compared
```

`target`/`floor` (or `band`/`floor`) default to the catalogue's seed values when both are omitted. A KPI with
no catalogue default and no bounds can only be scored with `method = "relative"` or `"lowest_bid"`.
Under `lowest_bid` a vendor whose cost is zero or negative scores 100 and the others are scored against
the lowest positive cost. Built-in presets live in `scorecard/presets/*.toml`; a workspace adds its own as
`<workspace>/presets/*.toml` (the file name is the preset name and may shadow a built-in).
"""

from __future__ import annotations

import math
import tomllib
from collections.abc import Mapping
from dataclasses import dataclass, replace
from importlib import resources
from pathlib import Path
from typing import Any, Literal

from scorecard.errors import PresetError
from scorecard.metrics import catalogue

Method = Literal["fixed", "relative"]
Missing = Literal["zero", "reweight"]
Bound = float | tuple[float, float]

METHODS: tuple[str, ...] = ("fixed", "relative")
MISSING: tuple[str, ...] = ("zero", "reweight")
#: The largest weight a KPI may have (presets, links, the app, `scorecard rank --weight`).
MAX_WEIGHT = 1000.0
KPI_METHODS: tuple[str, ...] = ("lowest_bid",)
_TOP_KEYS = ("name", "description", "method", "missing", "kpis")
_KPI_KEYS = ("weight", "target", "floor", "band", "method")


@dataclass(frozen=True)
class KpiRule:
    """How one KPI of a preset is weighted and turned into 0–100 points."""

    kpi: str
    weight: float
    direction: catalogue.Direction
    target: Bound | None = None
    floor: Bound | None = None
    method: str | None = None

    @property
    def has_bounds(self) -> bool:
        """True when the rule carries a target (or band) and a floor."""
        return self.target is not None and self.floor is not None


@dataclass(frozen=True)
class Preset:
    """A validated scoring preset."""

    name: str
    method: Method
    missing: Missing
    rules: tuple[KpiRule, ...]
    source: str
    description: str = ""

    @property
    def kpi_ids(self) -> tuple[str, ...]:
        """The preset's KPI ids in file order."""
        return tuple(r.kpi for r in self.rules)

    @property
    def weights(self) -> tuple[float, ...]:
        """The preset's weights in file order."""
        return tuple(r.weight for r in self.rules)

    def with_weights(self, weights: Mapping[str, float]) -> Preset:
        """The same preset with some KPI weights replaced (e.g. from a shared link), re-validated."""
        unknown = sorted(set(weights) - set(self.kpi_ids))
        if unknown:
            raise _fail(self.source, f"kpis.{unknown[0]}", "not a KPI of this preset")
        rules = tuple(replace(r, weight=float(weights.get(r.kpi, r.weight))) for r in self.rules)
        for r in rules:
            if not (math.isfinite(r.weight) and 0 <= r.weight <= MAX_WEIGHT):
                raise _fail(
                    self.source,
                    f"kpis.{r.kpi}.weight",
                    f"invalid weight {r.weight:g}; weights are numbers from 0 to 1,000",
                )
        if not any(r.weight > 0 for r in rules):
            raise _fail(self.source, "kpis", "all weights are zero; give at least one KPI a positive weight")
        return replace(self, rules=rules)


def _is_price(entry: catalogue.Kpi) -> bool:
    """A KPI `lowest_bid` can score: a cost (family) in money (unit) where lower is better (direction)."""
    return entry.family == "cost" and entry.unit == "currency" and entry.direction == "lower"


def _fail(source: str, key: str, problem: str) -> PresetError:
    return PresetError(f"{source}: {key}: {problem}")


def _number(source: str, key: str, value: Any) -> float:
    if isinstance(value, bool) or not isinstance(value, int | float) or not math.isfinite(value):
        raise _fail(source, key, f"expected a number, got {value!r}")
    return float(value)


def _pair(source: str, key: str, value: Any) -> tuple[float, float]:
    if not isinstance(value, list) or len(value) != 2:
        raise _fail(source, key, f"expected [low, high], got {value!r}")
    low, high = (_number(source, key, v) for v in value)
    if low > high:
        raise _fail(source, key, f"low {low:g} is above high {high:g}; write [low, high]")
    return low, high


def _choice(source: str, key: str, value: Any, allowed: tuple[str, ...]) -> str:
    if value not in allowed:
        raise _fail(source, key, f"invalid value {value!r}; expected one of: {', '.join(allowed)}")
    return value


def _check_keys(source: str, where: str, table: dict[str, Any], allowed: tuple[str, ...]) -> None:
    for key in table:
        if key not in allowed:
            name = f"{where}.{key}" if where else key
            raise _fail(source, name, f"unknown key; expected one of: {', '.join(allowed)}")


def _rule(source: str, kpi_id: str, table: Any, preset_method: str) -> KpiRule:
    key = f"kpis.{kpi_id}"
    if kpi_id not in catalogue.KPI_COLUMNS:
        known = ", ".join(sorted(catalogue.KPI_COLUMNS))
        raise _fail(source, key, f"unknown KPI {kpi_id!r}; expected one of: {known}")
    if not isinstance(table, dict):
        raise _fail(source, key, f"expected a table with a weight, got {table!r}")
    _check_keys(source, key, table, _KPI_KEYS)
    if "weight" not in table:
        raise _fail(source, f"{key}.weight", "missing; every KPI needs a weight (0 or more)")
    weight = _number(source, f"{key}.weight", table["weight"])
    if weight < 0:
        raise _fail(source, f"{key}.weight", f"negative weight {weight:g}; weights must be 0 or more")
    if weight > MAX_WEIGHT:
        raise _fail(source, f"{key}.weight", f"weight {weight:g} is above {MAX_WEIGHT:,.0f}; use 0 to 1,000")
    entry = catalogue.kpi(kpi_id)
    if "method" in table:
        _choice(source, f"{key}.method", table["method"], KPI_METHODS)
        if not _is_price(entry):  # 100 × lowest / x means something only for a price: money, lower is better
            costs = ", ".join(k for k, v in catalogue.KPIS.items() if _is_price(v))
            raise _fail(source, f"{key}.method", f"'lowest_bid' applies to cost KPIs only ({costs})")
        extra = [k for k in ("target", "floor", "band") if k in table]
        if extra:
            raise _fail(source, f"{key}.{extra[0]}", "not used with method 'lowest_bid'; remove it")
        return KpiRule(kpi_id, weight, "lower", method="lowest_bid")
    if "band" in table and "target" in table:
        raise _fail(source, f"{key}.band", "give either band (two-sided) or target, not both")
    if "band" in table:
        band = _pair(source, f"{key}.band", table["band"])
        if "floor" not in table:
            raise _fail(source, f"{key}.floor", "missing; a band needs floor = [low, high]")
        floor = _pair(source, f"{key}.floor", table["floor"])
        if not (floor[0] < band[0] and band[1] < floor[1]):
            raise _fail(
                source,
                f"{key}.floor",
                f"floor {list(floor)} must lie strictly outside band {list(band)}",
            )
        return KpiRule(kpi_id, weight, "band", band, floor)
    if ("target" in table) != ("floor" in table):
        missing = "floor" if "target" in table else "target"
        raise _fail(source, f"{key}.{missing}", "missing; give target and floor together")
    if "target" in table:
        target = _number(source, f"{key}.target", table["target"])
        floor_value = table["floor"]
        if isinstance(floor_value, list):
            raise _fail(source, f"{key}.floor", "a list floor needs band = [low, high], not target")
        floor_ = _number(source, f"{key}.floor", floor_value)
    elif entry.target is not None and entry.floor is not None:
        if isinstance(entry.target, tuple) and isinstance(entry.floor, tuple):
            return KpiRule(kpi_id, weight, "band", entry.target, entry.floor)
        target, floor_ = float(entry.target), float(entry.floor)  # type: ignore[arg-type]
    else:
        if preset_method == "fixed":
            raise _fail(
                source,
                key,
                "no target and floor, and the catalogue has no default for this KPI; add target "
                'and floor (or use method = "relative")',
            )
        return KpiRule(kpi_id, weight, entry.direction)
    if target == floor_:
        raise _fail(source, f"{key}.target", f"target equals floor ({target:g}); they must differ")
    direction = "higher" if target > floor_ else "lower"
    if entry.direction in ("higher", "lower") and direction != entry.direction:
        raise _fail(
            source,
            f"{key}.target",
            f"target {target:g} vs floor {floor_:g} makes {direction} better, but {kpi_id} is "
            f"{entry.direction}-is-better; swap them",
        )
    return KpiRule(kpi_id, weight, direction, target, floor_)


def parse_preset(data: dict[str, Any], source: str) -> Preset:
    """Validate a parsed preset table; `source` names the file in error messages."""
    _check_keys(source, "", data, _TOP_KEYS)
    method = _choice(source, "method", data.get("method", "fixed"), METHODS)
    missing = _choice(source, "missing", data.get("missing", "zero"), MISSING)
    for key in ("name", "description"):
        if key in data and not isinstance(data[key], str):
            raise _fail(source, key, f"expected a string, got {data[key]!r}")
    kpis = data.get("kpis")
    if not isinstance(kpis, dict) or not kpis:
        raise _fail(source, "kpis", "missing or empty; add at least one [kpis.<id>] table")
    rules = tuple(_rule(source, kpi_id, table, method) for kpi_id, table in kpis.items())
    if not any(r.weight > 0 for r in rules):
        raise _fail(source, "kpis", "all weights are zero; give at least one KPI a positive weight")
    name = data.get("name") or Path(source).stem
    return Preset(name, method, missing, rules, source, data.get("description", ""))  # type: ignore[arg-type]


def load_preset_file(path: str | Path) -> Preset:
    """Read and validate one preset TOML file."""
    path = Path(path)
    try:
        text = path.read_text(encoding="utf-8")
    except OSError as exc:
        raise PresetError(f"Cannot read preset file {path}: {exc.strerror}") from exc
    try:
        data = tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        raise PresetError(f"{path}: invalid TOML: {exc}") from exc
    return parse_preset(data, str(path))


def _builtin_dir() -> Path:
    return Path(str(resources.files("scorecard.scoring").joinpath("presets")))


def preset_files(workspace: str | Path | None = None) -> dict[str, Path]:
    """Preset name -> file: the built-ins, then `<workspace>/presets/*.toml` (which may shadow them)."""
    files = {p.stem: p for p in sorted(_builtin_dir().glob("*.toml"))}
    if workspace is not None:
        files.update({p.stem: p for p in sorted((Path(workspace) / "presets").glob("*.toml"))})
    return files


def load_preset(name: str, workspace: str | Path | None = None) -> Preset:
    """Load a preset by name (file stem) from the built-ins and the workspace's presets folder."""
    files = preset_files(workspace)
    if name not in files:
        where = f" or {Path(workspace) / 'presets'}" if workspace is not None else ""
        raise PresetError(
            f"Unknown preset {name!r}; expected one of: {', '.join(sorted(files))} "
            f"(built-in{where}), or pass a file with --preset-file"
        )
    return load_preset_file(files[name])
