"""The product's docs (docs/) say everything the code accepts: every configuration key, format option,
canonical column, outcome, KPI id, preset key, warning rule and command; their links resolve; and nothing
in the repository points outside it."""

from __future__ import annotations

import re
import subprocess
from pathlib import Path

import pytest
from docs_blocks import DOCS, section

from scorecard.access.config import AccessFile, Rule
from scorecard.cli._app import app
from scorecard.ingest.adapters import REGISTRY, mapped_rules
from scorecard.ingest.adapters import mapped_spec as ms
from scorecard.ingest.db import CANONICAL
from scorecard.ingest.schemas import OUTCOMES, SCHEMAS, WARNINGS
from scorecard.metrics import catalogue
from scorecard.present.reference import reference_markdown
from scorecard.scoring import presets
from scorecard.workspace import contract
from scorecard.workspace.config import Deadline, ExportFile, VendorFile, WorkspaceFile

ROOT = DOCS.parent


def page(name: str) -> str:
    return (DOCS / name).read_text(encoding="utf-8")


def table_keys(text: str) -> set[str]:
    """The first cell of every Markdown table row that is a `code` name."""
    return set(re.findall(r"^\| `([\w.<>-]+)` \|", text, flags=re.MULTILINE))


@pytest.mark.parametrize(
    ("model", "where"),
    [(WorkspaceFile, "scorecard.toml"), (VendorFile, "vendor.toml"), (ExportFile, "Exports")],
    ids=["scorecard.toml", "vendor.toml", "exports"],
)
def test_every_configuration_key_has_a_row_in_configuration_md(model, where: str):
    rows = table_keys(section("configuration.md", f"`{where}`" if where != "Exports" else where))
    assert set(model.model_fields) <= rows, sorted(set(model.model_fields) - rows)


def test_deadline_keys_and_reader_options_are_documented():
    text = section("configuration.md", "Exports")
    for key in Deadline.model_fields:
        assert f"{key} =" in text, key
    for period in ("week", "month", "quarter"):
        assert f'"{period}"' in text


@pytest.mark.parametrize("fmt", sorted(REGISTRY), ids=str)
def test_every_format_and_each_of_its_options_is_documented_in_its_section(fmt: str):
    text = section("adapters.md", f"`{fmt}`")
    for option in sorted(REGISTRY[fmt].options):
        found = re.search(rf"`{option}[` ]", text)
        assert found, f"docs/adapters.md, section `{fmt}`: option `{option}` is missing"
    heading = re.search(rf"^#+ `{fmt}`(?: \(([^)]*)\))?", page("adapters.md"), flags=re.MULTILINE)
    tables = REGISTRY[fmt].tables
    if tables == set(CANONICAL):  # canonical and mapped feed every table
        assert heading.group(1) in ("every table", None), heading.group(0)
    else:
        assert set(heading.group(1).split(", ")) == tables, heading.group(0)


def test_every_part_of_a_mapping_is_documented():
    text = section("adapters.md", "`mapped`")
    assert table_keys(section("adapters.md", "Keys")) == set(ms.OPTIONS)  # one row per key, no more
    values = [*mapped_rules.RULE_KEYS, *ms.REPORTED_KEYS, *ms.DURATION_UNITS, *ms.CALENDAR, *ms.RAGGED]
    for value in (*values, "percent", "fraction"):
        assert f"`{value}`" in text or f'"{value}"' in text, value


def test_every_canonical_column_is_documented_with_its_type_and_whether_it_is_required():
    types = {"VARCHAR": "text", "TIMESTAMP": "timestamp", "DATE": "date", "DOUBLE": "number",
             "BIGINT": "whole number", "BOOLEAN": "true/false"}  # fmt: skip
    for table, columns in CANONICAL.items():
        text = section("tables.md", f"`{table}`")
        found = re.findall(r"^\| `(\w+)` \| ([^|]+) \|[^|]*\| (yes|no) \|", text, re.M)
        rows = {m[0]: m[1:] for m in found}
        assert list(rows) == list(columns), table  # every column, in the table's order
        fields = SCHEMAS[table].to_schema().columns
        for col, kind in columns.items():
            doc_type, required = (c.strip() for c in rows[col])
            assert doc_type == types[kind], (table, col)
            assert (required == "yes") == (not fields[col].nullable), (table, col)


def test_outcomes_and_cost_kinds_are_documented():
    outcomes = table_keys(section("tables.md", "Outcomes"))
    assert outcomes == set(OUTCOMES)
    assert all(f"`{kind}`" in section("tables.md", "`costs`") for kind in ms.ALLOWED["kind"])


def test_every_kpi_component_and_volume_is_in_kpis_md():
    text = page("kpis.md")
    for name in (*catalogue.KPI_COLUMNS, *catalogue.COMPONENT_COLUMNS, *catalogue.VOLUME_COLUMNS):
        assert re.search(rf"`{name}`|\| {name} \|", text), name
    for variant in catalogue.SL_VARIANTS:
        assert f"`{variant}`" in section("kpis.md", "Service-level variants")
    for method in catalogue.FCR_METHODS:
        assert f"`{method}`" in section("kpis.md", "First-contact resolution methods")


def test_the_kpi_reference_in_the_docs_is_what_scorecard_definitions_prints():
    text = page("kpis.md")
    block = text.split("tests/test_docs.py keeps it current -->\n", 1)[1].split("<!-- end of generated", 1)[0]
    assert block == reference_markdown(), "run `scorecard definitions --format markdown` into docs/kpis.md"


def test_contract_preset_and_access_keys_are_documented():
    for key in (*contract._TOP_KEYS, *contract._TERM_KEYS):
        assert f"`{key}`" in page("contract.md"), key
    scoring = page("scoring.md")
    for key in (
        *presets._TOP_KEYS,
        *presets._KPI_KEYS,
        *presets.METHODS,
        *presets.MISSING,
        *presets.KPI_METHODS,
    ):
        assert f"`{key}`" in scoring or f"{key} =" in scoring, key
    for name in presets.preset_files():
        assert f"`{name}`" in scoring, name
    access = page("access.md")
    for key in (*AccessFile.model_fields, *Rule.model_fields):
        assert f"{key} =" in access or f"`{key}`" in access or f"[[{key}]]" in access, key


def _warning_rules() -> set[str]:
    """Every warning rule name the code can produce."""
    rules = {w.rule for ws in WARNINGS.values() for w in ws}
    for path in (ROOT / "scorecard").rglob("*.py"):
        code = path.read_text(encoding="utf-8")
        rules |= set(re.findall(r'"((?:left_out|unknown)_[a-z_]+)"', code))
        if 'f"left_out_by_{key}"' in code:
            rules |= {"left_out_by_drop", "left_out_by_keep"}
    return rules


def test_every_warning_rule_is_documented():
    rules = _warning_rules()
    assert {"survey_no_answer", "left_out_by_rules", "unknown_by_nulls", "left_out_ragged_line"} <= rules
    text = section("design.md", "Errors and warnings")
    for rule in rules:
        assert f"`{rule}`" in text, rule


def test_every_command_is_in_the_readme():
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    names = {c.name for c in app.registered_commands} | {g.name for g in app.registered_groups}
    assert "check" in names
    for name in names:
        assert f"scorecard {name}" in readme, name


def _slug(heading: str) -> str:
    """The anchor GitHub gives a heading."""
    text = re.sub(r"[^\w\- ]", "", heading.strip().lower())
    return text.replace(" ", "-")


def _markdown_files() -> list[Path]:
    return [ROOT / "README.md", *sorted(DOCS.glob("*.md"))]


@pytest.mark.parametrize("md", _markdown_files(), ids=lambda p: p.name)
def test_links_between_pages_resolve(md: Path):
    text = re.sub(r"```.*?```", "", md.read_text(encoding="utf-8"), flags=re.DOTALL)
    for target in re.findall(r"\]\(([^)\s]+)\)", text):
        if target.startswith(("http://", "https://", "mailto:")):
            continue
        file, _, anchor = target.partition("#")
        dest = (md.parent / file).resolve() if file else md
        assert dest.is_file() and ROOT in dest.parents, f"{md.name}: link to {target}"
        if anchor:
            headings = re.findall(r"^#+ (.+)$", dest.read_text(encoding="utf-8"), flags=re.MULTILINE)
            assert anchor in {_slug(h) for h in headings}, f"{md.name}: no heading for #{anchor} in {file}"


#: Text that would point at a file outside the repository. The only exception is the one documented
#: place of the data sets without a licence (tests/data/README.md, tests/conftest.py EXTERNAL_DATA).
OUTSIDE = re.compile(r"/work/|\.\./shared|shared/DESIGN|\bDESIGN\.md\b|STYLE\.md|GUIDE\.md")
EXTERNAL_DATA_FILES = {"tests/conftest.py", "tests/data/README.md"}


def test_nothing_in_the_repository_points_outside_it():
    if (ROOT / ".git").exists():
        files = subprocess.run(
            ["git", "ls-files", "--cached", "--others", "--exclude-standard"],
            cwd=ROOT, capture_output=True, text=True, check=True,
        ).stdout.split()  # fmt: skip
    else:  # a copy of the repository without its history (tests/test_adding_a_kpi.py)
        skip = {".venv", "__pycache__", ".pytest_cache", ".ruff_cache", "test-artifacts"}
        files = [p.relative_to(ROOT).as_posix() for p in ROOT.rglob("*") if not skip & set(p.parts)]
    offenders = []
    for name in files:
        path = ROOT / name
        if (
            path.suffix not in {".py", ".md", ".toml", ".sql", ".txt", ".cfg", ".yml", ".yaml", ""}
            or not path.is_file()
        ):
            continue
        text = path.read_text(encoding="utf-8", errors="replace")
        for n, line in enumerate(text.splitlines(), start=1):
            if OUTSIDE.search(line) and name != "tests/test_docs.py":
                offenders.append(f"{name}:{n}: {line.strip()}")
            external = "shared/data" in line.replace('" / "', "/")
            if external and name not in EXTERNAL_DATA_FILES and name != "tests/test_docs.py":
                offenders.append(f"{name}:{n}: {line.strip()}")
    assert not offenders, "\n".join(offenders)


def test_scorecard_definitions_into_rewrites_only_the_generated_reference(tmp_path: Path):
    from typer.testing import CliRunner

    original = page("kpis.md")
    start = original.index("tests/test_docs.py keeps it current -->\n") + len(
        "tests/test_docs.py keeps it current -->\n"
    )
    end = original.index("<!-- end of generated")
    stale = tmp_path / "kpis.md"
    stale.write_text(original[:start] + "| old | table |\n" + original[end:], encoding="utf-8")
    args = ["definitions", "--format", "markdown", "--into", str(stale)]
    result = CliRunner().invoke(app, args)
    assert result.exit_code == 0, result.output
    assert stale.read_text(encoding="utf-8") == original
    plain = tmp_path / "plain.md"
    plain.write_text("# no markers\n", encoding="utf-8")
    result = CliRunner().invoke(app, ["definitions", "--into", str(plain)])
    assert result.exit_code == 1
    assert result.output.startswith(f"Error: {plain} has no generated KPI reference: add a line starting")
    assert plain.read_text(encoding="utf-8") == "# no markers\n"
