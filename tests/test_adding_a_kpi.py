"""docs/internals.md "Adding a KPI" is true: its steps, followed in a temporary copy of the repository,
give a new KPI that the relevant tests accept, with nothing else edited.

The three blocks of the section (the TOML table, the hand-worked test, the commands) are taken from
the page itself, so the documentation cannot drift from what works.
"""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
COPIED = (
    "scorecard",
    "scorecard_demo",
    "queries",
    "tests",
    "benchmarks",
    "docs",
    "pyproject.toml",
    "README.md",
)


def _section() -> str:
    text = (ROOT / "docs" / "internals.md").read_text(encoding="utf-8")
    return text.split("## Adding a KPI", 1)[1].split("\n## ", 1)[0]


def _block(section: str, language: str) -> str:
    """The one fenced block of `language` in the section, without the list item's indentation."""
    (found,) = re.findall(rf"```{language}\n(.*?)\n\s*```", section, flags=re.S)
    return "\n".join(line.removeprefix("   ") for line in found.splitlines()) + "\n"


def _copy(dest: Path) -> None:
    ignore = shutil.ignore_patterns("__pycache__", "data", "results", "*.duckdb*", "test-artifacts")
    for name in COPIED:
        src = ROOT / name
        if src.is_dir():
            shutil.copytree(src, dest / name, ignore=ignore)
        else:
            shutil.copy2(src, dest / name)


def test_the_documented_steps_add_a_kpi(tmp_path: Path) -> None:
    section = _section()
    table, test, command = _block(section, "toml"), _block(section, "python"), _block(section, "bash")
    kpi_id = re.match(r"\[kpis\.(\w+)\]", table).group(1)  # type: ignore[union-attr]
    repo = tmp_path / "repo"
    _copy(repo)
    # Step 1: the table, at the end of the declaration.
    declaration = repo / "scorecard" / "metrics" / "catalogue.toml"
    declaration.write_text(declaration.read_text(encoding="utf-8") + "\n" + table, encoding="utf-8")
    # Step 2: the hand-worked test, in the file the command names.
    test_file = f"tests/test_kpi_{kpi_id}.py"
    assert test_file in command
    (repo / test_file).write_text(test, encoding="utf-8")
    # Step 3: the commands, run by this interpreter on the copy (whose package shadows the installed one):
    # the KPI reference written into the copy's docs, then the tests.
    write_docs, run_tests = command.strip().splitlines()
    env = {**os.environ, "PYTHONPATH": str(repo), "PYTHONDONTWRITEBYTECODE": "1"}
    env.pop("PYTEST_XDIST_WORKER", None)
    docs = write_docs.split()
    assert docs[0] == ".venv/bin/scorecard"
    cli = [sys.executable, "-c", "from scorecard.cli import main; main()", *docs[1:]]
    subprocess.run(cli, cwd=repo, env=env, capture_output=True, text=True, check=True, timeout=120)
    assert f"| {kpi_id} |" in (repo / "docs" / "kpis.md").read_text(encoding="utf-8")
    args = run_tests.split()
    assert args[:2] == [".venv/bin/pytest", "-q"]
    result = subprocess.run(
        [sys.executable, "-m", "pytest", "-q", "-p", "no:cacheprovider", *args[2:]],
        cwd=repo,
        env=env,
        capture_output=True,
        text=True,
        timeout=900,
    )
    assert result.returncode == 0, result.stdout[-4000:] + result.stderr[-2000:]
    assert re.search(r"\d+ passed", result.stdout), result.stdout[-2000:]
    assert " failed" not in result.stdout
    # The copy really ran its own catalogue: the new KPI is an output column there, not here.
    probe = subprocess.run(
        [sys.executable, "-c", "from scorecard.metrics import catalogue; print(catalogue.KPI_COLUMNS[-1])"],
        cwd=repo,
        env=env,
        capture_output=True,
        text=True,
        check=True,
    )
    assert probe.stdout.strip() == kpi_id
    from scorecard.metrics import catalogue

    assert kpi_id not in catalogue.KPI_COLUMNS
