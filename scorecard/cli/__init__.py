"""Command-line interface: `scorecard check | ingest | audit | kpis | rank | review | invoices | demo |
definitions | erlang | export-parquet | build | share | app`.

Each sub-command lives in its own module and registers itself on the shared Typer app.
"""

from __future__ import annotations

import importlib

from scorecard.cli._app import app

_COMMAND_MODULES = (
    "check",
    "ingest",
    "audit",
    "kpis",
    "rank",
    "review",
    "invoices",
    "demo",
    "definitions",
    "erlang",
    "parquet",
    "build",
    "share",
)

for _name in _COMMAND_MODULES:
    importlib.import_module(f"scorecard.cli.{_name}")


def main() -> None:
    """Entry point of the `scorecard` console script."""
    app()
