"""The demo tender: a deterministic simulation of five contact-center vendors that writes `vendors/`.

`python -m scorecard_demo [--out vendors]` (or `scorecard demo`) regenerates the workspace byte for byte.
Modules: `vendors` (who the bidders are), `arrivals`, `staffing`, `queue`, `people` and `simulate` (the
model, ending in canonical polars frames), `platforms` and `writers` (the frames in each platform's file
layout and locale).
"""

from __future__ import annotations

from scorecard_demo.simulate import DEFAULT_SEED, VendorData, simulate, simulate_vendor
from scorecard_demo.writers import workspace_files, write_workspace

__all__ = ["DEFAULT_SEED", "VendorData", "simulate", "simulate_vendor", "workspace_files", "write_workspace"]
