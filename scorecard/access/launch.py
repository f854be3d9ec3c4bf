"""Where the app may listen: loopback without sign-in, anywhere else only with access configured.

`exposure` is the one rule, used by `scorecard app` before Streamlit starts and by app.py on every
session (for `streamlit run` started by hand). `effective_address` reads the address Streamlit will use
from the same places Streamlit reads it (flag, environment, project then user config.toml).
"""

from __future__ import annotations

import ipaddress
import os
import tomllib
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path

HOW_TO = (
    "Configure access (an access.toml in the workspace and an [auth] section in .streamlit/secrets.toml; "
    "see the README, 'Deploy for a team'), or listen on 127.0.0.1 only (--server.address 127.0.0.1), or "
    "start with --no-auth to accept that everyone who can reach it sees and changes everything."
)


@dataclass(frozen=True)
class Exposure:
    """Whether the app may serve, and what to say."""

    ok: bool
    message: str = ""
    warning: str = ""


def is_loopback(address: str | None) -> bool:
    """True for 127.0.0.0/8, ::1 and `localhost`; False for empty (every interface) and anything else."""
    if not address:
        return False
    if address.strip().lower() == "localhost":
        return True
    try:
        return ipaddress.ip_address(address.strip().strip("[]")).is_loopback
    except ValueError:
        return False


def exposure(address: str | None, access_configured: bool, no_auth: bool) -> Exposure:
    """The start rule: loopback or access configured serves; otherwise refuse unless --no-auth."""
    if access_configured or is_loopback(address):
        return Exposure(True)
    where = f"address {address}" if address else "every network interface"
    if no_auth:
        return Exposure(
            True,
            warning=f"Open without sign-in on {where} (--no-auth): everyone who can reach this app sees "
            "every vendor's data and can change the workspace.",
        )
    return Exposure(
        False,
        message=f"Refusing to start: the app would listen on {where} without access configured, so "
        f"anyone who can reach it would see every vendor's data. {HOW_TO}",
    )


def _from_config(path: Path) -> str | None:
    try:
        with path.open("rb") as fh:
            value = tomllib.load(fh).get("server", {}).get("address")
    except (OSError, tomllib.TOMLDecodeError):
        return None
    return None if value is None else str(value)


def effective_address(args: Sequence[str], env: Mapping[str, str], cwd: Path, home: Path) -> str | None:
    """The `server.address` Streamlit will use: flag, then STREAMLIT_SERVER_ADDRESS, then config files."""
    for i, arg in enumerate(args):
        if arg == "--server.address" and i + 1 < len(args):
            return args[i + 1]
        if arg.startswith("--server.address="):
            return arg.split("=", 1)[1]
    if "STREAMLIT_SERVER_ADDRESS" in env:
        return env["STREAMLIT_SERVER_ADDRESS"]
    for config in (cwd / ".streamlit" / "config.toml", home / ".streamlit" / "config.toml"):
        found = _from_config(config)
        if found is not None:
            return found
    return None


def current_address(args: Sequence[str]) -> str | None:
    """`effective_address` for this process."""
    return effective_address(args, os.environ, Path.cwd(), Path.home())
