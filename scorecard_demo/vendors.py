"""The five fictional bidders of the demo tender: who they are and how their operation behaves.

Every number that makes one vendor differ from another lives here, so the simulation modules stay generic.
Times are vendor-local; money is in the vendor's currency.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from typing import Any

#: The simulated period (vendor-local dates, inclusive): 2026-Q1 and 2026-Q2.
START = date(2026, 1, 1)
END = date(2026, 6, 30)
INTERVAL_S = 1800
SL_THRESHOLD_S = 20
SHORT_ABANDON_S = 5


@dataclass(frozen=True)
class VendorSpec:
    """One bidder: identity, opening hours, demand, staffing policy, handling and commercial terms."""

    vendor_id: str
    name: str
    country: str
    timezone: str
    currency: str
    platform: str
    #: Queue names (in the vendor's language) and each one's share of the calls.
    programs: tuple[tuple[str, float], ...]
    #: Opening hours per weekday (Mon=0): (open hour, close hour) or None when closed.
    hours: tuple[tuple[float, float] | None, ...]
    holidays: tuple[date, ...]
    #: Demand on a holiday relative to a normal day (0 = closed).
    holiday_factor: float
    calls_per_day: float
    #: Service level (in 20 s) the vendor plans its staffing for with Erlang C, in Q1 and Q2.
    staffing: tuple[float, float]
    #: Staff is planned on the expected demand times this, in Q1 and Q2 (< 1 = under-forecast).
    forecast: tuple[float, float]
    absence_rate: float
    #: Trunks = ceil(peak agents x ratio) + extra; None = no trunk limit (a cloud platform).
    trunk_ratio: float | None
    trunk_extra: int
    #: Time in the IVR before queueing (a greeting only when the line has no IVR self-service).
    ivr_s: tuple[float, float]
    #: Share of callers served by the IVR alone; 0 = no IVR self-service (interval exports set `no_ivr`).
    self_service_rate: float
    patience_s: float
    talk_s: float
    hold_s: float
    acw_s: float
    transfer_rate: float
    resolve_rate: float
    #: Program recorded for calls that never reach a queue (platforms that name programs by queue).
    unqueued_program: str | None
    #: Time resolution of durations: 1 (whole seconds) or 0.001 (milliseconds).
    resolution_s: float
    survey_rate: float
    csat_base: float
    qa_per_week: float
    qa_mean: float
    adherence_slip_s: float
    #: Share of idle time agents spend on back-office work (logged as not available).
    backoffice_share: float
    sale_rate: float
    sale_mean: float
    #: Price per answered call and per self-service call, vendor currency.
    price_answered: float
    price_self_service: float
    monthly_fee: float
    #: Credit notes: (month number, share of that month's invoice credited).
    credits: tuple[tuple[int, float], ...] = ()
    adjustments: tuple[tuple[int, float], ...] = ()
    #: Tables this vendor sends (besides its calls or interval reports).
    sends: frozenset[str] = field(default_factory=frozenset)
    agent_names: tuple[str, ...] = ()
    #: The pilot contract: the `[contract]` table of vendor.toml (docs/contract.md), only on KPIs the
    #: vendor's exports can supply.
    contract: dict[str, Any] = field(default_factory=dict)


WEEKDAYS_SAT = ((8.0, 20.0),) * 5 + ((9.0, 13.0), None)
CDR_TABLES = frozenset({"surveys", "quality", "agent_time", "costs"})


def _days(month: int, *days: int) -> tuple[date, ...]:
    return tuple(date(2026, month, d) for d in days)


def _term(
    kpi: str, target: float | list[float], credit_pct: float, period: str | None = None, earn_back: int = 0
) -> dict[str, Any]:
    """One `[[contract.terms]]` table: the KPI must meet `target` each period or `credit_pct` % is owed."""
    term: dict[str, Any] = {"kpi": kpi, "target": target}
    term |= {"period": period} if period else {}
    term["credit_pct"] = credit_pct
    return term | ({"earn_back_months": earn_back} if earn_back else {})


#: The service terms every pilot contract starts from: 80 % in 20 s, 5 % abandonment, 30 s ASA.
SLA_TERMS = (_term("service_level", 0.80, 5), _term("abandon_rate", 0.05, 3), _term("asa_s", 30, 2))


# One line per concern: identity; calendar; demand and staffing; IVR and callers; handling; feedback;
# money; what it sends.
# fmt: off
VENDORS: tuple[VendorSpec, ...] = (
    VendorSpec(
        vendor_id="us_northstar", name="Northstar Customer Care", country="US", timezone="America/Chicago",
        currency="USD", platform="amazon_connect_ctr", programs=(("Billing", 0.55), ("Tech Support", 0.45)),
        hours=((7.0, 21.0),) * 5 + ((8.0, 17.0), None),
        holidays=(*_days(1, 1, 19), *_days(2, 16), *_days(5, 25)), holiday_factor=0.0,
        calls_per_day=135, staffing=(0.9, 0.9), forecast=(1.0, 1.0), absence_rate=0.03,
        trunk_ratio=None, trunk_extra=0, ivr_s=(25, 70), self_service_rate=0.20, patience_s=240,
        talk_s=300, hold_s=30, acw_s=45, transfer_rate=0.015, resolve_rate=0.89,
        unqueued_program="IVR self-service", resolution_s=1,
        survey_rate=0.15, csat_base=3.9, qa_per_week=3.0, qa_mean=88, adherence_slip_s=600,
        backoffice_share=0.6, sale_rate=0.09, sale_mean=140,
        price_answered=7.40, price_self_service=1.10, monthly_fee=2500, credits=((3, 0.04),),
        sends=CDR_TABLES,
        contract={"at_risk_cap_pct": 12, "terms": [
            *SLA_TERMS, _term("csat_rate", 0.85, 2), _term("qa_score", 85, 1),
            _term("fcr_rate", 0.80, 2, period="quarter"),
        ]},
        agent_names=(
            "jsmith", "mgarcia", "dlee", "apatel", "kjohnson", "rnguyen", "bwilliams", "tbrown", "lmartinez",
            "sdavis", "cmiller", "ewilson", "janderson", "ptaylor", "athomas", "hmoore", "njackson", "owhite",
        ),
    ),
    VendorSpec(
        vendor_id="fr_lumiere", name="Lumière Relation Client", country="FR", timezone="Europe/Paris",
        currency="EUR", platform="five9_call_log",
        programs=(("Facturation", 0.6), ("Support technique", 0.4)), hours=WEEKDAYS_SAT,
        holidays=(*_days(1, 1), *_days(4, 6), *_days(5, 1, 8, 14, 25)), holiday_factor=0.0,
        calls_per_day=230, staffing=(0.7, 0.78), forecast=(1.0, 1.0), absence_rate=0.05,
        trunk_ratio=1.3, trunk_extra=1, ivr_s=(20, 60), self_service_rate=0.12, patience_s=260,
        talk_s=320, hold_s=40, acw_s=50, transfer_rate=0.03, resolve_rate=0.85,
        unqueued_program=None, resolution_s=1,
        survey_rate=0.12, csat_base=3.7, qa_per_week=3.0, qa_mean=84, adherence_slip_s=900,
        backoffice_share=0.5, sale_rate=0.06, sale_mean=85,
        price_answered=5.20, price_self_service=0.90, monthly_fee=0, credits=((2, 0.05),),
        sends=CDR_TABLES,
        contract={"at_risk_cap_pct": 10, "terms": [
            SLA_TERMS[0], _term("abandon_rate", 0.05, 3, earn_back=2), SLA_TERMS[2],
            _term("csat_rate", 0.80, 2),
        ]},
        agent_names=(
            "camille.martin", "lucas.bernard", "lea.dubois", "hugo.thomas", "chloe.robert", "louis.richard",
            "emma.petit", "nathan.durand", "manon.leroy", "theo.moreau", "ines.simon", "jules.laurent",
            "sarah.lefebvre", "raphael.michel", "zoe.garcia", "arthur.david", "lina.bertrand", "gabriel.roux",
        ),
    ),
    VendorSpec(
        vendor_id="cn_hanyu", name="汉语通 Hanyu Contact Services", country="CN", timezone="Asia/Shanghai",
        currency="CNY", platform="mapped", programs=(("账单查询", 0.55), ("技术支持", 0.45)),
        hours=((8.0, 22.0),) * 5 + ((9.0, 18.0), (9.0, 18.0)),
        holidays=(*_days(1, 1), *_days(2, *range(15, 24)), *_days(4, 5, 6), *_days(5, 1, 2, 3, 4, 5),
                  *_days(6, 19)),
        holiday_factor=0.45,
        calls_per_day=250, staffing=(0.35, 0.25), forecast=(1.0, 0.88), absence_rate=0.08,
        trunk_ratio=1.3, trunk_extra=1, ivr_s=(15, 45), self_service_rate=0.08, patience_s=300,
        talk_s=260, hold_s=45, acw_s=30, transfer_rate=0.05, resolve_rate=0.74,
        unqueued_program=None, resolution_s=1,
        survey_rate=0.08, csat_base=3.3, qa_per_week=2.0, qa_mean=76, adherence_slip_s=1500,
        backoffice_share=0.3, sale_rate=0.0, sale_mean=0,
        price_answered=19.50, price_self_service=3.00, monthly_fee=0, credits=((2, 0.06), (5, 0.05)),
        sends=CDR_TABLES, agent_names=tuple(f"{n:04d}" for n in range(1001, 1031)),
        contract={"at_risk_cap_pct": 10, "terms": [
            *SLA_TERMS, _term("blockage_rate", 0.02, 2), _term("csat_rate", 0.70, 2),
        ]},
    ),
    VendorSpec(
        vendor_id="hu_duna", name="Duna Ügyfélszolgálat Kft.", country="HU", timezone="Europe/Budapest",
        currency="HUF", platform="genesys_cloud_queue_interval",
        programs=(("Számlázás", 0.55), ("Műszaki támogatás", 0.45)), hours=WEEKDAYS_SAT,
        holidays=(*_days(1, 1, 2), *_days(4, 3, 6), *_days(5, 1, 25)), holiday_factor=0.0,
        calls_per_day=420, staffing=(0.75, 0.6), forecast=(1.0, 1.0), absence_rate=0.05,
        trunk_ratio=1.4, trunk_extra=1, ivr_s=(4, 9), self_service_rate=0.0, patience_s=220,
        talk_s=310, hold_s=30, acw_s=55, transfer_rate=0.03, resolve_rate=0.84,
        unqueued_program=None, resolution_s=0.001,
        survey_rate=0.10, csat_base=3.7, qa_per_week=3.0, qa_mean=82, adherence_slip_s=900,
        backoffice_share=0.5, sale_rate=0.0, sale_mean=0,
        price_answered=1650.0, price_self_service=0.0, monthly_fee=0, credits=((5, 0.03),),
        sends=CDR_TABLES,
        contract={"at_risk_cap_pct": 10, "terms": [
            *SLA_TERMS, _term("csat_rate", 0.80, 2), _term("adherence_rate", 0.90, 1),
        ]},
        agent_names=(
            "nagy.anna", "kovacs.peter", "toth.eszter", "szabo.gabor", "horvath.reka", "varga.zoltan",
            "kiss.judit", "molnar.balazs", "nemeth.katalin", "farkas.laszlo", "balogh.dora", "papp.tamas",
            "takacs.orsolya", "juhasz.mate", "lakatos.zsofia", "meszaros.adam", "olah.petra", "simon.bence",
        ),
    ),
    VendorSpec(
        vendor_id="ru_volga", name="Волга Контакт", country="RU", timezone="Europe/Moscow",
        currency="RUB", platform="avaya_cms_hsplit", programs=(("Биллинг", 0.55), ("Техподдержка", 0.45)),
        hours=((8.0, 20.0),) * 5 + ((10.0, 16.0), None),
        holidays=(*_days(1, *range(1, 10)), *_days(2, 23), *_days(3, 9), *_days(5, 1, 11), *_days(6, 12)),
        holiday_factor=0.0,
        calls_per_day=480, staffing=(0.7, 0.7), forecast=(1.0, 1.0), absence_rate=0.06,
        trunk_ratio=1.3, trunk_extra=1, ivr_s=(4, 9), self_service_rate=0.0, patience_s=240,
        talk_s=290, hold_s=30, acw_s=40, transfer_rate=0.03, resolve_rate=0.82,
        unqueued_program=None, resolution_s=1,
        survey_rate=0.0, csat_base=3.5, qa_per_week=0.0, qa_mean=80, adherence_slip_s=900,
        backoffice_share=0.5, sale_rate=0.0, sale_mean=0,
        price_answered=340.0, price_self_service=0.0, monthly_fee=0, adjustments=((4, 18500.0),),
        sends=frozenset({"costs"}), agent_names=tuple(f"agent{n:03d}" for n in range(101, 129)),
        contract={"at_risk_cap_pct": 12, "terms": [
            *SLA_TERMS, _term("blockage_rate", 0.02, 1), _term("aht_s", [180, 600], 0),
        ]},
    ),
)
# fmt: on


def vendor(vendor_id: str) -> VendorSpec:
    """The spec of one demo vendor by id."""
    for spec in VENDORS:
        if spec.vendor_id == vendor_id:
            return spec
    raise KeyError(vendor_id)
