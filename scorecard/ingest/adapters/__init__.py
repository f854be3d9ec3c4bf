"""Export adapters. Importing this package registers every adapter an installed package declares under
the `scorecard.adapters` entry point, the built-ins (in pyproject.toml) included; see `discover`."""

from __future__ import annotations

from scorecard.ingest.adapters.base import PROBLEMS, REGISTRY, Adapter, AdapterOutput, get_adapter, register
from scorecard.ingest.adapters.discover import GROUP, discover

discover()

__all__ = ["GROUP", "PROBLEMS", "REGISTRY", "Adapter", "AdapterOutput", "discover", "get_adapter", "register"]
