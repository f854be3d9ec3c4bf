"""Routes that once gave a wrong number with exit code 0, each driven through the CLI as a user would.

Every test here failed before the fix it names: a file that cannot be right is rejected with its line,
column, value and rule; a change to the workspace re-reads what it affects; an unknown is never a zero.
"""

from __future__ import annotations

from pathlib import Path

from conftest import write
from typer.testing import CliRunner

from scorecard.cli import app

FIVE9_HEADER = (
    "CALL ID,TIMESTAMP,CAMPAIGN,SKILL,CALL TYPE,AGENT,DISPOSITION,ANI,QUEUE WAIT TIME,TALK TIME,"
    "HOLD TIME,AFTER CALL WORK TIME,TRANSFERS,ABANDONED"
)


def ingest(ws: Path, db: Path) -> tuple[int, str]:
    result = CliRunner().invoke(app, ["ingest", str(ws), "--db", str(db), "--quiet"])
    assert "Traceback" not in result.output
    return result.exit_code, result.output


def five9_workspace(root: Path, talk: str) -> Path:
    write(root / "scorecard.toml", 'base_currency = "EUR"\n')
    write(
        root / "lumiere" / "vendor.toml",
        """
        name = "Lumière"
        timezone = "Europe/Paris"
        currency = "EUR"

        [[exports]]
        table = "calls"
        format = "five9_call_log"
        files = "five9/*.csv"
        """,
    )
    rows = [
        FIVE9_HEADER,
        '1,"Fri, 21 Aug 2026 09:00:06",Care,N1,Inbound,Ana,Done,0145678901,00:00:12,00:04:10,00:00:20,'
        "00:00:45,0,0",
        f'2,"Fri, 21 Aug 2026 09:01:06",Care,N1,Inbound,Ana,Done,0145678902,00:00:12,{talk},00:00:00,'
        "00:00:30,0,0",
    ]
    write(root / "lumiere" / "five9" / "log.csv", "\n".join(rows) + "\n")
    return root


def test_a_negative_five9_duration_is_rejected_not_read_as_positive(tmp_path: Path) -> None:
    # Before: "-00:05:05" was read as 0·3600 + 5·60 + 5 = 305 s and the file loaded with exit 0.
    ws = five9_workspace(tmp_path / "ws", "-00:05:05")
    code, out = ingest(ws, tmp_path / "s.duckdb")
    assert code == 1
    assert (
        "lumiere/five9/log.csv: 1 problem(s); nothing from this file was loaded into 'calls'.\n"
        "  line 3, column 'TALK TIME', value '-00:05:05': negative duration: a duration cannot be negative"
    ) in out


def test_a_negative_mapped_clock_duration_is_rejected(tmp_path: Path) -> None:
    # Before: a mapped "-0:05:30" became 330 s. Plain negative numbers were the only ones caught.
    ws = tmp_path / "ws"
    write(ws / "scorecard.toml", 'base_currency = "EUR"\n')
    write(
        ws / "bank" / "vendor.toml",
        """
        name = "Bank BPO"
        timezone = "UTC"
        currency = "EUR"

        [[exports]]
        table = "calls"
        format = "mapped"
        files = "cdr.csv"
        values = { outcome = { AGENT = "answered", HANG = "abandoned" } }

        [exports.columns]
        call_id = "id"
        program = "line"
        arrived_at = "at"
        outcome = "out"
        wait_s = "q"
        talk_s = "t"
        """,
    )
    write(
        ws / "bank" / "cdr.csv",
        """
        id,line,at,out,q,t
        1,cards,2026-04-01 09:00:00,AGENT,0:00:12,0:04:00
        2,cards,2026-04-01 09:05:00,AGENT,0:00:09,-0:05:30
        3,cards,2026-04-01 09:07:00,HANG,-12,
        """,
    )
    code, out = ingest(ws, tmp_path / "s.duckdb")
    assert code == 1
    assert "line 3, column 't', value '-0:05:30': negative duration: a duration cannot be negative" in out
    assert "line 4, column 'wait_s', value '-12.0': must be ≥ 0" in out


def test_a_ragged_line_names_its_line_and_field_count(tmp_path: Path) -> None:
    # Before: the short line's values were read shifted, and the message said "row 2" for line 3.
    ws = tmp_path / "ws"
    write(ws / "scorecard.toml", 'base_currency = "EUR"\n')
    write(
        ws / "bank" / "vendor.toml",
        """
        name = "Bank BPO"
        timezone = "UTC"
        currency = "EUR"

        [[exports]]
        table = "calls"
        format = "mapped"
        files = "cdr.tsv"
        delimiter = "\\t"
        columns = { call_id = "id", program = "line", arrived_at = "at", outcome = "out", wait_s = "q" }
        """,
    )
    write(
        ws / "bank" / "cdr.tsv",
        "id\tline\tat\tout\tq\n"
        "1\tcards\t2026-04-01 09:00:00\tanswered\t12\n"
        "2\tcards\t2026-04-01 09:05:00\tanswered\n"
        '3\t"cards\nplatinum"\t2026-04-01 09:06:00\tanswered\t5\n'  # a quoted field over two lines
        "4\tcards\t2026-04-01 09:07:00\tabandoned\t30\textra\n",
    )
    code, out = ingest(ws, tmp_path / "s.duckdb")
    assert code == 1
    assert "bank/cdr.tsv: 2 problem(s); nothing from this file was loaded into 'calls'." in out
    assert (
        "  line 3, column '(line)', value '2\\tcards\\t2026-04-01 09:05:00\\tanswered': "
        "line 3 has 4 fields, expected 5 (tab-separated)"
    ) in out
    # line 4 starts the quoted two-line record, so the next record is on line 6
    assert "line 6 has 6 fields, expected 5 (tab-separated)" in out


def test_blank_lines_are_skipped_and_counted_in_line_numbers(tmp_path: Path) -> None:
    ws = tmp_path / "ws"
    write(ws / "scorecard.toml", 'base_currency = "EUR"\n')
    write(
        ws / "acme" / "vendor.toml",
        """
        name = "Acme"
        timezone = "UTC"
        currency = "EUR"

        [[exports]]
        table = "calls"
        files = "calls.csv"
        """,
    )
    write(
        ws / "acme" / "calls.csv",
        "call_id,program,arrived_at,outcome,wait_s\n"
        "c1,p,2026-04-01 09:00:00,answered,3\n"
        "\n"
        "c2,p,2026-04-01 09:01:00,answered,x\n",
    )
    code, out = ingest(ws, tmp_path / "s.duckdb")
    assert code == 1
    assert "line 4, column 'wait_s', value 'x': not a number" in out  # the blank line 3 still counts


def _kpis(db: Path, *args: str) -> list[dict]:
    import json

    result = CliRunner().invoke(app, ["kpis", "--db", str(db), "--format", "json", *args])
    assert result.exit_code == 0, result.output
    return json.loads(result.stdout)


def test_survey_non_responses_load_with_a_warning(tmp_path: Path) -> None:
    # Before: one survey without any answer rejected the whole file, and with it every survey.
    ws = tmp_path / "ws"
    write(ws / "scorecard.toml", 'base_currency = "EUR"\nfcr_method = "survey"\n')
    write(
        ws / "acme" / "vendor.toml",
        """
        name = "Acme"
        timezone = "UTC"
        currency = "EUR"

        [[exports]]
        table = "surveys"
        files = "surveys.csv"
        """,
    )
    write(
        ws / "acme" / "surveys.csv",
        """
        survey_id,responded_at,csat,resolved
        s1,2026-04-01 10:00:00,5,true
        s2,2026-04-01 11:00:00,,
        s3,2026-04-02 10:00:00,3,false
        s4,2026-04-02 12:00:00,4,
        s5,2026-04-03 09:00:00,,
        s6,2026-04-03 10:00:00,,true
        """,
    )
    db = tmp_path / "s.duckdb"
    code, out = ingest(ws, db)
    assert code == 0, out
    assert "loaded    acme/surveys.csv  surveys            6 rows, 2 with warnings" in out
    assert (
        "Warning: acme/surveys.csv: 2 row(s): survey without an answer (no csat score and no resolved "
        "answer): loaded, counted in neither CSAT nor FCR (first: line 3)"
    ) in out
    (row,) = _kpis(db, "--vendor", "acme")
    # csat over the answered csat only: s1 5, s3 3, s4 4 -> 2 of 3 are >= 4
    assert row["csat_rate"] == 2 / 3
    # fcr (survey) over the answered resolved question only: s1 yes, s3 no, s6 yes -> 2 of 3
    assert row["fcr_rate"] == 2 / 3


def _connect_workspace(root: Path, no_blocking: bool) -> Path:
    write(root / "scorecard.toml", 'base_currency = "EUR"\n')
    extra = "no_blocking = true  # cloud contact center without a trunk limit\n" if no_blocking else ""
    write(
        root / "north" / "vendor.toml",
        f"""
name = "Northstar"
timezone = "UTC"
currency = "EUR"

[[exports]]
table = "calls"
format = "amazon_connect_ctr"
files = "ctr/*.jsonl"
{extra}""",
    )
    fixture = Path(__file__).parent / "fixtures" / "adapters" / "amazon_connect_ctr.jsonl"
    (root / "north" / "ctr").mkdir(parents=True)
    (root / "north" / "ctr" / "2026-08.jsonl").write_bytes(fixture.read_bytes())
    return root


def test_a_cdr_that_cannot_record_busy_signals_has_an_unknown_blockage(tmp_path: Path) -> None:
    # Before: Amazon Connect records no blocked calls, so blockage was 0 % and scored full points.
    db = tmp_path / "s.duckdb"
    code, out = ingest(_connect_workspace(tmp_path / "ws", no_blocking=False), db)
    assert code == 0, out
    (row,) = _kpis(db)
    assert (row["blockage_rate"], row["blocked"], row["attempts"]) == (None, None, None)
    # what it records is known: c1 and c7 answered, c2 abandoned after 3 s (a short abandon), c3 in the IVR
    assert (row["answered"], row["abandoned"], row["self_service"], row["abandon_rate"]) == (2, 1, 1, 0.0)
    notes = CliRunner().invoke(app, ["kpis", "--db", str(db)])  # the table explains every empty KPI
    assert (
        "the calls export (amazon_connect_ctr, ctr/*.jsonl) of Northstar does not record blocked calls "
        "(busy signals); if the line cannot be busy, declare no_blocking = true on the export"
    ) in notes.output


def test_no_blocking_declares_a_zero(tmp_path: Path) -> None:
    db = tmp_path / "s.duckdb"
    code, out = ingest(_connect_workspace(tmp_path / "ws", no_blocking=True), db)
    assert code == 0, out
    (row,) = _kpis(db)
    assert (row["blockage_rate"], row["blocked"]) == (0.0, 0)


def test_an_interval_report_without_an_abandon_count_loads_with_abandonment_unknown(tmp_path: Path) -> None:
    # Before: `abandoned` was required, so the user had to map it to 0 and the vendor ranked first
    # on an invented 0 % abandonment.
    ws = tmp_path / "ws"
    write(ws / "scorecard.toml", 'base_currency = "EUR"\n')
    write(
        ws / "volga" / "vendor.toml",
        """
        name = "Volga"
        timezone = "Europe/Moscow"
        currency = "EUR"

        [[exports]]
        table = "intervals"
        format = "mapped"
        files = "daily.csv"
        constants = { program = "main", interval_s = "1d" }
        columns = { interval_start = "Day", answered = "Answered", answered_wait_s = "Wait total" }
        """,
    )
    write(ws / "volga" / "daily.csv", "Day,Answered,Wait total\n2026-04-01,100,1500\n2026-04-02,80,1600\n")
    db = tmp_path / "s.duckdb"
    code, out = ingest(ws, db)
    assert code == 0, out
    (row,) = _kpis(db)
    assert row["abandon_rate"] is None and row["abandoned"] is None
    assert row["asa_s"] == (1500 + 1600) / (100 + 80)  # what the report does carry is computed
    notes = CliRunner().invoke(app, ["kpis", "--db", str(db)]).output
    assert "the intervals export (mapped, daily.csv) of Volga does not record abandoned" in notes


def _decimal_comma_workspace(root: Path) -> Path:
    write(root / "scorecard.toml", 'base_currency = "EUR"\n')
    write(
        root / "acme" / "vendor.toml",
        """
        name = "Acme"
        timezone = "UTC"
        currency = "EUR"

        [[exports]]
        table = "calls"
        files = "calls/*.csv"
        delimiter = ";"
        decimal = ","

        [[exports]]
        table = "costs"
        files = "costs.csv"
        delimiter = ";"
        decimal = ","
        """,
    )
    write(
        root / "acme" / "calls" / "2026-04.csv",
        """
        call_id;program;arrived_at;outcome;wait_s;talk_s
        c1;p;2026-04-01 09:00:00;answered;12,5;1.234,5
        c2;p;2026-04-01 09:05:00;answered;3;60
        """,
    )
    write(
        root / "acme" / "costs.csv",
        "period_start;period_end;amount;kind\n2026-04-01;2026-04-30;9.800,00;invoice\n",
    )
    return root


def test_a_dot_decimal_in_a_decimal_comma_export_is_rejected_not_read_ten_times_larger(
    tmp_path: Path,
) -> None:
    # Before: with decimal = ",", "1.5" was read as 15 (the '.' deleted as a thousands separator) and
    # "9,800.00" as 9.8; the ingest exited 0 and cost per call came out wrong.
    import duckdb

    ws, db = _decimal_comma_workspace(tmp_path / "ws"), tmp_path / "s.duckdb"
    code, out = ingest(ws, db)
    assert code == 0, out
    con = duckdb.connect(str(db), read_only=True)
    assert con.execute("select wait_s, talk_s from raw_calls order by call_id").fetchall() == [
        (12.5, 1234.5),
        (3.0, 60.0),
    ]
    assert con.execute("select amount from raw_costs").fetchall() == [(9800.0,)]
    con.close()
    before = _kpis(db)

    write(
        ws / "acme" / "calls" / "2026-05.csv",
        """
        call_id;program;arrived_at;outcome;wait_s;talk_s
        c3;p;2026-05-01 09:00:00;answered;4;30
        c4;p;2026-05-01 09:05:00;answered;1.5;-1.5
        """,
    )
    write(
        ws / "acme" / "costs.csv",
        "period_start;period_end;amount;kind\n2026-04-01;2026-04-30;9,800.00;invoice\n",
    )
    code, out = ingest(ws, db)
    assert code == 1, out
    fmt = (
        "in this export's format (decimal ',', thousands '.' only between groups of 3 digits) — check "
        "`decimal`"
    )
    assert "acme/calls/2026-05.csv: 2 problem(s); nothing from this file was loaded into 'calls'." in out
    assert f"  line 3, column 'wait_s', value '1.5': not a number {fmt} in vendor.toml" in out
    assert f"  line 3, column 'talk_s', value '-1.5': not a number {fmt} in vendor.toml" in out
    assert "acme/costs.csv: 1 problem(s); nothing from this file was loaded into 'costs'." in out
    assert f"  line 2, column 'amount', value '9,800.00': not a number {fmt} in vendor.toml" in out
    assert _kpis(db) == before  # nothing loaded changed: the April calls and the 9,800.00 invoice stay


def test_a_misgrouped_thousands_separator_in_a_mapped_export_is_rejected(tmp_path: Path) -> None:
    # Before: with thousands = ",", "1,5" was read as 15 and "1.234,5" as 1.2345, exit 0.
    ws = tmp_path / "ws"
    write(ws / "scorecard.toml", 'base_currency = "EUR"\n')
    write(
        ws / "bank" / "vendor.toml",
        """
        name = "Bank BPO"
        timezone = "UTC"
        currency = "EUR"

        [[exports]]
        table = "calls"
        format = "mapped"
        files = "cdr.csv"
        thousands = ","
        values = { outcome = { AGENT = "answered", HANG = "abandoned" } }

        [exports.columns]
        call_id = "id"
        program = "line"
        arrived_at = "at"
        outcome = "out"
        wait_s = "q"
        talk_s = "t"
        """,
    )
    write(
        ws / "bank" / "cdr.csv",
        """
        id,line,at,out,q,t
        1,cards,2026-04-01 09:00:00,AGENT,12.5,"1,234.5"
        2,cards,2026-04-01 09:05:00,AGENT,"1,5",60
        3,cards,2026-04-01 09:07:00,AGENT,3,"1.234,5"
        """,
    )
    code, out = ingest(ws, tmp_path / "s.duckdb")
    assert code == 1, out
    fmt = (
        "in this export's format (decimal '.', thousands ',' only between groups of 3 digits) — check "
        "`decimal` and `thousands` in vendor.toml"
    )
    assert "bank/cdr.csv: 2 problem(s); nothing from this file was loaded into 'calls'." in out
    assert f"  line 3, column 'q', value '1,5': not a number {fmt}" in out
    assert f"  line 4, column 't', value '1.234,5': not a number {fmt}" in out
