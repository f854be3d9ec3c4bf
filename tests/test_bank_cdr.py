"""A messy bank CDR through ONE `[[exports]]` of vendor.toml, the one docs/adapters.md shows.

The fixture (tests/fixtures/bank_cdr/, tab-separated, CRLF) has the layout of a well-known anonymised bank
call-center data set, 17 columns per call, with every trap of the real files: the outcome comes from two
columns (`outcome` AGENT / HANG / PHANTOM and whether `q_start` is set), `call_id` repeats across lines
(unique only with `vru+line`), sentinels meaning unknown (`customer_id` 0, `q_start` 0:00:00, `server`
NO_SERVER), the date and the time of day in two columns (`990201` + `7:02:47`), a line cut short and a
line with a stray field. The KPIs the database computes must equal those computed here, from the raw
lines, with the csv module and plain arithmetic.
"""

from __future__ import annotations

import csv
import shutil
from collections import defaultdict
from datetime import datetime, timedelta
from pathlib import Path

import duckdb
import pytest
from conftest import write
from docs_blocks import toml_block

from scorecard.ingest.run import ingest
from scorecard.metrics.catalogue import KPI_COLUMNS
from scorecard.metrics.kpis import kpi_notes, kpis
from scorecard.workspace.config import load_workspace

FIXTURE = Path(__file__).parent / "fixtures" / "bank_cdr"
T, SHORT, REPEAT_DAYS = 20, 5, 7  # the workspace's definitions (scorecard.toml below)


def bank_workspace(tmp_path: Path) -> Path:
    """A workspace whose one vendor sends the two monthly CDR files, mapped as the docs say."""
    root = tmp_path / "ws"
    write(
        root / "scorecard.toml",
        f'base_currency = "ILS"\nsl_threshold_s = {T}\nshort_abandon_s = {SHORT}\n'
        f'fcr_method = "repeat"\nfcr_repeat_days = {REPEAT_DAYS}\n'
        "earliest_date = 1999-01-01\n",  # the public CDR is from 1999 (rule date_in_window)
    )
    header = 'name = "Anonymous Bank"\ntimezone = "Asia/Jerusalem"\ncurrency = "ILS"\n\n'
    write(root / "bank" / "vendor.toml", header + toml_block("adapters.md", "Example: a bank CDR"))
    for name in ("February.txt", "March.txt"):
        (root / "bank" / "cdr").mkdir(parents=True, exist_ok=True)
        shutil.copyfile(FIXTURE / name, root / "bank" / "cdr" / name)
    return root


# ------------------------------------------------------------------------------------------------
# The reference: the raw lines read with the csv module, the outcome rules applied by hand.


def raw_calls() -> tuple[list[dict], dict[str, dict[str, int]]]:
    """Every call of the fixture as the docs' rules define it, and per file what was left out or read
    as unknown."""
    calls, counts = [], {}
    for name in ("February.txt", "March.txt"):
        seen = defaultdict(int)
        with (FIXTURE / name).open(newline="", encoding="utf-8") as fh:
            rows = list(csv.reader(fh, delimiter="\t"))
        header = rows[0]
        for line, fields in enumerate(rows[1:], start=2):
            if len(fields) != len(header):
                seen["ragged"] += 1
                continue
            r = dict(zip(header, fields, strict=True))
            if r["outcome"] == "PHANTOM":
                seen["phantom"] += 1
                continue
            queued = r["q_start"] != "0:00:00"
            outcome = {"AGENT": "answered", "HANG": "abandoned" if queued else "self_service"}[r["outcome"]]
            seen["customer_id"] += r["customer_id"] == "0"
            seen["q_start"] += not queued
            seen["server"] += r["server"] == "NO_SERVER"
            calls.append(
                {
                    "id": (r["vru+line"], r["call_id"]),
                    "at": datetime.strptime(r["date"] + " " + r["vru_entry"], "%y%m%d %H:%M:%S"),
                    "outcome": outcome,
                    "wait": float(r["q_time"]),
                    "talk": float(r["ser_time"]),
                    "caller": None if r["customer_id"] == "0" else r["customer_id"],
                    "line": line,
                }
            )
        counts[name] = dict(seen)
    return calls, counts


def reference(calls: list[dict], month: str | None) -> dict[str, float | int | None]:
    """Volumes and KPIs of the calls arriving in `month` (None: all), by the documented definitions."""
    mine = [c for c in calls if month is None or c["at"].strftime("%Y-%m") == month]
    answered = [c for c in mine if c["outcome"] == "answered"]
    abandoned = [c for c in mine if c["outcome"] == "abandoned"]
    short = [c for c in abandoned if c["wait"] < SHORT]
    long = [c for c in abandoned if c["wait"] >= SHORT]
    self_service = [c for c in mine if c["outcome"] == "self_service"]
    queued = len(answered) + len(abandoned)
    offered = queued + len(self_service)
    in_sl = [c for c in answered if c["wait"] <= T]
    keyed = [c for c in answered if c["caller"] is not None]
    waited = [c for c in answered + abandoned if c["wait"] > 0]  # had to wait for an agent

    def repeated(c: dict) -> bool:  # any later call (any outcome) from the caller within N days
        end = c["at"] + timedelta(days=REPEAT_DAYS)
        return any(o["caller"] == c["caller"] and c["at"] < o["at"] <= end for o in calls)

    return {
        "attempts": None,  # busy signals are not in a CDR of calls that got in: unknown, not 0
        "offered": offered,
        "queued": queued,
        "answered": len(answered),
        "abandoned": len(abandoned),
        "short_abandoned": len(short),
        "blocked": None,
        "self_service": len(self_service),
        "handled": len(answered) + len(self_service),
        "abandon_rate": len(long) / (queued - len(short)),
        "service_level": len(in_sl) / (queued - len(short)),
        "service_level_negative": len(in_sl) / (queued - len(short)),
        "service_level_answered_only": len(in_sl) / len(answered),
        "service_level_positive": (len(in_sl) + sum(c["wait"] <= T for c in abandoned)) / queued,
        "service_level_ignore_early_abandons": len(in_sl) / (queued - sum(c["wait"] <= T for c in abandoned)),
        "asa_s": sum(c["wait"] for c in answered) / len(answered),
        "avg_talk_s": sum(c["talk"] for c in answered) / len(answered),
        "avg_abandon_wait_s": sum(c["wait"] for c in long) / len(long),
        "fcr_rate": sum(not repeated(c) for c in keyed) / len(keyed),
        "fcr_rate_repeat": sum(not repeated(c) for c in keyed) / len(keyed),
        "answer_rate": (len(answered) + len(self_service)) / offered,
        "queue_placement_rate": len(waited) / offered,
        "avg_queue_time_s": sum(c["wait"] for c in waited) / len(waited),
    }


def test_the_reference_itself_on_paper():
    calls, counts = raw_calls()
    # February: 13 data lines − 1 PHANTOM − 1 cut short = 11 calls; March: 10 − 1 PHANTOM − 1 stray field = 8
    assert len(calls) == 19
    assert counts["February.txt"] == {"phantom": 1, "ragged": 1, "customer_id": 5, "q_start": 2, "server": 6}
    feb = reference(calls, "1999-02")
    # Answered: 33116 (18 s), 33118 (45), 33119 (10), 33122 (12), 33123 (20), 33126 (80): 4 within 20 s.
    # Abandoned: 33116@AA0102 (3 s, short), 33120 (60), 33116@AA0103 (30); self-service 33117, 33124.
    assert (feb["answered"], feb["abandoned"], feb["short_abandoned"], feb["self_service"]) == (6, 3, 1, 2)
    assert feb["service_level"] == 4 / (9 - 1)
    assert feb["abandon_rate"] == 2 / (9 - 1)
    assert feb["asa_s"] == (18 + 45 + 10 + 12 + 20 + 80) / 6
    # Callers known among answered: 33116, 33118 (9664491), 33122, 33123; 33116 is followed by 33118 the
    # same morning (a repeat); 33118's next call is on 1 March, 28 days later.
    assert feb["fcr_rate"] == 3 / 4
    # Every queued call waited (the shortest wait is 3 s): 9 of the 11 offered, for 278 s in all
    assert feb["queue_placement_rate"] == 9 / 11
    assert feb["avg_queue_time_s"] == (18 + 45 + 10 + 12 + 20 + 80 + 3 + 60 + 30) / 9


@pytest.fixture(scope="module")
def loaded(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, Path, object]:
    tmp = tmp_path_factory.mktemp("bank")
    root = bank_workspace(tmp)
    report = ingest(root, tmp / "bank.duckdb")
    return root, tmp / "bank.duckdb", report


def test_one_export_loads_both_files_and_counts_what_it_left_out(loaded):
    root, _, report = loaded
    assert len(load_workspace(root).vendor("bank").exports) == 1
    assert report.ok, [f.message for f in report.files]
    _, counts = raw_calls()
    by_file = {f.path: f for f in report.files}
    feb, mar = by_file["bank/cdr/February.txt"], by_file["bank/cdr/March.txt"]
    assert (feb.status, feb.rows, mar.status, mar.rows) == ("loaded", 11, "loaded", 8)
    for result, name in ((feb, "February.txt"), (mar, "March.txt")):
        got = {(w.rule, w.message.split(" ", 1)[0]): w.rows for w in result.warnings}
        c = counts[name]
        assert got == {
            ("left_out_ragged_line", "left"): c["ragged"],
            ("left_out_by_rules", "left"): c["phantom"],
            ("unknown_by_nulls", "customer_id"): c["customer_id"],
            ("unknown_by_nulls", "q_start"): c["q_start"],
            ("unknown_by_nulls", "server"): c["server"],
        }
    ragged = next(w for w in feb.warnings if w.rule == "left_out_ragged_line")
    assert (ragged.first_row, ragged.example) == (13, "AA0103\t33125\t5550123\t1\tPS\t990202\t12:0")
    phantom = next(w for w in mar.warnings if w.rule == "left_out_by_rules")
    assert phantom.first_row == 6  # header, 34001, 34002, 34002 (AA0102), 34003, then the PHANTOM


@pytest.mark.parametrize("month", ["1999-02", "1999-03", None])
def test_kpis_equal_the_values_computed_from_the_raw_lines(loaded, month):
    _, db, _ = loaded
    calls, _ = raw_calls()
    expected = reference(calls, month)
    with duckdb.connect(str(db), read_only=True) as con:
        frame = kpis(con, grain="all" if month is None else "month")
        reasons = kpi_notes(con, grain="all" if month is None else "month")
    row = frame.filter(period=month or "all").row(0, named=True)
    for column, value in expected.items():
        assert row[column] == (pytest.approx(value) if value is not None else None), column
    # Every other KPI is unknown, never 0, and says why (no hold or after-call time, no surveys, ...).
    others = [k for k in KPI_COLUMNS if k not in expected]
    assert all(row[k] is None for k in others), {k: row[k] for k in others if row[k] is not None}
    noted = set(reasons.filter(period=month or "all")["kpi"])
    assert {"blockage_rate", "aht_s", "avg_hold_s", "transfer_rate"} <= noted


def test_the_composite_key_and_the_sentinels_as_stored(loaded):
    _, db, _ = loaded
    with duckdb.connect(str(db), read_only=True) as con:
        rows = con.sql(
            "select call_id, caller_key is null, agent_id, arrived_at_local, source_row from raw_calls "
            "where call_id like '% 33116' order by call_id"
        ).fetchall()
    assert rows == [
        ("AA0101 33116", False, "MICHAL", datetime(1999, 2, 1, 7, 2, 47), 2),  # 990201 + 7:02:47
        ("AA0102 33116", False, None, datetime(1999, 2, 1, 7, 5, 10), 3),  # NO_SERVER: no agent
        ("AA0103 33116", True, None, datetime(1999, 2, 2, 11, 0), 10),  # customer 0: unknown caller
    ]
