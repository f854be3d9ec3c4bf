"""`scorecard demo`: regenerate the embedded demo workspace (five simulated vendors)."""

from __future__ import annotations

import time
from pathlib import Path
from typing import Annotated

import typer

from scorecard.cli._app import app, user_errors, writing


@app.command("demo")
@user_errors
def demo_command(
    out: Annotated[Path, typer.Option("--out", help="Workspace folder to write.")] = Path("vendors"),
    seed: Annotated[
        int | None,
        typer.Option("--seed", help="Random seed of the simulation (default: the demo's, 20260101)."),
    ] = None,
) -> None:
    """Simulate five vendors over 2026-Q1 and Q2 and write their exports into OUT (same seed, same bytes)."""
    from scorecard_demo.simulate import DEFAULT_SEED
    from scorecard_demo.writers import write_workspace

    started = time.perf_counter()
    with writing(out, "the demo workspace"):
        files = write_workspace(out, DEFAULT_SEED if seed is None else seed)
    size = sum(len(b) for b in files.values())
    typer.echo(
        f"Wrote {len(files)} files ({size / 1e6:.1f} MB) to {out} in {time.perf_counter() - started:.1f} s."
    )
