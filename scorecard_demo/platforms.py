"""Simulated calls -> the file layouts of each vendor's ACD platform (one function per platform).

Each function takes one month of a vendor's calls (canonical columns plus `ivr_s` and `phone`, local
naive timestamps) and returns the file's bytes. Rows are sorted and every number is formatted
explicitly, so the same calls always give the same bytes.
"""

from __future__ import annotations

import hashlib
import json
from datetime import datetime, timedelta

import numpy as np
import polars as pl

from scorecard_demo.text import csv_bytes, hms, num
from scorecard_demo.vendors import INTERVAL_S, SHORT_ABANDON_S, SL_THRESHOLD_S, VendorSpec

#: Avaya call-profile increments PERIOD1..PERIOD9 (whole seconds): abncalls1 = abandons under 5 s.
AVAYA_EDGES_S = (4, 9, 14, 19, 29, 44, 59, 89, 119)
CTR_RESOLVED_ATTRIBUTE = "IssueResolved"
CTR_REVENUE_ATTRIBUTE = "OrderValue"
FIVE9_RESOLVED = ("Résolu", "Information donnée")
FIVE9_UNRESOLVED = ("Non résolu", "Escalade niveau 2")
FIVE9_BLOCKED = "Saturation - ligne occupée"
FIVE9_SELF_SERVICE = "SVI - réponse automatique"
#: The call variable carrying the sale amount in Lumière's call log.
FIVE9_REVENUE = "Vente.Montant"
CN_OUTCOME_CODES = {"answered": "01", "abandoned": "02", "blocked": "03", "self_service": "04"}
CN_OUTCOME_TEXT = {"01": "人工接通", "02": "排队放弃", "03": "线路忙", "04": "IVR自助"}
CN_HEADER = [
    "话单编号", "来电日期", "来电时间", "业务线", "主叫号码(MD5)", "结果代码", "结果说明", "排队时长(毫秒)",
    "通话时长", "保持时长", "话后处理时长(毫秒)", "是否转接", "是否解决", "坐席工号",
]  # fmt: skip
#: The `mapped` options that read Hanyu's CDR (vendor.toml of cn_hanyu).
CN_MAPPING: dict[str, object] = {
    "columns": {
        "call_id": "话单编号", "program": "业务线", "arrived_at": ["来电日期", "来电时间"],
        "outcome": "结果代码", "wait_s": "排队时长(毫秒)", "talk_s": "通话时长", "hold_s": "保持时长",
        "acw_s": "话后处理时长(毫秒)", "transferred": "是否转接", "resolved": "是否解决",
        "caller_key": "主叫号码(MD5)", "agent_id": "坐席工号",
    },
    "values": {
        "outcome": {code: outcome for outcome, code in CN_OUTCOME_CODES.items()},
        "transferred": {"是": True, "否": False},
        "resolved": {"是": True, "否": False},
    },
    "formats": {"arrived_at": "%Y/%m/%d %H:%M:%S"},
    "units": {"wait_s": "ms", "acw_s": "ms"},
}  # fmt: skip


def _utc(col: pl.Expr, timezone: str) -> pl.Expr:
    return col.dt.replace_time_zone(timezone).dt.convert_time_zone("UTC")


def _iso(col: pl.Expr) -> pl.Expr:
    return col.dt.strftime("%Y-%m-%dT%H:%M:%SZ")


def amazon_connect_ctr(spec: VendorSpec, calls: pl.DataFrame, rng: np.random.Generator) -> bytes:
    """Contact records as JSON lines in delivery order; some contacts are delivered twice (updated)."""
    sec = lambda c: pl.duration(seconds=pl.col(c).cast(pl.Int64))  # noqa: E731
    at = _utc(pl.col("arrived_at"), spec.timezone)
    enq = at + sec("ivr_s")
    conn = enq + sec("wait_s")
    ans, abn = pl.col("outcome") == "answered", pl.col("outcome") == "abandoned"
    end = pl.when(ans).then(conn + sec("talk_s") + sec("hold_s")).when(abn).then(conn).otherwise(enq)
    c = calls.with_columns(
        init=at, enq=enq, conn=conn, disc=end, upd=end + sec("acw_s") + pl.duration(seconds=pl.lit(5))
    )
    lines: list[tuple[datetime, int, str]] = []
    again = rng.random(c.height) < 0.015
    later = rng.integers(3600, 36 * 3600, c.height)
    dump = lambda record: json.dumps(record, ensure_ascii=False, separators=(",", ":"))  # noqa: E731
    for i, r in enumerate(c.iter_rows(named=True)):
        if again[i] and r["outcome"] == "answered":
            # At-least-once delivery: the record went out before the agent set the attributes, then
            # again, updated, hours later.
            lines.append((r["upd"], i, dump(_ctr_record(spec, r, r["upd"], full=False))))
            resent = r["upd"] + timedelta(seconds=int(later[i]))
            lines.append((resent, i, dump(_ctr_record(spec, r, resent, full=True))))
        else:
            lines.append((r["upd"], i, dump(_ctr_record(spec, r, r["upd"], full=True))))
    lines.sort()
    return "".join(line + "\n" for _, _, line in lines).encode("utf-8")


def _fmt(ts: datetime) -> str:
    return ts.strftime("%Y-%m-%dT%H:%M:%SZ")


def _ctr_record(spec: VendorSpec, r: dict, updated: datetime, full: bool) -> dict:
    """One contact record; `full=False` is the first delivery, before the agent set the attributes."""
    answered = r["outcome"] == "answered"
    attributes: dict[str, str] = {}
    if full and answered:
        attributes[CTR_RESOLVED_ATTRIBUTE] = "yes" if r["resolved"] else "no"
        if r["revenue"] is not None:
            attributes[CTR_REVENUE_ATTRIBUTE] = f"{r['revenue']:.2f}"
    record: dict[str, object] = {
        "Agent": None,
        "Attributes": attributes,
        "Channel": "VOICE",
        "ContactId": r["call_id"],
        "CustomerEndpoint": {"Address": r["phone"]},
        "DisconnectTimestamp": _fmt(r["disc"]),
        "InitiationMethod": "INBOUND",
        "InitiationTimestamp": _fmt(r["init"]),
        "LastUpdateTimestamp": _fmt(updated),
        "Queue": None,
    }
    if r["outcome"] in ("answered", "abandoned"):
        record["Queue"] = {
            "Name": r["program"],
            "EnqueueTimestamp": _fmt(r["enq"]),
            "Duration": int(r["wait_s"]),
        }
    if answered:
        record["Agent"] = {
            "Username": r["agent_id"],
            "ConnectedToAgentTimestamp": _fmt(r["conn"]),
            "AgentInteractionDuration": int(r["talk_s"]),
            "CustomerHoldDuration": int(r["hold_s"]),
            "AfterContactWorkDuration": int(r["acw_s"]),
        }
    if r["transferred"]:
        record["TransferCompletedTimestamp"] = _fmt(r["disc"])
    return record


def five9_call_log(spec: VendorSpec, calls: pl.DataFrame, rng: np.random.Generator) -> bytes:
    """The Five9 Call Log report (CSV, UTF-8): local TIMESTAMP, hh:mm:ss durations, empty AGENT if none."""
    n = calls.height
    pick = rng.random(n)
    rows = []
    for k, r in enumerate(calls.iter_rows(named=True)):
        o = r["outcome"]
        answered, queued = o == "answered", o in ("answered", "abandoned")
        if answered:
            pool = FIVE9_RESOLVED if r["resolved"] else FIVE9_UNRESOLVED
            disposition = pool[0] if pick[k] < 0.8 else pool[1]
        else:
            disposition = {"abandoned": "Abandon", "blocked": FIVE9_BLOCKED}.get(o, FIVE9_SELF_SERVICE)
        rows.append([
            r["call_id"], _five9_time(r["arrived_at"]), r["program"],
            f"FR_{r['program'].split()[0]}" if queued else "", "Inbound",
            r["agent_id"] if answered else "", disposition, r["phone"],
            hms(r["ivr_s"]), hms(r["wait_s"]), hms(r["talk_s"]), hms(r["hold_s"]),
            hms(r["acw_s"]), "1" if r["transferred"] else "0", "1" if o == "abandoned" else "0",
            "" if r["revenue"] is None else f"{r['revenue']:.2f}",
        ])  # fmt: skip
    header = [
        "CALL ID", "TIMESTAMP", "CAMPAIGN", "SKILL", "CALL TYPE", "AGENT", "DISPOSITION", "ANI",
        "IVR TIME", "QUEUE WAIT TIME", "TALK TIME", "HOLD TIME", "AFTER CALL WORK TIME", "TRANSFERS",
        "ABANDONED", FIVE9_REVENUE,
    ]  # fmt: skip
    return csv_bytes(header, rows, ",", "\r\n", "utf-8")


def _five9_time(ts: datetime) -> str:
    """`Fri, 21 Aug 2026 09:00:06`, in English whatever the process locale."""
    day, month = "MonTueWedThuFriSatSun", "JanFebMarAprMayJunJulAugSepOctNovDec"
    wd, mo = ts.weekday() * 3, (ts.month - 1) * 3
    return f"{day[wd : wd + 3]}, {ts.day:02d} {month[mo : mo + 3]} {ts.year} {ts:%H:%M:%S}"


def cn_cdr(spec: VendorSpec, calls: pl.DataFrame, rng: np.random.Generator) -> bytes:
    """Hanyu's own CDR layout (GBK): Chinese headers, separate date and time, outcome codes, mixed units."""
    rows = []
    for r in calls.iter_rows(named=True):
        code = CN_OUTCOME_CODES[r["outcome"]]
        answered = code == "01"
        resolved = "" if r["resolved"] is None else ("是" if r["resolved"] else "否")
        caller = hashlib.md5(r["phone"].encode(), usedforsecurity=False).hexdigest()
        rows.append([
            r["call_id"], r["arrived_at"].strftime("%Y/%m/%d"), r["arrived_at"].strftime("%H:%M:%S"),
            r["program"], caller, code, CN_OUTCOME_TEXT[code], str(round(r["wait_s"] * 1000)),
            hms(r["talk_s"], short=True), hms(r["hold_s"], short=True), str(round(r["acw_s"] * 1000)),
            "是" if r["transferred"] else "否", resolved, r["agent_id"] if answered else "",
        ])  # fmt: skip
    return csv_bytes(CN_HEADER, rows, ",", "\r\n", "gbk")


def _interval_sums(calls: pl.DataFrame) -> pl.DataFrame:
    """Per program x interval: the counts and sums both interval platforms derive from."""
    ans, abn = pl.col("outcome") == "answered", pl.col("outcome") == "abandoned"
    w = pl.col("wait_s")
    return (
        calls.with_columns(start=pl.col("arrived_at").dt.truncate(f"{INTERVAL_S}s"))
        .group_by("program", "start")
        .agg(
            answered=ans.sum(),
            abandoned=abn.sum(),
            blocked=(pl.col("outcome") == "blocked").sum(),
            in_sl=(ans & (w <= SL_THRESHOLD_S)).sum(),
            abn_in_sl=(abn & (w <= SL_THRESHOLD_S)).sum(),
            short=(abn & (w < SHORT_ABANDON_S)).sum(),
            ans_wait=w.filter(ans).sum(),
            abn_wait=w.filter(abn).sum(),
            talk=pl.col("talk_s").sum(),
            hold=pl.col("hold_s").sum(),
            acw=pl.col("acw_s").sum(),
            transferred=pl.col("transferred").sum(),
            waits=w.filter(abn),
        )
        .sort("start", "program")
    )


def genesys_queue_intervals(spec: VendorSpec, calls: pl.DataFrame) -> bytes:
    """Genesys Cloud queue aggregates, flattened (CSV): UTC ISO intervals, ms sums, no row without
    traffic, an empty cell where Genesys leaves a metric out (nothing happened)."""
    s = _interval_sums(calls).filter((pl.col("answered") + pl.col("abandoned")) > 0)
    s = s.with_columns(end=pl.col("start") + pl.duration(seconds=INTERVAL_S))
    s = s.with_columns(_iso(_utc(pl.col("start"), spec.timezone)), _iso(_utc(pl.col("end"), spec.timezone)))
    queue_ids = {p: _uuid(f"{spec.vendor_id}:{p}") for p, _ in spec.programs}
    ms = lambda x: "" if x == 0 else str(round(x * 1000))  # noqa: E731
    cnt = lambda x: "" if x == 0 else str(int(x))  # noqa: E731
    rows = []
    for r in s.iter_rows(named=True):
        offered, answered = r["answered"] + r["abandoned"], r["answered"]
        handle = r["talk"] + r["hold"] + r["acw"]
        rows.append([
            f"{r['start'].replace('Z', '.000Z')}/{r['end'].replace('Z', '.000Z')}", queue_ids[r["program"]],
            r["program"], "voice", cnt(offered), cnt(answered), ms(r["ans_wait"]), cnt(r["abandoned"]),
            ms(r["abn_wait"]), cnt(r["short"]), cnt(answered), ms(handle), ms(r["talk"]), ms(r["hold"]),
            ms(r["acw"]), cnt(r["transferred"]), cnt(answered - r["in_sl"]),
            num(r["in_sl"] / offered, 4),
        ])  # fmt: skip
    header = [
        "interval", "queueId", "queueName", "mediaType", "nOffered", "tAnswered.count", "tAnswered.sum",
        "tAbandon.count", "tAbandon.sum", "tShortAbandon.count", "tHandle.count", "tHandle.sum", "tTalk.sum",
        "tHeld.sum", "tAcw.sum", "nTransferred", "nOverSla", "oServiceLevel",
    ]  # fmt: skip
    return csv_bytes(header, rows, ",", "\n", "utf-8")


def avaya_hsplit(spec: VendorSpec, calls: pl.DataFrame, grid: pl.DataFrame) -> bytes:
    """Avaya CMS hsplit rows (cp1251, `;`): every split x staffed interval, split named by its synonym."""
    s = _interval_sums(calls).rename({"start": "interval_start"})
    s = grid.join(s, on=["program", "interval_start"], how="left").sort("interval_start", "program")
    edges = np.array(AVAYA_EDGES_S)
    rows = []
    for r in s.iter_rows(named=True):
        waits = np.array(r["waits"] or [], dtype=float)
        buckets = np.bincount(np.searchsorted(edges, np.ceil(waits), side="left"), minlength=10)
        v = {
            k: (r[k] or 0) for k in ("answered", "abandoned", "blocked", "in_sl", "abn_in_sl", "transferred")
        }
        t = {k: round(r[k] or 0) for k in ("ans_wait", "abn_wait", "talk", "hold", "acw")}
        start = r["interval_start"]
        rows.append([
            start.strftime("%d.%m.%Y"), str(start.hour * 100 + start.minute), "30", r["program"],
            str(v["answered"] + v["abandoned"]), str(v["answered"]), str(t["ans_wait"]), str(t["talk"]),
            str(t["acw"]), str(t["hold"]), str(v["abandoned"]), str(t["abn_wait"]),
            *(str(int(b)) for b in buckets), str(v["in_sl"]), str(v["abn_in_sl"]), str(v["blocked"]), "0",
            str(v["transferred"]), str(SL_THRESHOLD_S),
        ])  # fmt: skip
    header = [
        "row_date", "starttime", "intrvl", "split", "callsoffered", "acdcalls", "anstime", "acdtime",
        "acwtime", "holdtime", "abncalls", "abntime", *(f"abncalls{i}" for i in range(1, 11)),
        "acceptable", "slvlabns", "busycalls", "disccalls", "transferred", "targetseconds",
    ]  # fmt: skip
    return csv_bytes(header, rows, ";", "\r\n", "cp1251")


def _uuid(text: str) -> str:
    h = hashlib.sha256(text.encode()).hexdigest()
    return f"{h[:8]}-{h[8:12]}-4{h[13:16]}-a{h[17:20]}-{h[20:32]}"
