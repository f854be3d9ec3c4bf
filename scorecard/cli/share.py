"""`scorecard share create | list | revoke`: signed links to one view for people without an account,
and `scorecard app`: start the app, refusing a network address without access configured."""

from __future__ import annotations

import getpass
import os
import sys
from datetime import UTC, datetime
from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer

from scorecard.access import AccessError, launch
from scorecard.access.scope import READ_PAGES, Scope
from scorecard.cli._app import app, user_errors, writing
from scorecard.errors import ScorecardError
from scorecard.periods import parse_period

if TYPE_CHECKING:  # imported where used, so that `scorecard --help` loads none of them
    from scorecard.present import share

share_app = typer.Typer(help="Signed links to one view, for people without an account.", no_args_is_help=True)
app.add_typer(share_app, name="share")

Workspace = Annotated[Path, typer.Option("--workspace", help="Workspace folder.")]


def _who(by: str | None) -> str:
    try:
        return by or f"{getpass.getuser()} (cli)"
    except (KeyError, OSError):
        return "cli"


def _options(workspace: Path, period: str) -> share.Options:
    """What a link may say in this workspace (the period is checked by its label's form)."""
    from scorecard.metrics import catalogue
    from scorecard.present import share
    from scorecard.scoring import presets
    from scorecard.workspace.config import load_workspace

    ws = load_workspace(workspace)
    choices = {}
    for name in presets.preset_files(workspace):
        pr = presets.load_preset(name, workspace)
        choices[name] = share.PresetChoice(pr.method, tuple(zip(pr.kpi_ids, pr.weights, strict=True)))
    return share.Options(
        pages=READ_PAGES,
        periods=tuple(dict.fromkeys((parse_period(period).label, "all"))),
        vendors=tuple(v.vendor_id for v in ws.vendors),
        presets=choices,
        kpis=tuple(k for k in catalogue.KPI_COLUMNS if not k.startswith(("service_level_", "fcr_rate_"))),
        default_preset=ws.preset if ws.preset in choices else next(iter(choices)),
        default_sl=ws.sl_variant,
    )


def view_params(
    workspace: Path, page: str, period: str, vendors: list[str], focus: str | None, preset: str | None,
    method: str | None, weights: list[str], sl: str | None, kpi: str | None, grain: str | None,
) -> dict[str, str]:  # fmt: skip
    """The view's query parameters, validated like a link the app opens; any problem is an error."""
    from scorecard.present import share

    params = {"page": page, "period": period}
    optional = {"preset": preset, "method": method, "sl": sl, "kpi": kpi, "grain": grain, "vendor": focus}
    params |= {k: v for k, v in optional.items() if v is not None}
    if vendors:
        params["vendors"] = ",".join(vendors)
    for item in weights:
        kpi_id, eq, value = item.partition("=")
        if not eq:
            raise ScorecardError(f"--weight {item!r} must look like KPI=WEIGHT, e.g. service_level=30.")
        params[share.WEIGHT_PREFIX + kpi_id.strip()] = value.strip()
    view = share.decode(params, _options(workspace, period))
    if view.notices:
        raise ScorecardError("The link would not show what was asked:\n  " + "\n  ".join(view.notices))
    return share.encode(view)


@share_app.command("create")
@user_errors
def create(
    workspace: Workspace = Path("vendors"),
    page: Annotated[str, typer.Option("--page", help=f"One of: {', '.join(READ_PAGES)}.")] = "ranking",
    period: Annotated[str, typer.Option("--period", help="Period label, e.g. 2026-Q2 or all.")] = "all",
    vendor: Annotated[
        list[str] | None, typer.Option("--vendor", help="Vendor shown by name (repeatable).")
    ] = None,
    for_vendor: Annotated[
        str | None,
        typer.Option("--for-vendor", help="A vendor's own view: that vendor only, peers anonymised."),
    ] = None,
    focus: Annotated[
        str | None, typer.Option("--focus", help="The vendor of the Vendor/Review page.")
    ] = None,
    preset: Annotated[str | None, typer.Option("--preset", help="Scoring preset.")] = None,
    method: Annotated[str | None, typer.Option("--method", help="fixed or relative.")] = None,
    weight: Annotated[list[str] | None, typer.Option("--weight", help="KPI=WEIGHT (repeatable).")] = None,
    sl: Annotated[str | None, typer.Option("--sl", help="Service-level variant.")] = None,
    kpi: Annotated[str | None, typer.Option("--kpi", help="KPI of the Trends/Vendor page.")] = None,
    grain: Annotated[str | None, typer.Option("--grain", help="day, week or month (Trends).")] = None,
    expires: Annotated[str, typer.Option("--expires", help="7d, 12h, 30m or a date 2026-12-31.")] = "7d",
    base_url: Annotated[
        str, typer.Option("--base-url", help="The app's address.")
    ] = "http://localhost:8501/",
    note: Annotated[str, typer.Option("--note", help="Who the link is for (kept with it).")] = "",
    by: Annotated[str | None, typer.Option("--by", help="Who makes it (default: your login).")] = None,
) -> None:
    """Print a signed link to one view; it expires, and `scorecard share revoke ID` ends it sooner."""
    from scorecard.access import audit, links

    if for_vendor and vendor:
        raise ScorecardError(
            "Use --vendor (vendors by name) or --for-vendor (one vendor's own view), not both."
        )
    names = [for_vendor] if for_vendor else list(vendor or [])
    params = view_params(workspace, page, period, names, focus, preset, method, weight or [], sl, kpi, grain)
    now = datetime.now(UTC)
    vendors = params["vendors"].split(",")
    expiry, who = links.parse_expiry(expires, now), _who(by)
    with writing(audit.state_dir(workspace, create=False), "the share link"):
        token, grant = links.make(links.workspace_secret(workspace), params, vendors, for_vendor, expiry)
        store = audit.Store(workspace)
        store.add_link(grant.id, who, grant.expires, grant.page, grant.vendors, for_vendor, note)
        store.record(Scope(who, "admin", mode="local"), "link-created", page=grant.page,
                     vendors=grant.vendors, detail=grant.id)  # fmt: skip
    typer.echo(links.url(base_url, token))
    typer.echo(
        f"Link {grant.id}: page {grant.page}, period {params['period']}, "
        + (f"{for_vendor}'s own view (peers anonymised)" if for_vendor else f"vendors {', '.join(vendors)}")
        + f"; valid until {grant.expires:%Y-%m-%d %H:%M} UTC.",
        err=True,
    )


@share_app.command("list")
@user_errors
def list_links(workspace: Workspace = Path("vendors")) -> None:
    """Every link made for this workspace, newest first, with its state."""
    from scorecard.access import audit

    issued = audit.Store(workspace).links()
    if issued.is_empty():
        typer.echo("No links have been made for this workspace.")
        return
    now = f"{datetime.now(UTC):%Y-%m-%d %H:%M:%S}"
    for r in issued.iter_rows(named=True):
        expired = bool(r["expires_at"]) and r["expires_at"] <= now
        state = (
            f"revoked {r['revoked_at']} by {r['revoked_by']}" if r["revoked_at"]
            else ("expired" if expired else f"valid until {r['expires_at']}")
        )  # fmt: skip
        whom = f"for {r['own']} (peers anonymised)" if r["own"] else f"vendors {r['vendors'] or '—'}"
        typer.echo(f"{r['id']}  {r['page'] or '—'}  {whom}  by {r['created_by']} {r['created_at']}  {state}")


@share_app.command("revoke")
@user_errors
def revoke(
    link_id: Annotated[str, typer.Argument(help="The link's id (from `scorecard share list`).")],
    workspace: Workspace = Path("vendors"),
    by: Annotated[str | None, typer.Option("--by", help="Who revokes it (default: your login).")] = None,
) -> None:
    """Revoke a link: whoever opens it from now on sees only that it was revoked."""
    from scorecard.access import audit

    who = _who(by)
    with writing(audit.state_dir(workspace, create=False), "the revocation"):
        store = audit.Store(workspace)
        known = store.revoke(link_id, who)
        store.record(Scope(who, "admin", mode="local"), "link-revoked", detail=link_id)
    typer.echo(
        f"Link {link_id} revoked." if known else f"No link {link_id} was recorded here; revoked anyway."
    )


@app.command(
    "app", context_settings={"allow_extra_args": True, "ignore_unknown_options": True}
)  # fmt: skip
@user_errors
def app_command(
    ctx: typer.Context,
    workspace: Workspace = Path("vendors"),
    db: Annotated[Path | None, typer.Option("--db", help="DuckDB file (default: in the workspace).")] = None,
    no_auth: Annotated[
        bool, typer.Option("--no-auth", help="Serve a network address without sign-in (everyone sees all).")
    ] = False,
) -> None:
    """Start the app (extra options go to `streamlit run`, e.g. --server.port 8600)."""
    from scorecard.access.config import load_access

    script = Path(__file__).resolve().parents[2] / "app.py"
    if not script.exists():
        raise ScorecardError(f"app.py is not next to the package ({script}); run this from a clone.")
    configured = load_access(workspace) is not None
    rule = launch.exposure(launch.current_address(ctx.args), configured, no_auth)
    if not rule.ok:
        raise AccessError(rule.message)
    if rule.warning:
        typer.echo(f"Warning: {rule.warning}", err=True)
    args = [
        "--workspace",
        str(workspace),
        *(["--db", str(db)] if db else []),
        *(["--no-auth"] if no_auth else []),
    ]
    argv = [sys.executable, "-m", "streamlit", "run", str(script), *ctx.args, "--", *args]
    os.execv(sys.executable, argv)
