"""The data audits (`queries/audits/assert_*`): run at the end of every ingest and by `scorecard audit`.

An audit is a SELECT returning the rows that break one rule (zero rows = pass); its header's
`Definition` says the rule in words. A failure is reported like a validation problem: the rule, how
many rows break it and the first of them, so that a user can find it in the data.
"""

from __future__ import annotations

import time
from dataclasses import dataclass
from typing import Any

import duckdb

from scorecard.sql.views import ensure_views, query_files

#: Shown per failed audit: its first rows, enough to find the rest.
EXAMPLES = 3

#: Audits an ingest leaves to `scorecard audit`, and why: it checks the same rule its own way.
CHECKED_BY_INGEST = {
    "assert_fx_rates_cover_costs": "reported as a problem with what to do (ingest.run.audit_fx)",
    "assert_calls_unique_per_vendor": "a file repeating a loaded call_id is refused (state.NATURAL_KEYS)",
}


@dataclass(frozen=True)
class AuditFailure:
    """One audit that found rows: its name, the rule in words, how many rows and the first ones."""

    audit: str
    rule: str
    rows: int
    columns: tuple[str, ...]
    examples: tuple[tuple[Any, ...], ...]

    def summary(self) -> str:
        """One line: the audit, its count, the rule, the first offending row."""
        first = ", ".join(f"{c}={text(v)}" for c, v in zip(self.columns, self.examples[0], strict=True))
        noun = "row breaks" if self.rows == 1 else "rows break"
        return f"{self.audit}: {self.rows:,} {noun} the rule — {self.rule} First: {first}."


def text(value: Any) -> str:
    """A value as an audit line shows it (NULL for a missing one)."""
    if isinstance(value, list | tuple):
        return "[" + ", ".join(text(v) for v in value) + "]"
    return "NULL" if value is None else str(value)


@dataclass(frozen=True)
class AuditResult:
    """Every audit run on one database: the names that passed, the failures, and how long it took."""

    passed: tuple[str, ...]
    failures: tuple[AuditFailure, ...]
    seconds: float

    @property
    def ok(self) -> bool:
        return not self.failures


def audit_names() -> list[str]:
    """The audits of `queries/audits/`, in name order."""
    return [f.name for f in query_files() if f.layer == "audits"]


def run(con: duckdb.DuckDBPyConnection, skip: frozenset[str] = frozenset()) -> AuditResult:
    """Run every audit but `skip` on a connection (read-only is fine: stale tables get temporary views)."""
    start = time.perf_counter()
    ensure_views(con)
    passed, failures = [], []
    for f in query_files():
        if f.layer != "audits" or f.name in skip:
            continue
        # The name comes from a file name of queries/, not from a user.
        count = con.execute(f"select count(*) from {f.name}").fetchall()[0][0]
        if not count:
            passed.append(f.name)
            continue
        rel = con.execute(f"select * from {f.name} order by all limit {EXAMPLES}")  # the same rows each run
        columns = tuple(d[0] for d in rel.description)
        rule = " ".join(f.definition.split())
        rule = rule if rule.endswith(".") else rule + "."
        failures.append(AuditFailure(f.name, rule, count, columns, tuple(rel.fetchall())))
    return AuditResult(tuple(passed), tuple(failures), time.perf_counter() - start)


def after_ingest(con: duckdb.DuckDBPyConnection) -> AuditResult:
    """The audits an ingest runs at its end (those whose rule it checks its own way left out)."""
    return run(con, skip=frozenset(CHECKED_BY_INGEST))
