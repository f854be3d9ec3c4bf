"""What people leave behind besides calls: agents' time per day, callers' survey answers and QA
evaluations of recorded calls."""

from __future__ import annotations

import math
from datetime import date, datetime, timedelta

import numpy as np
import polars as pl

from scorecard_demo.queue import BREAK_S
from scorecard_demo.staffing import Shift
from scorecard_demo.vendors import END, VendorSpec


def agent_ids(spec: VendorSpec, count: int) -> list[str]:
    """Stable agent ids: the vendor's name list, then the same names numbered when it runs out."""
    names = spec.agent_names
    return [
        names[i % len(names)] + ("" if i < len(names) else str(i // len(names) + 1)) for i in range(count)
    ]


def agent_time(
    spec: VendorSpec,
    days: list[tuple[date, list[Shift], np.ndarray, np.ndarray]],
    ids: list[str],
    rng: np.random.Generator,
) -> pl.DataFrame:
    """One row per scheduled agent-day: scheduled, staffed, handle, available and in-adherence seconds."""
    rows: list[tuple] = []
    for day, shifts, handle, last in days:
        for k, s in enumerate(shifts):
            if not s.present:
                rows.append((ids[s.agent], day, float(s.scheduled_s), 0.0, 0.0, 0.0, 0.0))
                continue
            # Whole seconds, as WFM tools report them; staffed rounds up so handle never exceeds it.
            staffed = math.ceil(max(float(s.logout_s), float(last[k])) - s.login_s)
            busy = round(float(handle[k]))
            aux = (BREAK_S if s.break_s is not None else 0) + float(
                rng.exponential(spec.adherence_slip_s / 3)
            )
            available = math.floor(max(0.0, staffed - busy - aux) * (1 - spec.backoffice_share))
            drift = float(rng.exponential(spec.adherence_slip_s / 2))
            adherent = round(max(0.0, s.scheduled_s - s.late_s - s.early_s - drift))
            row = (staffed, busy, available, adherent)
            rows.append((ids[s.agent], day, float(s.scheduled_s), *(float(x) for x in row)))
    cols = ["agent_id", "date", "scheduled_s", "staffed_s", "handle_s", "available_s", "in_adherence_s"]
    return pl.DataFrame(rows, schema=cols, orient="row").sort("date", "agent_id")


def surveys(spec: VendorSpec, calls: pl.DataFrame, rng: np.random.Generator) -> pl.DataFrame:
    """Post-call surveys on a sample of answered calls: CSAT falls with waiting and rises with resolution."""
    answered = calls.filter(pl.col("outcome") == "answered")
    n = answered.height
    take = rng.random(n) < spec.survey_rate
    noise = rng.normal(0, 0.85, n)
    says_yes = rng.random(n)
    skip = rng.random(n)
    delay = 60 + rng.exponential(2400, n)
    resolved = answered["resolved"].to_numpy().astype(bool)
    wait = answered["wait_s"].to_numpy()
    latent = (
        spec.csat_base
        + 0.9 * resolved
        - 0.008 * np.minimum(wait, 300)
        - 0.4 * answered["transferred"].to_numpy().astype(bool)
        + noise
    )
    csat = np.clip(np.round(latent), 1, 5).astype(int)
    yes = says_yes < np.where(resolved, 0.92, 0.18)
    end_s = answered.select(pl.col("ivr_s") + pl.col("wait_s") + pl.col("talk_s") + pl.col("hold_s"))
    frame = answered.select(
        "call_id",
        responded_at=(
            pl.col("arrived_at")
            + pl.duration(seconds=pl.Series((end_s.to_series().to_numpy() + delay).round()))
        ).dt.truncate("1s"),
        csat=pl.Series(csat),
        resolved=pl.Series(yes),
        skip=pl.Series(skip),
    ).filter(pl.Series(take))
    frame = frame.with_columns(
        csat=pl.when(pl.col("skip") < 0.05).then(None).otherwise(pl.col("csat")),
        resolved=pl.when(pl.col("skip") > 0.93).then(None).otherwise(pl.col("resolved")),
    ).filter(pl.col("responded_at") < datetime.combine(END + timedelta(days=1), datetime.min.time()))
    frame = frame.sort("responded_at", "call_id")
    ids = [f"S{spec.country}{i:07d}" for i in range(1, frame.height + 1)]
    return frame.select(pl.Series("survey_id", ids), "call_id", "responded_at", "csat", "resolved")


def quality(spec: VendorSpec, calls: pl.DataFrame, rng: np.random.Generator) -> pl.DataFrame:
    """QA evaluations: a few answered calls per agent per week, scored around the agent's own level."""
    answered = calls.filter(pl.col("outcome") == "answered").with_columns(
        week=pl.col("arrived_at").dt.truncate("1w")
    )
    agents = sorted(answered["agent_id"].unique().to_list())
    level = dict(zip(agents, rng.normal(spec.qa_mean, 4.0, len(agents)), strict=True))
    rows: list[tuple] = []
    groups = answered.partition_by("agent_id", "week", maintain_order=True, as_dict=True)
    for (agent, _week), group in sorted(groups.items()):
        k = min(group.height, int(rng.poisson(spec.qa_per_week)))
        if k == 0:
            continue
        idx = np.sort(rng.choice(group.height, size=k, replace=False))
        picked = group.select(pl.all().gather(idx))
        for call_id, arrived, resolved in picked.select("call_id", "arrived_at", "resolved").iter_rows():
            day = arrived.date() + timedelta(days=int(rng.integers(1, 5)))
            at = datetime.combine(day, datetime.min.time()) + timedelta(
                seconds=int(rng.integers(9 * 3600, 17 * 3600))
            )
            score = float(np.clip(rng.normal(level[agent] + (2.0 if resolved else -6.0), 6.5), 0, 100))
            if day <= END:
                rows.append((call_id, agent, at, round(score, 1)))
    frame = pl.DataFrame(rows, schema=["call_id", "agent_id", "evaluated_at", "score"], orient="row")
    frame = frame.sort("evaluated_at", "agent_id", "call_id")
    ids = [f"QA-{spec.country}-{i:06d}" for i in range(1, frame.height + 1)]
    return frame.select(pl.Series("evaluation_id", ids), "call_id", "agent_id", "evaluated_at", "score")
