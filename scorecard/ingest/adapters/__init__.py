"""Export adapters. Importing this package registers every built-in adapter."""

from __future__ import annotations

import importlib

from scorecard.ingest.adapters.base import REGISTRY, Adapter, AdapterOutput, get_adapter, register

_BUILTINS = (
    "canonical",
    "mapped",
    "avaya_cms_hsplit",
    "cisco_ucce_call_type_interval",
    "genesys_cloud_queue_interval",
    "amazon_connect_ctr",
    "five9_call_log",
)

for _name in _BUILTINS:
    importlib.import_module(f"scorecard.ingest.adapters.{_name}")

__all__ = ["REGISTRY", "Adapter", "AdapterOutput", "get_adapter", "register"]
