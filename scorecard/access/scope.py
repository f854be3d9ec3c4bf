"""A scope: who is asking, in which role, and which vendors, pages and actions that allows.

Every read of `scorecard.access.reads` takes one. A scope with `own` set is a vendor's view: that vendor's
own rows by name, every other vendor only inside anonymised aggregates ("peer median", "Peer B").
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass

ROLES: tuple[str, ...] = ("admin", "analyst", "vendor", "viewer", "link")
#: Every page of the app, in navigation order; `access` (audit log and links) is for admins only.
PAGES: tuple[str, ...] = ("ranking", "compare", "trends", "vendor", "review", "data", "definitions", "access")
#: Pages that only read (what viewers and links may be given).
READ_PAGES: tuple[str, ...] = ("ranking", "compare", "trends", "vendor", "review", "definitions")
#: How the person reached the app.
MODES: tuple[str, ...] = ("local", "open", "signed-in", "link")


@dataclass(frozen=True)
class Scope:
    """What one session may see and do (hashable, so cached reads can be keyed by it)."""

    user: str
    role: str
    mode: str = "signed-in"
    #: Vendors shown by name; None = every vendor of the workspace.
    vendors: tuple[str, ...] | None = None
    #: A vendor's view: its own vendor id. Peers appear only as anonymised aggregates.
    own: str | None = None
    pages: tuple[str, ...] = PAGES
    #: A fixed preset (vendor views and vendor links): scored with its own method and weights only.
    preset: str | None = None
    #: The link id of a signed link's session.
    link: str | None = None

    def __post_init__(self) -> None:
        if self.role not in ROLES:
            raise ValueError(f"unknown role {self.role!r}")
        if self.own is not None and self.vendors != (self.own,):
            raise ValueError("a vendor scope shows exactly its own vendor")

    @property
    def anonymised(self) -> bool:
        """Peers are shown only as anonymised aggregates."""
        return self.own is not None

    @property
    def locked(self) -> bool:
        """Scores use `preset` with its own method and weights only (a vendor's view or a vendor's link)."""
        return self.preset is not None

    @property
    def read_only(self) -> bool:
        """The whole view is fixed (a signed link): no widget changes it."""
        return self.role == "link"

    @property
    def can_ingest(self) -> bool:
        """May re-read the workspace and add vendors."""
        return self.role == "admin"

    @property
    def can_share(self) -> bool:
        """May make signed links."""
        return self.role in ("admin", "analyst")

    @property
    def can_audit(self) -> bool:
        """May read the audit log and revoke links."""
        return self.role == "admin"

    def can_upload(self, vendor_id: str) -> bool:
        """Admins upload for any vendor; a vendor user for its own vendor only."""
        return self.role == "admin" or (self.role == "vendor" and vendor_id == self.own)

    def allows(self, vendor_id: str) -> bool:
        """Whether the vendor's rows and name may be shown."""
        return self.vendors is None or vendor_id in self.vendors

    def visible(self, vendor_ids: Iterable[str]) -> tuple[str, ...]:
        """The vendors of `vendor_ids` this scope shows by name, in their order."""
        return tuple(v for v in vendor_ids if self.allows(v))

    def restrict(self, requested: str | Sequence[str] | None) -> list[str] | None:
        """The vendor ids a read may return: the request within the scope (None = every vendor)."""
        if isinstance(requested, str):
            requested = [requested]
        if self.vendors is None:
            return None if requested is None else list(requested)
        if requested is None:
            return list(self.vendors)
        return [v for v in requested if v in self.vendors]

    def describe(self) -> str:
        """One line for the sidebar and the audit log."""
        if self.role == "vendor":
            return f"{self.user} — vendor user ({self.own}; peers anonymised)"
        if self.role == "link":
            return "shared link, read-only"
        return f"{self.user} — {self.role}"


def local(mode: str = "local") -> Scope:
    """Local mode (loopback, no access configured) or an explicit --no-auth: everything, like an admin."""
    return Scope(user="local" if mode == "local" else "anyone (--no-auth)", role="admin", mode=mode)
