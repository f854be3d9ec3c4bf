"""The canonical schema is declared once: the raw tables' DDL is derived from the pandera models."""

from __future__ import annotations

from pathlib import Path

import duckdb
import pandera.polars as pa
import polars as pl
import pytest

from scorecard.ingest import db, layout, schemas

#: Written out here, not imported: how each pandera field type must land in DuckDB.
DUCKDB_TYPE = {
    "String": "VARCHAR",
    "Float64": "DOUBLE",
    "Int64": "BIGINT",
    "Boolean": "BOOLEAN",
    "Date": "DATE",
}


def _expected(table: str) -> list[tuple[str, str, bool]]:
    """(column, DuckDB type, nullable) of `raw_<table>` worked out from the pandera model alone."""
    cols = [("vendor_id", "VARCHAR", False), ("export_key", "VARCHAR", False)]
    cols += [("source_file", "VARCHAR", False), ("source_row", "BIGINT", False)]
    local = []
    for name, col in schemas.SCHEMAS[table].to_schema().columns.items():
        kind = str(col.dtype)
        sql = "TIMESTAMP" if kind.startswith("Datetime") else DUCKDB_TYPE[kind]
        cols.append((name, sql, col.nullable))
        if sql == "TIMESTAMP":
            local.append((f"{name}_local", "TIMESTAMP", col.nullable))
    return cols + local


def _actual(con: duckdb.DuckDBPyConnection, table: str) -> list[tuple[str, str, bool]]:
    return con.execute(
        "select column_name, data_type, is_nullable from duckdb_columns() "
        "where table_name = ? order by column_index",
        [f"raw_{table}"],
    ).fetchall()


@pytest.mark.parametrize("table", list(schemas.SCHEMAS))
def test_each_raw_table_has_exactly_its_models_columns_types_and_required_fields(table: str) -> None:
    con = duckdb.connect()
    db.create_tables(con)
    assert _actual(con, table) == _expected(table)


def test_every_model_is_a_raw_table_and_nothing_else_is() -> None:
    con = duckdb.connect()
    db.create_tables(con)
    raw = {
        r[0]
        for r in con.execute(
            "select table_name from duckdb_tables() where table_name like 'raw_%'"
        ).fetchall()
    }
    assert raw == {f"raw_{t}" for t in schemas.SCHEMAS}
    assert tuple(schemas.SCHEMAS) == db.TABLES


class CallsWithQueue(schemas.Calls):
    """The calls model with one more column, as a later version might declare it."""

    queue_s: float = pa.Field(ge=0, nullable=True, description="Time in the IVR before the queue.")
    channel: str = pa.Field(description="Voice or chat.")


def _use_models(monkeypatch: pytest.MonkeyPatch, table: str, model: type) -> None:
    """Swap one model in, and re-derive the layout from the models as an import would."""
    monkeypatch.setitem(schemas.SCHEMAS, table, model)
    for name, value in zip(("CANONICAL", "REQUIRED", "TIMESTAMP_COLUMNS"), layout._derive(), strict=True):
        monkeypatch.setattr(layout, name, value)


def test_a_column_added_to_a_model_reaches_the_table_and_rebuilds_an_older_database(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    path = tmp_path / "scorecard.duckdb"
    con = duckdb.connect(str(path))
    assert db.create_tables(con) is False  # a new database: nothing to rebuild
    con.execute("insert into vendors values ('acme', 'Acme', 'FR', 'Europe/Paris', 'EUR')")
    before = db.layout_sha256()
    _use_models(monkeypatch, "calls", CallsWithQueue)
    assert db.layout_sha256() != before
    assert db.create_tables(con) is True  # same SCHEMA_VERSION, another layout: emptied and rebuilt
    assert con.execute("select count(*) from vendors").fetchall() == [(0,)]
    names = [c[0] for c in _actual(con, "calls")]
    assert names[-4:] == ["ring_s", "queue_s", "channel", "arrived_at_local"]
    assert ("channel", "VARCHAR", False) in _actual(con, "calls")  # required in the model: NOT NULL
    assert db.create_tables(con) is False  # the layout now matches


def test_a_database_of_an_older_version_is_rebuilt_by_the_ingest_and_refused_to_readers(
    tmp_path: Path,
) -> None:
    path = tmp_path / "scorecard.duckdb"
    con = duckdb.connect(str(path))
    db.create_tables(con)
    con.execute("update db_meta set schema_version = ?", [db.SCHEMA_VERSION - 1])
    with pytest.raises(db.DatabaseError, match=f"table layout {db.SCHEMA_VERSION - 1}, this version reads"):
        db.check_schema(con, path)
    assert db.create_tables(con) is True
    assert db.schema_version(con) == db.SCHEMA_VERSION
    db.check_schema(con, path)  # accepted now


class WithList(schemas.Costs):
    tags: pl.List(pl.String) = pa.Field(nullable=True, description="Free tags.")


def test_a_field_type_with_no_raw_column_type_is_named(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setitem(schemas.SCHEMAS, "costs", WithList)
    with pytest.raises(
        TypeError, match=r"schemas\.WithList\.tags: type List\(String\) has no raw column type"
    ):
        layout._derive()


def test_opening_a_database_to_read_does_not_import_pandera() -> None:
    import subprocess
    import sys

    code = "import sys; import scorecard.ingest.db as d; d.scalar; print('pandera' in sys.modules)"
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "False"


def test_the_tables_vendor_toml_accepts_are_the_models() -> None:
    # vendor.toml is read without importing pandera, so its list of tables is written out; it must
    # name exactly the models (a table added to one only would be unloadable or unvalidated).
    from scorecard.workspace.files import CANONICAL_TABLES

    assert tuple(schemas.SCHEMAS) == CANONICAL_TABLES


class TwoInstants(schemas.Quality):
    reviewed_at: pl.Datetime = pa.Field(nullable=True, description="Second review instant (UTC).")


def test_a_model_with_two_timestamps_is_refused_with_what_to_do(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setitem(schemas.SCHEMAS, "quality", TwoInstants)
    with pytest.raises(
        TypeError, match=r"schemas\.TwoInstants: evaluated_at, reviewed_at are timestamps; the "
    ):
        layout._derive()
