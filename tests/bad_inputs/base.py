"""The small workspace every bad-input case runs against: three canonical vendors (tests/fixtures/app_ws)
and one vendor per platform adapter (tests/fixtures/adapters), each with one good file loaded."""

from __future__ import annotations

import shutil
from pathlib import Path

import openpyxl

TESTS = Path(__file__).parent.parent
APP_WS = TESTS / "fixtures" / "app_ws"
ADAPTERS = TESTS / "fixtures" / "adapters"

#: vendor id -> (fixture, file in the vendor folder, time zone, currency, vendor.toml export block)
PLATFORMS = {
    "av": ("avaya_hsplit.csv", "hsplit/2026-08-21.csv", "Europe/Moscow", "RUB",
           'table = "intervals"\nformat = "avaya_cms_hsplit"\nfiles = "hsplit/*.csv"\n'
           "abandon_bucket_edges_s = [4, 10, 20, 30, 45, 60, 90, 120, 180]\n"),
    "uc": ("ucce_call_type_interval.csv", "ucce/2026-08-21.csv", "America/New_York", "USD",
           'table = "intervals"\nformat = "cisco_ucce_call_type_interval"\nfiles = "ucce/*.csv"\n'
           "sl_threshold_s = 20\n"),
    "gen": ("genesys_queue_interval.csv", "genesys/2026-08-21.csv", "Europe/Budapest", "HUF",
            'table = "intervals"\nformat = "genesys_cloud_queue_interval"\nfiles = "genesys/*.csv"\n'
            "sl_threshold_s = 20\nshort_abandon_s = 5\n"),
    "aws": ("amazon_connect_ctr.jsonl", "ctr/2026-08-21.jsonl", "America/Chicago", "USD",
            'table = "calls"\nformat = "amazon_connect_ctr"\nfiles = "ctr/*"\n'
            'resolved_attribute = "resolved"\nrevenue_attribute = "sale"\n'),
    "f9": ("five9_call_log_latin1.csv", "calllog/2026-08-21.csv", "Europe/Paris", "EUR",
           'table = "calls"\nformat = "five9_call_log"\nfiles = "calllog/*.csv"\nencoding = "latin-1"\n'
           'blocked_dispositions = ["Système saturé"]\n'),
    "ru": ("mapped_cdr_cp1251.csv", "cdr/2026-08-21.csv", "Europe/Moscow", "RUB",
           'table = "calls"\nformat = "mapped"\nfiles = "cdr/*.csv"\nencoding = "cp1251"\ndelimiter = ";"\n'
           'decimal = ","\nunits = { talk_s = "min" }\nformats = { arrived_at = "%d.%m.%Y %H:%M:%S" }\n'
           'defaults = { talk_s = 0, hold_s = 0, acw_s = 0 }\ndrop = { "ИД звонка" = ["ИТОГО"] }\n\n'
           '[exports.columns]\ncall_id = "ИД звонка"\narrived_at = ["Дата", "Время"]\nprogram = "Очередь"\n'
           'outcome = "Результат"\nwait_s = "Ожидание, с"\ntalk_s = "Разговор, мин"\n'
           'agent_id = "Оператор"\ncaller_key = "Номер"\n\n[exports.values]\n'
           'outcome = { "ОТВЕТ" = "answered", "СБРОС" = "abandoned", "ЗАНЯТО" = "blocked" }\n'),
}  # fmt: skip

#: A vendor whose calls come as XLSX workbooks (canonical columns).
XLSX_ROWS = [
    ("call_id", "program", "arrived_at", "outcome", "wait_s", "talk_s", "hold_s", "acw_s"),
    ("x-1", "sales", "2026-08-21 09:00:00", "answered", 12, 300, 0, 30),
    ("x-2", "sales", "2026-08-21 09:05:00", "answered", 8, 240, 10, 20),
    ("x-3", "sales", "2026-08-21 09:07:00", "abandoned", 40, None, None, None),
]


def build(root: Path) -> None:
    """Write the base workspace into `root` (which must not exist)."""
    shutil.copytree(APP_WS, root, ignore=shutil.ignore_patterns("*.py"))
    (root / "fx_rates.csv").write_text(
        "month,currency,rate_to_base,source\n2026-04,USD,0.92,fixture\n2026-08,USD,0.91,fixture\n"
        "2026-08,RUB,0.0105,fixture\n2026-08,HUF,0.0025,fixture\n",
        encoding="utf-8",
    )
    for vendor_id, (fixture, rel, tz, currency, block) in PLATFORMS.items():
        folder = root / vendor_id
        (folder / rel).parent.mkdir(parents=True)
        shutil.copy(ADAPTERS / fixture, folder / rel)
        (folder / "vendor.toml").write_text(
            f'name = "{vendor_id}"\ntimezone = "{tz}"\ncurrency = "{currency}"\n\n[[exports]]\n{block}',
            encoding="utf-8",
        )
    xl = root / "xl"
    (xl / "calls").mkdir(parents=True)
    (xl / "vendor.toml").write_text(
        'name = "xl"\ntimezone = "Europe/Paris"\ncurrency = "EUR"\n\n[[exports]]\ntable = "calls"\n'
        'files = "calls/*.xlsx"\n',
        encoding="utf-8",
    )
    write_xlsx(xl / "calls" / "2026-08.xlsx", XLSX_ROWS)


def write_xlsx(path: Path, rows: list[tuple], sheets: dict[str, list[tuple]] | None = None) -> None:
    """A workbook with `rows` on its first sheet (and more named sheets)."""
    book = openpyxl.Workbook()
    sheet = book.active
    for row in rows:
        sheet.append(row)
    for name, more in (sheets or {}).items():
        extra = book.create_sheet(name)
        for row in more:
            extra.append(row)
    book.save(path)
