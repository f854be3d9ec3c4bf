"""The KPI reference, generated from the catalogue's declaration: what every KPI id means and how it is
computed, as rows (the app's Definitions page) or as a Markdown table (`scorecard definitions`)."""

from __future__ import annotations

from scorecard.metrics import catalogue
from scorecard.present import format as fmt


def terms_text(terms: dict[str, float]) -> str:
    """A linear combination as people read it: `talk_s + hold_s − 6 × answered`."""
    out = []
    for component, coef in terms.items():
        size = abs(coef)
        term = component if size == 1 else f"{size:g} × {component}"
        out.append(("− " if coef < 0 else "+ ") + term)
    return " ".join(out).removeprefix("+ ")


def reference_rows(
    sl_variant: str = "negative", fcr_method: str = "survey", currency: str = "EUR"
) -> list[dict]:
    """One row per KPI column of the output, in output order, headlines under the variants chosen."""
    rows = []
    for kpi_id in catalogue.KPI_COLUMNS:
        k = catalogue.kpi(kpi_id, sl_variant, fcr_method)
        rows.append(
            {
                "Id": kpi_id,
                "KPI": k.label,
                "Definition": k.definition,
                "Numerator": terms_text(k.numerator),
                "Denominator": terms_text(k.denominator),
                "Unit": fmt.unit_label(kpi_id, currency),
                "Better": k.direction,
                "Seed target": fmt.target(kpi_id, k.target, k.direction, currency),
                "Floor (0 points)": fmt.bound(kpi_id, k.floor, currency),
            }
        )
    return rows


def reference_markdown(
    sl_variant: str = "negative", fcr_method: str = "survey", currency: str = "EUR"
) -> str:
    """The reference as a Markdown table (pipes inside cells escaped)."""
    rows = reference_rows(sl_variant, fcr_method, currency)
    cols = list(rows[0])
    cell = lambda v: str(v).replace("|", "\\|")  # noqa: E731
    lines = ["| " + " | ".join(cols) + " |", "|" + "---|" * len(cols)]
    lines += ["| " + " | ".join(cell(r[c]) for c in cols) + " |" for r in rows]
    return "\n".join(lines) + "\n"
