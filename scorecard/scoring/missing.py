"""Why a ranking's KPI values are missing: the reason `kpi_notes` gives for each NaN of the value matrix."""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
import polars as pl


def _noted_as(kpi_id: str, sl_variant: str, fcr_method: str) -> str:
    """The kpi_notes id a scored KPI's reason is filed under (the headline's variant column)."""
    if kpi_id == "service_level":
        return f"service_level_{sl_variant}"
    if kpi_id == "fcr_rate":
        return f"fcr_rate_{fcr_method}"
    return kpi_id


def missing_reasons(
    vendors: Sequence[str],
    values: np.ndarray,
    kpi_ids: Sequence[str],
    notes: pl.DataFrame,
    sl_variant: str = "negative",
    fcr_method: str = "survey",
) -> pl.DataFrame:
    """`vendor_id, kpi, reason` for every missing (NaN) value of a ranking, from `kpi_notes` rows."""
    said = {
        (r["vendor_id"], r["kpi"]): r["reason"] for r in notes.select("vendor_id", "kpi", "reason").to_dicts()
    }
    rows = []
    for i, vendor in enumerate(vendors):
        for j, kpi_id in enumerate(kpi_ids):
            if np.isnan(values[i, j]):
                noted = said.get((vendor, _noted_as(kpi_id, sl_variant, fcr_method)))
                rows.append((vendor, kpi_id, noted or said.get((vendor, kpi_id)) or "not computable"))
    schema = {"vendor_id": pl.String, "kpi": pl.String, "reason": pl.String}
    return pl.DataFrame(rows, schema=schema, orient="row")
