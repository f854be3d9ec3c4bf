"""Shareable views: the app's state as URL query parameters, validated, with defaults and notices.

A view is what a link must reproduce: the page, period, vendors, preset, scoring method, every weight,
the service-level variant, and the focus of the Vendor and Trends pages. `decode` never raises: a value
that is not valid in this workspace falls back to its default and adds a plain-language notice.

Query keys: `page, period, vendors` (comma-separated), `preset, method, sl`, one `w_<kpi>` per KPI of the
preset, `vendor, kpi, grain`, and `partial=1` when vendors with too few days of the period are ranked too.
"""

from __future__ import annotations

import dataclasses
import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from urllib.parse import urlencode

import polars as pl

from scorecard.metrics.catalogue import SL_VARIANTS
from scorecard.scoring.presets import MAX_WEIGHT, Preset

METHODS: tuple[str, ...] = ("fixed", "relative")
TREND_GRAINS: tuple[str, ...] = ("day", "week", "month")
WEIGHT_PREFIX = "w_"
KEYS: tuple[str, ...] = (
    "page", "period", "vendors", "preset", "method", "sl", "vendor", "kpi", "grain", "partial",
)  # fmt: skip

Params = Mapping[str, "str | Sequence[str]"]


@dataclass(frozen=True)
class PresetChoice:
    """What a link may say about one preset: its default method and its KPI weights in file order."""

    method: str
    weights: tuple[tuple[str, float], ...]


@dataclass(frozen=True)
class Options:
    """What is valid in this workspace, and the defaults."""

    pages: tuple[str, ...]
    periods: tuple[str, ...]
    vendors: tuple[str, ...]
    presets: Mapping[str, PresetChoice]
    kpis: tuple[str, ...]
    default_preset: str
    default_sl: str = "negative"
    default_period: str = "all"
    default_kpi: str = "service_level"
    default_grain: str = "week"
    #: Preset, method and weights are fixed (a vendor's view, a signed link): the link's values are ignored.
    locked: bool = False


@dataclass(frozen=True)
class View:
    """One shareable view of the app."""

    page: str
    period: str
    vendors: tuple[str, ...]
    preset: str
    method: str
    weights: tuple[tuple[str, float], ...]
    sl: str
    vendor: str
    kpi: str
    grain: str
    #: Rank vendors whose data cover too few days of the period too (flagged; docs/ranking.md).
    partial: bool = False
    notices: tuple[str, ...] = field(default=(), compare=False)

    def weight(self, kpi_id: str) -> float:
        """The weight of one KPI of the preset."""
        return dict(self.weights)[kpi_id]


def defaults(opts: Options) -> View:
    """The view a link without parameters opens."""
    choice = opts.presets[opts.default_preset]
    return View(
        page=opts.pages[0],
        period=opts.default_period if opts.default_period in opts.periods else opts.periods[0],
        vendors=opts.vendors,
        preset=opts.default_preset,
        method=choice.method,
        weights=choice.weights,
        sl=opts.default_sl,
        vendor=opts.vendors[0] if opts.vendors else "",
        kpi=opts.default_kpi if opts.default_kpi in opts.kpis else opts.kpis[0],
        grain=opts.default_grain,
    )


def with_preset(view: View, opts: Options, preset: str) -> View:
    """The view with another preset, its default method and weights."""
    choice = opts.presets[preset]
    return dataclasses.replace(view, preset=preset, method=choice.method, weights=choice.weights)


def _last(value: str | Sequence[str]) -> str:
    if isinstance(value, str):
        return value
    return str(value[-1]) if len(value) else ""


def _choose(
    params: Params, key: str, allowed: Sequence[str], default: str, notes: list[str], echo: bool = True
) -> str:
    if key not in params:
        return default
    raw = _last(params[key])
    if raw in allowed:
        return raw
    said = f" {raw!r}" if echo else ""
    notes.append(f"The link's {key}{said} is not available here; showing {default!r} instead.")
    return default


def _vendors(params: Params, opts: Options, notes: list[str]) -> tuple[str, ...]:
    if "vendors" not in params:
        return opts.vendors
    asked = [v for v in _last(params["vendors"]).split(",") if v]
    unknown = [v for v in asked if v not in opts.vendors]
    if unknown:  # never echoed: a vendor's id is not repeated to someone who may not see it
        notes.append(f"The link names {len(unknown)} vendor(s) not available here; left out.")
    chosen = tuple(v for v in opts.vendors if v in asked)
    if not chosen:
        notes.append("The link selects no known vendor; showing all vendors.")
        return opts.vendors
    return chosen


def _number(raw: str) -> float | None:
    """A weight from a link: a finite number from 0 to MAX_WEIGHT, else None."""
    try:
        x = float(raw)
    except ValueError:
        return None
    return x if math.isfinite(x) and 0 <= x <= MAX_WEIGHT else None


def _weights(
    params: Params, choice: PresetChoice, preset: str, notes: list[str]
) -> tuple[tuple[str, float], ...]:
    known = dict(choice.weights)
    for key in params:
        if key.startswith(WEIGHT_PREFIX) and key[len(WEIGHT_PREFIX) :] not in known:
            notes.append(f"The link's weight {key!r} is not a KPI of preset {preset!r}; ignored.")
    out = []
    for kpi_id, default in choice.weights:
        key = WEIGHT_PREFIX + kpi_id
        if key not in params:
            out.append((kpi_id, default))
            continue
        raw = _last(params[key])
        x = _number(raw)
        if x is None:
            notes.append(
                f"The link's weight {key}={raw!r} is not a number ≥ 0 and ≤ 1,000; "
                f"using the preset's {default:g}."
            )
            x = default
        out.append((kpi_id, x))
    if not any(w > 0 for _, w in out):
        notes.append("The link gives every KPI a weight of 0; using the preset's weights.")
        return choice.weights
    return tuple(out)


def _asks_other_scoring(params: Params, base: View) -> bool:
    """Whether a link asks for another preset, method or weights than the fixed ones."""
    wanted = {k: _last(v) for k, v in params.items() if k.startswith(WEIGHT_PREFIX)}
    fixed = {WEIGHT_PREFIX + k: w for k, w in base.weights}
    if any(k not in fixed or _number(v) != fixed[k] for k, v in wanted.items()):
        return True
    fixed_keys = (("preset", base.preset), ("method", base.method))
    return any(k in params and _last(params[k]) != v for k, v in fixed_keys)


def decode(params: Params, opts: Options) -> View:
    """The view a link's query parameters describe; invalid values fall back with a notice in `notices`."""
    base = defaults(opts)
    notes: list[str] = []
    page = _choose(params, "page", opts.pages, base.page, notes)
    period = _choose(params, "period", opts.periods, base.period, notes)
    vendors = _vendors(params, opts, notes)
    if opts.locked:
        preset, method, weights = base.preset, base.method, base.weights
        if _asks_other_scoring(params, base):
            notes.append("This view's preset, method and weights are fixed; the link's are not used.")
    else:
        preset = _choose(params, "preset", tuple(opts.presets), base.preset, notes)
        choice = opts.presets[preset]
        method = _choose(params, "method", METHODS, choice.method, notes)
    sl = _choose(params, "sl", SL_VARIANTS, base.sl, notes)
    vendor = _choose(params, "vendor", opts.vendors, vendors[0] if vendors else "", notes, echo=False)
    kpi = _choose(params, "kpi", opts.kpis, base.kpi, notes)
    grain = _choose(params, "grain", TREND_GRAINS, base.grain, notes)
    if not opts.locked:
        weights = _weights(params, opts.presets[preset], preset, notes)
    partial = _last(params.get("partial", "0")) == "1"
    if _last(params.get("partial", "0")) not in ("0", "1"):
        notes.append("The link's partial is not 0 or 1; vendors with too few days are not ranked.")
    return View(page, period, vendors, preset, method, weights, sl, vendor, kpi, grain, partial, tuple(notes))


def _num(x: float) -> str:
    """Shortest text that reads back as the same number: 25, 12.5, 0.1."""
    short = f"{x:g}"
    return short if float(short) == x else repr(x)


def encode(view: View) -> dict[str, str]:
    """The query parameters of a view, in a stable order (every weight included)."""
    out = {
        "page": view.page,
        "period": view.period,
        "vendors": ",".join(view.vendors),
        "preset": view.preset,
        "method": view.method,
        "sl": view.sl,
    }
    out.update({WEIGHT_PREFIX + k: _num(w) for k, w in view.weights})
    out.update({"vendor": view.vendor, "kpi": view.kpi, "grain": view.grain})
    if view.partial:
        out["partial"] = "1"
    return out


def url(base: str, view: View) -> str:
    """The shareable link: `base` (the app's address, any query removed) plus the encoded view."""
    return f"{base.split('?', 1)[0]}?{urlencode(encode(view), safe=',')}"


def apply_weights(preset: Preset, weights: Sequence[tuple[str, float]]) -> Preset:
    """The preset with the view's weights (KPIs the view does not mention keep theirs)."""
    given = dict(weights)
    rules = tuple(dataclasses.replace(r, weight=float(given.get(r.kpi, r.weight))) for r in preset.rules)
    return dataclasses.replace(preset, rules=rules)


def apply_variant(frame: pl.DataFrame, sl_variant: str) -> pl.DataFrame:
    """A KPI frame whose headline `service_level` is the chosen variant's column."""
    return frame.with_columns(pl.col(f"service_level_{sl_variant}").alias("service_level"))
