"""The same rows give bit-identical KPIs whatever their order in the files and however many threads
DuckDB adds them with: seconds, money and scores are summed as exact decimals (stg_exact_sum), never in
floating point, whose result depends on the order of the additions."""

from __future__ import annotations

import random
from pathlib import Path

import duckdb
import pytest
from conftest import write

from scorecard.ingest import db
from scorecard.ingest.run import ingest
from scorecard.metrics.kpis import kpis

DAYS = [f"2026-04-{d:02d}" for d in range(6, 20)]


def _rows(seed: int) -> dict[str, list[str]]:
    """Calls, intervals, QA, agent time and invoices with values whose floating-point sums depend on
    the order of the additions (0.1 + 0.2 + 0.3 is not 0.3 + 0.2 + 0.1 in binary floating point)."""
    rnd = random.Random(seed)
    frac = lambda top: f"{rnd.uniform(0, top):.3f}"  # noqa: E731
    calls = [
        f"c{i},support,{rnd.choice(DAYS)} {rnd.randint(8, 17):02d}:{rnd.randint(0, 59):02d}:00,answered,"
        f"{frac(60)},{frac(900)},{frac(60)},{frac(120)},false,true,a{i % 7},{frac(99)}"
        for i in range(400)
    ]
    intervals = [
        f"sales,{day} {h:02d}:00:00,3600,{rnd.randint(5, 40)},0,{rnd.randint(1, 4)},0,0,0,0,"
        f"{frac(3000)},{frac(300)},{frac(20_000)},{frac(900)},{frac(3000)},0"
        for day in DAYS
        for h in range(8, 18)
    ]
    quality = [f"q{i},c{i},a{i % 7},{rnd.choice(DAYS)} 18:00:00,{frac(100)}" for i in range(150)]
    agents = [
        f"a{a},{day},28800,28800,{frac(20_000)},{frac(5_000)},{frac(26_000)}"
        for a in range(7)
        for day in DAYS
    ]
    costs = [f"{day},{day},{frac(5000)},invoice" for day in DAYS]
    return {"calls": calls, "intervals": intervals, "quality": quality, "agents": agents, "costs": costs}


def _workspace(root: Path, reverse: bool) -> Path:
    rows = {k: (v[::-1] if reverse else v) for k, v in _rows(7).items()}
    write(root / "scorecard.toml", 'base_currency = "EUR"\n')
    write(
        root / "acme" / "vendor.toml",
        'name = "Acme"\ntimezone = "Europe/Paris"\ncurrency = "EUR"\n'
        + "".join(
            f'[[exports]]\ntable = "{t}"\nfiles = "{t}.csv"\n'
            for t in ("calls", "quality", "agent_time", "costs")
        ),
    )
    write(
        root / "acme" / "calls.csv",
        "call_id,program,arrived_at,outcome,wait_s,talk_s,hold_s,acw_s,transferred,resolved,agent_id,revenue\n"
        + "\n".join(rows["calls"])
        + "\n",
    )
    write(
        root / "acme" / "quality.csv",
        "evaluation_id,call_id,agent_id,evaluated_at,score\n" + "\n".join(rows["quality"]) + "\n",
    )
    write(
        root / "acme" / "agent_time.csv",
        "agent_id,date,scheduled_s,staffed_s,handle_s,available_s,in_adherence_s\n"
        + "\n".join(rows["agents"])
        + "\n",
    )
    write(
        root / "acme" / "costs.csv", "period_start,period_end,amount,kind\n" + "\n".join(rows["costs"]) + "\n"
    )
    write(
        root / "ivr" / "vendor.toml",
        'name = "Ivr"\ntimezone = "Europe/Paris"\ncurrency = "EUR"\n'
        '[[exports]]\ntable = "intervals"\nfiles = "intervals.csv"\n',
    )
    write(
        root / "ivr" / "intervals.csv",
        "program,interval_start,interval_s,answered,answered_in_sl,abandoned,abandoned_in_sl,short_abandoned,"
        "blocked,self_service,answered_wait_s,abandoned_wait_s,talk_s,hold_s,acw_s,transferred\n"
        + "\n".join(rows["intervals"])
        + "\n",
    )
    return root


def _kpis(db_path: Path, threads: int) -> list[dict]:
    con = duckdb.connect(str(db_path))
    try:
        con.execute(f"set threads = {threads}").fetchall()
        return [
            *kpis(con, grain="all").to_dicts(),
            *kpis(con, grain="day").to_dicts(),
            *kpis(con, grain="all", by_program=True).to_dicts(),
        ]
    finally:
        con.close()


@pytest.fixture
def threads(monkeypatch: pytest.MonkeyPatch):
    """Make every database connection of an ingest use `n` threads."""

    def use(n: int) -> None:
        original = db.connect.__wrapped__ if hasattr(db.connect, "__wrapped__") else db.connect

        def connect(*args, **kwargs):
            con = original(*args, **kwargs)
            con.execute(f"set threads = {n}").fetchall()
            return con

        connect.__wrapped__ = original  # type: ignore[attr-defined]
        monkeypatch.setattr(db, "connect", connect)

    return use


def test_the_same_rows_in_another_order_and_thread_count_give_bit_identical_kpis(tmp_path: Path, threads):
    threads(1)
    a = tmp_path / "a.duckdb"
    assert ingest(_workspace(tmp_path / "ws_a", reverse=False), a).ok
    threads(4)
    b = tmp_path / "b.duckdb"
    assert ingest(_workspace(tmp_path / "ws_b", reverse=True), b).ok
    first = _kpis(a, threads=1)
    assert len(first) > 10 and all(r["aht_s"] is not None for r in first if r["vendor_id"] == "acme")
    assert first == _kpis(b, threads=4)  # == on floats: the same bits, not approximately
    assert first == _kpis(a, threads=4) == _kpis(b, threads=1)
