"""docs/internals.md "Adding an adapter" is true: a package's entry point adds a format, nothing installed.

The adapter module and the TOML blocks come from the page itself; the entry point is made visible by
standing in for `importlib.metadata.entry_points`, exactly where the registry reads installed packages.
"""

from __future__ import annotations

import importlib.metadata
import re
import textwrap
import tomllib
from collections.abc import Iterator
from pathlib import Path

import duckdb
import pytest

from scorecard.errors import ConfigError
from scorecard.ingest import adapters
from scorecard.ingest.adapters import GROUP, PROBLEMS, REGISTRY, discover, get_adapter
from scorecard.ingest.run import ingest

ROOT = Path(__file__).resolve().parents[1]
REAL_ENTRY_POINTS = importlib.metadata.entry_points


def _blocks(language: str) -> list[str]:
    text = (ROOT / "docs" / "internals.md").read_text(encoding="utf-8")
    section = text.split("## Adding an adapter", 1)[1].split("\n## ", 1)[0]
    return [
        textwrap.dedent(b) + "\n" for b in re.findall(rf"```{language}\n(.*?)\n\s*```", section, flags=re.S)
    ]


@pytest.fixture(autouse=True)
def _registry_restored() -> Iterator[None]:
    """Each test rediscovers with its own entry points; the real registry comes back afterwards."""
    registry, problems = dict(REGISTRY), dict(PROBLEMS)
    yield
    REGISTRY.clear()
    REGISTRY.update(registry)
    PROBLEMS.clear()
    PROBLEMS.update(problems)


class _Dist:
    """The little of a distribution the registry reads: its name."""

    def __init__(self, name: str) -> None:
        self.metadata = {"Name": name}


def _entry_point(name: str, value: str, package: str) -> importlib.metadata.EntryPoint:
    ep = importlib.metadata.EntryPoint(name=name, value=value, group=GROUP)
    return ep._for(_Dist(package))  # type: ignore[attr-defined]  # how importlib attaches its package


def _installed(monkeypatch: pytest.MonkeyPatch, *extra: importlib.metadata.EntryPoint) -> None:
    """Entry points as if packages declaring `extra` were installed beside Vendor Scorecard."""

    def entry_points(**params):  # the one function the registry calls
        found = REAL_ENTRY_POINTS(**params)
        if params.get("group") == GROUP:
            return importlib.metadata.EntryPoints([*found, *extra])
        return found

    monkeypatch.setattr(importlib.metadata, "entry_points", entry_points)
    discover()


def _package(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """Step 1: the documented module, in a package on the path (importable, not installed)."""
    (module,) = _blocks("python")
    package = tmp_path / "site" / "acme_scorecard"
    package.mkdir(parents=True)
    (package / "__init__.py").write_text("")
    (package / "contact_log.py").write_text(module, encoding="utf-8")
    monkeypatch.syspath_prepend(str(tmp_path / "site"))


# A contact log as Acme's tool writes it: a byte-order mark, padded headers, a blank line, local times.
CONTACTS = (
    "\ufeffContact ID , Queue ,Started,Result,Wait,Talk,Agent\n"
    "c1,billing,2026-04-15 09:00:00,Handled,12,300,ag1\n"
    "c2,billing,2026-04-15 09:05:00,Handled,40,200,ag2\n"
    "\n"
    "c3,billing,2026-04-15 09:10:00,Abandoned,25,0,\n"
    "c4,billing,2026-04-15 23:30:00,Busy,0,0,\n"
    "c5,billing,2026-04-16 10:00:00,IVR,0,0,\n"
)


def _workspace(tmp_path: Path, contacts: str) -> Path:
    (_entry_points, export) = _blocks("toml")
    root = tmp_path / "ws"
    (root / "acme" / "contacts").mkdir(parents=True)
    (root / "scorecard.toml").write_text('base_currency = "EUR"\n')
    (root / "acme" / "vendor.toml").write_text(
        'name = "Acme"\ntimezone = "Europe/Paris"\ncurrency = "EUR"\n\n' + export, encoding="utf-8"
    )
    (root / "acme" / "contacts" / "2026-04.csv").write_text(contacts, encoding="utf-8")
    return root


def test_the_documented_steps_add_a_format_that_ingests_a_real_shaped_file(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    _package(tmp_path, monkeypatch)
    (declared, _export) = _blocks("toml")
    [(name, value)] = tomllib.loads(declared)["project"]["entry-points"][GROUP].items()
    _installed(monkeypatch, _entry_point(name, value, "acme-scorecard"))
    assert name == "acme_contact_log" and REGISTRY[name].__name__ == "AcmeContactLog"
    assert {"canonical", "mapped", "five9_call_log"} <= set(REGISTRY)  # the built-ins are still there
    root = _workspace(tmp_path, CONTACTS)
    report = ingest(root, tmp_path / "db.duckdb")
    assert report.problems == []
    assert [(f.vendor_id, f.status, f.rows) for f in report.files] == [("acme", "loaded", 5)]
    con = duckdb.connect(str(tmp_path / "db.duckdb"), read_only=True)
    rows = con.execute(
        "select call_id, source_row, outcome, wait_s, talk_s, agent_id, arrived_at, arrived_at_local::date "
        "from raw_calls order by call_id"
    ).fetchall()
    con.close()
    assert [r[:6] for r in rows] == [
        ("c1", 2, "answered", 12.0, 300.0, "ag1"),
        ("c2", 3, "answered", 40.0, 200.0, "ag2"),
        ("c3", 5, "abandoned", 25.0, 0.0, None),  # line 5: the blank line 4 is counted, as an editor shows
        ("c4", 6, "blocked", 0.0, 0.0, None),
        ("c5", 7, "self_service", 0.0, 0.0, None),
    ]
    # Paris is UTC+2 in April: 23:30 local on the 15th is 21:30 UTC, and still the 15th locally.
    assert str(rows[3][6]) == "2026-04-15 21:30:00" and str(rows[3][7]) == "2026-04-15"


def test_a_bad_value_in_the_new_format_is_refused_with_its_line_and_column(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    _package(tmp_path, monkeypatch)
    _installed(
        monkeypatch, _entry_point("acme_contact_log", "acme_scorecard.contact_log:AcmeContactLog", "acme")
    )
    bad = CONTACTS.replace(
        "c2,billing,2026-04-15 09:05:00,Handled", "c2,billing,2026-04-15 09:05:00,Transferred"
    )
    report = ingest(_workspace(tmp_path, bad), tmp_path / "db.duckdb")
    [file] = report.files
    assert file.status == "rejected"
    assert "line 3" in file.message and "Result" in file.message and "'Transferred'" in file.message
    assert "Handled, Abandoned, Busy or IVR" in file.message


def test_a_format_two_packages_claim_is_named_with_both_and_not_guessed(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    _installed(
        monkeypatch,
        _entry_point("acme_contact_log", "acme_scorecard.contact_log:AcmeContactLog", "acme-scorecard"),
        _entry_point("acme_contact_log", "acme_fork.log:AcmeContactLog", "acme-fork"),
    )
    with pytest.raises(ConfigError) as err:
        get_adapter("acme_contact_log", "vendors/acme/vendor.toml")
    assert str(err.value) == (
        "Export format 'acme_contact_log' in vendors/acme/vendor.toml cannot be used: export format "
        "'acme_contact_log' is claimed by two installed packages, acme-scorecard "
        "(acme_scorecard.contact_log:AcmeContactLog) and acme-fork (acme_fork.log:AcmeContactLog); uninstall "
        "one of them so that the format means one thing."
    )
    assert "acme_contact_log" not in REGISTRY
    assert type(get_adapter("five9_call_log")).__name__ == "Five9CallLog"  # the others keep working


def test_a_format_whose_package_fails_to_import_says_so_and_the_others_keep_working(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    _installed(monkeypatch, _entry_point("genesys_v3", "acme_missing_sdk.adapter:Genesys3", "acme-genesys"))
    with pytest.raises(ConfigError) as err:
        get_adapter("genesys_v3", "vendors/acme/vendor.toml")
    assert str(err.value) == (
        "Export format 'genesys_v3' in vendors/acme/vendor.toml cannot be used: export format 'genesys_v3' "
        "from acme-genesys (acme_missing_sdk.adapter:Genesys3) failed to import: ModuleNotFoundError: No "
        "module named 'acme_missing_sdk'. Reinstall or upgrade that package (or uninstall it if it is not "
        "needed)."
    )
    assert type(get_adapter("mapped")).__name__ == "MappedAdapter"


def test_an_entry_point_whose_class_has_another_format_is_refused(monkeypatch: pytest.MonkeyPatch) -> None:
    value = "scorecard.ingest.adapters.five9_call_log:Five9CallLog"
    _installed(monkeypatch, _entry_point("five9", value, "acme"))
    assert PROBLEMS["five9"] == (
        f"export format 'five9' from acme ({value}) names a class whose format is 'five9_call_log'; the "
        "entry point's name must be the adapter's format"
    )


def test_every_built_in_adapter_is_declared_as_an_entry_point_of_this_package() -> None:
    declared = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))
    entry_points = declared["project"]["entry-points"][GROUP]
    package = Path(adapters.__file__).parent
    defined = {
        f"scorecard.ingest.adapters.{path.stem}:{name}"
        for path in package.glob("*.py")
        for name in re.findall(r"^class (\w+)\(Adapter\):", path.read_text(encoding="utf-8"), flags=re.M)
    }
    assert set(entry_points.values()) == defined
    installed = {
        ep.name: ep.value for ep in REAL_ENTRY_POINTS(group=GROUP) if ep.dist.name == "vendor-scorecard"
    }
    assert installed == entry_points, (
        "pyproject.toml's adapters differ from the installed ones: run `uv sync`"
    )
    assert {name: REGISTRY[name].format for name in entry_points} == {name: name for name in entry_points}
