"""The KPI catalogue, loaded from its one declaration, `catalogue.toml`, and checked on import.

Every KPI is `sum(numerator) / sum(denominator)` over a period (docs/design.md, "Never average ratios"). The
numerator and denominator are linear combinations of the additive daily components of `int_vendor_days`;
the SQL (`kpi_values` and `kpi_interval_service` get their select items from `sql_select_list` and
`sql_variant_parts`; `kpi_notes` reads the tables of `tables()`), the bootstrap, the pandas baseline,
preset, findings and contract validation and the Definitions page all read them from here, so a formula
is written once.
"""

from __future__ import annotations

from dataclasses import replace

import polars as pl

from scorecard.metrics.declaration import (
    DECLARATION,
    DIRECTIONS,
    FAMILIES,
    SOURCES,
    UNITS,
    Direction,
    Family,
    Headline,
    Kpi,
    Unit,
    load,
)

#: Re-exported from the declaration's reader, so callers import the catalogue only.
__all__ = [
    "DECLARATION", "DIRECTIONS", "FAMILIES", "SOURCES", "UNITS",
    "Direction", "Family", "Headline", "Kpi", "Unit",
]  # fmt: skip

_CATALOGUE = load()

#: Additive components of `int_vendor_days` / `int_program_days`, in output order.
COMPONENT_COLUMNS: tuple[str, ...] = tuple(_CATALOGUE.components)
#: The volumes every KPI output carries (whole counts), in output order.
VOLUME_COLUMNS: tuple[str, ...] = tuple(c for c, s in _CATALOGUE.components.items() if s["volume"])
#: Which source tables feed each daily component.
SOURCE_OF: dict[str, tuple[str, ...]] = {c: s["sources"] for c, s in _CATALOGUE.components.items()}
#: The KPIs that have a formula (variants included, headlines not), by id.
KPIS: dict[str, Kpi] = dict(_CATALOGUE.kpis)
HEADLINES: dict[str, Headline] = dict(_CATALOGUE.headlines)
#: KPI output column order (after vendor_id, period, [program] and the volumes), per docs/kpis.md.
KPI_COLUMNS: tuple[str, ...] = _CATALOGUE.columns
#: The KPI columns without the variants (each headline stands for its variants).
HEADLINE_COLUMNS: tuple[str, ...] = tuple(k for k in KPI_COLUMNS if k in HEADLINES or not KPIS[k].variant_of)
#: What to investigate when a KPI misses, per KPI and side, as declared (scorecard.review.findings).
ADVICE: dict[str, dict] = dict(_CATALOGUE.advice)
SL_VARIANTS: tuple[str, ...] = HEADLINES["service_level"].variants
FCR_METHODS: tuple[str, ...] = HEADLINES["fcr_rate"].variants


def configured(kpi_id: str, variant: str) -> Kpi:
    """The headline KPI (`service_level` or `fcr_rate`) under the workspace's chosen variant or method."""
    head = HEADLINES[kpi_id]
    base = KPIS[f"{kpi_id}_{variant}"]
    label = f"{head.label} ({variant.replace('_', ' ')})"
    return replace(base, id=kpi_id, label=label, aliases=(base.id,), variant_of=None)


def kpi(kpi_id: str, sl_variant: str = "negative", fcr_method: str = "survey") -> Kpi:
    """Look a KPI up by id, resolving a headline (`service_level`, `fcr_rate`) to the variant chosen."""
    head = HEADLINES.get(kpi_id)
    if head is None:
        return KPIS[kpi_id]
    return configured(kpi_id, {"sl_variant": sl_variant, "fcr_method": fcr_method}[head.setting])


def headline_of(kpi_id: str) -> str:
    """The headline KPI id of a variant column (`service_level_positive` -> `service_level`), else the id."""
    k = KPIS.get(kpi_id)
    return k.variant_of if k is not None and k.variant_of else kpi_id


def tables() -> dict[str, pl.DataFrame]:
    """The catalogue as the tables the KPI SQL reads (`views.apply_views` writes them).

    `kpi_columns`: every output column after the keys (volumes, then KPIs) with its position, kind, unit
    and, for a headline, the settings column that picks its variant; `kpi_formula_terms`: one row per
    KPI x part x component with its coefficient; `kpi_component_bases`: the volumes a derived volume sums.
    """
    columns = [(c, i, "volume", "count", None) for i, c in enumerate(VOLUME_COLUMNS)]
    for k in KPI_COLUMNS:
        head = HEADLINES.get(k)
        unit = KPIS[f"{k}_{head.variants[0]}"].unit if head else KPIS[k].unit
        columns.append((k, len(columns), "kpi", unit, head.setting if head else None))
    terms = [
        (k.id, part, c, coef)
        for k in KPIS.values()
        for part, formula in (("numerator", k.numerator), ("denominator", k.denominator))
        for c, coef in formula.items()
    ]
    bases = [(c, b) for c, s in _CATALOGUE.components.items() for b in s["sum_of"]]
    return {
        "kpi_columns": pl.DataFrame(
            columns,
            schema={"name": pl.String, "position": pl.Int32, "kind": pl.String, "unit": pl.String}
            | {"variant_setting": pl.String},
            orient="row",
        ),
        "kpi_formula_terms": pl.DataFrame(
            terms,
            schema={"kpi": pl.String, "part": pl.String, "component": pl.String, "coefficient": pl.Float64},
            orient="row",
        ),
        "kpi_component_bases": pl.DataFrame(
            bases, schema={"component": pl.String, "base": pl.String}, orient="row"
        ),
    }


def _sql_sum(terms: dict[str, float]) -> str:
    """A linear combination as SQL, terms in declared order: `talk_s + hold_s - 6 * x`."""
    out = ""
    for i, (name, coef) in enumerate(terms.items()):
        size = abs(coef)
        term = name if size == 1 else f"{size:g} * {name}"
        out += ("-" if coef < 0 else "") + term if i == 0 else f" {'-' if coef < 0 else '+'} {term}"
    return out


def sql_ratio(k: Kpi) -> str:
    """`sum(numerator) / nullif(sum(denominator), 0)` of one KPI over the summed components."""
    num, den = _sql_sum(k.numerator), _sql_sum(k.denominator)
    return f"{f'({num})' if len(k.numerator) > 1 else num} / nullif({den}, 0)"


def sql_select_list() -> str:
    """The output columns of `kpi_values` as SQL select items, derived from the declaration: the volumes
    cast to whole counts, each KPI's ratio, and each headline as a case over its settings column (`s.`).
    Identifiers are the declaration's checked snake_case names and choices are quoted literals; no
    user value is ever part of this text."""
    items = [f"cast({v} as bigint) as {v}" for v in VOLUME_COLUMNS]
    for kpi_id in KPI_COLUMNS:
        head = HEADLINES.get(kpi_id)
        if head is None:
            items.append(f"{sql_ratio(KPIS[kpi_id])} as {kpi_id}")
            continue
        whens = " ".join(f"when '{v}' then {sql_ratio(KPIS[f'{kpi_id}_{v}'])}" for v in head.variants)
        items.append(f"case s.{head.setting} {whens} end as {kpi_id}")
    return ",\n        ".join(items)


def sql_variant_parts(headline: str, selector: str, prefix: str) -> str:
    """Two select items, `<prefix>_numerator` and `<prefix>_denominator`: a headline KPI's numerator
    and denominator under the variant named by the column `selector` (NULL for an unknown name)."""
    head = HEADLINES[headline]
    items = []
    for part in ("numerator", "denominator"):
        whens = " ".join(
            f"when '{v}' then {_sql_sum(getattr(KPIS[f'{headline}_{v}'], part))}" for v in head.variants
        )
        items.append(f"case {selector} {whens} end as {prefix}_{part}")
    return ",\n        ".join(items)


def fingerprint() -> str:
    """sha256 of the declaration's bytes: tables built from another declaration are stale."""
    return _CATALOGUE.sha256
