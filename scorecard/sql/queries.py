"""The query files of `queries/`: found, parsed (header, object, dependencies) and put in dependency order.

Every `.sql` file holds one `create or replace view|macro|table <name> ...` statement and opens with a header
(docs/internals.md): `-- <name>`, `-- Grain: ...`, `-- Definition: ...`, `-- Depends on: a, b` (comment lines
starting with `--   ` continue the field above). The Depends-on names that are other query files order
the statements; the others must be tables of `scorecard.ingest.db`. `views.py` applies them.
"""

from __future__ import annotations

import functools
import hashlib
import re
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from scorecard.errors import ScorecardError
from scorecard.metrics import catalogue

#: Query folders in layer order, and the file-name prefix each one requires ("" = any name). `macros/`
#: holds the scalar helper macros every layer may use (strict sums, scope and period labels).
LAYERS: dict[str, str] = {
    "macros": "",
    "staging": "stg_",
    "intermediate": "int_",
    "marts": "mart_",
    "kpi": "",
    "review": "review_",
    "audits": "assert_",
}

_HEADER_FIELDS = ("Grain", "Definition", "Depends on")
CREATE = re.compile(r"^create or replace (view|macro|table) (\w+)\b", re.MULTILINE)
CREATE_AS = re.compile(r"^create or replace (?:view|table) \w+ as\s", re.MULTILINE)


#: The comments a query file puts where select items derived from the KPI catalogue go (`kpi_values`,
#: `kpi_interval_service`): each file stays plain SQL, and the formulas stay in their one
#: declaration, `catalogue.toml`.
CATALOGUE_MARKERS: dict[str, Callable[[], str]] = {
    "/* catalogue: volumes and KPIs */": catalogue.sql_select_list,
    "/* catalogue: service_level parts by sl_variant */": lambda: catalogue.sql_variant_parts(
        "service_level", "sl_variant", "sl"
    ),
}


@dataclass(frozen=True)
class QueryFile:
    """One parsed query file: its object, layer, header fields and SQL text (`sql` with the
    catalogue's select items in place of CATALOGUE_MARKERS; `text` as the file holds it)."""

    name: str
    layer: str
    path: Path
    kind: str
    grain: str
    definition: str
    depends_on: tuple[str, ...]
    sql: str
    text: str = ""


def queries_dir() -> Path:
    """The `queries/` folder: at the repository root, or `scorecard/_queries` inside a wheel."""
    package = Path(__file__).resolve().parents[1]  # scorecard/
    for candidate in (package.parent / "queries", package / "_queries"):
        if candidate.is_dir():
            return candidate
    raise ScorecardError(
        f"No SQL query folder found at {package.parent / 'queries'} or {package / '_queries'}; "
        "reinstall the package."
    )


def _parse_header(path: Path, text: str) -> dict[str, str]:
    """The header fields of a query file (the leading `--` comment block)."""
    fields: dict[str, str] = {}
    current: str | None = None
    for line in text.splitlines():
        if not line.startswith("--"):
            break
        body = line[2:]
        if "name" not in fields:
            fields["name"] = body.strip()
            continue
        key, sep, value = body.strip().partition(":")
        if sep and key in _HEADER_FIELDS and body.startswith(" ") and not body.startswith("   "):
            current = key
            fields[key] = value.strip()
        elif current is not None and body.startswith("   "):
            fields[current] = f"{fields[current]} {body.strip()}"
        else:
            raise ScorecardError(f"{path}: unexpected header line {line!r}")
    missing = [f for f in ("name", *_HEADER_FIELDS) if f not in fields]
    if missing:
        raise ScorecardError(
            f"{path}: header lacks {', '.join(missing)}; see docs/internals.md, Conventions, for the header."
        )
    return fields


def _expand(text: str) -> str:
    for marker, items in CATALOGUE_MARKERS.items():
        if marker in text:
            text = text.replace(marker, items())
    return text


def parse_query_file(path: Path, layer: str) -> QueryFile:
    """Parse one query file; raise ScorecardError naming the file when its header or statement is off."""
    text = path.read_text(encoding="utf-8")
    fields = _parse_header(path, text)
    created = CREATE.findall(text)
    if len(created) != 1:
        raise ScorecardError(
            f"{path}: expected exactly one 'create or replace view|macro|table <name>' statement, "
            f"found {len(created)}."
        )
    kind, name = created[0]
    if name != path.stem or fields["name"] != path.stem:
        raise ScorecardError(
            f"{path}: header names {fields['name']!r} and the statement creates {name!r}; "
            f"both must equal the file name {path.stem!r}."
        )
    raw_deps = fields["Depends on"].strip()
    deps = () if raw_deps in ("", "(none)") else tuple(d.strip() for d in raw_deps.split(","))
    return QueryFile(
        name=name,
        layer=layer,
        path=path,
        kind=kind,
        grain=fields["Grain"],
        definition=fields["Definition"],
        depends_on=deps,
        sql=_expand(text),
        text=text,
    )


def query_files(root: Path | None = None) -> list[QueryFile]:
    """Every query file under `root` (default `queries_dir()`, read once per process), in layer then
    name order."""
    if root is None:
        return list(_installed_query_files())
    files: list[QueryFile] = []
    for layer in LAYERS:
        for path in sorted((root / layer).glob("*.sql")):
            files.append(parse_query_file(path, layer))
    return files


@functools.cache
def _installed_query_files() -> tuple[QueryFile, ...]:
    return tuple(query_files(queries_dir()))


def dependency_order(files: list[QueryFile]) -> list[QueryFile]:
    """Topological order of `files` by their Depends-on headers (stable: layer, then name)."""
    by_name = {f.name: f for f in files}
    ordered: list[QueryFile] = []
    state: dict[str, str] = {}

    def visit(f: QueryFile, chain: tuple[str, ...]) -> None:
        if state.get(f.name) == "done":
            return
        if state.get(f.name) == "visiting":
            cycle = " -> ".join((*chain, f.name))
            raise ScorecardError(f"Query files depend on each other in a cycle: {cycle}")
        state[f.name] = "visiting"
        for dep in f.depends_on:
            if dep in by_name:
                visit(by_name[dep], (*chain, f.name))
        state[f.name] = "done"
        ordered.append(f)

    for f in files:
        visit(f, ())
    return ordered


@functools.cache
def queries_fingerprint() -> str:
    """sha256 of every query file's name and SQL and of the KPI catalogue: a materialised table built
    from other SQL or another catalogue is stale."""
    h = hashlib.sha256(catalogue.fingerprint().encode())
    for f in sorted(query_files(), key=lambda q: q.name):
        h.update(f"{f.name}\n{f.sql}\n".encode())
    return h.hexdigest()
