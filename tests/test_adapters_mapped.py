"""mapped: exports mapped to canonical tables by vendor.toml options alone (cp1251, GBK, XLSX fixtures)."""

from __future__ import annotations

import hashlib
import textwrap
from datetime import UTC, date, datetime, time
from pathlib import Path

import openpyxl
import pytest

from scorecard.errors import AdapterError, ConfigError, ValidationFailure
from scorecard.ingest.adapters import get_adapter
from scorecard.workspace.config import ExportConfig, VendorConfig, load_vendor

FIXTURES = Path(__file__).parent / "fixtures" / "adapters"
SRC = Path("acme/vendor.toml")
RU_CDR = {
    "columns": {
        "call_id": "ИД звонка",
        "arrived_at": ["Дата", "Время"],
        "program": "Очередь",
        "outcome": "Результат",
        "wait_s": "Ожидание, с",
        "talk_s": "Разговор, мин",
        "hold_s": "Удержание",
        "acw_s": "Поствызов",
        "agent_id": "Оператор",
        "caller_key": "Номер",
    },
    "values": {"outcome": {"ОТВЕТ": "answered", "СБРОС": "abandoned", "ЗАНЯТО": "blocked"}},
    "units": {"talk_s": "min"},
    "formats": {"arrived_at": "%d.%m.%Y %H:%M:%S"},
    "defaults": {"talk_s": 0, "hold_s": 0, "acw_s": 0},
    "drop": {"ИД звонка": ["ИТОГО"]},
}


def read(path: Path, table: str = "calls", tz: str = "Europe/Moscow", reader: dict | None = None, **options):
    """Run the mapped adapter on `path` with reader options and mapping options."""
    export = ExportConfig(table, "mapped", "*", SRC, **(reader or {}), options=options)
    vendor = VendorConfig("acme", Path("acme"), "Acme", None, tz, "EUR", {}, (export,))
    return get_adapter("mapped").read(path, export, vendor)


def key(number: str) -> str:
    """sha256 of the number without separators, first 16 hex characters."""
    return hashlib.sha256(number.encode()).hexdigest()[:16]


def csv(tmp_path: Path, text: str, name: str = "export.csv") -> Path:
    """Write a small CSV export."""
    path = tmp_path / name
    path.write_text(textwrap.dedent(text).lstrip("\n"), encoding="utf-8")
    return path


def test_cp1251_cdr_with_semicolons_decimal_commas_day_first_dates_and_a_total_row():
    reader = {"delimiter": ";", "decimal": ",", "encoding": "cp1251"}
    out = read(FIXTURES / "mapped_cdr_cp1251.csv", reader=reader, **RU_CDR)
    assert out.problems == [] and out.reported is None
    assert out.frame.to_dicts() == [
        {
            "call_id": "A-1",
            "program": "Поддержка",
            "arrived_at": datetime(2026, 8, 21, 6, 0, 5, tzinfo=UTC),  # 21.08.2026 09:00:05 MSK (UTC+3)
            "outcome": "answered",  # ОТВЕТ
            "wait_s": 12.5,  # "12,5"
            "talk_s": 255.0,  # "4,25" minutes × 60
            "hold_s": 20.0,  # "00:00:20"
            "acw_s": 30.0,
            "transferred": None,  # not mapped
            "resolved": None,
            "caller_key": key("+79161234567"),  # "+7 916 123-45-67", never the raw number
            "agent_id": "Иванова",
            "revenue": None,
            "ring_s": None,
            "source_row": 2,
        },
        {
            "call_id": "A-2",
            "program": "Поддержка",
            "arrived_at": datetime(2026, 8, 21, 6, 1, tzinfo=UTC),
            "outcome": "abandoned",
            "wait_s": 3.0,
            "talk_s": 0.0,  # empty -> default 0
            "hold_s": 0.0,
            "acw_s": 0.0,
            "transferred": None,
            "resolved": None,
            "caller_key": key("+79260000001"),
            "agent_id": None,
            "revenue": None,
            "ring_s": None,
            "source_row": 3,
        },
        {
            "call_id": "A-3",
            "program": "Продажи",
            "arrived_at": datetime(2026, 8, 21, 6, 2, tzinfo=UTC),
            "outcome": "answered",
            "wait_s": 1.0,
            "talk_s": 600.0,  # 10 minutes
            "hold_s": 60.0,
            "acw_s": 15.0,
            "transferred": None,
            "resolved": None,
            "caller_key": key("+79161234567"),  # the same caller as A-1
            "agent_id": "Петров",
            "revenue": None,
            "ring_s": None,
            "source_row": 4,
        },
        {
            "call_id": "A-4",
            "program": "Продажи",
            "arrived_at": datetime(2026, 8, 21, 6, 3, 30, tzinfo=UTC),
            "outcome": "blocked",  # ЗАНЯТО
            "wait_s": 0.0,
            "talk_s": 0.0,
            "hold_s": 0.0,
            "acw_s": 0.0,
            "transferred": None,
            "resolved": None,
            "caller_key": key("+79031112233"),
            "agent_id": None,
            "revenue": None,
            "ring_s": None,
            "source_row": 5,
        },
    ]  # row 5 "ИТОГО" (totals) is dropped


def test_gbk_interval_report_with_averages_thousands_and_a_reported_service_level():
    options = {
        "columns": {
            "interval_start": ["日期", "时段"],
            "program": "技能组",
            "answered": "接通量",
            "abandoned": "放弃量",
            "answered_in_sl": "20秒内接通",
            "answered_wait_s": "平均等待(秒)",
            "talk_s": "总通话时长",
        },
        "formats": {"interval_start": "%Y/%m/%d %H:%M"},
        "constants": {"interval_s": 1800, "sl_threshold_s": 20},
        "averages": {"answered_wait_s": "answered"},
        "thousands": ",",
        "reported": {"service_level": {"column": "服务水平", "definition": "20秒内接通 / 接通量"}},
    }
    out = read(
        FIXTURES / "mapped_interval_gbk.csv", "intervals", "Asia/Shanghai", {"encoding": "gbk"}, **options
    )
    assert out.problems == []
    assert out.frame.row(0, named=True) == {
        "program": "售后",
        "interval_start": datetime(2026, 8, 21, 1, 0, tzinfo=UTC),  # 09:00 CST (UTC+8)
        "interval_s": 1800,
        "answered": 10,
        "answered_in_sl": 8,
        "abandoned": 2,
        "abandoned_in_sl": None,  # what the report lacks is NULL
        "short_abandoned": None,
        "blocked": None,
        "self_service": None,
        "sl_threshold_s": 20.0,
        "short_abandon_s": None,
        "answered_wait_s": 154.0,  # average 15.4 s × 10 answered
        "abandoned_wait_s": None,
        "talk_s": 1830.0,  # "1,830" with thousands ","
        "hold_s": None,
        "acw_s": None,
        "transferred": None,
        "staffed_s": None,  # not in the export
        "source_row": 2,
    }
    assert out.frame["answered_wait_s"].to_list() == [154.0, 30.0]  # 6 s × 5
    # The report's service level is per 30-minute interval: not kept, since recomputed KPIs start at day
    # grain and an interval's figure set against a day's value would mislead.
    assert out.reported.rows() == []


def test_xlsx_sheet_with_yes_no_outcomes_and_empty_cells_mapped(tmp_path: Path):
    path = tmp_path / "appels.xlsx"
    wb = openpyxl.Workbook()
    wb.active.title = "Sommaire"
    ws = wb.create_sheet("Appels")
    ws.append(["N° appel", "Date", "Heure", "File", "Décroché", "Attente (s)", "Durée", "Résolu"])
    ws.append(["X1", date(2026, 8, 21), time(9, 12, 58), "Support", "Oui", 12.5, time(0, 2, 23), "Oui"])
    ws.append(["X2", date(2026, 8, 21), time(9, 15, 0), "Support", "Non", 41, None, None])
    ws.append(["X3", date(2026, 8, 21), time(9, 20, 0), None, "Oui", 3, time(0, 1, 0), "Non"])
    wb.save(path)
    out = read(
        path,
        tz="Europe/Paris",
        reader={"sheet": "Appels"},
        columns={
            "call_id": "N° appel",
            "arrived_at": ["Date", "Heure"],
            "program": "File",
            "outcome": "Décroché",
            "wait_s": "Attente (s)",
            "talk_s": "Durée",
            "resolved": "Résolu",
        },
        values={
            "outcome": {"Oui": "answered", "Non": "abandoned"},
            "resolved": {"Oui": True, "Non": False},
            "program": {"": "Standard"},  # an empty queue cell means the main line
        },
        defaults={"talk_s": 0},
    )
    assert out.problems == []
    assert out.frame.select(
        "call_id", "program", "arrived_at", "outcome", "wait_s", "talk_s", "resolved"
    ).rows() == [
        ("X1", "Support", datetime(2026, 8, 21, 7, 12, 58, tzinfo=UTC), "answered", 12.5, 143.0, True),
        ("X2", "Support", datetime(2026, 8, 21, 7, 15, tzinfo=UTC), "abandoned", 41.0, 0.0, None),
        ("X3", "Standard", datetime(2026, 8, 21, 7, 20, tzinfo=UTC), "answered", 3.0, 60.0, False),
    ]


def test_sums_elapsed_keep_and_calendar_intervals(tmp_path: Path):
    path = csv(
        tmp_path,
        """
        Day,Line,Offered,Lost,Busy,Handled wait (min),Talk (ms),Kind
        2026-03-29,A,100,7,2,"12.5",3600000,ACD
        2026-03-30,A,50,0,0,"2",1200000,ACD
        2026-03-30,A,9,9,9,"9",9,Outbound
        """,
    )
    out = read(
        path,
        "intervals",
        "Europe/Paris",
        columns={
            "interval_start": "Day",
            "program": "Line",
            "abandoned": "Lost",
            "blocked": "Busy",
            "answered_wait_s": "Handled wait (min)",
            "talk_s": "Talk (ms)",
        },
        sums={"answered": {"plus": ["Offered"], "minus": ["Lost", "Busy"]}},
        units={"answered_wait_s": "min", "talk_s": "ms"},
        formats={"interval_start": "%Y-%m-%d"},
        constants={"interval_s": "1d"},
        keep={"Kind": ["ACD"]},
    )
    assert out.frame.select(
        "interval_start", "interval_s", "answered", "answered_wait_s", "talk_s"
    ).rows() == [
        # 29 March 2026 is the spring-forward day in Paris: 23 hours.
        (datetime(2026, 3, 28, 23, 0, tzinfo=UTC), 82800, 91, 750.0, 3600.0),  # 100 − 7 − 2; 12.5 min
        (datetime(2026, 3, 29, 22, 0, tzinfo=UTC), 86400, 50, 120.0, 1200.0),
    ]


def test_elapsed_seconds_between_two_timestamps_and_a_day_index(tmp_path: Path):
    calls = csv(
        tmp_path,
        """
        id,queued,answered,status
        1,2026-08-21 09:00:00,2026-08-21 09:00:14.5,ok
        2,2026-08-21 09:01:00,,lost
        """,
    )
    out = read(
        calls,
        tz="UTC",
        columns={"call_id": "id", "arrived_at": "queued", "outcome": "status"},
        values={"outcome": {"ok": "answered", "lost": "abandoned"}},
        elapsed={"wait_s": ["queued", "answered"]},
        constants={"program": "main"},
    )
    assert out.frame["wait_s"].to_list() == [14.5, None]  # no end time: unknown, not 0
    assert out.problems == []
    by_answer_time = read(
        calls,
        tz="UTC",
        columns={"call_id": "id", "arrived_at": "queued", "outcome": "answered"},
        values={"outcome": {"": "abandoned", "*": "answered"}},  # any answer time = answered
        constants={"program": "main", "wait_s": 0.0},
    )
    assert by_answer_time.frame["outcome"].to_list() == ["answered", "abandoned"]
    days = csv(tmp_path, "Index;Calls\n1;5\n3;7\n", "days.csv")
    got = read(
        days,
        "intervals",
        "America/New_York",
        {"delimiter": ";"},
        day_index_start="2021-01-01",
        columns={"interval_start": "Index", "answered": "Calls"},
        constants={"program": "main", "interval_s": "1d", "abandoned": 0},
    ).frame
    assert got["interval_start"].to_list() == [
        datetime(2021, 1, 1, 5, 0, tzinfo=UTC),  # day 1 = 2021-01-01, local midnight EST
        datetime(2021, 1, 3, 5, 0, tzinfo=UTC),  # day 3
    ]


def test_costs_with_month_periods_and_locale_amounts(tmp_path: Path):
    path = csv(
        tmp_path,
        "Du;Au;Montant;Type\n01/04/2026;30/04/2026;1\u00a0234,50;Facture\n01/04/2026;30/04/2026;-100;Avoir\n",
    )
    out = read(
        path,
        "costs",
        "Europe/Paris",
        {"delimiter": ";", "decimal": ","},
        columns={"period_start": "Du", "period_end": "Au", "amount": "Montant", "kind": "Type"},
        formats={"period_start": "%d/%m/%Y", "period_end": "%d/%m/%Y"},
        values={"kind": {"Facture": "invoice", "Avoir": "credit"}},
    )
    assert out.frame.rows() == [
        # "1 234,50" (no-break space); no billed quantity (quantity, per) mapped: both empty
        (date(2026, 4, 1), date(2026, 4, 30), 1234.5, "invoice", None, None, 2),
        (date(2026, 4, 1), date(2026, 4, 30), -100.0, "credit", None, None, 3),
    ]


def test_values_that_do_not_parse_are_reported(tmp_path: Path):
    path = csv(tmp_path, "id,at,w\nc1,2026-08-21 09:00:00,12\nc2,21/08/2026,n/a\n")
    out = read(path, tz="UTC", columns={"call_id": "id", "arrived_at": "at", "wait_s": "w"})
    assert out.problems == [
        ValidationFailure(3, "at", "21/08/2026", "not a timestamp"),  # line 3: header, c1, c2
        ValidationFailure(3, "w", "n/a", "not a number"),
    ]


@pytest.mark.parametrize(
    ("options", "message"),
    [
        (
            {"columns": {"cal_id": "Call Id"}},
            "'columns.cal_id' is not a column of table 'calls'; expected one of: call_id, program, "
            "arrived_at, outcome, wait_s, talk_s, hold_s, acw_s, transferred, resolved, caller_key, "
            "agent_id, revenue",
        ),
        (
            {"columns": {"call_id": "Id"}, "values": {"outcome": {"Y": "answered"}}},
            "'values.outcome' must be a table of source value = canonical value for a mapped column",
        ),
        ({"units": {"call_id": "s"}}, "'units.call_id' must be one of s, ms, min, h for a duration column"),
        ({"units": {"wait_s": "sec"}}, "'units.wait_s' must be one of s, ms, min, h for a duration column"),
        (
            {"formats": {"wait_s": "%S"}},
            "'formats.wait_s' must be a strptime format text for a timestamp or date column",
        ),
        (
            {"constants": {"wait_s": "zero"}},
            "'constants.wait_s' = 'zero' does not fit the column type DOUBLE",
        ),
        (
            {"columns": {"program": "Queue"}, "constants": {"program": "main"}},
            "'program' is defined twice (in more than one of columns, constants, sums, elapsed, rules)",
        ),
        (
            {"columns": {"talk_s": "Talk"}, "averages": {"talk_s": "answered"}},
            "'averages.talk_s' must name the count column (e.g. \"answered\") of a mapped column",
        ),
        (
            {"reported": {"answer_speed": "Answer Speed"}},
            "'reported.answer_speed' is not a KPI id; expected one of: blockage_rate, abandon_rate, ",
        ),
        (
            {"reported": {"asa_s": {"column": "ASA", "unit": "percent"}}},
            "'reported.asa_s' unit must be one of s, ms, min, h (complement only for rates)",
        ),
        ({"day_index_start": "01/01/2021"}, "'day_index_start' = '01/01/2021' is not a date YYYY-MM-DD"),
        ({"drop": {"Type": "Total"}}, "'drop.Type' must be a list of values"),
    ],
)
def test_mapping_mistakes_are_config_errors_naming_the_key(tmp_path: Path, options: dict, message: str):
    path = csv(tmp_path, "Id\nx\n")
    with pytest.raises(ConfigError) as exc:
        read(path, **options)
    assert str(exc.value).startswith(f"{SRC}: format 'mapped' (table 'calls'): {message}")
    assert str(exc.value).endswith(". Fix it in vendor.toml.")


@pytest.mark.parametrize(("decimal", "thousands"), [(",", ","), (".", "."), (".", "1"), (".", ", ")])
def test_a_thousands_separator_is_one_character_other_than_the_decimal_mark(
    tmp_path: Path, decimal, thousands
):
    # thousands = decimal = "," once read '12,5' as 125: every comma was deleted, none was a decimal mark
    path = csv(tmp_path, "Id\nx\n")
    with pytest.raises(ConfigError) as exc:
        read(path, reader={"decimal": decimal}, thousands=thousands)
    assert str(exc.value) == (
        f"{SRC}: format 'mapped' (table 'calls'): 'thousands' = {thousands!r} must be one character, not a "
        f"digit, a sign or the decimal mark (decimal = {decimal!r}). Fix it in vendor.toml."
    )


def test_interval_mistakes_and_missing_source_columns(tmp_path: Path):
    path = csv(tmp_path, "Month,Calls\nJan 2019,5\n")
    with pytest.raises(ConfigError) as exc:
        read(path, "intervals", columns={"answered": "Calls"}, constants={"interval_s": "1mo"})
    assert str(exc.value) == (
        f"{SRC}: format 'mapped' (table 'intervals'): 'constants.interval_s' = '1mo' needs "
        "columns.interval_start. Fix it in vendor.toml."
    )
    with pytest.raises(
        ConfigError, match=r"'averages\.talk_s' needs the count column 'answered' to be mapped too"
    ):
        read(path, "intervals", columns={"talk_s": "Calls"}, averages={"talk_s": "answered"})
    with pytest.raises(AdapterError) as exc:
        read(path, "intervals", columns={"answered": "Answered", "interval_start": "Month"})
    assert str(exc.value) == (
        f"{path}: not a 'mapped' export; missing column(s) Answered (rule missing_column). "
        "Expected columns: Answered, Month. Found: Month, Calls. Check the file and the `format` of this "
        "export in vendor.toml."
    )


def test_unknown_option_keys_are_refused_when_vendor_toml_is_loaded(tmp_path: Path):
    folder = tmp_path / "acme"
    folder.mkdir()
    (folder / "vendor.toml").write_text(
        'name = "Acme"\ntimezone = "UTC"\ncurrency = "EUR"\n\n[[exports]]\ntable = "calls"\n'
        'format = "mapped"\nfiles = "*.csv"\ncolums = { call_id = "Id" }\n'
    )
    with pytest.raises(ConfigError) as exc:
        load_vendor(folder)
    assert str(exc.value).startswith(
        f"{folder / 'vendor.toml'} [[exports]] #1: unknown key 'colums' for format 'mapped'; allowed keys: "
        "table, format, files, averages, columns, constants, day_index_start, decimal, defaults, delimiter, "
    )
