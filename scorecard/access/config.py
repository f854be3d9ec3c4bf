"""Roles in the workspace: `access.toml` (or `[access]` in scorecard.toml) maps signed-in people to scopes.

```toml
group_claim = "groups"              # the ID-token claim listing a user's groups (default "groups")
provider = "entra"                  # optional: the [auth.<name>] provider of secrets.toml to sign in with
vendor_preset = "quarterly_review"  # optional: the preset vendor users and vendor links score under

[[users]]
match = "alice@buyer.example"       # an e-mail, "*@domain" or "group:NAME"
role = "admin"                      # admin | analyst | vendor | viewer

[[users]]
match = "group:northwind-ops"
role = "vendor"
vendor = "north"                    # the one vendor these users belong to

[[users]]
match = "cfo@buyer.example"
role = "viewer"
pages = ["ranking", "review"]       # a named set of pages ...
vendors = ["north", "south"]        # ... and vendors (default: every vendor)
```

The first rule that matches wins; nobody else gets in. E-mails match case-insensitively, and not at all
when the provider says the e-mail is unverified (`email_verified = false`).
"""

from __future__ import annotations

import tomllib
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field, ValidationError, field_validator

from scorecard.access.scope import PAGES, READ_PAGES, Scope
from scorecard.errors import ConfigError
from scorecard.workspace.config import _explain

ACCESS_FILE = "access.toml"


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class Rule(_Strict):
    """One `[[users]]` entry."""

    match: str
    role: Literal["admin", "analyst", "vendor", "viewer"]
    vendor: str | None = None
    vendors: tuple[str, ...] | None = None
    pages: tuple[str, ...] | None = None

    @field_validator("match")
    @classmethod
    def _match(cls, v: str) -> str:
        v = v.strip()
        if v.startswith("group:") and len(v) > 6:
            return v
        local, at, domain = v.partition("@")
        if at and domain and "." in domain and (local == "*" or (local and "*" not in local)):
            return v.lower()
        raise ValueError(f"{v!r} is not an e-mail, '*@domain' or 'group:NAME'")

    @field_validator("pages")
    @classmethod
    def _pages(cls, v: tuple[str, ...] | None) -> tuple[str, ...] | None:
        unknown = [p for p in v or () if p not in READ_PAGES]
        if unknown:
            raise ValueError(f"unknown page {unknown[0]!r}; viewers may have: {', '.join(READ_PAGES)}")
        return v


class AccessFile(_Strict):
    """Keys of access.toml (or of `[access]` in scorecard.toml)."""

    group_claim: str = "groups"
    provider: str | None = None
    vendor_preset: str | None = None
    users: tuple[Rule, ...] = Field(min_length=1)


@dataclass(frozen=True)
class Access:
    """The workspace's access configuration, validated against its vendor folders."""

    source: Path
    group_claim: str
    provider: str | None
    vendor_preset: str | None
    rules: tuple[Rule, ...]

    def scope_for(self, claims: Mapping[str, Any], default_preset: str) -> Scope | None:
        """The scope of a signed-in person (their ID-token claims), or None when no rule matches."""
        email = str(claims.get("email") or "").strip().lower()
        if claims.get("email_verified") is False:
            email = ""
        groups = claims.get(self.group_claim) or ()
        groups = {groups} if isinstance(groups, str) else {str(g) for g in groups}
        who = email or str(claims.get("sub") or "unknown")
        for rule in self.rules:
            if _matches(rule.match, email, groups):
                return _scope(rule, who, self.vendor_preset or default_preset)
        return None


def _matches(pattern: str, email: str, groups: set[str]) -> bool:
    if pattern.startswith("group:"):
        return pattern[6:] in groups
    if pattern.startswith("*@"):
        return bool(email) and email.endswith(pattern[1:])
    return bool(email) and email == pattern


def _scope(rule: Rule, who: str, preset: str) -> Scope:
    if rule.role == "vendor":
        pages = ("ranking", "compare", "trends", "vendor", "review", "data", "definitions")
        return Scope(who, "vendor", vendors=(rule.vendor,), own=rule.vendor, pages=pages, preset=preset)
    if rule.role == "viewer":
        return Scope(who, "viewer", vendors=rule.vendors, pages=rule.pages or READ_PAGES)
    if rule.role == "analyst":
        return Scope(who, "analyst", pages=tuple(p for p in PAGES if p != "access"))
    return Scope(who, "admin")


def _check(rule: Rule, i: int, vendors: set[str], where: Path) -> None:
    at = f"{where} [[users]] #{i} (match {rule.match!r})"
    if rule.role == "vendor":
        if not rule.vendor:
            raise ConfigError(f'{at}: a vendor user needs `vendor = "<vendor_id>"`.')
        if rule.vendors or rule.pages:
            raise ConfigError(f"{at}: a vendor user has one `vendor`; remove `vendors` and `pages`.")
    elif rule.vendor:
        raise ConfigError(f"{at}: `vendor` is for role 'vendor' only.")
    if rule.role == "viewer" and not rule.pages:
        raise ConfigError(f'{at}: a viewer needs `pages = [...]`, e.g. ["ranking", "review"].')
    if rule.role in ("admin", "analyst") and (rule.pages or rule.vendors):
        raise ConfigError(f"{at}: an {rule.role} sees every page and vendor; remove `pages` / `vendors`.")
    for v in [rule.vendor, *(rule.vendors or ())]:
        if v is not None and v not in vendors:
            known = ", ".join(sorted(vendors)) or "(none)"
            raise ConfigError(f"{at}: unknown vendor {v!r}; vendors of this workspace: {known}.")


def _read(path: Path) -> dict[str, Any]:
    try:
        with path.open("rb") as fh:
            return tomllib.load(fh)
    except tomllib.TOMLDecodeError as exc:
        raise ConfigError(f"{path} is not valid TOML: {exc}.") from None


def load_access(workspace: Path) -> Access | None:
    """The access configuration of a workspace, or None when it has none (local mode)."""
    own_file, settings = workspace / ACCESS_FILE, workspace / "scorecard.toml"
    inline = _read(settings).get("access") if settings.exists() else None
    if own_file.exists() and inline is not None:
        raise ConfigError(
            f"Access is configured twice: in {own_file} and in [access] of {settings}; keep one of them."
        )
    if own_file.exists():
        raw, where = _read(own_file), own_file
    elif inline is not None:
        raw, where = inline, settings
    else:
        return None
    try:
        parsed = AccessFile.model_validate(raw)
    except ValidationError as exc:
        raise _explain(exc, where) from None
    vendors = {d.name for d in workspace.iterdir() if (d / "vendor.toml").is_file()}
    for i, rule in enumerate(parsed.users, start=1):
        _check(rule, i, vendors, where)
    return Access(where, parsed.group_claim, parsed.provider, parsed.vendor_preset, parsed.users)


def default_preset(workspace: Path, access: Access | None) -> str:
    """The preset vendor views are scored under: `vendor_preset`, else the workspace's `preset`."""
    if access is not None and access.vendor_preset:
        return access.vendor_preset
    settings = workspace / "scorecard.toml"
    raw = _read(settings) if settings.exists() else {}
    return str(raw.get("preset", "quarterly_review"))
