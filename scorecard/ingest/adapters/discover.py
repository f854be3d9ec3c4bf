"""Adapters are found, not listed: every installed package's `scorecard.adapters` entry points, ours included.

An entry point's name is the `format` of vendor.toml and its value the adapter class
(`acme_ctr = "acme_scorecard.ctr:AcmeCtr"`). A format that two packages claim, or whose code fails to
import, is not guessed at: it is kept out of the registry with the reason, which `get_adapter` gives
to whoever asks for that format (the other formats keep working).
"""

from __future__ import annotations

import importlib.metadata
from collections import defaultdict

from scorecard.ingest.adapters.base import PROBLEMS, REGISTRY, Adapter

GROUP = "scorecard.adapters"


def _who(ep: importlib.metadata.EntryPoint) -> str:
    """The package and object an entry point names, for messages."""
    dist = getattr(ep, "dist", None)
    package = dist.metadata["Name"] if dist is not None else "an unnamed package"
    return f"{package} ({ep.value})"


def _load(name: str, ep: importlib.metadata.EntryPoint) -> type[Adapter] | str:
    """The adapter class an entry point names, or the reason it cannot be used."""
    try:
        obj = ep.load()
    except Exception as exc:  # a third-party package's import error is its own, of any kind
        return (
            f"export format {name!r} from {_who(ep)} failed to import: {type(exc).__name__}: {exc}. "
            "Reinstall or upgrade that package (or uninstall it if it is not needed)"
        )
    if not (isinstance(obj, type) and issubclass(obj, Adapter)):
        return (
            f"export format {name!r} from {_who(ep)} is not an Adapter class; fix that package's entry point"
        )
    if getattr(obj, "format", None) != name:
        return (
            f"export format {name!r} from {_who(ep)} names a class whose format is "
            f"{getattr(obj, 'format', None)!r}; the entry point's name must be the adapter's format"
        )
    return obj


def discover() -> None:
    """Fill `REGISTRY` from the installed entry points; a format that cannot be used goes to `PROBLEMS`."""
    claims: dict[str, dict[str, importlib.metadata.EntryPoint]] = defaultdict(dict)
    for ep in importlib.metadata.entry_points(group=GROUP):
        claims[ep.name].setdefault(ep.value, ep)  # one package seen twice on the path is one claim
    REGISTRY.clear()
    PROBLEMS.clear()
    for name, by_value in sorted(claims.items()):
        if len(by_value) > 1:
            who = " and ".join(_who(ep) for ep in by_value.values())
            PROBLEMS[name] = (
                f"export format {name!r} is claimed by two installed packages, {who}; uninstall one of "
                "them so that the format means one thing"
            )
            continue
        found = _load(name, next(iter(by_value.values())))
        if isinstance(found, str):
            PROBLEMS[name] = found
        else:
            REGISTRY[name] = found
