"""What every chart shares: colour-blind-safe colours, and the KPI labels and definitions of axes and
tooltips."""

from __future__ import annotations

from scorecard.metrics import catalogue

#: Tableau colour-blind 10 (categorical).
PALETTE: tuple[str, ...] = (
    "#006BA4", "#FF800E", "#ABABAB", "#595959", "#5F9ED1",
    "#C85200", "#898989", "#A2C8EC", "#FFBC79", "#CFCFCF",
)  # fmt: skip
#: Met / near / missed (Okabe–Ito blue, orange, vermillion): never red against green.
STATUS_COLOURS: dict[str, str] = {"met": "#0072B2", "near": "#E69F00", "missed": "#D55E00"}
WEEKDAYS: tuple[str, ...] = ("Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun")


def label(kpi_id: str, sl_variant: str = "negative", fcr_method: str = "survey") -> str:
    """The KPI's label under the workspace's variants (an axis or legend title)."""
    return catalogue.kpi(kpi_id, sl_variant, fcr_method).label


def definition(kpi_id: str, sl_variant: str = "negative", fcr_method: str = "survey") -> str:
    """The KPI's definition under the workspace's variants (a tooltip)."""
    return catalogue.kpi(kpi_id, sl_variant, fcr_method).definition
