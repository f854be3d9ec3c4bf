"""`python -m scorecard_demo [--out DIR] [--seed N]`: regenerate the demo workspace."""

from __future__ import annotations

import argparse
import time
from pathlib import Path

from scorecard_demo.simulate import DEFAULT_SEED
from scorecard_demo.writers import write_workspace


def main(argv: list[str] | None = None) -> None:
    """Parse the arguments, write the workspace and print a one-line summary."""
    parser = argparse.ArgumentParser(prog="python -m scorecard_demo", description=__doc__)
    parser.add_argument(
        "--out", type=Path, default=Path("vendors"), help="workspace folder (default: vendors)"
    )
    parser.add_argument("--seed", type=int, default=DEFAULT_SEED, help="random seed (default: %(default)s)")
    args = parser.parse_args(argv)
    started = time.perf_counter()
    files = write_workspace(args.out, args.seed)
    size = sum(len(b) for b in files.values())
    took = time.perf_counter() - started
    print(f"Wrote {len(files)} files ({size / 1e6:.1f} MB) to {args.out} in {took:.1f} s.")


if __name__ == "__main__":
    main()
