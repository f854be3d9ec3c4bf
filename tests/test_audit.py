"""The data audits run at the end of every ingest (warnings with counts) and on demand (`scorecard audit`)."""

from __future__ import annotations

from pathlib import Path

from conftest import write
from typer.testing import CliRunner

from scorecard.cli import app
from scorecard.ingest.run import ingest
from scorecard.sql import audits


def _resent_and_doubled(ws: Path) -> Path:
    """Break two audits the way real workspaces do, with files that are fine one by one: sales in months
    that fx_rates.csv has no rate for, and a vendor whose calls and interval report cover the same
    program-day."""
    write(
        ws / "gamma" / "vendor.toml",
        """
        name = "Gamma"
        timezone = "America/New_York"
        currency = "USD"

        [[exports]]
        table = "calls"
        files = "calls.csv"
        """,
    )
    write(
        ws / "gamma" / "calls.csv",
        """
        call_id,program,arrived_at,outcome,wait_s,talk_s,hold_s,acw_s,transferred,resolved,revenue
        g1,sales,2026-04-15 10:00:00,answered,10,100,0,20,false,true,120
        g2,sales,2026-05-02 10:00:00,answered,10,100,0,20,false,true,80
        g3,sales,2026-06-01 10:00:00,answered,10,100,0,20,false,true,50
        g4,sales,2026-06-03 10:00:00,answered,10,100,0,20,false,true,0
        """,
    )
    write(ws / "fx_rates.csv", "month,currency,rate_to_base,source\n2026-04,USD,0.9,test\n")
    write(
        ws / "beta" / "vendor.toml",
        """
        name = "Beta"
        timezone = "Europe/Paris"
        currency = "EUR"

        [[exports]]
        table = "calls"
        files = "calls.csv"

        [[exports]]
        table = "intervals"
        files = "intervals.csv"
        """,
    )
    write(
        ws / "beta" / "calls.csv",
        """
        call_id,program,arrived_at,outcome,wait_s,talk_s,hold_s,acw_s,transferred,resolved
        b1,support,2026-04-15 10:00:00,answered,10,100,0,20,false,true
        """,
    )
    write(
        ws / "beta" / "intervals.csv",
        """
        program,interval_start,interval_s,answered,abandoned,answered_wait_s,abandoned_wait_s
        support,2026-04-15 10:00:00,1800,4,1,40,12
        """,
    )
    return ws


CONTACTS = (
    "Warning: audit assert_contacts_single_source: 1 row breaks the rule — a program-day's contacts come "
    "from one source; both would count every contact twice. First: vendor_id=beta, program=support, "
    "local_date=2026-04-15, answered_in_calls=1, answered_in_intervals=4."  # b1 vs the report's 4 answered
)
FX = (
    "Warning: audit assert_fx_rates_cover_revenue: 2 rows break the rule — every call with revenue is on a "
    "local date whose month has a rate for the vendor currency (the base currency needs none); a missing "
    "rate leaves revenue_base NULL. First: vendor_id=gamma, currency=USD, month=2026-05, days=1."
)  # g1 (April) has a rate; g2 (2 May) and g3 (1 June) have none; g4 (June) sold nothing


def test_an_ingest_warns_of_each_broken_audit_with_its_count_and_first_row(workspace: Path, tmp_path: Path):
    db = tmp_path / "sc.duckdb"
    result = CliRunner().invoke(app, ["ingest", str(_resent_and_doubled(workspace)), "--db", str(db), "-q"])
    assert result.exit_code == 0, result.output  # the files are fine one by one: warnings, not rejections
    warnings = [line for line in result.output.splitlines() if line.startswith("Warning: audit")]
    assert warnings == [CONTACTS, FX]


def test_scorecard_audit_exits_1_on_a_failure_and_0_on_clean_data(workspace: Path, tmp_path: Path):
    clean, broken = tmp_path / "clean.duckdb", tmp_path / "broken.duckdb"
    report = ingest(workspace, clean)
    assert report.audits is not None and report.audits.failures == ()
    assert set(audits.audit_names()) - set(report.audits.passed) == set(audits.CHECKED_BY_INGEST)
    ok = CliRunner().invoke(app, ["audit", "--db", str(clean)])
    assert ok.exit_code == 0
    assert ok.output.startswith("9 audits: every audit passed (9 passed), in ")
    ingest(_resent_and_doubled(workspace), broken)
    failed = CliRunner().invoke(app, ["audit", "--db", str(broken)])
    assert failed.exit_code == 1
    lines = failed.output.splitlines()
    assert lines[:3] == [
        CONTACTS.replace("Warning: audit", "FAILED "),
        FX.replace("Warning: audit", "FAILED "),
        "        also: vendor_id=gamma, currency=USD, month=2026-06, days=1",
    ]
    assert lines[3].startswith("9 audits: 2 audit(s) failed (7 passed), in ")


def test_scorecard_audit_names_a_missing_database(tmp_path: Path):
    result = CliRunner().invoke(app, ["audit", "--db", str(tmp_path / "none.duckdb")])
    assert result.exit_code == 1
    assert "Build it first with: scorecard ingest WORKSPACE --db" in result.output


def test_a_load_only_ingest_leaves_the_audits_to_the_build_and_says_so(workspace: Path, tmp_path: Path):
    # --no-build is for many batches in a row; the audits read the daily components it does not build
    db = tmp_path / "sc.duckdb"
    args = ["ingest", str(_resent_and_doubled(workspace)), "--db", str(db), "-q", "--no-build"]
    result = CliRunner().invoke(app, args)
    assert result.exit_code == 0, result.output
    assert "Warning: audit" not in result.output
    assert "the data audits run with that build (or now: `scorecard audit`)." in " ".join(
        result.output.split()
    )
    assert CliRunner().invoke(app, ["audit", "--db", str(db)]).exit_code == 1  # on demand they still run
