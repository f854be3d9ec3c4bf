"""The bad-input corpus (tests/bad_inputs/): every broken export, configuration or file-system oddity is
run through `scorecard ingest` against a copy of one small ingested workspace, and must end as its
case.toml says — exit code, message fragments, the rule named, no traceback — with every vendor's KPIs
and every loaded row exactly unchanged after a rejected case.
"""

from __future__ import annotations

import os
import re
import shutil
import tomllib
from dataclasses import dataclass, field
from pathlib import Path

import duckdb
import polars as pl
import pytest
from bad_inputs import base
from typer.testing import CliRunner

from scorecard.cli import app
from scorecard.ingest import plausible
from scorecard.ingest.run import ingest
from scorecard.metrics.kpis import kpis

CORPUS = Path(__file__).parent / "bad_inputs"
DOC = Path(__file__).parent.parent / "docs" / "bad-input.md"
SOURCES = Path(__file__).parent.parent / "scorecard" / "ingest"
START = "<!-- corpus: generated from tests/bad_inputs by tests/test_bad_inputs.py; do not edit by hand -->"
END = "<!-- end of corpus -->"
OUTCOMES = ("rejected", "problem", "loaded_with_warning", "held", "loaded")
RAW = ("calls", "intervals", "agent_time", "surveys", "quality", "costs")


@dataclass(frozen=True)
class Case:
    """One corpus entry: a folder whose files overlay the base workspace, and its case.toml."""

    name: str
    folder: Path
    what: str
    outcome: str
    rule: str
    exit: int
    contains: list[str]
    absent: list[str] = field(default_factory=list)
    steps: dict = field(default_factory=dict)


def load_cases() -> list[Case]:
    cases = []
    for toml in sorted(CORPUS.glob("*/case.toml")):
        raw = tomllib.loads(toml.read_text(encoding="utf-8"))
        cases.append(
            Case(
                toml.parent.name,
                toml.parent,
                raw.pop("what"),
                raw.pop("outcome"),
                raw.pop("rule"),
                raw.pop("exit"),
                raw.pop("contains"),
                raw.pop("absent", []),
                raw,
            )
        )
    return cases


CASES = load_cases()


def snapshot(db_path: Path) -> tuple[list[dict], list[tuple]]:
    """Every vendor's KPIs over all its data, and the rows loaded per table, vendor and file."""
    con = duckdb.connect(str(db_path), read_only=True)
    try:
        frame = kpis(con, grain="all").sort("vendor_id")
        counts = []
        for table in RAW:
            counts += con.execute(
                f"select '{table}', vendor_id, source_file, count(*), hash(list(source_row order by "
                f"source_row)) from raw_{table} group by all order by all"
            ).fetchall()
    finally:
        con.close()
    return frame.to_dicts(), counts


@pytest.fixture(scope="session")
def baseline(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, Path, tuple]:
    """The base workspace ingested once per session: (workspace, database, snapshot)."""
    root = tmp_path_factory.mktemp("bad_inputs_base")
    ws, db_path = root / "ws", root / "base.duckdb"
    base.build(ws)
    report = ingest(ws, db_path)
    assert report.ok, report.problems
    assert {f.status for f in report.files} == {"loaded"}
    return ws, db_path, snapshot(db_path)


def apply(case: Case, ws: Path) -> None:
    """Overlay the case's files on the workspace, then its steps (remove, mkdir, symlink, chmod)."""
    for src in sorted(case.folder.rglob("*")):
        if src.is_file() and src.name != "case.toml":
            dest = ws / src.relative_to(case.folder)
            dest.parent.mkdir(parents=True, exist_ok=True)
            if dest.is_symlink() or dest.is_file():
                dest.unlink()
            shutil.copyfile(src, dest)
    for rel in case.steps.get("remove", []):
        target = ws / rel
        shutil.rmtree(target) if target.is_dir() and not target.is_symlink() else target.unlink()
    for rel in case.steps.get("mkdir", []):
        (ws / rel).mkdir(parents=True)
    for link in case.steps.get("symlink", []):
        (ws / link["path"]).parent.mkdir(parents=True, exist_ok=True)
        (ws / link["path"]).symlink_to(link["to"])
    for entry in case.steps.get("chmod", []):
        os.chmod(ws / entry["path"], entry["mode"])


def test_the_corpus_is_large_and_well_formed():
    assert len(CASES) >= 75
    for case in CASES:
        assert case.outcome in OUTCOMES, case.name
        assert case.exit == (1 if case.outcome in ("rejected", "problem") else 0), case.name
        assert case.contains and case.what, case.name
        assert set(case.steps) <= {"remove", "mkdir", "symlink", "chmod", "kpis_change"}, case.name


@pytest.mark.parametrize("case", CASES, ids=[c.name for c in CASES])
def test_bad_input(case: Case, baseline: tuple[Path, Path, tuple], tmp_path: Path):
    base_ws, base_db, before = baseline
    ws, db_path = tmp_path / "ws", tmp_path / "scorecard.duckdb"
    shutil.copytree(base_ws, ws, symlinks=True)
    shutil.copyfile(base_db, db_path)
    apply(case, ws)
    if case.steps.get("chmod") and os.geteuid() == 0:
        pytest.skip("permissions do not bind root")  # pragma: no cover
    try:
        result = CliRunner().invoke(app, ["ingest", str(ws), "--db", str(db_path), "--quiet"])
    finally:
        for entry in case.steps.get("chmod", []):
            os.chmod(ws / entry["path"], 0o755)
    out = result.output
    assert result.exception is None or isinstance(result.exception, SystemExit), out
    assert "Traceback" not in out
    assert result.exit_code == case.exit, out
    for fragment in [*case.contains, *([case.rule] if case.rule else [])]:
        assert fragment in out, f"{fragment!r} not in:\n{out}"
    for fragment in case.absent:
        assert fragment not in out, f"{fragment!r} in:\n{out}"
    after = snapshot(db_path)
    if case.outcome in ("rejected", "held") and not case.steps.get("kpis_change"):
        assert after == before  # nothing loaded is lost or half-changed
    if case.outcome == "loaded_with_warning":
        assert "Warning:" in out
    if case.outcome == "held":
        assert "Held back:" in out
    if case.outcome == "problem":
        assert "Problem:" in out and "Rejected:" not in out, out
    if case.outcome not in ("rejected", "problem"):
        assert "Rejected:" not in out and "Problem:" not in out, out


def test_a_rejected_case_leaves_kpis_equal_to_the_baseline_through_the_cli(baseline, tmp_path: Path):
    """The KPI table `scorecard kpis` prints is byte-identical before and after a rejected file."""
    base_ws, base_db, _ = baseline
    ws, db_path = tmp_path / "ws", tmp_path / "scorecard.duckdb"
    shutil.copytree(base_ws, ws)
    shutil.copyfile(base_db, db_path)
    before = CliRunner().invoke(app, ["kpis", "--db", str(db_path), "--format", "csv"]).output
    (ws / "north" / "calls" / "2026-05.csv").write_text(
        "call_id,program,arrived_at,outcome,wait_s,talk_s\nn-1,support,2026-04-07 10:00:00,answered,3,NaN\n",
        encoding="utf-8",
    )
    result = CliRunner().invoke(app, ["ingest", str(ws), "--db", str(db_path), "--quiet"])
    assert result.exit_code == 1
    after = CliRunner().invoke(app, ["kpis", "--db", str(db_path), "--format", "csv"]).output
    assert after == before and pl.read_csv(before.encode()).height == 10  # 10 vendors


def corpus_table(cases: list[Case]) -> str:
    """The corpus as the Markdown table of docs/bad-input.md."""

    def cell(text: str) -> str:
        return text.replace("|", "\\|").replace("\n", " ")

    rows = ["| case | what it is | outcome | rule | the message says |", "|---|---|---|---|---|"]
    for c in cases:
        rule = f"`{c.rule}`" if re.fullmatch(r"[a-z0-9_]+", c.rule) else cell(c.rule) or "—"
        says = "; ".join(f"“{cell(f)}”" for f in c.contains)
        rows.append(f"| `{c.name}` | {cell(c.what)} | {c.outcome} (exit {c.exit}) | {rule} | {says} |")
    return "\n".join(rows)


def test_the_doc_lists_every_case_of_the_corpus():
    """docs/bad-input.md holds the generated corpus table; SCORECARD_WRITE_DOCS=1 rewrites it."""
    text = DOC.read_text(encoding="utf-8")
    head, rest = text.split(START + "\n", 1)
    _, tail = rest.split(END, 1)
    expected = f"{head}{START}\n{corpus_table(CASES)}\n{END}{tail}"
    if os.environ.get("SCORECARD_WRITE_DOCS"):
        DOC.write_text(expected, encoding="utf-8")
    assert text == expected, "run SCORECARD_WRITE_DOCS=1 pytest tests/test_bad_inputs.py to regenerate"


def _rule_names() -> set[str]:
    """Every rule name a message can quote: the plausibility rules and the file checks."""
    names = {r.name for r in plausible.RULES} | {"date_in_window"}
    for path in (SOURCES / "adapters").glob("*.py"):
        code = path.read_text(encoding="utf-8")
        names |= set(re.findall(r"_rule\(\\?[\"'](\w+)\\?[\"']\)", code))
        names |= set(re.findall(r"\(rule (\w+)\)", code))
    return names


def test_every_rule_has_a_row_in_the_doc():
    names = _rule_names()
    assert {"finite_number", "wrong_delimiter", "formula_without_value", "unclosed_quote"} <= names
    rules = DOC.read_text(encoding="utf-8").split("## The rules", 1)[1].split("## The corpus", 1)[0]
    documented = set(re.findall(r"^\| `(\w+)` \|", rules, flags=re.M))
    assert documented == names
    warnings = {"survey_no_answer", "left_out_not_inbound"}  # warning rules: docs/design.md
    assert {c.rule for c in CASES if re.fullmatch(r"[a-z0-9_]+", c.rule)} <= names | warnings


CHECKED = ("bom_semicolon", "xlsx_formulas_without_values", "unclosed_quote", "nan_duration", "csv_is_xlsx")


@pytest.mark.parametrize("name", CHECKED)
def test_scorecard_check_names_the_same_rule_without_loading(name: str, baseline, tmp_path: Path):
    """`scorecard check` reads as the ingest does: the same rule, the same fragments, nothing written."""
    (case,) = [c for c in CASES if c.name == name]
    ws = tmp_path / "ws"
    shutil.copytree(baseline[0], ws)
    apply(case, ws)
    result = CliRunner().invoke(app, ["check", str(ws), "--quiet"])
    assert result.exception is None or isinstance(result.exception, SystemExit), result.output
    assert result.exit_code == 1, result.output
    for fragment in [*case.contains, case.rule]:
        assert fragment in result.output, f"{fragment!r} not in:\n{result.output}"
