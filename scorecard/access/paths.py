"""Paths built from what users type or upload: validated first, resolved inside the workspace.

Nothing here writes. A vendor id becomes one folder name directly under the workspace; an uploaded file's
name becomes one file name inside that vendor's folder. Anything else — `..`, an absolute path, a
separator, a hidden or reserved name, a symlink that leads out of the folder — is refused with a message
that says what to type instead.
"""

from __future__ import annotations

import os
import re
import unicodedata
from pathlib import Path, PurePosixPath

from scorecard.access import AccessError

VENDOR_ID = re.compile(r"[A-Za-z0-9][A-Za-z0-9_-]{0,63}")
#: Folder names of the workspace that are not vendors.
RESERVED = frozenset({"presets"})
UPLOAD_SUFFIXES = (".csv", ".txt", ".tsv", ".xlsx")
MAX_NAME = 200


class PathRefused(AccessError):
    """A path built from user input would leave its folder or use a name that is not allowed."""


def vendor_id(text: str) -> str:
    """A new vendor id as typed, or PathRefused: 1–64 letters, digits, `_` or `-`, not reserved."""
    if not VENDOR_ID.fullmatch(text) or text.lower() in RESERVED:
        raise PathRefused(
            f"Vendor id {_shown(text)} is not allowed: use 1–64 letters, digits, '_' or '-', starting "
            "with a letter or digit (it becomes a folder name directly inside the workspace; "
            f"{', '.join(sorted(RESERVED))} is reserved)."
        )
    return text


def _shown(text: str) -> str:
    """User text quoted for a message, control characters made visible, long text cut."""
    cut = text if len(text) <= 80 else text[:77] + "..."
    return repr(cut)


def _has_control(text: str) -> bool:
    return any(unicodedata.category(ch) in ("Cc", "Cf", "Zl", "Zp") for ch in text)


def upload_name(name: str) -> str:
    """An uploaded file's name, or PathRefused: one plain file name with an export suffix."""
    plain = PurePosixPath(name)
    problem = None
    if not name or len(name) > MAX_NAME or _has_control(name):
        problem = f"it must be 1–{MAX_NAME} printable characters"
    elif "/" in name or "\\" in name or plain.name != name or name in (".", ".."):
        problem = "it must be a file name, not a path"
    elif name.startswith("."):
        problem = "hidden files (starting with '.') are not accepted"
    elif name.lower() == "vendor.toml":
        problem = "vendor.toml is the vendor's configuration, not an export"
    elif not name.lower().endswith(UPLOAD_SUFFIXES):
        problem = f"exports end in {', '.join(UPLOAD_SUFFIXES)}"
    if problem:
        raise PathRefused(
            f"File name {_shown(name)} is not accepted: {problem}. Rename the file and try again."
        )
    return name


def relative_parts(rel: str) -> tuple[str, ...]:
    parts = PurePosixPath(rel.replace("\\", "/")).parts
    if not parts or PurePosixPath(rel).is_absolute() or any(p in ("..", ".", "") for p in parts):
        raise PathRefused(f"Path {_shown(rel)} must be relative and stay inside its folder (no '..').")
    return parts


def inside(folder: Path, rel: str) -> Path:
    """`folder / rel`, refused unless it stays inside `folder` once every symlink is followed."""
    base = folder.resolve(strict=True)
    candidate = base.joinpath(*relative_parts(rel))
    if os.path.islink(candidate):
        raise PathRefused(f"{rel} is a symbolic link; replace it with a real file or folder.")
    if not candidate.resolve().is_relative_to(base):
        raise PathRefused(
            f"{rel} leads outside {folder.name}/ (through a symbolic link); nothing was written."
        )
    return candidate


def vendor_folder(workspace: Path, vid: str, *, new: bool = False) -> Path:
    """The folder of vendor `vid`, directly inside the workspace and not a symlink.

    `new=True`: the folder must not exist yet (nor a dangling link of that name).
    """
    vendor_id(vid)
    root = workspace.resolve(strict=True)
    folder = root / vid
    if os.path.islink(folder):
        raise PathRefused(
            f"{vid}/ is a symbolic link; vendor folders must be real folders inside the workspace."
        )
    if new and os.path.lexists(folder):
        raise PathRefused(
            f"A folder {vid}/ already exists in the workspace; choose 'An existing vendor' or another id."
        )
    if not new and not folder.is_dir():
        raise PathRefused(f"The workspace has no vendor folder {vid}/.")
    return folder


def file_in_vendor(workspace: Path, vid: str, rel: str) -> Path:
    """A file path inside vendor `vid`'s folder (which exists), refused if it would leave it."""
    return inside(vendor_folder(workspace, vid), rel)
