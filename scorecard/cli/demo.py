"""`scorecard demo`: regenerate the embedded demo workspace (five simulated vendors)."""

from __future__ import annotations

import time
from pathlib import Path
from typing import Annotated

import typer

from scorecard.cli._app import app, user_errors
from scorecard_demo.simulate import DEFAULT_SEED
from scorecard_demo.writers import write_workspace


@app.command("demo")
@user_errors
def demo_command(
    out: Annotated[Path, typer.Option("--out", help="Workspace folder to write.")] = Path("vendors"),
    seed: Annotated[int, typer.Option("--seed", help="Random seed of the simulation.")] = DEFAULT_SEED,
) -> None:
    """Simulate five vendors over 2026-Q1 and Q2 and write their exports into OUT (same seed, same bytes)."""
    started = time.perf_counter()
    files = write_workspace(out, seed)
    size = sum(len(b) for b in files.values())
    typer.echo(
        f"Wrote {len(files)} files ({size / 1e6:.1f} MB) to {out} in {time.perf_counter() - started:.1f} s."
    )
