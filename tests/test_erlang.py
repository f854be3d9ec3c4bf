"""Erlang C and Erlang A (scorecard.staffing.erlang) and `scorecard erlang`.

Erlang C is checked against the published worked example of the issue (100 calls in 30 min, AHT 180 s,
T = 20 s, 14 agents: P(wait) 0.1741319, SL 0.8883500, ASA 7.835937 s, occupancy 0.7142857). Erlang A is
checked against a second, independent implementation written here: the closed forms of Mandelbaum and
Zeltyn ("The Palm/Erlang-A queue", 2007) for P(wait) and P(abandon), and a direct numerical integration
(RK4) of the tagged caller's wait for the service level; and against its Erlang C limit.
"""

from __future__ import annotations

import math

import pytest
from typer.testing import CliRunner

from scorecard.cli import app
from scorecard.errors import ScorecardError
from scorecard.staffing.erlang import agents_needed, erlang_a, erlang_b, erlang_c


def test_erlang_c_reproduces_the_published_example() -> None:
    q = erlang_c(100, 1800, 180, 14, 20)  # load 100 × 180 / 1800 = 10 Erlangs
    assert round(q.p_wait, 7) == 0.1741319
    assert round(q.service_level, 7) == 0.8883500
    assert round(q.asa_s, 6) == 7.835937
    assert round(q.occupancy, 7) == 0.7142857  # 10 / 14


def test_erlang_c_edges() -> None:
    assert erlang_b(1, 1.0) == 0.5  # B(1, a) = a / (1 + a)
    overloaded = erlang_c(100, 1800, 180, 10, 20)  # load 10 = agents: never clears
    assert (overloaded.p_wait, overloaded.service_level, overloaded.asa_s) == (1.0, 0.0, math.inf)
    assert erlang_c(0, 1800, 180, 3, 20).service_level == 1.0


def _gamma_sum(x: float, y: float) -> float:
    """A(x, y) = x e^y y^-x γ(x, y) = Σ_k y^k / ((x + 1)...(x + k)) (the series of the lower gamma)."""
    total = term = 1.0
    k = 1
    while term > 1e-18 * total:
        term *= y / (x + k)
        total += term
        k += 1
    return total


def _closed_forms(calls: float, interval_s: float, aht_s: float, n: int, patience_s: float):
    """P(wait) and P(abandon) of Erlang A in closed form (Mandelbaum & Zeltyn 2007)."""
    lam, mu, theta = calls / interval_s, 1 / aht_s, 1 / patience_s
    a = _gamma_sum(n * mu / theta, lam / theta)
    b = erlang_b(n, lam / mu)
    p_wait = a * b / (1 + (a - 1) * b)
    rho = lam / (n * mu)
    return p_wait, (1 / (rho * a) + 1 - 1 / rho) * p_wait


def _answered_within(calls: float, interval_s: float, aht_s: float, n: int, t: float, patience_s: float):
    """P(answered within t) by RK4 on the tagged caller's position: u_m(s) = P(answered by s | m ahead)."""
    lam, mu, theta = calls / interval_s, 1 / aht_s, 1 / patience_s
    # Stationary state probabilities, unnormalised, up to a deep truncation.
    probs = [1.0]
    for k in range(1, n + 1):
        probs.append(probs[-1] * lam / (k * mu))
    for q in range(1, 120):
        probs.append(probs[-1] * lam / (n * mu + q * theta))
    total = sum(probs)
    probs = [p / total for p in probs]
    m_max = len(probs) - n
    rates = [n * mu + m * theta for m in range(m_max)]  # move-up rate with m ahead; own abandon θ more

    def deriv(u: list[float]) -> list[float]:
        return [rates[m] * ((u[m - 1] if m else 1.0) - u[m]) - theta * u[m] for m in range(m_max)]

    u, steps = [0.0] * m_max, 400
    h = t / steps
    for _ in range(steps):
        k1 = deriv(u)
        k2 = deriv([x + h / 2 * d for x, d in zip(u, k1, strict=True)])
        k3 = deriv([x + h / 2 * d for x, d in zip(u, k2, strict=True)])
        k4 = deriv([x + h * d for x, d in zip(u, k3, strict=True)])
        u = [x + h / 6 * (a + 2 * b + 2 * c + d) for x, a, b, c, d in zip(u, k1, k2, k3, k4, strict=True)]
    return sum(probs[:n]) + sum(p * u[m] for m, p in enumerate(probs[n:]))


@pytest.mark.parametrize(("agents", "patience_s"), [(14, 240), (8, 240), (12, 60), (10, 600)])
def test_erlang_a_equals_an_independent_implementation(agents: int, patience_s: float) -> None:
    q = erlang_a(100, 1800, 180, agents, 20, patience_s)
    p_wait, p_abandon = _closed_forms(100, 1800, 180, agents, patience_s)
    assert q.p_wait == pytest.approx(p_wait, rel=1e-9)
    assert q.p_abandon == pytest.approx(p_abandon, rel=1e-9)
    within = _answered_within(100, 1800, 180, agents, 20, patience_s)
    assert q.service_level == pytest.approx(within, abs=1e-7)
    # Carried load: answered calls × AHT / interval / agents.
    assert q.occupancy == pytest.approx(100 * (1 - p_abandon) * 180 / 1800 / agents, rel=1e-12)


def test_erlang_a_tends_to_erlang_c_as_callers_never_abandon() -> None:
    a, c = erlang_a(100, 1800, 180, 14, 20, 1e9), erlang_c(100, 1800, 180, 14, 20)
    assert a.p_wait == pytest.approx(c.p_wait, rel=1e-6)
    assert a.service_level == pytest.approx(c.service_level, rel=1e-6)
    assert a.asa_s == pytest.approx(c.asa_s, rel=1e-6)


def test_agents_needed() -> None:
    # Erlang C at 10 Erlangs: 13 agents fall short of 0.8, 14 give 0.8883500.
    assert erlang_c(100, 1800, 180, 13, 20).service_level < 0.8
    assert agents_needed(100, 1800, 180, 20, 0.8) == 14
    # With abandonment (mean patience 240 s) fewer callers wait: 13 agents suffice.
    assert erlang_a(100, 1800, 180, 12, 20, 240).service_level < 0.8
    assert erlang_a(100, 1800, 180, 13, 20, 240).service_level >= 0.8
    assert agents_needed(100, 1800, 180, 20, 0.8, patience_s=240) == 13
    with pytest.raises(ScorecardError, match=r"Invalid target service level 1\.2"):
        agents_needed(100, 1800, 180, 20, 1.2)


def test_cli_prints_the_published_values_and_agents_needed() -> None:
    args = ["erlang", "--calls", "100", "--interval-min", "30", "--aht-s", "180", "--agents", "14"]
    result = CliRunner().invoke(app, [*args, "--sl-threshold-s", "20", "--target-sl", "0.8"])
    assert result.exit_code == 0
    assert result.stdout.splitlines() == [
        "100 calls in 30 min, AHT 180 s: 10.0000 Erlangs offered",
        "Erlang C, 14 agents (callers never abandon):",
        "  P(wait)        0.1741319",
        "  Service level  0.8883500  (share of calls answered within 20 s)",
        "  ASA            7.835937 s  (mean wait of answered calls)",
        "  Occupancy      0.7142857",
        "Agents needed for 0.8 within 20 s: Erlang C 14",
    ]
    with_a = CliRunner().invoke(app, [*args, "--sl-threshold-s", "20", "--patience-s", "240"])
    lines = with_a.stdout.splitlines()
    assert lines[6] == "Erlang A, 14 agents, mean patience 240 s:"
    assert lines[-1].startswith("  P(abandon)     0.0159578")
    bad = CliRunner().invoke(app, [*args[:-1], "0", "--sl-threshold-s", "20"])
    assert (bad.exit_code, bad.stderr) == (
        1,
        "Error: Invalid queue: agents 0 (expected a whole number, 1 or more).\n",
    )
