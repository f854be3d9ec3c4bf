"""One day at the ACD: trunks, IVR, a FIFO queue with impatient callers, agents on shifts with a break.

Calls are processed in arrival order. Under FIFO an earlier caller never waits behind a later one, so the
earliest moment an agent can take caller i depends only on the callers before i: the day can be simulated
call by call, exactly, without an event calendar. A caller whose wait would exceed their patience hangs
up at that patience and occupies nobody. Trunks carry a call from arrival until it leaves the IVR, the
queue or the conversation; a call that finds every trunk busy gets a busy signal (blocked).
"""

from __future__ import annotations

import heapq
from dataclasses import dataclass, field

import numpy as np

from scorecard_demo.arrivals import DayPlan
from scorecard_demo.staffing import Shift
from scorecard_demo.vendors import VendorSpec

ANSWERED, ABANDONED, BLOCKED, SELF_SERVICE = 0, 1, 2, 3
OUTCOMES = ("answered", "abandoned", "blocked", "self_service")
BREAK_S = 1800
DAY_S = 86400
REPEAT_WINDOW_S = 7 * DAY_S
#: Probability that a caller tries again after each outcome, and the mean delay before they do.
RETRY = {BLOCKED: (0.7, 900.0), ABANDONED: (0.55, 4 * 3600.0)}
RETRY_UNRESOLVED = (0.45, 30 * 3600.0)
RETRY_RESOLVED = (0.04, 48 * 3600.0)


@dataclass
class CallerPool:
    """The vendor's callers: new callers drawn from a fixed pool, plus people calling back."""

    size: int
    pending: list[tuple[float, int, int]] = field(default_factory=list)
    seq: int = 0

    def next_caller(self, t_abs: float, fresh: int) -> int:
        """Who makes the call arriving at `t_abs`: a due call-back if any, else the fresh draw."""
        while self.pending and self.pending[0][0] <= t_abs:
            due, _, caller = heapq.heappop(self.pending)
            if t_abs - due <= REPEAT_WINDOW_S:
                return caller
        return fresh

    def call_back(self, caller: int, due_abs: float) -> None:
        """Remember that `caller` will call again at `due_abs`."""
        self.seq += 1
        heapq.heappush(self.pending, (due_abs, self.seq, caller))


@dataclass
class DayCalls:
    """Every call of one day (numpy arrays aligned by call) and each shift's handle time."""

    arrival_s: np.ndarray
    program: np.ndarray
    outcome: np.ndarray
    ivr_s: np.ndarray  # time in the IVR (the whole call for self-service)
    wait_s: np.ndarray
    talk_s: np.ndarray
    hold_s: np.ndarray
    acw_s: np.ndarray
    transferred: np.ndarray
    resolved: np.ndarray
    caller: np.ndarray
    agent: np.ndarray
    revenue: np.ndarray
    shift_handle_s: np.ndarray
    shift_last_s: np.ndarray


def _lognormal(rng: np.random.Generator, mean: float, cv: float, n: int) -> np.ndarray:
    sigma2 = np.log(1 + cv * cv)
    return rng.lognormal(np.log(mean) - sigma2 / 2, np.sqrt(sigma2), n)


def _draws(spec: VendorSpec, n: int, rng: np.random.Generator) -> dict[str, np.ndarray]:
    """Every random quantity of the day's calls, drawn up front so outcomes never shift the streams."""
    res = spec.resolution_s
    rnd = lambda a: np.maximum(np.round(a / res) * res, res)  # noqa: E731
    shares = np.array([s for _, s in spec.programs])
    patience = rng.exponential(spec.patience_s, n)
    quick = rng.random(n) < 0.025
    patience = np.where(quick, rng.uniform(1.0, 4.9, n), patience)
    has_hold = rng.random(n) < 0.3
    transferred = rng.random(n) < spec.transfer_rate
    talk = _lognormal(rng, spec.talk_s, 0.6, n) + 75 * transferred
    return {
        "program": rng.choice(len(shares), size=n, p=shares / shares.sum()),
        "ivr": rnd(rng.uniform(*spec.ivr_s, n)),
        "self_service": rng.random(n) < spec.self_service_rate,
        "ss_extra": rnd(rng.uniform(40, 200, n)),
        "patience": rnd(np.maximum(patience, 1.0)),
        "talk": rnd(np.maximum(talk, 20)),
        "hold": np.where(has_hold, rnd(_lognormal(rng, max(spec.hold_s, 1) / 0.3, 0.8, n)), 0.0),
        "acw": rnd(rng.gamma(4.0, spec.acw_s / 4.0, n)),
        "transferred": transferred,
        "resolved": rng.random(n) < spec.resolve_rate - 0.2 * transferred,
        "sale": rng.random(n) < spec.sale_rate / spec.resolve_rate,
        "amount": np.round(_lognormal(rng, max(spec.sale_mean, 1.0), 0.7, n), 2),
        "fresh": rng.integers(0, 1 << 62, n),
        "retry": rng.random(n),
        "retry_delay": rng.exponential(1.0, n),
    }


def simulate_day(
    spec: VendorSpec,
    day: DayPlan,
    arrivals: np.ndarray,
    shifts: list[Shift],
    pool: CallerPool,
    rng: np.random.Generator,
) -> DayCalls:
    """Run one day's calls through trunks, IVR, queue and agents."""
    n = len(arrivals)
    d = _draws(spec, n, rng)
    res = spec.resolution_s
    present = [i for i, s in enumerate(shifts) if s.present]
    login = [float(shifts[i].login_s) for i in present]
    logout = [float(shifts[i].logout_s) for i in present]
    brk = [shifts[i].break_s for i in present]
    free = list(login)
    handle = np.zeros(len(shifts))
    last = np.array([float(s.logout_s) for s in shifts])
    peak = max(
        (sum(1 for s in shifts if s.present and s.login_s <= t < s.logout_s) for t in day.starts), default=0
    )
    trunks = None if spec.trunk_ratio is None else int(np.ceil(peak * spec.trunk_ratio)) + spec.trunk_extra
    busy: list[float] = []
    outcome = np.full(n, ANSWERED)
    wait = np.zeros(n)
    agent = np.full(n, -1)
    caller = np.zeros(n, dtype=np.int64)
    base = day.index * DAY_S
    for i in range(n):
        t = float(arrivals[i])
        caller[i] = pool.next_caller(base + t, int(d["fresh"][i] % pool.size))
        while busy and busy[0] <= t:
            heapq.heappop(busy)
        if trunks is not None and len(busy) >= trunks:
            outcome[i] = BLOCKED
        elif d["self_service"][i]:
            outcome[i] = SELF_SERVICE
            heapq.heappush(busy, t + d["ivr"][i] + d["ss_extra"][i])
        else:
            q = t + d["ivr"][i]
            best, best_c = -1, 0.0
            for j in range(len(present)):
                c = max(q, free[j], login[j])
                b = brk[j]
                if b is not None and b <= c < b + BREAK_S:
                    c = float(b + BREAK_S)
                if c >= logout[j]:
                    continue
                if best < 0 or c < best_c or (c == best_c and free[j] < free[best]):
                    best, best_c = j, c
            w = round((best_c - q) / res) * res if best >= 0 else float("inf")
            if w > d["patience"][i]:
                outcome[i] = ABANDONED
                wait[i] = d["patience"][i]
                heapq.heappush(busy, q + wait[i])
            else:
                wait[i] = w
                agent[i] = present[best]
                work = d["talk"][i] + d["hold"][i] + d["acw"][i]
                free[best] = best_c + work
                handle[present[best]] += work
                last[present[best]] = max(last[present[best]], free[best])
                heapq.heappush(busy, best_c + d["talk"][i] + d["hold"][i])
        _maybe_retry(pool, caller[i], outcome[i], bool(d["resolved"][i]), base + t, d, i)
    answered = outcome == ANSWERED
    zero = np.zeros(n)
    return DayCalls(
        arrival_s=arrivals.astype(float),
        program=d["program"],
        outcome=outcome,
        ivr_s=np.where(outcome == SELF_SERVICE, d["ivr"] + d["ss_extra"], d["ivr"]),
        wait_s=np.round(wait, 3),
        talk_s=np.where(answered, d["talk"], zero),
        hold_s=np.where(answered, d["hold"], zero),
        acw_s=np.where(answered, d["acw"], zero),
        transferred=answered & d["transferred"],
        resolved=answered & d["resolved"],
        caller=caller,
        agent=agent,
        revenue=np.where(answered & d["resolved"] & d["sale"], d["amount"], zero),
        shift_handle_s=handle,
        shift_last_s=last,
    )


def _maybe_retry(
    pool: CallerPool, caller: int, outcome: int, resolved: bool, t_abs: float, d: dict, i: int
) -> None:
    """Queue a call-back for callers whose problem is not solved (and, rarely, for those whose is)."""
    if outcome == SELF_SERVICE:
        return
    if outcome == ANSWERED:
        p, mean = RETRY_RESOLVED if resolved else RETRY_UNRESOLVED
    else:
        p, mean = RETRY[outcome]
    if d["retry"][i] < p:
        pool.call_back(caller, t_abs + 60 + d["retry_delay"][i] * mean)
