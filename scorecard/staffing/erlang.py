"""Erlang C (M/M/n) and Erlang A (M/M/n+M, callers abandon after an exponential patience) for one interval.

Erlang C: the closed forms (Erlang B by recursion, then C). Erlang A: the exact birth-death chain of the
number of calls in the system (arrival rate λ, service rate μ per agent, abandonment rate θ per waiting
call), truncated where its terms fall below 1e-17 of the total, with a tagged caller's wait in the first-
come first-served queue: with q calls ahead it moves up at rate nμ + mθ while m are ahead, and abandons at
rate θ. Service level is the share of all calls answered within T (an abandon counts against it, as in
the workspace's "negative" variant without short abandons); ASA is the mean wait of answered calls.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from functools import lru_cache

import numpy as np

from scorecard.errors import ScorecardError


@dataclass(frozen=True)
class Queue:
    """What a queue gives: P(wait), service level, ASA (s), occupancy and, for Erlang A, P(abandon)."""

    p_wait: float
    service_level: float
    asa_s: float
    occupancy: float
    p_abandon: float = 0.0


def offered_load(calls: float, interval_s: float, aht_s: float) -> float:
    """Offered load in Erlangs: calls × AHT / interval length."""
    return calls * aht_s / interval_s


def erlang_b(agents: int, load: float) -> float:
    """Erlang B blocking probability for `agents` servers and `load` Erlangs (stable recursion)."""
    b = 1.0
    for k in range(1, agents + 1):
        b = load * b / (k + load * b)
    return b


def erlang_c(calls: float, interval_s: float, aht_s: float, agents: int, threshold_s: float) -> Queue:
    """The M/M/n queue with infinitely patient callers; an overloaded one (load ≥ agents) never clears."""
    _check(calls, interval_s, aht_s, agents, threshold_s)
    load = offered_load(calls, interval_s, aht_s)
    if load >= agents:
        return Queue(p_wait=1.0, service_level=0.0, asa_s=math.inf, occupancy=1.0)
    if load == 0:
        return Queue(p_wait=0.0, service_level=1.0, asa_s=0.0, occupancy=0.0)
    b = erlang_b(agents, load)
    c = agents * b / (agents - load * (1 - b))
    return Queue(
        p_wait=c,
        service_level=1 - c * math.exp(-(agents - load) * threshold_s / aht_s),
        asa_s=c * aht_s / (agents - load),
        occupancy=load / agents,
    )


def _states(lam: float, mu: float, theta: float, agents: int) -> np.ndarray:
    """Stationary probabilities π_k of k calls in the system, k = 0..K (K where the tail is negligible)."""
    log_terms = [0.0]
    for k in range(1, agents + 1):
        log_terms.append(log_terms[-1] + math.log(lam / (k * mu)) if lam > 0 else -math.inf)
    q = 0
    while lam > 0:
        q += 1
        step = math.log(lam / (agents * mu + q * theta))
        log_terms.append(log_terms[-1] + step)
        if step < 0 and log_terms[-1] < max(log_terms) - 40:  # e^-40 ≈ 4e-18 of the largest term
            break
        if q > 1_000_000:
            raise ScorecardError("Erlang A: the queue does not settle; check the patience and the load.")
    logs = np.array(log_terms)
    weights = np.exp(logs - logs.max())
    return weights / weights.sum()


def _within(rates: np.ndarray, t: float) -> np.ndarray:
    """P(Σ_{m ≤ j} Exp(rates[m]) ≤ t) for every j (hypoexponential CDFs, by uniformization)."""
    if t <= 0:
        return np.zeros(len(rates))
    big = float(rates.max())
    mean = big * t
    steps = int(mean + 12 * math.sqrt(mean) + 30)
    reached = np.zeros(len(rates))  # P(all stages 0..j done within k jumps)
    total = np.zeros(len(rates))
    log_poisson = -mean
    stay = 1 - rates / big
    for k in range(steps + 1):
        total += math.exp(log_poisson) * reached
        previous = np.concatenate(([1.0], reached[:-1]))
        reached = (rates / big) * previous + stay * reached
        log_poisson += math.log(mean) - math.log(k + 1)
    return total


def erlang_a(
    calls: float, interval_s: float, aht_s: float, agents: int, threshold_s: float, patience_s: float
) -> Queue:
    """The M/M/n+M queue: callers abandon after an exponential patience with mean `patience_s`."""
    _check(calls, interval_s, aht_s, agents, threshold_s)
    if not patience_s > 0:
        raise ScorecardError(f"Invalid patience {patience_s!r} s; expected a mean patience above 0 s.")
    lam, mu, theta = calls / interval_s, 1 / aht_s, 1 / patience_s
    if lam == 0:
        return Queue(p_wait=0.0, service_level=1.0, asa_s=0.0, occupancy=0.0)
    pi = _states(lam, mu, theta, agents)
    waiting = pi[agents:]  # an arrival finds q = 0, 1, ... calls ahead in the queue
    q = np.arange(len(waiting))
    stage = agents * mu + (q + 1) * theta  # total rate while m = q calls are ahead (own abandon included)
    advance = (agents * mu + q * theta) / stage
    served = np.cumprod(advance)  # P(served | q ahead): every stage from q down to 0 advances
    mean_wait = served * np.cumsum(1 / stage)  # E[W; served | q ahead]
    p_served_queued = float(waiting @ served)
    p_served = float(pi[:agents].sum()) + p_served_queued
    answered_in_t = float(pi[:agents].sum()) + float(waiting @ (served * _within(stage, threshold_s)))
    return Queue(
        p_wait=float(waiting.sum()),
        service_level=answered_in_t,
        asa_s=float(waiting @ mean_wait) / p_served,
        occupancy=lam * p_served / mu / agents,
        p_abandon=1 - p_served,
    )


def agents_needed(
    calls: float,
    interval_s: float,
    aht_s: float,
    threshold_s: float,
    target_sl: float,
    patience_s: float | None = None,
) -> int:
    """The fewest agents whose service level meets `target_sl` (Erlang A when a patience is given)."""
    if not 0 < target_sl < 1:
        raise ScorecardError(
            f"Invalid target service level {target_sl!r}; expected a fraction between 0 and 1."
        )
    load = offered_load(calls, interval_s, aht_s)
    n = max(1, math.floor(load) + 1 if patience_s is None else 1)
    while True:
        queue = (
            erlang_c(calls, interval_s, aht_s, n, threshold_s)
            if patience_s is None
            else erlang_a(calls, interval_s, aht_s, n, threshold_s, patience_s)
        )
        if queue.service_level >= target_sl:
            return n
        n += 1


def _check(calls: float, interval_s: float, aht_s: float, agents: int, threshold_s: float) -> None:
    problems = [
        f"{name} {value!r} (expected {rule})"
        for name, value, ok, rule in (
            ("calls", calls, calls >= 0, "0 or more"),
            ("interval", interval_s, interval_s > 0, "above 0"),
            ("AHT", aht_s, aht_s > 0, "above 0 s"),
            ("agents", agents, isinstance(agents, int) and agents >= 1, "a whole number, 1 or more"),
            ("service-level threshold", threshold_s, threshold_s >= 0, "0 s or more"),
        )
        if not ok
    ]
    if problems:
        raise ScorecardError("Invalid queue: " + "; ".join(problems) + ".")


@lru_cache(maxsize=65536)
def _sl(calls: int, interval_s: int, aht_s: float, agents: int, t_s: float, patience: float) -> float:
    if agents <= 0:
        return 0.0 if calls > 0 else 1.0
    return erlang_a(calls, interval_s, aht_s, agents, t_s, patience).service_level


def expected_sl(
    calls: int, interval_s: int, aht_s: float, agents: float, t_s: float, patience: float
) -> float:
    """Erlang-A service level (answered within T / calls) with a fractional number of agents: linear
    between the whole numbers around it (0 agents answer nothing)."""
    low = math.floor(agents)
    share = agents - low
    aht, pat = round(aht_s), round(patience)  # whole seconds: the cache finds equal queues
    below = _sl(calls, interval_s, aht, low, t_s, pat)
    return (
        below if share == 0 else (1 - share) * below + share * _sl(calls, interval_s, aht, low + 1, t_s, pat)
    )


@lru_cache(maxsize=65536)
def agents_for(
    calls: float, interval_s: int, aht_s: float, t_s: float, target: float, patience: float | None
) -> int:
    """Fewest agents whose service level meets `target`: Erlang C, or Erlang A (never more than C's,
    searched downwards from it) when a patience is given."""
    if calls <= 0:
        return 0
    n = max(1, math.floor(calls * aht_s / interval_s) + 1)
    while erlang_c(calls, interval_s, aht_s, n, t_s).service_level < target:
        n += 1
    if patience is None:
        return n
    while n > 1 and erlang_a(calls, interval_s, aht_s, n - 1, t_s, patience).service_level >= target:
        n -= 1
    return n
