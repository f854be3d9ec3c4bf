"""`scorecard definitions`: the KPI reference (every KPI's definition, formula, unit and seed target),
generated from the catalogue's declaration, as Markdown or CSV."""

from __future__ import annotations

from enum import StrEnum
from typing import Annotated

import polars as pl
import typer

from scorecard.cli._app import app, user_errors
from scorecard.errors import ScorecardError
from scorecard.metrics import catalogue
from scorecard.present.reference import reference_markdown, reference_rows


class Format(StrEnum):
    """Output formats of `scorecard definitions`."""

    markdown = "markdown"
    csv = "csv"


@app.command("definitions")
@user_errors
def definitions_command(
    fmt: Annotated[Format, typer.Option("--format", help="markdown or csv.")] = Format.markdown,
    sl_variant: Annotated[
        str, typer.Option("--sl-variant", help=f"Service-level variant: {', '.join(catalogue.SL_VARIANTS)}.")
    ] = "negative",
    fcr_method: Annotated[
        str, typer.Option("--fcr-method", help=f"FCR method: {', '.join(catalogue.FCR_METHODS)}.")
    ] = "survey",
    currency: Annotated[str, typer.Option("--currency", help="Base currency of money KPIs.")] = "EUR",
) -> None:
    """Print every KPI's definition and formula (the same text as the app's Definitions page)."""
    for name, value, allowed in (
        ("--sl-variant", sl_variant, catalogue.SL_VARIANTS),
        ("--fcr-method", fcr_method, catalogue.FCR_METHODS),
    ):
        if value not in allowed:
            raise ScorecardError(f"Unknown {name} {value!r}; expected one of: {', '.join(allowed)}.")
    if fmt == Format.markdown:
        typer.echo(reference_markdown(sl_variant, fcr_method, currency), nl=False)
    else:
        typer.echo(pl.DataFrame(reference_rows(sl_variant, fcr_method, currency)).write_csv(), nl=False)
