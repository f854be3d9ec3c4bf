"""Locale, encoding and value parsers shared by every adapter (scorecard/adapters/readers.py)."""

from __future__ import annotations

import hashlib
from datetime import UTC, date, datetime, time, timedelta
from pathlib import Path

import openpyxl
import polars as pl
import pytest

from scorecard.errors import ConfigError, ValidationFailure
from scorecard.ingest.adapters import readers as rd
from scorecard.workspace.config import ExportConfig

FIXTURES = Path(__file__).parent / "fixtures" / "adapters"


def export(**kw) -> ExportConfig:
    """An export with reader options only."""
    return ExportConfig("calls", "mapped", "*", Path("v/vendor.toml"), **kw)


def test_cp1251_semicolons_and_decimal_commas():
    raw = rd.read_table(FIXTURES / "mapped_cdr_cp1251.csv", export(delimiter=";", encoding="cp1251"))
    assert raw.columns[:4] == ["source_row", "ИД звонка", "Дата", "Время"]
    assert raw["Ожидание, с"].to_list() == ["12,5", "3,0", "1,0", "0", "16,5"]
    waits = raw.select(rd.number("Ожидание, с", decimal=","))["Ожидание, с"].to_list()
    assert waits == [12.5, 3.0, 1.0, 0.0, 16.5]
    assert raw["Результат"].to_list() == ["ОТВЕТ", "СБРОС", "ОТВЕТ", "ЗАНЯТО", None]  # empty -> null


def test_gbk_and_utf8_with_bom_headers():
    gbk = rd.read_table(FIXTURES / "mapped_interval_gbk.csv", export(encoding="gbk"))
    assert gbk.columns[1:4] == ["日期", "时段", "技能组"]
    assert gbk["总通话时长"].to_list() == ["1,830", "600"]  # quoted field keeps its thousands comma
    bom = rd.read_table(FIXTURES / "ucce_call_type_interval.csv", export())  # encoding utf-8, BOM present
    assert bom.columns[1] == "DateTime"


def test_xlsx_sheet_by_name_with_excel_dates_times_and_durations(tmp_path: Path):
    path = tmp_path / "appels.xlsx"
    wb = openpyxl.Workbook()
    wb.active.title = "Sommaire"
    wb.active.append(["Rapport mensuel"])
    ws = wb.create_sheet("Appels")
    ws.append(["N° appel", "Date", "Heure", "Attente (s)", "Durée"])
    ws.append(["X1", date(2026, 8, 21), time(9, 12, 58), 12.5, time(0, 2, 23)])
    ws.append([1002, date(2026, 8, 22), time(10, 0, 0), None, timedelta(minutes=3, seconds=5)])
    wb.save(path)
    raw = rd.read_table(path, export(sheet="Appels"))
    assert raw.rows() == [
        (2, "X1", "2026-08-21", "09:12:58", "12.5", "00:02:23"),  # sheet rows 2 and 3
        (3, "1002", "2026-08-22", "10:00:00", None, "00:03:05"),
    ]
    assert rd.read_table(path, export()).columns == ["source_row", "Rapport mensuel"]  # first sheet


def test_number_integer_seconds_parsers():
    df = pl.DataFrame(
        {
            "n": ["1.234,5", "1 234,5", "12", "94,01%", "abc", None],
            "t": ["12,345.6", "1,000", "7", "0.5", "x", None],
            "d": ["1:02:03", "02:03", "90", "1,5", "", None],
        }
    )
    got = df.select(
        rd.number("n", decimal=","),
        rd.number("t", thousands=","),
        rd.integer("t", thousands=",").alias("i"),
        rd.seconds("d", "min", decimal=",").alias("min"),
        rd.seconds("d", "ms", decimal=",").alias("ms"),
    )
    assert got["n"].to_list() == [1234.5, 1234.5, 12.0, 94.01, None, None]  # "%" is stripped, not divided
    assert got["t"].to_list() == [12345.6, 1000.0, 7.0, 0.5, None, None]
    assert got["i"].to_list() == [None, 1000, 7, None, None, None]  # fractions are not counts
    assert got["min"].to_list() == [3723.0, 123.0, 5400.0, 90.0, None, None]  # h:mm:ss ignores the unit
    assert got["ms"].to_list() == [3723.0, 123.0, 0.09, 0.0015, None, None]
    with pytest.raises(ValueError, match="unknown duration unit 'days'"):
        rd.seconds("d", "days")


def test_day_first_timestamps_in_the_vendor_zone():
    df = pl.DataFrame({"ts": ["21.08.2026 09:00", "29.03.2026 02:30", "2026-08-21T09:00:00+03:00"]})
    got = df.select(rd.timestamp("ts", "Europe/Paris", "%d.%m.%Y %H:%M"))["ts"].to_list()
    assert got == [datetime(2026, 8, 21, 7, 0, tzinfo=UTC), None, None]  # 02:30 does not exist that night
    iso = df.select(rd.timestamp("ts", "Europe/Paris"))["ts"].to_list()
    assert iso[2] == datetime(2026, 8, 21, 6, 0, tzinfo=UTC)  # an offset wins over the vendor zone


def test_hashed_caller_keys_ignore_separators_and_keep_nulls():
    df = pl.DataFrame({"ani": ["+33 1 45-67.89 (01)", "+33145678901", None]})
    keys = df.select(rd.hashed("ani"))["ani"].to_list()
    assert keys == [hashlib.sha256(b"+33145678901").hexdigest()[:16]] * 2 + [None]


def test_parse_failures_name_row_sources_value_and_rule():
    raw = pl.DataFrame(
        {"source_row": [1, 2, 3], "d": ["2026-08-21", "21/08", None], "h": ["9:00", "10:00", "x"]}
    )
    joined = pl.concat_str("d", "h", separator=" ")
    parsed = raw.select(joined.str.strptime(pl.Datetime, "%Y-%m-%d %H:%M", strict=False).alias("at"))
    assert rd.parse_failures(raw, parsed, {"at": ["d", "h"]}, {"at": " (YYYY-MM-DD + H:MM)"}) == [
        ValidationFailure(2, "d + h", "21/08 10:00", "not a timestamp (YYYY-MM-DD + H:MM)"),
        ValidationFailure(3, "d + h", "x", "not a timestamp (YYYY-MM-DD + H:MM)"),
    ]


def test_canonical_frame_orders_types_and_fills_nulls():
    frame = pl.DataFrame({"source_row": [1], "answered": [3], "program": ["p"], "extra": ["dropped"]})
    out = rd.canonical_frame(frame, "intervals")
    assert out.columns[:4] == ["program", "interval_start", "interval_s", "answered"]
    assert out.columns[-1] == "source_row" and "extra" not in out.columns
    assert out.schema["interval_start"] == pl.Datetime("us", "UTC")
    assert out.row(0, named=True)["sl_threshold_s"] is None


def test_option_type_errors_name_the_key():
    exp = ExportConfig("intervals", "x", "*", Path("v/vendor.toml"), options={"n": True, "s": "a"})
    assert rd.option(exp, "x", "s", str) == "a" and rd.option(exp, "x", "missing", int, 7) == 7
    with pytest.raises(ConfigError) as exc:
        rd.option(exp, "x", "n", (int, float))
    assert (
        str(exc.value)
        == "v/vendor.toml: option 'n' of format 'x' must be a whole number or a number; got True."
    )


@pytest.mark.parametrize(
    ("decimal", "thousands", "text", "expected"),
    [
        (",", None, "12,5", 12.5),
        (",", None, "1.234,5", 1234.5),
        (",", None, "1 234,5", 1234.5),
        (",", None, "1\u00a0234,5", 1234.5),  # a non-breaking space between thousands
        (",", None, "-3,25", -3.25),
        (",", None, "1234", 1234.0),
        (",", None, "1.234.567,89", 1234567.89),
        (",", None, "1.234", 1234.0),  # one group of three after the dot: a thousands separator
        (",", " ", "1 234,5", 1234.5),
        (".", ",", "1,234.5", 1234.5),
        (".", ",", "12.5", 12.5),
        (".", ",", "1,000", 1000.0),
        (".", ",", "-12,345,678.25", -12345678.25),
        (".", None, "1.5", 1.5),
        (".", None, "-1.5", -1.5),
        (".", None, "1 234.5", 1234.5),
        (".", None, "7", 7.0),
        (".", None, "1e+308", 1e308),  # read, then refused by the plausibility rules
    ],
)
def test_numbers_whose_separators_fit_the_export_format(decimal, thousands, text, expected):
    got = pl.DataFrame({"x": [text]}).select(rd.number("x", decimal, thousands))["x"].to_list()
    assert got == [expected]


@pytest.mark.parametrize(
    ("decimal", "thousands", "text"),
    [
        (",", None, "1.5"),  # once read as 15: the '.' was deleted as a thousands separator
        (",", None, "-1.5"),  # once -15
        (",", None, "9,800.00"),  # once 9.8
        (",", None, "12.34"),  # two digits after the thousands dot
        (",", None, "1.23,5"),
        (",", None, "1,2,3"),  # the decimal mark twice
        (",", None, "1,234.5"),  # once 1.2345
        (",", None, "12 34,5"),  # a space between groups that are not of three digits
        (".", ",", "1,5"),  # once 15
        (".", ",", "1.234,5"),  # once 1.2345
        (".", ",", "1,23"),
        (".", ",", "1.234.5"),
        (".", None, "1.234,5"),
        (".", None, "1,234"),
        (".", None, "12 34"),  # once 1234
    ],
)
def test_numbers_whose_separators_do_not_fit_the_export_format_are_null(decimal, thousands, text):
    frame = pl.DataFrame({"x": [text]})
    assert frame.select(rd.number("x", decimal, thousands))["x"].to_list() == [None]
    assert frame.select(rd.integer("x", decimal, thousands))["x"].to_list() == [None]
    assert frame.select(rd.seconds("x", "s", decimal, thousands).alias("x"))["x"].to_list() == [None]


def test_integers_and_durations_keep_their_readings_under_a_decimal_comma():
    df = pl.DataFrame(
        {"n": ["12", "1.234", "1 000", "1,0", "1,5", None], "d": ["1:02:03", "0:45", "1,5"] + [None] * 3}
    )
    got = df.select(rd.integer("n", ","), rd.seconds("d", "min", ",").alias("d"))
    assert got["n"].to_list() == [12, 1234, 1000, 1, None, None]  # 1,5 is not a count
    assert got["d"].to_list() == [
        3723.0,
        45.0,
        90.0,
        None,
        None,
        None,
    ]  # h:mm:ss never meets the decimal mark


def test_a_number_in_another_format_names_the_format_and_the_option_to_check():
    raw = pl.DataFrame({"source_row": [2, 3, 4, 5], "w": ["1.5", "12,5", "n/a", "1.234,5"]})
    parsed = raw.select(rd.number("w", ","))
    assert rd.parse_failures(raw, parsed, {"w": ["w"]}, decimal=",") == [
        ValidationFailure(
            2,
            "w",
            "1.5",
            "not a number in this export's format (decimal ',', thousands '.' only between groups of 3 "
            "digits) — check `decimal` in vendor.toml",
        ),
        ValidationFailure(4, "w", "n/a", "not a number"),  # not a locale matter: the rule stays short
    ]
    mapped = pl.DataFrame({"source_row": [2], "w": ["1,5"]})
    assert rd.parse_failures(
        mapped, mapped.select(rd.number("w", ".", ",")), {"w": ["w"]}, None, ".", ","
    ) == [
        ValidationFailure(
            2,
            "w",
            "1,5",
            "not a number in this export's format (decimal '.', thousands ',' only between groups of 3 "
            "digits) — check `decimal` and `thousands` in vendor.toml",
        )
    ]
    assert rd.number_rule("not a number", "1.234,5", ".") == (
        "not a number in this export's format (decimal '.') — check `decimal` in vendor.toml"
    )
