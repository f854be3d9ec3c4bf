"""The KPI catalogue: one entry per KPI id, with its formula over additive daily components.

Every KPI is `sum(numerator) / sum(denominator)` over a period (DESIGN.md "Never average ratios"). The
numerator and denominator are linear combinations of the component columns of `int_vendor_days`, so the
SQL views, the bootstrap and the tests all share one definition. The SQL in `queries/kpi/` implements the
same formulas; `tests/test_conventions.py` checks that the two agree.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Literal

Direction = Literal["higher", "lower", "band"]
Unit = Literal["rate", "seconds", "currency", "points"]
Family = Literal["service", "quality", "cost", "satisfaction", "revenue", "workforce"]

#: Additive components of `int_vendor_days` / `int_program_days`, in output order.
VOLUME_COLUMNS: tuple[str, ...] = (
    "attempts",
    "offered",
    "queued",
    "answered",
    "abandoned",
    "short_abandoned",
    "blocked",
    "self_service",
    "handled",
)

COMPONENT_COLUMNS: tuple[str, ...] = (
    *VOLUME_COLUMNS,
    "answered_in_sl",
    "abandoned_in_sl",
    "answered_wait_s",
    "long_abandon_wait_s",
    "talk_s",
    "hold_s",
    "acw_s",
    "transferred",
    "sales",
    "revenue_base",
    "fcr_survey_resolved",
    "fcr_survey_n",
    "fcr_disposition_resolved",
    "fcr_disposition_n",
    "fcr_repeat_resolved",
    "fcr_repeat_n",
    "csat_satisfied",
    "csat_n",
    "qa_score_sum",
    "qa_n",
    "agent_handle_s",
    "agent_available_s",
    "in_adherence_s",
    "scheduled_s",
    "agent_days_present",
    "agent_days_scheduled",
    "cost_base",
)

SL_VARIANTS: tuple[str, ...] = ("negative", "answered_only", "ignore_early_abandons", "positive")
FCR_METHODS: tuple[str, ...] = ("survey", "disposition", "repeat")


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

    @property
    def is_rate(self) -> bool:
        return self.unit == "rate"


def _k(**kwargs) -> Kpi:
    return Kpi(**kwargs)


_SL_DEF = {
    "negative": (
        "answered within T / (queued − short abandons)",
        {"answered_in_sl": 1},
        {"queued": 1, "short_abandoned": -1},
    ),
    "answered_only": ("answered within T / answered", {"answered_in_sl": 1}, {"answered": 1}),
    "ignore_early_abandons": (
        "answered within T / (queued − abandoned within T)",
        {"answered_in_sl": 1},
        {"queued": 1, "abandoned_in_sl": -1},
    ),
    "positive": (
        "(answered within T + abandoned within T) / queued",
        {"answered_in_sl": 1, "abandoned_in_sl": 1},
        {"queued": 1},
    ),
}

_FCR_DEF = {
    "survey": (
        "surveys answering resolved = yes / surveys answering the resolved question",
        {"fcr_survey_resolved": 1},
        {"fcr_survey_n": 1},
    ),
    "disposition": (
        "answered calls the agent marked resolved / answered calls with a disposition",
        {"fcr_disposition_resolved": 1},
        {"fcr_disposition_n": 1},
    ),
    "repeat": (
        "answered calls with no call from the same caller within N days after (strictly later: two "
        "calls at the same instant are not repeats) / answered calls with a caller key",
        {"fcr_repeat_resolved": 1},
        {"fcr_repeat_n": 1},
    ),
}

_BASE: list[Kpi] = [
    _k(
        id="blockage_rate",
        label="Blockage",
        unit="rate",
        direction="lower",
        family="service",
        definition="blocked / attempts",
        numerator={"blocked": 1},
        denominator={"attempts": 1},
        target=0.01,
        floor=0.05,
        wilson=True,
    ),
    _k(
        id="abandon_rate",
        label="Abandonment",
        unit="rate",
        direction="lower",
        family="service",
        definition="(abandoned − short abandons) / (queued − short abandons)",
        numerator={"abandoned": 1, "short_abandoned": -1},
        denominator={"queued": 1, "short_abandoned": -1},
        target=0.03,
        floor=0.10,
        wilson=True,
    ),
    _k(
        id="asa_s",
        label="Average speed of answer",
        unit="seconds",
        direction="lower",
        family="service",
        definition="Σ wait of answered calls / answered",
        numerator={"answered_wait_s": 1},
        denominator={"answered": 1},
        target=20.0,
        floor=120.0,
    ),
    _k(
        id="aht_s",
        label="Average handle time",
        unit="seconds",
        direction="band",
        family="quality",
        definition="Σ (talk + hold + after-call work) of answered calls / answered",
        numerator={"talk_s": 1, "hold_s": 1, "acw_s": 1},
        denominator={"answered": 1},
        target=(180.0, 600.0),
        floor=(60.0, 900.0),
    ),
    _k(
        id="avg_talk_s",
        label="Average talk time",
        unit="seconds",
        direction="band",
        family="quality",
        definition="Σ talk of answered calls / answered",
        numerator={"talk_s": 1},
        denominator={"answered": 1},
        target=(270.0, 360.0),
        floor=(120.0, 600.0),
    ),
    _k(
        id="avg_hold_s",
        label="Average hold time",
        unit="seconds",
        direction="lower",
        family="quality",
        definition="Σ hold of answered calls / answered",
        numerator={"hold_s": 1},
        denominator={"answered": 1},
        target=60.0,
        floor=180.0,
    ),
    _k(
        id="avg_acw_s",
        label="Average after-call work",
        unit="seconds",
        direction="band",
        family="quality",
        definition="Σ after-call work of answered calls / answered",
        numerator={"acw_s": 1},
        denominator={"answered": 1},
        target=(30.0, 60.0),
        floor=(0.0, 180.0),
    ),
    _k(
        id="avg_abandon_wait_s",
        label="Average wait before abandoning",
        unit="seconds",
        direction="band",
        family="service",
        definition="Σ wait of non-short abandons / non-short abandons",
        numerator={"long_abandon_wait_s": 1},
        denominator={"abandoned": 1, "short_abandoned": -1},
        target=(20.0, 60.0),
        floor=(0.0, 180.0),
    ),
    _k(
        id="transfer_rate",
        label="Transfer rate",
        unit="rate",
        direction="lower",
        family="quality",
        definition="transferred / answered",
        numerator={"transferred": 1},
        denominator={"answered": 1},
        target=0.01,
        floor=0.10,
        wilson=True,
    ),
    _k(
        id="csat_rate",
        label="Customer satisfaction (top-2 box)",
        unit="rate",
        direction="higher",
        family="satisfaction",
        definition="surveys with CSAT ≥ 4 / surveys with a CSAT score",
        numerator={"csat_satisfied": 1},
        denominator={"csat_n": 1},
        target=0.85,
        floor=0.50,
        min_events=100,
        wilson=True,
    ),
    _k(
        id="qa_score",
        label="Quality assurance score",
        unit="points",
        direction="higher",
        family="quality",
        definition="mean QA evaluation score (0–100)",
        numerator={"qa_score_sum": 1},
        denominator={"qa_n": 1},
        target=90.0,
        floor=60.0,
        min_events=30,
    ),
    _k(
        id="occupancy_rate",
        label="Occupancy",
        unit="rate",
        direction="higher",
        family="workforce",
        definition="Σ agent handle time / Σ (handle + available time)",
        numerator={"agent_handle_s": 1},
        denominator={"agent_handle_s": 1, "agent_available_s": 1},
        target=0.90,
        floor=0.60,
    ),
    _k(
        id="adherence_rate",
        label="Schedule adherence",
        unit="rate",
        direction="higher",
        family="workforce",
        definition="Σ time in adherence / Σ scheduled time",
        numerator={"in_adherence_s": 1},
        denominator={"scheduled_s": 1},
        target=0.92,
        floor=0.75,
    ),
    _k(
        id="attendance_rate",
        label="Attendance",
        unit="rate",
        direction="higher",
        family="workforce",
        definition="agent-days present / agent-days scheduled",
        numerator={"agent_days_present": 1},
        denominator={"agent_days_scheduled": 1},
        target=0.95,
        floor=0.80,
        wilson=True,
    ),
    _k(
        id="cost_per_call",
        label="Cost per handled call",
        unit="currency",
        direction="lower",
        family="cost",
        definition="net cost in base currency (invoices, credits, adjustments) / handled calls",
        numerator={"cost_base": 1},
        denominator={"handled": 1},
    ),
    _k(
        id="revenue_per_call",
        label="Revenue per handled call",
        unit="currency",
        direction="higher",
        family="revenue",
        definition="revenue in base currency / handled calls",
        numerator={"revenue_base": 1},
        denominator={"handled": 1},
    ),
    _k(
        id="conversion_rate",
        label="Sales conversion",
        unit="rate",
        direction="higher",
        family="revenue",
        definition="answered calls with revenue > 0 / answered",
        numerator={"sales": 1},
        denominator={"answered": 1},
        wilson=True,
    ),
]

_SL: list[Kpi] = [
    _k(
        id=f"service_level_{variant}",
        label=f"Service level ({variant.replace('_', ' ')})",
        unit="rate",
        direction="higher",
        family="service",
        definition=text,
        numerator=num,
        denominator=den,
        target=0.80,
        floor=0.50,
        wilson=True,
    )
    for variant, (text, num, den) in _SL_DEF.items()
]

_FCR: list[Kpi] = [
    _k(
        id=f"fcr_rate_{method}",
        label=f"First-contact resolution ({method})",
        unit="rate",
        direction="higher",
        family="quality",
        definition=text,
        numerator=num,
        denominator=den,
        target=0.85,
        floor=0.60,
        min_events=100 if method == "survey" else None,
        wilson=True,
    )
    for method, (text, num, den) in _FCR_DEF.items()
]


def configured(kpi_id: str, variant: str) -> Kpi:
    """The headline KPI (`service_level` or `fcr_rate`) under the workspace's chosen variant or method."""
    base = KPIS[f"{kpi_id}_{variant}"]
    label = "Service level" if kpi_id == "service_level" else "First-contact resolution"
    return Kpi(
        **{
            **base.__dict__,
            "id": kpi_id,
            "label": f"{label} ({variant.replace('_', ' ')})",
            "aliases": (base.id,),
        }
    )


KPIS: dict[str, Kpi] = {k.id: k for k in [*_BASE, *_SL, *_FCR]}

#: KPI output column order (after vendor_id, period, [program] and the volumes), per DESIGN.md.
KPI_COLUMNS: tuple[str, ...] = (
    "blockage_rate",
    "abandon_rate",
    "service_level",
    *(f"service_level_{v}" for v in SL_VARIANTS),
    "asa_s",
    "aht_s",
    "avg_talk_s",
    "avg_hold_s",
    "avg_acw_s",
    "avg_abandon_wait_s",
    "transfer_rate",
    "fcr_rate",
    *(f"fcr_rate_{m}" for m in FCR_METHODS),
    "csat_rate",
    "qa_score",
    "occupancy_rate",
    "adherence_rate",
    "attendance_rate",
    "cost_per_call",
    "revenue_per_call",
    "conversion_rate",
)


def kpi(kpi_id: str, sl_variant: str = "negative", fcr_method: str = "survey") -> Kpi:
    """Look a KPI up by id, resolving the headline `service_level` and `fcr_rate` to their variants."""
    if kpi_id == "service_level":
        return configured("service_level", sl_variant)
    if kpi_id == "fcr_rate":
        return configured("fcr_rate", fcr_method)
    return KPIS[kpi_id]
