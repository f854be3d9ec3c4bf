"""Paths from user input (scorecard.access.paths, .uploads) and the Data page: validated first,
resolved inside the workspace, symlinks out refused, nothing written before validation or without a right."""

from __future__ import annotations

import os
import shutil
from pathlib import Path

import pytest
from conftest import unmarked
from streamlit.testing.v1 import AppTest

from scorecard.access import AccessError, paths, uploads
from scorecard.access.scope import Scope, local
from scorecard.ingest import run as load
from scorecard.workspace import config

ROOT = Path(__file__).resolve().parents[1]
FIXTURE = ROOT / "tests" / "fixtures" / "app_ws"
GOOD = (
    "call_id,program,arrived_at,outcome,wait_s,talk_s,hold_s,acw_s,transferred,resolved,agent_id\n"
    "x1,support,2026-04-20 09:00:00,answered,5,100,0,20,false,true,north-a1\n"
)


def snapshot(root: Path) -> dict[str, bytes]:
    """Every file under `root` with its bytes (so an overwrite with the same mtime still shows)."""
    return {p.relative_to(root).as_posix(): p.read_bytes() for p in sorted(root.rglob("*")) if p.is_file()}


@pytest.fixture
def workspace(tmp_path, monkeypatch) -> Path:
    """A fresh, ingested copy of the fixture workspace, with a sibling folder 'outside' it."""
    ws = tmp_path / "ws"
    shutil.copytree(FIXTURE, ws, ignore=shutil.ignore_patterns("*.py", "__pycache__", "*.duckdb*"))
    assert load.ingest(ws, tmp_path / "db.duckdb").ok
    (tmp_path / "outside").mkdir()
    monkeypatch.setenv("SCORECARD_WORKSPACE", str(ws))
    monkeypatch.setenv("SCORECARD_DB", str(tmp_path / "db.duckdb"))
    return ws


def new_vendor_form(vid: str) -> AppTest:
    """The Data page's 'A new vendor' form filled with `vid`, a name and a time zone (no upload, no Load)."""
    at = AppTest.from_file(str(ROOT / "app.py"), default_timeout=120).run()
    at = at.switch_page("app_pages/data.py").run()
    at.radio(key="_data_mode").set_value("A new vendor").run()
    inputs = {t.label: t for t in at.text_input}
    inputs["Vendor id (folder name)"].set_value(vid)
    inputs["Name"].set_value("Intruder")
    inputs["Time zone (IANA)"].set_value("Europe/Paris")
    return at.run()


@pytest.mark.parametrize(
    "vid", ["../south", "../../x", "/tmp/x", "south/../../x", ".staging", "presets", "a b", "ü", ""]
)
def test_a_new_vendor_id_that_is_not_one_folder_name_writes_nothing(workspace, vid):
    # The reported attack: '../south' plus a name and a time zone overwrote south's vendor.toml.
    before, outside = snapshot(workspace.parent), set(os.listdir(workspace.parent))
    at = new_vendor_form(vid or "/")
    assert not at.exception
    assert len(at.error) == 1 and "is not allowed: use 1–64 letters, digits" in unmarked(at.error[0].value)
    assert not at.file_uploader  # the form stops before the upload
    assert snapshot(workspace.parent) == before and set(os.listdir(workspace.parent)) == outside
    assert config.load_workspace(workspace).vendor("south").exports[1].table == "surveys"


def test_an_existing_vendor_id_is_refused_before_anything_is_written(workspace):
    before = snapshot(workspace)
    at = new_vendor_form("south")
    assert [unmarked(e.value) for e in at.error] == [
        "A folder south/ already exists in the workspace; choose 'An existing vendor' or another id."
    ]
    assert snapshot(workspace) == before


def test_a_valid_new_vendor_is_validated_in_memory_only(workspace):
    before = snapshot(workspace)
    at = new_vendor_form("east")
    assert not at.error and at.file_uploader
    assert snapshot(workspace) == before and not (workspace / "east").exists()


@pytest.mark.parametrize(
    "text",
    ["..", "../x", "-x", "a/b", "a\\b", "x" * 65, "Presets", "north\n", "nul\x00"],
)
def test_vendor_ids_outside_the_rule_are_refused(text):
    with pytest.raises(paths.PathRefused, match="is not allowed"):
        paths.vendor_id(text)


def test_vendor_ids_inside_the_rule_pass():
    assert [paths.vendor_id(v) for v in ("east", "us_northstar", "A-1", "x" * 64)] == [
        "east", "us_northstar", "A-1", "x" * 64,
    ]  # fmt: skip


@pytest.mark.parametrize(
    ("name", "problem"),
    [
        ("../x.csv", "it must be a file name, not a path"),
        ("/etc/passwd.csv", "it must be a file name, not a path"),
        ("..\\x.csv", "it must be a file name, not a path"),
        (".hidden.csv", "hidden files (starting with '.') are not accepted"),
        ("vendor.toml", "vendor.toml is the vendor's configuration, not an export"),
        ("run.sh", "exports end in .csv, .txt, .tsv, .xlsx"),
        ("a\nb.csv", "it must be 1–200 printable characters"),
    ],
)
def test_upload_names_must_be_plain_export_file_names(name, problem):
    with pytest.raises(paths.PathRefused) as exc:
        paths.upload_name(name)
    assert str(exc.value) == f"File name {name!r} is not accepted: {problem}. Rename the file and try again."


def test_a_vendor_folder_that_is_a_symlink_out_of_the_workspace_is_refused(workspace):
    outside = workspace.parent / "outside"
    (workspace / "evil").symlink_to(outside, target_is_directory=True)
    with pytest.raises(paths.PathRefused, match="evil/ is a symbolic link"):
        paths.file_in_vendor(workspace, "evil", "calls/x.csv")


def test_a_subfolder_that_is_a_symlink_out_of_the_vendor_folder_is_refused(workspace):
    outside = workspace.parent / "outside"
    shutil.rmtree(workspace / "north" / "calls")
    (workspace / "north" / "calls").symlink_to(outside, target_is_directory=True)
    ws = config.load_workspace(workspace)
    north = ws.vendor("north")
    with pytest.raises(paths.PathRefused, match="leads outside north/"):
        uploads.save(local(), workspace, north, north.exports[0], "late.csv", GOOD.encode())
    assert os.listdir(outside) == []


def test_an_existing_file_that_is_a_symlink_is_not_written_through(workspace):
    secret = workspace.parent / "outside" / "secret.csv"
    secret.write_text("keep me")
    (workspace / "north" / "calls" / "late.csv").symlink_to(secret)
    ws = config.load_workspace(workspace)
    north = ws.vendor("north")
    with pytest.raises(paths.PathRefused, match="is a symbolic link"):
        uploads.save(local(), workspace, north, north.exports[0], "late.csv", GOOD.encode())
    assert secret.read_text() == "keep me"


def test_an_export_pattern_that_leaves_the_vendor_folder_is_refused(workspace):
    ws = config.load_workspace(workspace)
    north = ws.vendor("north")
    export = config.ExportConfig(
        table="calls", format="canonical", files="../south/calls/*.csv", source=Path()
    )
    with pytest.raises(paths.PathRefused, match="must be relative and stay inside its folder"):
        uploads.target(workspace, north, export, "x.csv")


VENDOR_NORTH = Scope(user="ops@northwind.example", role="vendor", vendors=("north",), own="north")


@pytest.mark.parametrize(
    ("scope", "message"),
    [
        (VENDOR_NORTH, "You can upload exports for your own vendor only. Nothing was written."),
        (Scope(user="bob@buyer.example", role="analyst"), "Your role (analyst) cannot upload files."),
        (Scope(user="cfo@buyer.example", role="viewer", pages=("ranking",)), "Your role (viewer) cannot"),
    ],
)
def test_a_non_admin_upload_into_another_vendors_folder_is_refused_and_writes_nothing(
    workspace, scope, message
):
    before = snapshot(workspace.parent)
    south = config.load_workspace(workspace).vendor("south")
    with pytest.raises(AccessError) as exc:
        uploads.save(scope, workspace, south, south.exports[0], "late.csv", GOOD.encode())
    assert str(exc.value).startswith(message)
    assert snapshot(workspace.parent) == before


def test_a_vendor_user_uploads_into_its_own_folder(workspace):
    north = config.load_workspace(workspace).vendor("north")
    path, rel = uploads.save(VENDOR_NORTH, workspace, north, north.exports[0], "late.csv", GOOD.encode())
    assert (path, rel) == (workspace.resolve() / "north" / "calls" / "late.csv", "north/calls/late.csv")
    assert path.read_text() == GOOD
    assert not [p for p in path.parent.iterdir() if p.name.startswith(".upload-")]


def test_only_an_admin_adds_a_vendor(workspace):
    draft = uploads.new_vendor(workspace, "east", "Eastgate", "DE", "Europe/Berlin", "EUR", "calls")
    with pytest.raises(AccessError, match="Only an admin can add a vendor"):
        uploads.save(VENDOR_NORTH, workspace, draft.vendor, draft.vendor.exports[0], "w.csv", b"x", draft)
    assert not (workspace / "east").exists()


def test_a_new_vendors_toml_cannot_be_injected_through_its_name(workspace):
    with pytest.raises(paths.PathRefused, match="Name must be at most 200 characters, without control"):
        uploads.new_vendor(workspace, "east", 'Evil"\n[contract]', "DE", "Europe/Berlin", "EUR", "calls")
    quoted = uploads.new_vendor(workspace, "east", 'Say "hi" \\ [x]', "DE", "Europe/Berlin", "EUR", "calls")
    assert quoted.vendor.name == 'Say "hi" \\ [x]' and quoted.vendor.contract == {}
