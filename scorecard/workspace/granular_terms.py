"""Day- and interval-level SLA terms (`period = "day" | "interval"`, docs/contract.md): their extra keys.

Such a term is measured each month as the share of days (or of 30-minute vendor-local intervals with queued
calls, optionally within `hours`) whose KPI meets the target; the month meets the term when that share is at
least `min_share` ("service level ≥ 80 % in at least 90 % of the half-hours 08:00–20:00").
"""

from __future__ import annotations

import math
import re
from typing import Any

from scorecard.metrics.catalogue import SL_VARIANTS

GRANULAR: tuple[str, ...] = ("day", "interval")
#: KPIs an interval term may name: the service level per 30-minute interval (the workspace's variant or one).
INTERVAL_KPIS: tuple[str, ...] = ("service_level", *(f"service_level_{v}" for v in SL_VARIANTS))
_CLOCK = re.compile(r"^([01]\d|2[0-4]):(00|30)$")


def parse_granular(
    raw: dict[str, Any], period: str, kpi_id: str | None, where: str, problems: list[str]
) -> tuple[float | None, tuple[str, str] | None]:
    """`(min_share, hours)` of a day or interval term (both None for other periods); problems appended."""
    share, hours = raw.get("min_share"), raw.get("hours")
    if period not in GRANULAR:
        for key in ("min_share", "hours"):
            if key in raw:
                problems.append(f'{where}: key \'{key}\' applies to period "day" or "interval" only')
        return None, None
    ok = isinstance(share, int | float) and not isinstance(share, bool) and math.isfinite(share)
    if not ok or not 0 < share <= 1:
        problems.append(
            f"{where}: key 'min_share' = {share!r}: a {period} term needs the share of {period}s that must "
            "meet the target each month, a fraction above 0 up to 1 (0.9 for 90 %)"
        )
    if period == "interval" and kpi_id is not None and kpi_id not in INTERVAL_KPIS:
        problems.append(
            f"{where}: key 'kpi' = {kpi_id!r}: an interval term measures the service level per 30-minute "
            f"interval; expected one of: {', '.join(INTERVAL_KPIS)}"
        )
    window = None
    if hours is not None:
        valid = (
            isinstance(hours, list)
            and len(hours) == 2
            and all(isinstance(h, str) and _CLOCK.match(h) for h in hours)
        )
        if period != "interval":
            problems.append(f"{where}: key 'hours' applies to period \"interval\" only")
        elif not valid or hours[0] >= hours[1]:
            problems.append(
                f'{where}: key \'hours\' = {hours!r}: expected ["HH:MM", "HH:MM"] on the half-hour, '
                'start before end (["08:00", "20:00"]: intervals starting 08:00 up to 19:30, vendor-local)'
            )
        else:
            window = (hours[0], hours[1])
    return (float(share) if ok else None), window
