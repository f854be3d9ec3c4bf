"""Who is looking: local mode, sign-in (st.login / st.user), signed links — and the access log.

`gate` runs first on every script run and returns the session's Scope, or shows the one thing the person
may see (the refusal to serve, the sign-in button, a refused link) and stops. Decisions live in
`scorecard.access`; this module only turns them into Streamlit calls.
"""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import streamlit as st
from streamlit.errors import StreamlitSecretNotFoundError

from app_pages._common import Paths
from scorecard.access import audit, launch, links
from scorecard.access import config as access_config
from scorecard.access.scope import Scope, local
from scorecard.errors import ScorecardError
from scorecard.present.text import plain


def _stamp(workspace: Path) -> tuple[float, float]:
    times = []
    for name in (access_config.ACCESS_FILE, "scorecard.toml"):
        path = workspace / name
        times.append(path.stat().st_mtime if path.exists() else 0.0)
    return times[0], times[1]


@st.cache_data(show_spinner=False)
def _access(workspace: Path, stamp: tuple[float, float]) -> access_config.Access | None:
    return access_config.load_access(workspace)


def access(p: Paths) -> access_config.Access | None:
    """The workspace's access configuration (re-read when access.toml or scorecard.toml changes)."""
    return _access(p.workspace, _stamp(p.workspace))


@st.cache_resource(show_spinner=False)
def store(workspace: Path) -> audit.Store:
    """The access log of the workspace (one SQLite store per app process)."""
    return audit.Store(workspace)


@st.cache_resource(show_spinner=False)
def secret(workspace: Path) -> bytes:
    """The workspace's link-signing secret."""
    return links.workspace_secret(workspace)


def record(p: Paths, scope: Scope, event: str, **kwargs: Any) -> None:
    """Append an event to the access log."""
    store(p.workspace).record(scope, event, **kwargs)


def _stop(message: str) -> None:
    """Show one message and nothing else."""
    st.error(plain(message, lines=True), icon=":material/lock:")
    st.stop()


def _link(p: Paths, token: str, default_preset: str) -> Scope:
    now = datetime.now(UTC)
    anonymous = Scope("link (refused)", "link", mode="link", vendors=(), pages=())
    try:
        grant = links.verify(secret(p.workspace), token, now, store(p.workspace).revoked_at)
    except links.LinkRefused as exc:
        if st.session_state.get("_refused") != token:
            record(p, anonymous, "link-refused", detail=exc.reason)
            st.session_state["_refused"] = token
        _stop(str(exc))
    scope = grant.scope(default_preset)
    if st.session_state.get("_opened") != grant.id:
        record(p, scope, "link-opened", page=grant.page, vendors=scope.vendors or ())
        st.session_state["_opened"] = grant.id
    st.session_state["_link"] = grant
    return scope


def _sign_in(cfg: access_config.Access) -> None:
    st.title("Vendor Scorecard")
    st.write("Sign in with your organisation's account to see the vendors shared with you.")
    if st.button("Sign in", type="primary", icon=":material/login:"):
        st.login(cfg.provider) if cfg.provider else st.login()
    st.stop()


def _signed_in(p: Paths, cfg: access_config.Access) -> Scope:
    claims = st.user.to_dict()
    scope = cfg.scope_for(claims, access_config.default_preset(p.workspace, cfg))
    who = str(claims.get("email") or claims.get("sub") or "unknown")
    if scope is None:
        if not st.session_state.get("_denied"):
            record(p, Scope(who, "viewer", vendors=(), pages=()), "denied", detail="no rule matches")
            st.session_state["_denied"] = True
        st.error(plain(f"Your account {who} has no access to this workspace. Ask its admin to add you."))
        st.button("Sign out", on_click=st.logout, icon=":material/logout:")
        st.stop()
    if st.session_state.get("_signed_in") != scope.user:  # once per ID token, not per tab or reload
        detail = f"{scope.role}; token issued {claims.get('iat', '?')}"
        if not store(p.workspace).has(scope.user, "sign-in", detail):
            record(p, scope, "sign-in", vendors=scope.vendors or (), detail=detail)
        st.session_state["_signed_in"] = scope.user
    return scope


def _auth_configured() -> bool:
    """Whether .streamlit/secrets.toml has an [auth] section (no secrets file at all: no)."""
    try:
        return "auth" in st.secrets
    except StreamlitSecretNotFoundError:
        return False


def gate(p: Paths) -> Scope:
    """The session's scope, or a page that shows only why not (and stops)."""
    try:
        cfg = access(p)
    except ScorecardError as exc:
        _stop(str(exc))
    token = st.query_params.get("share")
    if token:
        return _link(p, token, access_config.default_preset(p.workspace, cfg))
    rule = launch.exposure(st.get_option("server.address"), cfg is not None, p.no_auth)
    if not rule.ok:
        _stop(rule.message)
    if cfg is None:
        if rule.warning:
            st.session_state["_exposed"] = rule.warning
            return local("open")
        return local("local")
    if not _auth_configured():
        _stop(
            f"Access is configured in {cfg.source.name} but sign-in is not: add an [auth] section "
            "(redirect_uri, cookie_secret, client_id, client_secret, server_metadata_url) to "
            ".streamlit/secrets.toml. See the README, 'Deploy for a team'."
        )
    if not st.user.get("is_logged_in", False):
        _sign_in(cfg)
    return _signed_in(p, cfg)


def who_block(scope: Scope) -> None:
    """The sidebar's first lines: who is looking, in which mode, and how to leave."""
    if scope.mode == "local":
        st.caption(
            "Local mode: no sign-in. Only this computer can open the app; configure access to share it "
            "(README, 'Deploy for a team').",
        )
    elif scope.mode == "open":
        st.warning(plain(st.session_state.get("_exposed", "")), icon=":material/warning:")
    elif scope.mode == "link":
        grant: links.Grant = st.session_state["_link"]
        st.info(
            f"Shared view, read-only, valid until {grant.expires:%Y-%m-%d %H:%M} UTC.",
            icon=":material/link:",
        )
    else:
        st.caption(plain(f"Signed in as {scope.describe()}"))
        st.button("Sign out", on_click=st.logout, icon=":material/logout:", key="_sign_out")


EXPIRIES = {"1 day": "1d", "7 days": "7d", "30 days": "30d", "90 days": "90d"}


def link_maker(p: Paths, ctx: Any, base: str) -> None:
    """Sidebar: a signed link to this view for someone without an account (admins and analysts)."""
    view, scope = ctx.view, ctx.scope
    with st.expander("Signed link for someone without an account"):
        if view.page not in links.READ_PAGES:
            st.caption(
                "Links can show the Ranking, Compare, Trends, Vendor, Quarterly review or Definitions page."
            )
            return
        kind = st.radio(
            "Shows", ["The vendors selected, by name", "One vendor's own view (peers anonymised)"],
            key="_link_kind",
        )  # fmt: skip
        own = None
        if kind.startswith("One vendor"):
            own = st.selectbox(
                "Vendor", ctx.options.vendors, format_func=lambda v: ctx.names.get(v, v), key="_link_vendor"
            )
        expiry = st.selectbox("Expires after", list(EXPIRIES), index=1, key="_link_expiry")
        note = st.text_input("Note (who it is for)", key="_link_note", max_chars=200)
        if st.button("Make link", icon=":material/add_link:", key="_link_make"):
            now = datetime.now(UTC)
            token, grant = links.make(
                secret(p.workspace),
                share_params(view),
                view.vendors,
                own,
                links.parse_expiry(EXPIRIES[expiry], now),
            )
            store(p.workspace).add_link(
                grant.id, scope.user, grant.expires, grant.page, grant.vendors, own, note
            )
            record(p, scope, "link-created", page=grant.page, vendors=grant.vendors, detail=grant.id)
            st.session_state["_made_link"] = (links.url(base, token), grant)
        made = st.session_state.get("_made_link")
        if made:
            st.code(made[0], language=None, wrap_lines=True)
            st.caption(
                plain(
                    f"Link {made[1].id}, valid until {made[1].expires:%Y-%m-%d %H:%M} UTC; an admin can "
                    "revoke it on the Access page."
                )
            )


def share_params(view: Any) -> dict[str, str]:
    """The view's query parameters (what a link reproduces)."""
    from scorecard.present import share

    return share.encode(view)


def links_params() -> dict[str, str]:
    """The view parameters of this session's signed link."""
    grant: links.Grant = st.session_state["_link"]
    return grant.params
