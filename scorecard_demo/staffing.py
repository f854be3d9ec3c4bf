"""Workforce planning: agents needed per interval (Erlang C), shifts that cover them, who works each shift
and who does not turn up."""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np

from scorecard_demo.arrivals import DayPlan
from scorecard_demo.vendors import INTERVAL_S, SL_THRESHOLD_S, VendorSpec

LONG_SHIFT = 16  # intervals (8 h)
SHORT_SHIFT = 8  # intervals (4 h)


@dataclass(frozen=True)
class Shift:
    """One agent's scheduled shift on one day (seconds since local midnight) and what happened."""

    agent: int
    start_s: int
    end_s: int
    break_s: int | None
    present: bool
    late_s: int
    early_s: int

    @property
    def scheduled_s(self) -> int:
        """Scheduled length."""
        return self.end_s - self.start_s

    @property
    def login_s(self) -> int:
        """When the agent actually logged in."""
        return self.start_s + self.late_s

    @property
    def logout_s(self) -> int:
        """When the agent actually logged out."""
        return self.end_s - self.early_s


def erlang_c_agents(calls: float, aht_s: float, target: float = 0.8, t_s: float = SL_THRESHOLD_S) -> int:
    """Fewest agents for which Erlang C predicts `target` of calls answered within `t_s` seconds."""
    load = calls * aht_s / INTERVAL_S
    if load <= 0:
        return 0
    n = max(1, math.floor(load) + 1)
    while True:
        # Erlang B by recursion, then Erlang C.
        b = 1.0
        for k in range(1, n + 1):
            b = load * b / (k + load * b)
        c = n * b / (n - load * (1 - b))
        if 1 - c * math.exp(-(n - load) * t_s / aht_s) >= target:
            return n
        n += 1


def needed(spec: VendorSpec, day: DayPlan, quarter: int) -> np.ndarray:
    """Agents to schedule per open interval: Erlang C for the service level the vendor plans for."""
    aht = spec.talk_s + spec.hold_s + spec.acw_s
    queued = day.expected * spec.forecast[quarter] * (1 - spec.self_service_rate)
    need = [erlang_c_agents(float(q), aht, target=spec.staffing[quarter]) for q in queued]
    return np.maximum(1, np.array(need, dtype=int))


def cover(need: np.ndarray) -> list[tuple[int, int]]:
    """Shifts (first interval, length) that cover `need`: 8-hour shifts, 4-hour ones for peaks and ends."""
    n = len(need)
    coverage = np.zeros(n, dtype=int)
    shifts: list[tuple[int, int]] = []
    for k in range(n):
        while coverage[k] < need[k]:
            long_fits = (
                k + LONG_SHIFT <= n
                and float(np.mean(need[k : k + LONG_SHIFT] - coverage[k : k + LONG_SHIFT])) >= 0.6
            )
            length = LONG_SHIFT if long_fits else min(SHORT_SHIFT, n - k)
            if n - k < LONG_SHIFT and n - k <= SHORT_SHIFT + 2:
                length = n - k
            coverage[k : k + length] += 1
            shifts.append((k, length))
    return shifts


class Roster:
    """Assigns shifts to named agents: each works at most five days a week, busiest-last first."""

    def __init__(self) -> None:
        self.size = 0
        self.week_days: dict[int, int] = {}
        self.total: list[int] = []
        self.week = -1

    def assign(self, week: int, count: int) -> list[int]:
        """Agents for `count` shifts of one day, hiring when nobody is left under five days this week."""
        if week != self.week:
            self.week, self.week_days = week, {}
        eligible = [a for a in range(self.size) if self.week_days.get(a, 0) < 5]
        eligible.sort(key=lambda a: (self.week_days.get(a, 0), self.total[a], a))
        chosen = eligible[:count]
        while len(chosen) < count:
            self.total.append(0)
            chosen.append(self.size)
            self.size += 1
        for a in chosen:
            self.week_days[a] = self.week_days.get(a, 0) + 1
            self.total[a] += 1
        return sorted(chosen)


def shifts_for_day(
    spec: VendorSpec, day: DayPlan, quarter: int, roster: Roster, rng: np.random.Generator
) -> list[Shift]:
    """The day's shifts with agents assigned, absences, late logins and early logouts drawn."""
    blocks = cover(needed(spec, day, quarter))
    agents = roster.assign(day.index // 7, len(blocks))
    out = []
    for k, (agent, (first, length)) in enumerate(zip(agents, blocks, strict=True)):
        start = int(day.starts[first])
        end = start + length * INTERVAL_S
        # Breaks are staggered so that a team never leaves the queue all at once.
        brk = start + (length // 2 + k % 4 - 1) * INTERVAL_S if length >= 12 else None
        present = bool(rng.random() >= spec.absence_rate)
        slip = spec.adherence_slip_s
        late = int(rng.exponential(slip / 3)) if rng.random() < 0.35 else 0
        early = int(rng.exponential(slip / 3)) if rng.random() < 0.25 else 0
        late, early = min(late, 3600), min(early, 3600)
        out.append(Shift(agent, start, end, brk, present, late if present else 0, early if present else 0))
    return out
