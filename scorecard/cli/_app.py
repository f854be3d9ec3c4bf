"""The Typer application and the wrapper that turns user errors into a message and exit code 1."""

from __future__ import annotations

import functools
import sqlite3
import sys
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any, TypeVar

import typer

from scorecard.errors import ScorecardError

app = typer.Typer(
    name="scorecard",
    help="Compare contact-center vendors on KPIs recomputed from their raw exports.",
    no_args_is_help=True,
    pretty_exceptions_enable=False,
    add_completion=False,
)

F = TypeVar("F", bound=Callable[..., Any])


def user_errors(func: F) -> F:
    """Print a ScorecardError's message on stderr and exit 1 instead of showing a traceback."""

    @functools.wraps(func)
    def wrapper(*args: Any, **kwargs: Any) -> Any:
        try:
            return func(*args, **kwargs)
        except ScorecardError as exc:
            print(f"Error: {exc}", file=sys.stderr)
            raise typer.Exit(code=1) from None

    return wrapper  # type: ignore[return-value]


def output_file(path: Path, what: str) -> None:
    """Refuse an output file that cannot be created (its folder is missing or is a file, or the path is a
    folder) before any work is done, with a ScorecardError naming the folder and what to do."""
    folder = path.parent
    if path.is_dir():
        raise ScorecardError(f"Cannot write {what} to {path}: it is a folder; give a file name inside it.")
    if not folder.exists():
        raise ScorecardError(
            f"Cannot write {what} to {path}: the folder {folder} does not exist; create it first, or choose "
            "a file in an existing folder."
        )
    if not folder.is_dir():
        raise ScorecardError(
            f"Cannot write {what} to {path}: {folder} is a file, not a folder; choose another folder."
        )


@contextmanager
def writing(path: Path, what: str) -> Iterator[None]:
    """Turn an OSError (or SQLite's failure to open its file) raised while writing `what` to `path` (a
    folder that cannot be created, no permission, a full disk) into a ScorecardError naming the place and
    what to do."""
    try:
        yield
    except (OSError, sqlite3.OperationalError) as exc:
        name = getattr(exc, "filename", None)
        where = f" ({name})" if name and str(name) != str(path) else ""
        raise ScorecardError(
            f"Cannot write {what} to {path}{where}: {getattr(exc, 'strerror', None) or exc}; check that the "
            "folder exists, is a folder and is writable, or choose another place."
        ) from None
