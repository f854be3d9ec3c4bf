"""The first start's build gate (app_pages/_start.py) decides local mode without importing the library;
it must decide exactly as `load_access` does, or a configured deployment would build (and show file names)
before anyone signed in."""

from __future__ import annotations

import shutil
import sys
from pathlib import Path

import pytest

from scorecard.access.config import load_access

ROOT = Path(__file__).resolve().parents[1]
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from app_pages._start import local_mode  # noqa: E402

FIXTURE = ROOT / "tests" / "fixtures" / "app_ws"
USERS = '[[users]]\nmatch = "alice@buyer.example"\nrole = "admin"\n'


@pytest.fixture
def ws(tmp_path: Path) -> Path:
    root = tmp_path / "ws"
    shutil.copytree(FIXTURE, root, ignore=shutil.ignore_patterns("*.py", "__pycache__", "*.duckdb*"))
    return root


def test_no_access_configured_is_local_mode(ws: Path) -> None:
    assert load_access(ws) is None
    assert local_mode(ws) is True


def test_an_access_file_is_not_local_mode(ws: Path) -> None:
    (ws / "access.toml").write_text(USERS, encoding="utf-8")
    assert load_access(ws) is not None
    assert local_mode(ws) is False


def test_an_access_table_in_the_settings_is_not_local_mode(ws: Path) -> None:
    settings = ws / "scorecard.toml"
    inline = USERS.replace("[[users]]", "[[access.users]]")
    settings.write_text(settings.read_text(encoding="utf-8") + "\n" + inline, encoding="utf-8")
    assert load_access(ws) is not None
    assert local_mode(ws) is False


def test_settings_that_do_not_parse_are_not_taken_for_local_mode(ws: Path) -> None:
    (ws / "scorecard.toml").write_text("[access\n", encoding="utf-8")
    assert local_mode(ws) is False  # the app reports the broken file after the start, as before


def test_a_first_start_that_cannot_build_shows_why_and_offers_to_try_again(
    ws: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from streamlit.testing.v1 import AppTest

    # a setting that is not a number: the build stops with the configuration error, nothing loads
    settings = ws / "scorecard.toml"
    text = settings.read_text(encoding="utf-8")
    settings.write_text(text.replace("sl_threshold_s = 20", 'sl_threshold_s = "soon"'), encoding="utf-8")
    monkeypatch.setenv("SCORECARD_WORKSPACE", str(ws))
    monkeypatch.setenv("SCORECARD_DB", str(ws.parent / "scorecard.duckdb"))
    at = AppTest.from_file(str(ROOT / "app.py"), default_timeout=120).run()
    assert not at.exception
    shown = at.error[0].value.replace("\\", "")  # the message is shown as text: Markdown escaped
    assert "key 'sl_threshold_s' = 'soon': Input should be a valid number" in shown
    assert not at.dataframe and not at.title  # the pages are not drawn over a failed build
    assert [b.label for b in at.button] == ["Try again"]
