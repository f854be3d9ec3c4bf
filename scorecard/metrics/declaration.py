"""Reading and checking the KPI catalogue's declaration (`catalogue.toml`): components, KPIs, headlines.

Every mistake is a ConfigError naming the table at fault, raised when `scorecard.metrics.catalogue` is
imported: a catalogue that does not load stops everything, so no test run can miss it.
"""

from __future__ import annotations

import hashlib
import re
import tomllib
from dataclasses import dataclass, field
from functools import cache
from pathlib import Path
from typing import Any, Literal

from scorecard.errors import ConfigError

Direction = Literal["higher", "lower", "band"]
Unit = Literal["rate", "seconds", "currency", "points", "count"]
Family = Literal["service", "quality", "cost", "satisfaction", "revenue", "workforce"]

#: The declaration `load()` reads by default.
DECLARATION = Path(__file__).with_name("catalogue.toml")

UNITS: tuple[str, ...] = ("rate", "seconds", "currency", "points", "count")
DIRECTIONS: tuple[str, ...] = ("higher", "lower", "band")
FAMILIES: tuple[str, ...] = ("service", "quality", "satisfaction", "workforce", "cost", "revenue")
SOURCES: tuple[str, ...] = ("calls", "intervals", "surveys", "quality", "agent_time", "costs", "forecast")

_COMPONENT_KEYS = frozenset({"sources", "volume", "sum_of"})
_KPI_KEYS = frozenset(
    {"label", "unit", "direction", "family", "definition", "numerator", "denominator", "target", "floor"}
    | {"min_events", "wilson", "variant_of", "advice"}
)
_HEADLINE_KEYS = frozenset({"label", "variants", "advice"})
_TERM = re.compile(r"\s*([+-])?\s*(?:(\d+(?:\.\d+)?)\s*\*\s*)?([a-z_][a-z0-9_]*)\s*")


@dataclass(frozen=True)
class Kpi:
    """One KPI: how it is computed, read and scored by default."""

    id: str
    label: str
    unit: Unit
    direction: Direction
    family: Family
    definition: str
    numerator: dict[str, float]
    denominator: dict[str, float]
    target: float | tuple[float, float] | None = None
    floor: float | tuple[float, float] | None = None
    #: Minimum denominator below which the KPI rests on too few events to separate vendors.
    min_events: float | None = None
    #: Rates whose denominator counts independent events get Wilson intervals.
    wilson: bool = False
    aliases: tuple[str, ...] = field(default_factory=tuple)
    #: The headline KPI this one is a variant of (`service_level_positive` -> `service_level`).
    variant_of: str | None = None

    @property
    def is_rate(self) -> bool:
        return self.unit == "rate"


@dataclass(frozen=True)
class Headline:
    """A KPI column that repeats the variant the workspace chose (`service_level`, `fcr_rate`)."""

    id: str
    label: str
    #: The settings column whose value names the variant: the KPI `<id>_<value>`.
    setting: str
    variants: tuple[str, ...]


@dataclass(frozen=True)
class Catalogue:
    """The loaded declaration: components, KPIs with formulas, headlines, output order."""

    components: dict[str, dict[str, Any]]
    kpis: dict[str, Kpi]
    headlines: dict[str, Headline]
    columns: tuple[str, ...]
    #: What to investigate per KPI and side (`{kpi: {side: {summary, causes, checks}}}`), as declared;
    #: scorecard.review.findings checks and reads it.
    advice: dict[str, dict[str, Any]]
    sha256: str


def _fail(where: str, message: str) -> ConfigError:
    return ConfigError(f"{DECLARATION.name}: [{where}]: {message}")


def parse_terms(text: str, components: dict[str, Any], where: str) -> dict[str, float]:
    """`"talk_s + hold_s - 2 * x"` -> `{talk_s: 1, hold_s: 1, x: -2}`; every name must be a component."""
    terms: dict[str, float] = {}
    pos = 0
    while pos < len(text):
        m = _TERM.match(text, pos)
        if not m or (m.group(1) is None and terms) or m.end() == pos:
            raise _fail(
                where, f"cannot read the formula {text!r} at {text[pos:]!r}; write e.g. 'a + b - 2 * c'"
            )
        sign, factor, name = m.groups()
        if name not in components:
            raise _fail(
                where, f"unknown component {name!r} in {text!r}; expected one of: {', '.join(components)}"
            )
        if name in terms:
            raise _fail(where, f"component {name!r} appears twice in {text!r}")
        terms[name] = (-1.0 if sign == "-" else 1.0) * float(factor or 1)
        pos = m.end()
    if not terms:
        raise _fail(where, "the formula is empty")
    return terms


def _bound(value: Any, direction: str, where: str) -> float | tuple[float, float] | None:
    if value is None:
        return None
    band = direction == "band"
    if (
        band
        and isinstance(value, list)
        and len(value) == 2
        and all(isinstance(v, int | float) for v in value)
    ):
        return (float(value[0]), float(value[1]))
    if not band and isinstance(value, int | float) and not isinstance(value, bool):
        return float(value)
    raise _fail(where, f"{value!r}: expected {'[low, high]' if band else 'a number'}")


def _components(raw: dict[str, Any]) -> dict[str, dict[str, Any]]:
    out: dict[str, dict[str, Any]] = {}
    for name, spec in raw.items():
        where = f"components.{name}"
        if not isinstance(spec, dict) or not set(spec) <= _COMPONENT_KEYS or "sources" not in spec:
            raise _fail(where, f"expected an inline table with the keys {', '.join(sorted(_COMPONENT_KEYS))}")
        unknown = [s for s in spec["sources"] if s not in SOURCES]
        if unknown:
            raise _fail(where, f"unknown source(s) {unknown}; expected: {', '.join(SOURCES)}")
        bases = spec.get("sum_of", [])
        if any(b not in raw or b == name for b in bases):
            raise _fail(where, f"sum_of {bases}: expected other declared components")
        out[name] = {
            "sources": tuple(spec["sources"]),
            "volume": bool(spec.get("volume")),
            "sum_of": tuple(bases),
        }
    return out


def _choice(kpi_id: str, spec: dict[str, Any], name: str, allowed: tuple[str, ...]) -> str:
    value = spec.get(name)
    if value not in allowed:
        raise _fail(f"kpis.{kpi_id}", f"{name} = {value!r}; expected one of: {', '.join(allowed)}")
    return value


def _kpi(kpi_id: str, spec: dict[str, Any], components: dict[str, Any]) -> Kpi:
    where = f"kpis.{kpi_id}"
    unknown = sorted(set(spec) - _KPI_KEYS)
    missing = sorted(
        {"label", "unit", "direction", "family", "definition", "numerator", "denominator"} - set(spec)
    )
    if unknown or missing:
        raise _fail(where, f"unknown keys {unknown}, missing keys {missing}")
    direction = _choice(kpi_id, spec, "direction", DIRECTIONS)
    return Kpi(
        id=kpi_id,
        label=str(spec["label"]),
        unit=_choice(kpi_id, spec, "unit", UNITS),  # type: ignore[arg-type]
        direction=direction,  # type: ignore[arg-type]
        family=_choice(kpi_id, spec, "family", FAMILIES),  # type: ignore[arg-type]
        definition=str(spec["definition"]),
        numerator=parse_terms(spec["numerator"], components, f"{where}.numerator"),
        denominator=parse_terms(spec["denominator"], components, f"{where}.denominator"),
        target=_bound(spec.get("target"), direction, f"{where}.target"),
        floor=_bound(spec.get("floor"), direction, f"{where}.floor"),
        min_events=None if spec.get("min_events") is None else float(spec["min_events"]),
        wilson=bool(spec.get("wilson", False)),
        variant_of=spec.get("variant_of"),
    )


def parse(data: dict[str, Any], sha256: str = "") -> Catalogue:
    """Check a declaration (the parsed TOML) and build the catalogue; ConfigError names the table at fault."""
    if set(data) != {"components", "kpis"}:
        raise ConfigError(f"{DECLARATION.name}: expected exactly the tables [components] and [kpis.<id>]")
    components = _components(data["components"])
    kpis: dict[str, Kpi] = {}
    headlines: dict[str, tuple[str, str]] = {}
    for kpi_id, spec in data["kpis"].items():
        if not re.fullmatch(r"[a-z][a-z0-9_]*", kpi_id) or kpi_id in components:
            raise _fail(f"kpis.{kpi_id}", "a KPI id is lowercase snake_case and not a component name")
        if "variants" in spec:
            if not {"label", "variants"} <= set(spec) <= _HEADLINE_KEYS:
                raise _fail(f"kpis.{kpi_id}", "a headline KPI has the keys label, variants and advice")
            headlines[kpi_id] = (str(spec["label"]), str(spec["variants"]))
        else:
            kpis[kpi_id] = _kpi(kpi_id, spec, components)
    found: dict[str, list[str]] = {h: [] for h in headlines}
    for k in kpis.values():
        if k.variant_of is not None:
            if k.variant_of not in headlines or not k.id.startswith(f"{k.variant_of}_"):
                raise _fail(
                    f"kpis.{k.id}", f"variant_of = {k.variant_of!r}: expected a headline KPI id prefixing it"
                )
            found[k.variant_of].append(k.id.removeprefix(f"{k.variant_of}_"))
    heads = {}
    for h, (label, setting) in headlines.items():
        if not found[h]:
            raise _fail(f"kpis.{h}", "a headline KPI needs at least one variant")
        heads[h] = Headline(h, label, setting, tuple(found[h]))
    advice = {k: spec["advice"] for k, spec in data["kpis"].items() if "advice" in spec}
    return Catalogue(components, kpis, heads, tuple(data["kpis"]), advice, sha256)


@cache
def load(path: Path = DECLARATION) -> Catalogue:
    """The catalogue of `path` (default: the package's own declaration), parsed once per process."""
    raw = path.read_bytes()
    try:
        data = tomllib.loads(raw.decode("utf-8"))
    except tomllib.TOMLDecodeError as exc:
        raise ConfigError(f"{path}: not valid TOML: {exc}") from None
    return parse(data, hashlib.sha256(raw).hexdigest())
