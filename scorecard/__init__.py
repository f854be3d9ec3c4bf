"""Vendor Scorecard: compare outsourced contact-center vendors on KPIs recomputed from raw exports.

The names below are the public API a notebook uses (docs/api.md); each is imported on first use, so
`import scorecard` stays cheap:

    import scorecard
    scorecard.ingest_workspace("vendors", "scorecard.duckdb")
    con = scorecard.open_db("scorecard.duckdb")
    scorecard.period_kpis(con, "2026-Q2")
    scorecard.rank(con, "2026-Q2").table
    scorecard.write_report(scorecard.quarterly_review(con, "fr_lumiere", "2026-Q2"), "review.html")
"""

import importlib
import warnings
from typing import Any

# With the `spark` extra installed, importing pandera probes pandas-on-Spark, which warns that it does not
# support pandas 3; the tool never uses pandas-on-Spark, so the warning would only confuse CLI users.
warnings.filterwarnings("ignore", message="PySpark does not yet fully support pandas", category=FutureWarning)

__version__ = "0.1.0"

#: Public name -> (module, attribute), resolved on first access (PEP 562).
_EXPORTS: dict[str, tuple[str, str]] = {
    "load_workspace": ("scorecard.workspace.config", "load_workspace"),
    "ingest_workspace": ("scorecard.ingest.run", "ingest"),
    "audit": ("scorecard.sql.audits", "run"),
    "open_db": ("scorecard.api", "open_db"),
    "period_kpis": ("scorecard.api", "period_kpis"),
    "kpi_notes": ("scorecard.metrics.kpis", "kpi_notes"),
    "load_preset": ("scorecard.scoring.presets", "load_preset"),
    "rank": ("scorecard.api", "rank"),
    "quarterly_review": ("scorecard.review.quarter", "quarterly_review"),
    "write_report": ("scorecard.review.report", "write_report"),
    "parse_period": ("scorecard.periods", "parse_period"),
    "ScorecardError": ("scorecard.errors", "ScorecardError"),
}

__all__ = [*_EXPORTS, "__version__"]


def __getattr__(name: str) -> Any:
    """Import a public name's module on first access and keep the value (PEP 562)."""
    if name not in _EXPORTS:
        raise AttributeError(f"module 'scorecard' has no attribute {name!r}")
    module, attr = _EXPORTS[name]
    value = getattr(importlib.import_module(module), attr)
    globals()[name] = value
    return value


def __dir__() -> list[str]:
    return sorted({*globals(), *_EXPORTS})
