"""mapped: rules (first match wins, leave out, unmatched rows), sentinel nulls, composite keys, ragged
lines on request, and every mapping mistake refused when vendor.toml loads, naming the file and key."""

from __future__ import annotations

from pathlib import Path

import pytest
from conftest import write

from scorecard.errors import ConfigError, FileValidationError, RowWarning, ValidationFailure
from scorecard.ingest.adapters import get_adapter
from scorecard.ingest.prepare import read_export
from scorecard.workspace.config import load_vendor

HEAD = 'name = "Acme"\ntimezone = "UTC"\ncurrency = "EUR"\n\n'
EXPORT = '[[exports]]\ntable = "calls"\nformat = "mapped"\nfiles = "*.csv"\n'


def vendor(tmp_path: Path, body: str, export: str = EXPORT):
    """A vendor folder with this mapping, loaded as `scorecard` loads it."""
    write(tmp_path / "acme" / "vendor.toml", HEAD + export + body)
    return load_vendor(tmp_path / "acme")


def read(tmp_path: Path, body: str, text: str, export: str = EXPORT):
    """The mapped adapter's output for `text` (a CSV) under this mapping."""
    v = vendor(tmp_path, body, export)
    path = write(tmp_path / "acme" / "export.csv", text)
    return get_adapter("mapped").read(path, v.exports[0], v)


CDR = """
columns = { call_id = ["Line", "Id"], arrived_at = "At", program = "Queue", wait_s = "Wait" }
nulls = { Queued = ["0:00:00"] }
rules.outcome = [
  { when = { Result = "OK" }, value = "answered" },
  { when = { Result = "HANG", Queued = "*" }, value = "abandoned" },
  { when = { Result = "HANG" }, value = "self_service" },
  { when = { Result = ["TEST", "DEMO"] }, leave_out = "test calls" },
]
rules.resolved = [
  { when = { Code = ["FIXED", "DONE"] }, value = true },
  { when = { Code = "" }, value = "" },
  { value = false },
]
"""
CALLS = """
Line,Id,At,Queue,Result,Queued,Wait,Code
L1,7,2026-04-01 09:00:00,q,OK,09:00:05,5,FIXED
L2,7,2026-04-01 09:01:00,q,HANG,09:01:02,9,
L1,8,2026-04-01 09:02:00,q,HANG,0:00:00,0,
L1,9,2026-04-01 09:03:00,q,TEST,0:00:00,0,
L1,10,2026-04-01 09:04:00,q,OK,09:04:01,1,CALLBACK
L2,8,2026-04-01 09:05:00,q,DEMO,09:05:01,0,
"""


def test_rules_first_match_wins_and_leave_out_is_counted(tmp_path: Path):
    out = read(tmp_path, CDR, CALLS)
    assert out.problems == []
    assert out.frame.select("call_id", "outcome", "resolved", "wait_s", "source_row").rows() == [
        ("L1 7", "answered", True, 5.0, 2),  # OK; code FIXED
        ("L2 7", "abandoned", None, 9.0, 3),  # HANG while queued; no code: unknown
        ("L1 8", "self_service", None, 0.0, 4),  # HANG, 0:00:00 = never queued (nulls); rule 3
        ("L1 10", "answered", False, 1.0, 6),  # the fallback rule: any other code
    ]  # lines 5 and 7 (TEST, DEMO) left out
    assert out.warnings == [
        RowWarning(
            "left_out_by_rules",
            "left out by rules.outcome #4 (Result is 'TEST' or 'DEMO'): test calls",
            2,
            5,
            "TEST",
        ),
        RowWarning(
            "unknown_by_nulls", "Queued = '0:00:00' read as unknown (empty) by `nulls`", 1, 4, "0:00:00"
        ),
    ]  # the TEST line's 0:00:00 is not counted: the row was left out
    assert out.observed == frozenset({"answered", "abandoned", "self_service"})


def test_rows_that_match_no_rule_reject_the_file_naming_each_line(tmp_path: Path):
    text = CALLS + "L3,1,2026-04-01 09:06:00,q,XFER,09:06:01,3,\nL3,2,2026-04-01 09:07:00,q,,,0,\n"
    out = read(tmp_path, CDR, text)
    why = (
        "matches no rule of rules.outcome; add a rule for these values to vendor.toml (or one with "
        "leave_out = true to leave such rows out)"
    )
    assert out.problems == [
        ValidationFailure(8, "outcome", {"Result": "XFER", "Queued": "09:06:01"}, why),
        ValidationFailure(9, "outcome", {"Result": None, "Queued": None}, why),
    ]
    v = load_vendor(tmp_path / "acme")
    with pytest.raises(FileValidationError) as exc:
        read_export(tmp_path / "acme" / "export.csv", "acme/export.csv", v.exports[0], v)
    # one problem per line: the schema's "outcome must be one of" for the same cell is not repeated
    assert exc.value.total == 2 and "line 8, column 'outcome', value {'Result': 'XFER'" in str(exc.value)


def test_a_composite_key_with_an_empty_part_is_a_missing_call_id(tmp_path: Path):
    text = CALLS + ",11,2026-04-01 09:08:00,q,OK,09:08:01,1,DONE\n"  # line 8: no Line
    v = vendor(tmp_path, CDR)
    path = write(tmp_path / "acme" / "export.csv", text)
    with pytest.raises(FileValidationError) as exc:
        read_export(path, "acme/export.csv", v.exports[0], v)
    assert [(f.row, f.column, f.value, f.rule) for f in exc.value.failures] == [
        (
            8,
            "call_id",
            {"Line": None, "Id": "11"},
            "joined from Line + Id, and Line is empty: the key would be incomplete",
        )
    ]  # the schema's "required" for the same cell is not repeated


def test_rules_for_a_number_and_the_observed_outcomes_of_a_rule_set(tmp_path: Path):
    body = (
        'columns = { call_id = "Id", arrived_at = "At", program = "Queue" }\n'
        'rules.outcome = [{ when = { Kind = "A" }, value = "answered" }, { value = "blocked" }]\n'
        'rules.wait_s = [{ when = { Kind = "A" }, value = 12 }, { value = 0 }]\n'
    )
    out = read(tmp_path, body, "Id,At,Queue,Kind\n1,2026-04-01 09:00:00,q,A\n2,2026-04-01 09:00:00,q,B\n")
    assert out.frame.select("outcome", "wait_s").rows() == [("answered", 12.0), ("blocked", 0.0)]
    assert out.observed == frozenset({"answered", "blocked"})  # abandons are unknown, not 0


def test_ragged_lines_reject_the_file_by_default_and_are_counted_when_left_out(tmp_path: Path):
    body = 'columns = { call_id = "Id", arrived_at = "At", program = "Q", outcome = "R" }\n'
    text = (
        "Id\tAt\tQ\tR\n1\t2026-04-01 09:00:00\tq\tanswered\n2\t2026-04-01\n"
        "3\t2026-04-01 09:02:00\tq\tanswered\textra\n4\t2026-04-01 09:03:00\tq\tabandoned\n"
    )
    export = EXPORT + 'delimiter = "\\t"\n'
    v = vendor(tmp_path, body, export)
    path = write(tmp_path / "acme" / "export.csv", text)
    with pytest.raises(FileValidationError) as exc:
        read_export(path, "acme/export.csv", v.exports[0], v)
    assert [f.rule for f in exc.value.failures] == [
        "line 3 has 2 fields, expected 4 (tab-separated)",
        "line 4 has 5 fields, expected 4 (tab-separated)",
    ]
    out = read(tmp_path, body + 'ragged_lines = "leave_out"\n', text, export)
    assert out.frame.select("call_id", "source_row").rows() == [("1", 2), ("4", 5)]
    assert out.warnings == [
        RowWarning(
            "left_out_ragged_line",
            'left out by `ragged_lines = "leave_out"`: the line has more or fewer fields than the '
            "header's 4 (tab-separated)",
            2,
            3,
            "2\t2026-04-01",
        )
    ]
    # The same through the quote-aware reader (a quoted field), and in a legacy encoding.
    quoted = text.replace("\tq\tabandoned", '\t"q"\tabandoned')
    path.write_bytes(quoted.encode("cp1252"))
    again = read(tmp_path, body + 'ragged_lines = "leave_out"\nencoding = "cp1252"\n', quoted, export)
    assert again.frame["call_id"].to_list() == ["1", "4"] and again.warnings[0].rows == 2


def test_values_equal_to_a_sentinel_only_in_another_column_are_kept(tmp_path: Path):
    body = (
        'columns = { call_id = "Id", arrived_at = "At", program = "Q", outcome = "R", caller_key = "Who" }\n'
        'nulls = { Who = ["0", "anonymous"] }\n'
    )
    text = (
        "Id,At,Q,R,Who\n0,2026-04-01 09:00:00,q,answered,0\n"
        "1,2026-04-01 09:00:00,q,answered,anonymous\n2,2026-04-01 09:00:00,q,answered,+33 1 23\n"
    )
    out = read(tmp_path, body, text)
    assert out.frame["call_id"].to_list() == ["0", "1", "2"]  # "0" is a call id here, not a sentinel
    assert out.frame["caller_key"].is_null().to_list() == [True, True, False]
    assert out.warnings[0].message == "Who = '0' or 'anonymous' read as unknown (empty) by `nulls`"
    assert out.warnings[0].rows == 2


@pytest.mark.parametrize(
    ("body", "key_and_why"),
    [
        (
            'rules.outcom = [{ value = "answered" }]\n',
            "'rules.outcom' is not a column of table 'calls'; expected one of: call_id, program,",
        ),
        (
            'columns.outcome = "R"\nvalues.outcome = { A = "anwsered" }\n',
            "'values.outcome.A' = 'anwsered' is not a value of outcome; expected one of: answered, "
            "abandoned, blocked, self_service",
        ),
        (
            'rules.outcome = [{ when = { R = "A" }, value = "answered" }, { value = "lost" }]\n',
            "'rules.outcome #2 value' = 'lost' is not a value of outcome; expected one of: answered,",
        ),
        (
            'rules.wait_s = [{ when = { R = "A" }, value = "zero" }]\n',
            "'rules.wait_s #1 value' = 'zero' does not fit the column type DOUBLE",
        ),
        (
            'rules.transferred = [{ when = { R = "A" }, value = "yes" }]\n',
            "'rules.transferred #1 value' = 'yes' does not fit the column type BOOLEAN",
        ),
        (
            'rules.outcome = [{ when = { R = "A" }, value = "answered", leave_out = true }]\n',
            "'rules.outcome #1' needs exactly one of value or leave_out",
        ),
        (
            'rules.outcome = [{ when = { R = "A" } }]\n',
            "'rules.outcome #1' needs exactly one of value or leave_out",
        ),
        (
            'rules.outcome = [{ value = "answered" }, { when = { R = "B" }, value = "abandoned" }]\n',
            "'rules.outcome #2' can never match: rule #1 has no `when` and matches every row",
        ),
        (
            'rules.outcome = [{ if = { R = "A" }, value = "answered" }]\n',
            "'rules.outcome #1' has the unknown key 'if'; a rule has the keys when, value, leave_out",
        ),
        (
            'rules.outcome = [{ when = { R = true }, value = "answered" }]\n',
            "'rules.outcome #1 when' must be a table of source column = value or [values]",
        ),
        (
            'rules.outcome = [{ when = { R = "" }, value = "" }]\n',
            "'rules.outcome #1 value' cannot be empty: every row needs a outcome",
        ),
        (
            'rules.arrived_at = [{ value = "2026-01-01" }]\n',
            "'rules.arrived_at' cannot give a timestamp or date; map it with columns (and formats)",
        ),
        (
            'columns.outcome = "R"\nrules.outcome = [{ value = "answered" }]\n',
            "'outcome' is defined twice (in more than one of columns, constants, sums, elapsed, rules)",
        ),
        (
            'columns.outcome = "R"\nnulls = { Queued = ["0"] }\n',
            "'nulls.Queued' names a source column that the mapping does not read",
        ),
        ('ragged_lines = "skip"\n', "'ragged_lines' = 'skip' must be one of: error, leave_out"),
        ('constants = { outcome = "ok" }\n', "'constants.outcome' = 'ok' is not a value of outcome;"),
        (
            'columns.resolved = "R"\nvalues.resolved = { Y = "maybe" }\n',
            "'values.resolved.Y' = 'maybe' is not true or false (column resolved is a boolean)",
        ),
    ],
)
def test_mapping_mistakes_are_refused_when_vendor_toml_loads(tmp_path: Path, body: str, key_and_why: str):
    with pytest.raises(ConfigError) as exc:
        vendor(tmp_path, body)
    where = f"{tmp_path / 'acme' / 'vendor.toml'} [[exports]] #1: format 'mapped' (table 'calls'): "
    assert str(exc.value).startswith(where + key_and_why), str(exc.value)
    assert str(exc.value).endswith(". Fix it in vendor.toml.")


def test_costs_kinds_and_interval_counts_are_checked_too(tmp_path: Path):
    costs = '[[exports]]\ntable = "costs"\nformat = "mapped"\nfiles = "*.csv"\n'
    with pytest.raises(ConfigError, match=r"'values\.kind\.Facture' = 'bill' is not a value of kind"):
        vendor(tmp_path, 'columns.kind = "Type"\nvalues.kind = { Facture = "bill" }\n', costs)
    intervals = '[[exports]]\ntable = "intervals"\nformat = "mapped"\nfiles = "*.csv"\n'
    with pytest.raises(ConfigError, match=r"'rules\.answered #1 value' = 2\.5 does not fit the column type"):
        vendor(tmp_path, "rules.answered = [{ value = 2.5 }]\n", intervals)
