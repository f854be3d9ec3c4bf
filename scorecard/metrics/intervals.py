"""Service level per 30-minute vendor-local interval: one definition for the quarterly review and the app.

The components come from `int_interval_attainment` (call records bucketed by `arrived_at_local`, interval
reports by `interval_start_local`, all programs together, strict sums) and the ratio from the
`kpi_interval_service` macro under a service-level variant (default: the workspace's).
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date

import duckdb
import polars as pl

from scorecard.errors import ScorecardError
from scorecard.metrics.catalogue import SL_VARIANTS
from scorecard.metrics.provenance import scope_params
from scorecard.sql.views import ensure_views


def interval_service(
    con: duckdb.DuckDBPyConnection,
    sl_variant: str | None = None,
    vendors: Sequence[str] | None = None,
    start: date | None = None,
    end: date | None = None,
) -> pl.DataFrame:
    """`vendor_id, interval_start` (vendor-local), `numerator, denominator, service_level` per interval.

    Interval reports whose thresholds differ from the workspace's give NULL (not comparable); an interval
    with no answered or abandoned call counted by the variant has denominator 0 and no service level.
    """
    if sl_variant is not None and sl_variant not in SL_VARIANTS:
        raise ScorecardError(
            f"Unknown service-level variant {sl_variant!r}; expected one of: {', '.join(SL_VARIANTS)}."
        )
    ensure_views(con)
    return con.sql(
        "select vendor_id, interval_start_local as interval_start, sl_numerator as numerator, "
        "sl_denominator as denominator, interval_service_level as service_level "
        "from kpi_interval_service(variant_name := $variant, vendor_ids := $vendors, "
        "start_date := $start, end_date := $end) order by vendor_id, interval_start",
        params={**scope_params(vendors, start, end), "variant": sl_variant},
    ).pl()
