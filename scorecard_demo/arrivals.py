"""Demand: which 30-minute intervals a vendor is open, how many calls each is expected to bring, and when
the calls of a day arrive (Poisson counts, uniform within the interval)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta

import numpy as np

from scorecard_demo.vendors import END, INTERVAL_S, START, VendorSpec

#: Relative demand by weekday (Mon..Sun): Monday peak, quieter Friday, light weekend.
WEEKDAY_FACTOR = (1.22, 1.06, 1.0, 0.98, 0.9, 0.5, 0.4)


@dataclass(frozen=True)
class DayPlan:
    """One open day: its date, the start second of each open interval and the calls expected in each."""

    day: date
    index: int
    starts: np.ndarray
    expected: np.ndarray

    @property
    def open_s(self) -> int:
        """Opening second (since local midnight)."""
        return int(self.starts[0])

    @property
    def close_s(self) -> int:
        """Closing second (since local midnight)."""
        return int(self.starts[-1]) + INTERVAL_S


def days() -> list[date]:
    """Every local date of the simulated period."""
    return [START + timedelta(days=i) for i in range((END - START).days + 1)]


def _intraday(hours: np.ndarray) -> np.ndarray:
    """Relative demand by hour of day: a late-morning and an early-afternoon peak over a base."""
    morning = np.exp(-0.5 * ((hours - 10.5) / 1.6) ** 2)
    afternoon = 0.8 * np.exp(-0.5 * ((hours - 14.5) / 1.9) ** 2)
    return 0.18 + morning + afternoon


def _trend(day: date) -> float:
    """Slow growth over the half-year plus a billing-cycle bump in the first days of each month."""
    months = (day - START).days / 30.4
    bump = 1.12 if day.day <= 3 else 1.0
    return (1.0 + 0.012 * months) * bump


def plan(spec: VendorSpec) -> list[DayPlan]:
    """The open days of a vendor with their expected calls per interval (not yet randomised)."""
    out: list[DayPlan] = []
    weekday_mean = sum(WEEKDAY_FACTOR[i] * (spec.hours[i] is not None) for i in range(7)) / sum(
        spec.hours[i] is not None for i in range(7)
    )
    for i, day in enumerate(days()):
        hours = spec.hours[day.weekday()]
        factor = spec.holiday_factor if day in spec.holidays else 1.0
        if hours is None or factor == 0.0:
            continue
        starts = np.arange(int(hours[0] * 3600), int(hours[1] * 3600), INTERVAL_S)
        shape = _intraday((starts + INTERVAL_S / 2) / 3600)
        full_day = _intraday(np.arange(7.25, 21.0, 0.5)).sum()
        volume = spec.calls_per_day * WEEKDAY_FACTOR[day.weekday()] / weekday_mean * _trend(day)
        expected = volume * factor * shape / full_day
        out.append(DayPlan(day=day, index=i, starts=starts, expected=expected))
    return out


def arrival_seconds(day: DayPlan, rng: np.random.Generator) -> np.ndarray:
    """Sorted arrival seconds (since local midnight, whole seconds) of one day's calls."""
    counts = rng.poisson(day.expected)
    offsets = rng.integers(0, INTERVAL_S, size=int(counts.sum()))
    starts = np.repeat(day.starts, counts)
    return np.sort(starts + offsets)
