"""`scorecard check`: the configuration and every file read as the ingest would, nothing loaded; per file
the rows read, rows left out, warnings and errors; exit 0 when everything would load, 1 otherwise."""

from __future__ import annotations

import csv
import shutil
from pathlib import Path

from conftest import write
from test_bank_cdr import FIXTURE, bank_workspace
from typer.testing import CliRunner

from scorecard.cli import app
from scorecard.ingest.check import check_workspace

DEMO = Path(__file__).resolve().parents[1] / "vendors"


def _data_lines(path: Path, encoding: str) -> int:
    """Records of a CSV after its header, counted with the csv module."""
    with path.open(newline="", encoding=encoding) as fh:
        return sum(1 for row in csv.reader(fh) if row) - 1


def test_the_demo_workspace_checks_clean_and_nothing_is_written(tmp_path: Path):
    ws = tmp_path / "vendors"
    shutil.copytree(DEMO, ws)
    before = sorted(p.relative_to(ws).as_posix() for p in ws.rglob("*"))
    result = CliRunner().invoke(app, ["check", str(ws), "--quiet"])
    assert result.exit_code == 0, result.output
    lines = result.output.splitlines()
    assert lines[0].split() == [
        "file",
        "table",
        "format",
        "rows",
        "read",
        "left",
        "out",
        "warnings",
        "errors",
        "result",
    ]
    files = sorted(
        p
        for v in ws.iterdir()
        if (v / "vendor.toml").exists()
        for p in v.rglob("*.*")
        if p.name != "vendor.toml"
    )
    assert len(lines) == 1 + len(files) + 2  # header, one line per file, a blank line, the verdict
    for name in ("cdr_2026-01.csv", "cdr_2026-06.csv"):  # the GBK CDR read through `mapped`
        line = next(x for x in lines if x.startswith(f"cn_hanyu/cdr/{name}"))
        rows = _data_lines(ws / "cn_hanyu" / "cdr" / name, "gbk")
        assert line.split()[1:] == ["calls", "mapped", f"{rows:,}", "0", "0", "0", "would", "load"]
    assert lines[-1].startswith(f"{len(files)} file(s) checked: {len(files)} would load (")
    assert lines[-1].endswith("), 0 would be rejected. Nothing was loaded.")
    assert sorted(p.relative_to(ws).as_posix() for p in ws.rglob("*")) == before  # no database, no state


def broken_workspace(tmp_path: Path) -> Path:
    """The bank workspace, with a month whose new outcome code no rule knows, February sent twice, a
    vendor whose vendor.toml has a typo, and an export whose files have not arrived."""
    root = bank_workspace(tmp_path)
    march = (root / "bank" / "cdr" / "March.txt").read_text(encoding="utf-8")
    (root / "bank" / "cdr" / "March.txt").write_text(
        march.replace("\tAGENT\t7:01:50", "\tTRANSFER\t7:01:50"), encoding="utf-8", newline=""
    )
    shutil.copyfile(FIXTURE / "February.txt", root / "bank" / "cdr" / "February_resent.txt")
    write(
        root / "bank" / "vendor.toml",
        (root / "bank" / "vendor.toml").read_text(encoding="utf-8")
        + '\n[[exports]]\ntable = "costs"\nfiles = "invoices/*.csv"\n',
    )
    write(
        root / "acme" / "vendor.toml",
        'name = "Acme"\ntimezone = "UTC"\ncurrency = "EUR"\n\n[[exports]]\ntable = "calls"\n'
        'format = "mapped"\nfiles = "*.csv"\ncolumns = { call_id = "Id", outcome = "R" }\n'
        'values = { outcome = { OK = "anwsered" } }\n',
    )
    return root


def test_a_broken_workspace_prints_the_table_and_every_reason_and_exits_1(tmp_path: Path):
    root = broken_workspace(tmp_path)
    result = CliRunner().invoke(app, ["check", str(root), "--quiet"])
    assert result.exit_code == 1
    out = result.output
    table = out.split("\n\n", 1)[0].splitlines()
    assert table == [
        "file                          table  format  rows read  left out  warnings  errors  result",
        "bank/cdr/February.txt         calls  mapped         13         2        13       0  would load",
        "bank/cdr/February_resent.txt  calls  mapped         13         2        13      11  rejected",
        "bank/cdr/March.txt            calls  mapped          —         —         0       1  rejected",
    ]
    # February_resent: 13 data lines = 11 calls + the PHANTOM + the cut line; every call is also in February
    assert "Rejected: bank/cdr/February_resent.txt: 11 problem(s)" in out
    assert "line 2, column 'call_id', value 'AA0101 33116': also in bank/cdr/February.txt (line 2)" in out
    assert (
        "Rejected: bank/cdr/March.txt: 1 problem(s); nothing from this file was loaded into 'calls'.\n"
        "  line 3, column 'outcome', value {'outcome': 'TRANSFER', 'q_start': '7:01:35'}: matches no rule "
        "of rules.outcome" in out
    )
    assert (
        "Warning: bank/cdr/February.txt: 1 row(s): left out by rules.outcome #4 (outcome is 'PHANTOM')" in out
    )
    assert "Note: bank: no file matches files = 'invoices/*.csv' (table 'costs')." in out
    assert (
        f"Problem: Vendor acme: {root / 'acme' / 'vendor.toml'} [[exports]] #1: format 'mapped' (table "
        "'calls'): 'values.outcome.OK' = 'anwsered' is not a value of outcome; expected one of: answered, "
        "abandoned, blocked, self_service. Fix it in vendor.toml."
    ) in out
    assert out.rstrip().endswith(
        "3 file(s) checked: 1 would load (11 rows), 2 would be rejected; 1 configuration problem(s). "
        "Nothing was loaded."
    )
    assert not list(root.rglob("*.duckdb"))


def test_check_reads_presets_and_scorecard_toml(tmp_path: Path):
    root = bank_workspace(tmp_path)
    write(root / "presets" / "board.toml", 'name = "Board"\nmethod = "fixed"\n[kpis.asa_s]\nweigth = 3\n')
    report = check_workspace(root)
    assert not report.ok and [f.ok for f in report.files] == [True, True]
    assert report.problems[0].startswith("Preset board: ")
    assert "weigth" in report.problems[0]
    write(root / "scorecard.toml", 'base_currency = "ILS"\nsl_treshold_s = 30\n')
    result = CliRunner().invoke(app, ["check", str(root), "--quiet"])
    assert result.exit_code == 1
    assert result.output == (
        f"Error: Invalid configuration in {root / 'scorecard.toml'}:\n"
        "  unknown key 'sl_treshold_s'; remove it or check its spelling\n"
    )


def test_the_guides_walkthrough_gives_the_check_it_shows(tmp_path: Path):
    """docs/bring-your-data.md: its vendor.toml pieces (steps 3 to 5) put together, on the bank files
    with the new TRANSFER code of step 6, print the table step 6 shows."""
    from docs_blocks import code_block, toml_block

    page, steps = "bring-your-data.md", ("3. Start", "4. Map", "5. Say what")
    root = bank_workspace(tmp_path)
    write(root / "bank" / "vendor.toml", "\n".join(toml_block(page, step) for step in steps))
    march = root / "bank" / "cdr" / "March.txt"
    march.write_text(
        march.read_text(encoding="utf-8").replace("\tAGENT\t7:01:50", "\tTRANSFER\t7:01:50"),
        encoding="utf-8",
        newline="",
    )
    result = CliRunner().invoke(app, ["check", str(root), "--quiet"])
    assert result.exit_code == 1
    shown = code_block(page, "6. Check it", "text").splitlines()
    assert result.output.split("\n\n", 1)[0].splitlines() == shown
    assert shown[1].split()[-5:] == ["2", "13", "0", "would", "load"]


def test_a_month_without_an_fx_rate_is_found_before_loading(tmp_path: Path):
    ws = tmp_path / "vendors"
    shutil.copytree(DEMO, ws)
    rates = (ws / "fx_rates.csv").read_text(encoding="utf-8").splitlines(keepends=True)
    (ws / "fx_rates.csv").write_text("".join(r for r in rates if not r.startswith("2026-03,USD")))
    result = CliRunner().invoke(app, ["check", str(ws), "--quiet"])
    assert result.exit_code == 1  # `scorecard ingest` reports the same gap and exits 1
    assert (
        "Problem: Missing FX rate: us_northstar has costs in USD in 2026-03; add each month's rate to "
        "fx_rates.csv (units of EUR for one USD)." in result.output
    )  # the March invoice line
    assert "Note: Missing FX rate: us_northstar has revenue in USD in 2026-03;" in result.output
    assert result.output.rstrip().endswith(
        "0 would be rejected; 1 configuration problem(s). Nothing was loaded."
    )
