"""docs/contract.md and the parser in step: every TOML example parses, every key the parser accepts is
documented in a key table and shown in an example."""

from __future__ import annotations

import re
import tomllib
from pathlib import Path

import pytest

from scorecard.workspace import contract, pricing
from scorecard.workspace.scenario import Scenario

DOC = Path(__file__).resolve().parents[1] / "docs" / "contract.md"
TEXT = DOC.read_text(encoding="utf-8")
EXAMPLES = re.findall(r"```toml\n(.*?)```", TEXT, flags=re.S)
#: Every key the parsers accept: `[contract]`, its terms, `[contract.price]` and its tables, `[scenario]`.
KEYS = sorted(
    {*contract._TOP_KEYS, *contract._TERM_KEYS, *pricing.PRICE_KEYS, *pricing.CHARGE_KEYS, *pricing.TIER_KEYS,
     *pricing.OUTCOME_KEYS, *Scenario.model_fields}
)  # fmt: skip


def _keys(value: object) -> set[str]:
    """Every key of a parsed TOML document, at any depth."""
    if isinstance(value, dict):
        return set(value) | {k for v in value.values() for k in _keys(v)}
    if isinstance(value, list):
        return {k for v in value for k in _keys(v)}
    return set()


def test_the_doc_has_the_examples() -> None:
    assert len(EXAMPLES) >= 4  # [contract] with terms, day and interval terms, [contract.price], [scenario]


@pytest.mark.parametrize("example", EXAMPLES, ids=lambda e: e.splitlines()[0])
def test_every_example_parses(example: str) -> None:
    raw = tomllib.loads(example)
    assert set(raw) <= {"contract", "scenario"}
    if "contract" in raw:
        parsed = contract.parse_contract(raw["contract"], str(DOC))
        assert parsed.terms or parsed.price is not None or parsed.at_risk_cap_pct is not None
    if "scenario" in raw:
        Scenario(**raw["scenario"])


@pytest.mark.parametrize("key", KEYS)
def test_every_key_has_a_row_and_an_example(key: str) -> None:
    assert re.search(rf"^\| `{key}` \|", TEXT, flags=re.M), f"no key-table row for `{key}`"
    assert any(key in _keys(tomllib.loads(e)) for e in EXAMPLES), f"no example uses `{key}`"


@pytest.mark.parametrize("per", list(pricing.BASES))
def test_every_price_basis_has_its_formula_in_the_doc(per: str) -> None:
    assert re.search(rf"^\| `{per}` \| .+ \| `.+ = .+` \|$", TEXT, flags=re.M), per
