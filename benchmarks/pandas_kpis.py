"""The baseline: a straightforward pandas implementation of the call-derived KPIs (docs/kpis.md definitions).

One row per vendor x local quarter, computed from the call records of `raw_calls` with the thresholds of
`settings` and the monthly FX rates of `fx_rates`: one column per daily component per call, a groupby
sum, then each KPI's formula from the catalogue (`scorecard/metrics/catalogue.toml`, the same
declaration the SQL derives from). Components that need other tables (surveys, QA, agent time, costs) are
unknown, so their KPIs are null, as they are in the SQL views for a workspace that has only call
records. It is meant to be what an analyst would write, not a tuned implementation: it is the reference
the SQL KPIs are checked against and timed against.
"""

from __future__ import annotations

from pathlib import Path

import duckdb
import numpy as np
import pandas as pd

from scorecard.metrics import catalogue
from scorecard.metrics.catalogue import KPI_COLUMNS, VOLUME_COLUMNS

CALL_COLUMNS = (
    "vendor_id, call_id, arrived_at, arrived_at_local, outcome, wait_s, talk_s, hold_s, acw_s, "
    "transferred, resolved, caller_key, revenue, ring_s"
)


def load(db_path: str | Path) -> tuple[pd.DataFrame, dict, pd.DataFrame, pd.DataFrame]:
    """Calls, settings, vendors and FX rates from the database file, as pandas objects."""
    con = duckdb.connect(str(db_path), read_only=True)
    try:
        calls = con.execute(f"select {CALL_COLUMNS} from raw_calls").df()
        settings = con.execute("select * from settings").df().iloc[0].to_dict()
        vendors = con.execute("select vendor_id, currency from vendors").df()
        fx = con.execute("select month, currency, rate_to_base from fx_rates").df()
    finally:
        con.close()
    return calls, settings, vendors, fx


def _ratio(num: pd.Series, den: pd.Series) -> pd.Series:
    """num / den, null where the denominator is 0 or null."""
    return (num / den.where(den != 0)).astype("float64")


def compute(calls: pd.DataFrame, settings: dict, vendors: pd.DataFrame, fx: pd.DataFrame) -> pd.DataFrame:
    """KPIs per vendor_id x quarter: volumes, then the catalogue's KPI columns (docs/kpis.md order)."""
    t, short_s = float(settings["sl_threshold_s"]), float(settings["short_abandon_s"])
    repeat = pd.Timedelta(days=int(settings["fcr_repeat_days"]))
    df = calls
    local = df["arrived_at_local"]
    period = local.dt.year.astype(str) + "-Q" + local.dt.quarter.astype(str)
    answered = df["outcome"] == "answered"
    abandoned = df["outcome"] == "abandoned"
    short = abandoned & (df["wait_s"] < short_s)

    # Repeat-contact FCR: the next strictly later call of the same caller to the same vendor (calls at
    # the same instant are not repeats of each other): shift over each caller's distinct instants.
    key = ["vendor_id", "caller_key", "arrived_at"]
    keyed = df.loc[df["caller_key"].notna(), key]
    instants = keyed.drop_duplicates().sort_values(key)
    instants["next_at"] = instants.groupby(["vendor_id", "caller_key"], sort=False)["arrived_at"].shift(-1)
    next_at = keyed.merge(instants, on=key, how="left")["next_at"].set_axis(keyed.index)
    no_repeat = (next_at.isna() | (next_at > keyed["arrived_at"] + repeat)).reindex(
        df.index, fill_value=False
    )
    has_key = df["caller_key"].notna()

    # Revenue in the base currency at the rate of the call's local month; null if a vendor reports none.
    currency = df["vendor_id"].map(vendors.set_index("vendor_id")["currency"])
    month = local.dt.strftime("%Y-%m")
    rates = fx.set_index(["month", "currency"])["rate_to_base"]
    rate = pd.Series(rates.reindex(pd.MultiIndex.from_arrays([month, currency])).to_numpy(), index=df.index)
    rate = rate.where(currency != settings["base_currency"], 1.0)
    revenue = df["revenue"].fillna(0.0)
    reports = df["revenue"].notna().groupby(df["vendor_id"]).transform("any")

    flags = pd.DataFrame(
        {
            "vendor_id": df["vendor_id"],
            "period": period,
            "answered": answered,
            "abandoned": abandoned,
            "blocked": df["outcome"] == "blocked",
            "self_service": df["outcome"] == "self_service",
            "short_abandoned": short,
            "answered_in_sl": answered & (df["wait_s"] <= t),
            "abandoned_in_sl": abandoned & (df["wait_s"] <= t),
            "answered_wait_s": df["wait_s"].where(answered, 0.0),
            "waited": (answered | abandoned) & (df["wait_s"] > 0),
            "queue_wait_s": df["wait_s"].where(answered | abandoned, 0.0),
            "ring_s": df["ring_s"].where(answered, 0.0),
            "ring_unknown": answered & df["ring_s"].isna(),
            "long_abandon_wait_s": df["wait_s"].where(abandoned & ~short, 0.0),
            "talk_s": df["talk_s"].where(answered, 0.0),
            "hold_s": df["hold_s"].where(answered, 0.0),
            "acw_s": df["acw_s"].where(answered, 0.0),
            "transferred": answered & df["transferred"].fillna(False).astype(bool),
            "fcr_disposition_resolved": answered & df["resolved"].fillna(False).astype(bool),
            "fcr_disposition_n": answered & df["resolved"].notna(),
            "fcr_repeat_resolved": answered & has_key & no_repeat,
            "fcr_repeat_n": answered & has_key,
            "sales": answered & (revenue > 0),
            "revenue_base": np.where(revenue == 0, 0.0, revenue * rate),
            "revenue_without_rate": (revenue != 0) & rate.isna(),
        }
    )
    g = flags.groupby(["vendor_id", "period"], sort=True).sum()
    reported = reports.groupby([df["vendor_id"], period]).any()
    # Revenue needs every revenue of the period in the base currency: a missing FX rate -> unknown.
    g["revenue_base"] = g["revenue_base"].where(reported & (g["revenue_without_rate"] == 0))
    g["sales"] = g["sales"].where(reported)
    # Ring time is unknown for a period in which any answered call has none recorded.
    g["ring_s"] = g["ring_s"].where(g["ring_unknown"] == 0)
    g["queued"] = g["answered"] + g["abandoned"]
    g["offered"] = g["queued"] + g["self_service"]
    g["attempts"] = g["offered"] + g["blocked"]
    g["handled"] = g["answered"] + g["self_service"]
    # Components that need other tables (surveys, QA, agent time, costs) are unknown: their KPIs are null.
    for c in catalogue.COMPONENT_COLUMNS:
        if c not in g:
            g[c] = np.nan
    out = g[list(VOLUME_COLUMNS)].astype("int64")
    for col in KPI_COLUMNS:
        k = catalogue.kpi(col, settings["sl_variant"], settings["fcr_method"])
        out[col] = _ratio(_combination(g, k.numerator), _combination(g, k.denominator))
    return out.reset_index()[["vendor_id", "period", *VOLUME_COLUMNS, *KPI_COLUMNS]]


def _combination(sums: pd.DataFrame, terms: dict[str, float]) -> pd.Series:
    """Σ coefficient × component in the catalogue's order (NaN where a component is unknown)."""
    total = None
    for component, coefficient in terms.items():
        term = sums[component].astype("float64")
        term = term if coefficient == 1 else (-term if coefficient == -1 else coefficient * term)
        total = term if total is None else total + term
    assert total is not None
    return total


def kpis_from_db(db_path: str | Path) -> pd.DataFrame:
    """Load the call records from the database file and compute the KPIs with pandas."""
    return compute(*load(db_path))


def compare(pandas_frame: pd.DataFrame, sql_frame: pd.DataFrame, rtol: float = 1e-9) -> list[str]:
    """Differences between the pandas and the SQL KPI frames (empty when they agree)."""
    problems: list[str] = []
    left = pandas_frame.sort_values(["vendor_id", "period"]).reset_index(drop=True)
    right = sql_frame.sort_values(["vendor_id", "period"]).reset_index(drop=True)
    right = right.assign(period=right["period"].astype(str))
    if list(left.columns) != list(right.columns):
        return [f"columns differ: pandas {list(left.columns)} vs SQL {list(right.columns)}"]
    if len(left) != len(right) or not (left[["vendor_id", "period"]] == right[["vendor_id", "period"]]).all(
        axis=None
    ):
        return [f"rows differ: pandas {len(left)} rows vs SQL {len(right)} rows"]
    for col in left.columns[2:]:
        a = left[col].astype("float64").to_numpy()
        b = pd.to_numeric(right[col], errors="coerce").astype("float64").to_numpy()
        same_null = np.isnan(a) == np.isnan(b)
        close = np.isclose(a, b, rtol=rtol, atol=0.0, equal_nan=True)
        if not (same_null.all() and close.all()):
            i = int(np.flatnonzero(~(same_null & close))[0])
            problems.append(
                f"{col}: {left.loc[i, 'vendor_id']} {left.loc[i, 'period']}: pandas {a[i]!r} vs SQL {b[i]!r}"
            )
    return problems
