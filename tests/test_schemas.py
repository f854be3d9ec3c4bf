"""pandera models: each broken rule is reported with the file's row, the column, the value and the rule."""

from __future__ import annotations

from datetime import date, datetime

import polars as pl
import pytest

from scorecard.errors import FileValidationError, ValidationFailure
from scorecard.ingest.schemas import SCHEMAS, validate


def _calls(**overrides: list) -> pl.DataFrame:
    base = {
        "call_id": ["a", "b", "c"],
        "program": ["sales"] * 3,
        "arrived_at": [datetime(2026, 4, 15, 8, 0)] * 3,
        "outcome": ["answered", "abandoned", "blocked"],
        "wait_s": [12.0, 30.0, 0.0],
        "talk_s": [200.0, 0.0, 0.0],
        "hold_s": [10.0, 0.0, 0.0],
        "acw_s": [30.0, 0.0, 0.0],
        "transferred": [False, False, False],
        "resolved": [True, None, None],
        "caller_key": ["k1", "k2", None],
        "agent_id": ["ag1", None, None],
        "revenue": [None, None, None],
        "ring_s": [4.0, None, None],
        "source_row": [2, 3, 4],  # rows of the file, deliberately not 1..3
    }
    base.update(overrides)
    return pl.DataFrame(base, schema_overrides={"revenue": pl.Float64, "ring_s": pl.Float64})


def _failures(table: str, frame: pl.DataFrame) -> list[ValidationFailure]:
    with pytest.raises(FileValidationError) as err:
        validate(table, frame, "acme/calls.csv")
    return err.value.failures


def test_valid_calls_pass_and_keep_source_rows() -> None:
    out = validate("calls", _calls(), "acme/calls.csv")
    assert out["source_row"].to_list() == [2, 3, 4]
    assert out.columns[-1] == "source_row"


def test_column_rules_report_file_rows() -> None:
    frame = _calls(
        outcome=["answered", "hung_up", "blocked"], wait_s=[-1.0, 30.0, 0.0], call_id=["a", "a", "c"]
    )
    assert _failures("calls", frame) == [
        ValidationFailure(2, "call_id", "a", "must be unique in the file"),
        ValidationFailure(2, "wait_s", "-1.0", "must be ≥ 0"),
        ValidationFailure(3, "call_id", "a", "must be unique in the file"),
        ValidationFailure(
            3, "outcome", "hung_up", "must be one of: answered, abandoned, blocked, self_service"
        ),
        # an unknown outcome is not a queued outcome, so its wait also breaks the blocked/self-service rule
        ValidationFailure(3, "wait_s", 30.0, "must be 0 for blocked and self_service calls"),
    ]


def test_cross_column_rules_name_the_columns_and_values() -> None:
    frame = _calls(wait_s=[12.0, 30.0, 4.0], talk_s=[200.0, 5.0, 0.0], transferred=[False, True, False])
    assert _failures("calls", frame) == [
        ValidationFailure(
            3,
            "talk_s, hold_s, acw_s",
            {"talk_s": 5.0, "hold_s": 0.0, "acw_s": 0.0},
            "must be 0 or empty unless the call was answered",
        ),
        ValidationFailure(
            3,
            "transferred, revenue",
            {"transferred": True, "revenue": None},
            "only an answered call can be transferred or make a sale",
        ),
        ValidationFailure(4, "wait_s", 4.0, "must be 0 for blocked and self_service calls"),
    ]


def test_message_lists_first_twenty_and_counts_the_rest() -> None:
    n = 25
    frame = _calls(
        call_id=[f"c{i}" for i in range(n)],
        program=["p"] * n,
        arrived_at=[datetime(2026, 4, 15)] * n,
        outcome=["unknown"] * n,
        wait_s=[0.0] * n,
        talk_s=[0.0] * n,
        hold_s=[0.0] * n,
        acw_s=[0.0] * n,
        transferred=[False] * n,
        resolved=[None] * n,
        caller_key=[None] * n,
        agent_id=[None] * n,
        revenue=[None] * n,
        ring_s=[None] * n,
        source_row=list(range(2, n + 2)),  # lines 2.. of a CSV (line 1 is the header)
    )
    with pytest.raises(FileValidationError) as err:
        validate("calls", frame, "acme/calls.csv")
    lines = str(err.value).splitlines()
    assert lines[0] == "acme/calls.csv: 25 problem(s); nothing from this file was loaded into 'calls'."
    assert lines[1] == (
        "  line 2, column 'outcome', value 'unknown': "
        "must be one of: answered, abandoned, blocked, self_service"
    )
    assert lines[21] == "  ... and 5 more."
    assert len(lines) == 23


def test_interval_subset_rules() -> None:
    frame = pl.DataFrame(
        {
            "program": ["p", "p"],
            "interval_start": [datetime(2026, 4, 15, 8, 0), datetime(2026, 4, 15, 8, 30)],
            "interval_s": [1800, 1800],
            "answered": [10, 10],
            "answered_in_sl": [11, 8],  # 11 > 10 answered: broken
            "abandoned": [2, 2],
            "abandoned_in_sl": [1, 1],
            "short_abandoned": [0, 3],  # 3 > 2 abandoned: broken
            "blocked": [0, 0],
            "self_service": [0, 0],
            "sl_threshold_s": [20.0, 20.0],
            "short_abandon_s": [5.0, 5.0],
            "answered_wait_s": [100.0, 100.0],
            "abandoned_wait_s": [40.0, 40.0],
            "talk_s": [1000.0, 1000.0],
            "hold_s": [0.0, 0.0],
            "acw_s": [0.0, 0.0],
            "transferred": [0, 0],
            "staffed_s": [1800.0, None],
            "source_row": [1, 2],
        }
    )
    assert [(f.row, f.column, f.value, f.rule) for f in _failures("intervals", frame)] == [
        (1, "answered_in_sl", 11, "must not exceed answered"),
        (2, "short_abandoned", 3, "must not exceed abandoned"),
    ]


def test_costs_period_order_and_kind() -> None:
    frame = pl.DataFrame(
        {
            "period_start": [date(2026, 4, 1), date(2026, 5, 1)],
            "period_end": [date(2026, 3, 31), date(2026, 5, 31)],
            "amount": [100.0, -20.0],
            "kind": ["invoice", "refund"],
            "quantity": [412.5, None],
            "per": [None, None],
            "source_row": [1, 2],
        }
    )
    assert [(f.row, f.column, f.rule) for f in _failures("costs", frame)] == [
        (1, "period_end", "must be on or after period_start"),
        (1, "quantity", "give quantity and per together, or neither"),
        (2, "kind", "must be one of: invoice, credit, adjustment"),
    ]


def test_agent_time_unique_per_agent_and_day() -> None:
    frame = pl.DataFrame(
        {
            "agent_id": ["a1", "a1"],
            "date": [date(2026, 4, 1)] * 2,
            "scheduled_s": [28800.0, 28800.0],
            "staffed_s": [28000.0, 28000.0],
            "handle_s": [20000.0, 20000.0],
            "available_s": [5000.0, 5000.0],
            "in_adherence_s": [27000.0, 27000.0],
            "source_row": [1, 2],
        }
    )
    failures = _failures("agent_time", frame)
    assert {(f.row, f.rule) for f in failures} == {
        (1, "combination must be unique in the file"),
        (2, "combination must be unique in the file"),
    }


def test_every_field_is_described() -> None:
    for table, model in SCHEMAS.items():
        for name, column in model.to_schema().columns.items():
            assert column.description, f"{table}.{name} has no description"
