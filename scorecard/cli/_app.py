"""The Typer application and the wrapper that turns user errors into a message and exit code 1."""

from __future__ import annotations

import functools
import sys
from collections.abc import Callable
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
