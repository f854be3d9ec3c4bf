"""Upload rules: who may add files where, a new vendor validated in memory, and writes only after both.

`new_vendor` checks a typed vendor id, name and time zone and builds its vendor.toml without touching the
disk; `target` names the file an upload becomes (inside the vendor's folder, matching the export's
pattern); `save` checks the scope again and only then writes — the folder and vendor.toml of a new
vendor, then the file, atomically.
"""

from __future__ import annotations

import fnmatch
import json
import os
import tempfile
import tomllib
from dataclasses import dataclass
from pathlib import Path, PurePosixPath

from scorecard.access import AccessError, paths
from scorecard.access.scope import Scope
from scorecard.workspace import config
from scorecard.workspace.config import ExportConfig, VendorConfig

MAX_TEXT = 200


@dataclass(frozen=True)
class NewVendor:
    """A vendor that does not exist yet: its validated configuration and the vendor.toml to write."""

    vendor: VendorConfig
    toml: str


def _text(label: str, value: str, required: bool = True) -> str:
    value = value.strip()
    if required and not value:
        raise paths.PathRefused(f"{label} is required.")
    if len(value) > MAX_TEXT or any(ord(ch) < 32 or ord(ch) == 127 for ch in value):
        raise paths.PathRefused(f"{label} must be at most {MAX_TEXT} characters, without control characters.")
    return value


def new_vendor(
    workspace: Path, vid: str, name: str, country: str, tz: str, currency: str, table: str
) -> NewVendor:
    """A new vendor's configuration, validated like any vendor.toml; nothing is written."""
    folder = paths.vendor_folder(workspace, paths.vendor_id(vid), new=True)
    values = {
        "name": _text("Name", name),
        "country": _text("Country", country, required=False),
        "timezone": _text("Time zone", tz),
        "currency": _text("Currency", currency),
    }
    lines = [f"{k} = {json.dumps(v, ensure_ascii=False)}" for k, v in values.items() if v]
    export = {"table": table, "format": "canonical", "files": f"{table}/*"}
    lines += ["", "[[exports]]", *(f"{k} = {json.dumps(v)}" for k, v in export.items())]
    text = "\n".join(lines) + "\n"
    vendor = config.parse_vendor(tomllib.loads(text), folder, Path(vid) / "vendor.toml")
    return NewVendor(vendor, text)


def may_upload(scope: Scope, vendor_id: str, new: bool = False) -> None:
    """AccessError unless the scope may add files for this vendor (a new vendor: admins only)."""
    if new and not scope.can_ingest:
        raise AccessError("Only an admin can add a vendor. Nothing was written.")
    if not scope.can_upload(vendor_id):
        raise AccessError(
            "You can upload exports for your own vendor only. Nothing was written."
            if scope.role == "vendor"
            else f"Your role ({scope.role}) cannot upload files. Nothing was written."
        )


def target(workspace: Path, vendor: VendorConfig, export: ExportConfig, filename: str) -> tuple[Path, str]:
    """The file an upload becomes, and its workspace-relative name; refused if it would not be read."""
    name = paths.upload_name(filename)
    pattern = export.files
    rel_in_vendor = (
        (PurePosixPath(pattern).parent / name).as_posix() if any(ch in pattern for ch in "*?[") else pattern
    )
    if not fnmatch.fnmatch(rel_in_vendor, pattern):
        raise paths.PathRefused(
            f"{name} would not match the export's files pattern '{pattern}' in "
            f"{vendor.vendor_id}/vendor.toml; rename the file or pick another export."
        )
    folder = workspace.resolve() / vendor.vendor_id
    if folder.exists():
        path = paths.file_in_vendor(workspace, vendor.vendor_id, rel_in_vendor)
    else:  # a new vendor: its folder is created on save
        paths.vendor_folder(workspace, vendor.vendor_id, new=True)
        path = folder.joinpath(*paths.relative_parts(rel_in_vendor))
    return path, f"{vendor.vendor_id}/{rel_in_vendor}"


def _write_atomic(path: Path, data: bytes) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=".upload-", suffix=".part")
    try:
        with os.fdopen(fd, "wb") as fh:
            fh.write(data)
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise


def save(
    scope: Scope,
    workspace: Path,
    vendor: VendorConfig,
    export: ExportConfig,
    filename: str,
    data: bytes,
    draft: NewVendor | None = None,
) -> tuple[Path, str]:
    """Write an upload (and a new vendor's folder and vendor.toml) after checking scope and paths again."""
    may_upload(scope, vendor.vendor_id, new=draft is not None)
    path, rel = target(workspace, vendor, export, filename)
    if draft is not None:
        folder = paths.vendor_folder(workspace, draft.vendor.vendor_id, new=True)
        folder.mkdir()
        with (folder / "vendor.toml").open("x", encoding="utf-8") as fh:
            fh.write(draft.toml)
        path, rel = target(workspace, vendor, export, filename)  # now resolved inside the real folder
    _write_atomic(path, data)
    return path, rel
