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
