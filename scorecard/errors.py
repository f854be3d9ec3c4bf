"""One error hierarchy for every mistake a user can make: the CLI and the app print these, never tracebacks.

Message shape (docs/internals.md, Conventions): what failed, the offending value, where, what to do.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any


class ScorecardError(Exception):
    """A problem the user can fix; `str(error)` is the whole message they need."""


class ConfigError(ScorecardError):
    """A workspace, vendor, preset or FX-rate file is invalid."""


class AdapterError(ScorecardError):
    """An export file does not match the format its adapter expects."""


class PresetError(ConfigError):
    """A scoring preset is invalid."""


class DatabaseError(ScorecardError):
    """The database is missing, locked by another process, or not built by this tool."""


@dataclass
class ValidationFailure:
    """One broken rule in one record of one file: `row` is where the record starts as an editor shows it
    (the 1-based line of a text file, the row of a spreadsheet), or None for the whole file."""

    row: int | None
    column: str
    value: Any
    rule: str


def place(path: str) -> str:
    """What a record number counts in a file: its line as an editor shows it, or its spreadsheet row."""
    return "row" if path.lower().endswith((".xlsx", ".xlsm", ".xls")) else "line"


@dataclass
class FileValidationError(ScorecardError):
    """A file failed validation and loaded nothing; `failures` lists every broken rule found."""

    path: str
    table: str
    failures: list[ValidationFailure] = field(default_factory=list)
    total: int = 0
    hint: str = "Fix these rows in the export (or the reader options in vendor.toml) and ingest again."

    def __post_init__(self) -> None:
        super().__init__(self.message())

    @property
    def place(self) -> str:
        """What a failure's number counts: the line of a text file, the row of a spreadsheet."""
        return place(self.path)

    def message(self, limit: int = 20) -> str:
        """Human-readable summary: the first `limit` failures and a count of the rest."""
        total = self.total or len(self.failures)
        lines = [f"{self.path}: {total} problem(s); nothing from this file was loaded into '{self.table}'."]
        for f in self.failures[:limit]:
            where = f"{self.place} {f.row}" if f.row is not None else "file"
            lines.append(f"  {where}, column '{f.column}', value {f.value!r}: {f.rule}")
        if total > limit:
            lines.append(f"  ... and {total - limit} more.")
        lines.append(self.hint)
        return "\n".join(lines)

    def __str__(self) -> str:
        return self.message()


@dataclass
class RowWarning:
    """Rows that are incomplete but honest: they load, and are counted per file and rule.

    `rule` is a short name (`survey_no_answer`); `message` says what the rows lack and how they count;
    `first_row` is the first such record's line (or sheet row) and `example` its offending value.
    """

    rule: str
    message: str
    rows: int
    first_row: int | None = None
    example: Any = None

    @property
    def left_out(self) -> bool:
        """True for rows left out of the table on purpose (rules named `left_out_...`), False for rows
        that load with the warning."""
        return self.rule.startswith("left_out")

    def summary(self, place: str = "line") -> str:
        """`3 rows: <message> (first: line 7)`."""
        first = f" (first: {place} {self.first_row})" if self.first_row is not None else ""
        return f"{self.rows:,} row(s): {self.message}{first} (rule {self.rule})"
