"""`[contract.price]` of vendor.toml validated into a `PriceModel`: every mistake reported at once."""

from __future__ import annotations

import math
from typing import Any

from scorecard.workspace.pricing import (
    BASES,
    CHARGE_KEYS,
    OUTCOME_KEYS,
    OUTCOME_KPIS,
    PRICE_KEYS,
    SIDES,
    TIER_KEYS,
    TIERING,
    Charge,
    Outcome,
    PriceModel,
    Tier,
)


def _num(value: Any) -> bool:
    return isinstance(value, int | float) and not isinstance(value, bool) and math.isfinite(value)


def _unknown(raw: dict, allowed: tuple[str, ...], where: str, problems: list[str]) -> None:
    for key in sorted(set(raw) - set(allowed)):
        problems.append(f"{where}: unknown key '{key}'; allowed keys: {', '.join(allowed)}")


def _positive(raw: dict, key: str, where: str, problems: list[str], required: bool = False) -> float | None:
    value = raw.get(key)
    if value is None:
        if required:
            problems.append(f"{where}: missing required key '{key}'")
        return None
    if not _num(value) or value < 0:
        problems.append(f"{where}: key '{key}' = {value!r}: expected a number ≥ 0")
        return None
    return float(value)


def _tiers(raw: Any, where: str, problems: list[str]) -> tuple[Tier, ...]:
    ok = isinstance(raw, list) and raw and all(isinstance(t, dict) for t in raw)
    if not ok:
        problems.append(
            f"{where}: key 'tiers' = {raw!r}: expected an array of {{ from = N, rate = X }} tables"
        )
        return ()
    tiers = []
    for t in raw:
        _unknown(t, TIER_KEYS, f"{where} tier", problems)
        start, rate = (
            _positive(t, "from", f"{where} tier", problems, True),
            _positive(t, "rate", f"{where} tier", problems, True),
        )
        if start is not None and rate is not None:
            tiers.append(Tier(start, rate))
    starts = [t.start for t in tiers]
    if tiers and (starts[0] != 0 or starts != sorted(set(starts))):
        problems.append(
            f"{where}: key 'tiers': the first tier starts from 0 and each next one higher; got {starts}"
        )
    return tuple(tiers)


def _charge(raw: Any, where: str, problems: list[str]) -> Charge | None:
    if not isinstance(raw, dict):
        problems.append(f"{where}: expected a table with keys {', '.join(CHARGE_KEYS)}, got {raw!r}")
        return None
    start = len(problems)
    _unknown(raw, CHARGE_KEYS, where, problems)
    per = raw.get("per")
    if per not in BASES:
        problems.append(f"{where}: key 'per' = {per!r}: expected one of: {', '.join(BASES)}")
    if ("rate" in raw) == ("tiers" in raw):
        problems.append(
            f"{where}: give either 'rate' (one price) or 'tiers' (volume tiers), not both or neither"
        )
    tiering = raw.get("tiering", "marginal")
    if tiering not in TIERING:
        problems.append(f"{where}: key 'tiering' = {tiering!r}: expected one of: {', '.join(TIERING)}")
    if "rate" in raw:
        rate = _positive(raw, "rate", where, problems)
        tiers = () if rate is None else (Tier(0.0, rate),)
    else:
        tiers = _tiers(raw.get("tiers"), where, problems) if "tiers" in raw else ()
    return None if len(problems) > start else Charge(per, tiers, tiering)


def _outcome(raw: Any, where: str, problems: list[str]) -> Outcome | None:
    if not isinstance(raw, dict):
        problems.append(f"{where}: expected a table with keys {', '.join(OUTCOME_KEYS)}, got {raw!r}")
        return None
    start = len(problems)
    _unknown(raw, OUTCOME_KEYS, where, problems)
    kpi = raw.get("kpi")
    if kpi not in OUTCOME_KPIS:
        problems.append(
            f"{where}: key 'kpi' = {kpi!r}: expected a KPI where higher or lower is better "
            "(not a two-sided or money KPI)"
        )
    target = raw.get("target")
    if not _num(target):
        problems.append(f"{where}: key 'target' = {target!r}: expected a number (rates as fractions: 0.80)")
    per_point = _positive(raw, "per_point", where, problems, True)
    cap = _positive(raw, "cap", where, problems)
    side = raw.get("side", "both")
    if side not in SIDES:
        problems.append(f"{where}: key 'side' = {side!r}: expected one of: {', '.join(SIDES)}")
    if len(problems) > start or per_point is None:
        return None
    return Outcome(kpi, float(target), per_point, cap, side)


def parse_price(raw: Any, problems: list[str]) -> PriceModel | None:
    """Validate `[contract.price]`; append one line to `problems` per broken key."""
    where = "[contract.price]"
    if not isinstance(raw, dict):
        problems.append(f"{where}: expected a table, got {raw!r}")
        return None
    start = len(problems)
    _unknown(raw, PRICE_KEYS, where, problems)
    lists = {}
    for key in ("charges", "outcomes"):
        lists[key] = raw.get(key, [])
        if not isinstance(lists[key], list):
            problems.append(
                f"{where}: key '{key}' must be an array of tables: write [[contract.price.{key}]]"
            )
            lists[key] = []
    if not lists["charges"]:
        problems.append(f"{where}: needs at least one [[contract.price.charges]] table")
    charges = [
        _charge(c, f"[[contract.price.charges]] #{i}", problems) for i, c in enumerate(lists["charges"], 1)
    ]
    outcomes = [
        _outcome(o, f"[[contract.price.outcomes]] #{i}", problems) for i, o in enumerate(lists["outcomes"], 1)
    ]
    share = _positive(raw, "gainshare_pct", where, problems)
    if share is not None and share > 100:
        problems.append(f"{where}: key 'gainshare_pct' = {share!r}: expected a number from 0 to 100")
    fte = _positive(raw, "fte_hours", where, problems)
    if any(isinstance(c, dict) and c.get("per") == "fte_month" for c in lists["charges"]) and not fte:
        problems.append(
            f"{where}: a charge per fte_month needs 'fte_hours' (productive hours of one FTE a month)"
        )
    tolerance = _positive(raw, "tolerance_pct", where, problems)
    if len(problems) > start:
        return None
    return PriceModel(
        tuple(c for c in charges if c is not None),
        tuple(o for o in outcomes if o is not None),
        share,
        fte,
        1.0 if tolerance is None else tolerance,
    )
