"""Blocks of the product's own documentation (docs/), so that tests run exactly what the docs show."""

from __future__ import annotations

import re
from pathlib import Path

DOCS = Path(__file__).resolve().parents[1] / "docs"


def section(page: str, heading: str) -> str:
    """The text under the first heading of `page` that starts with `heading`, up to the next heading of
    the same or a higher level."""
    text = (DOCS / page).read_text(encoding="utf-8")
    match = re.search(rf"^(#+) {re.escape(heading)}[^\n]*\n", text, flags=re.MULTILINE)
    assert match, f"docs/{page} has no heading starting with {heading!r}"
    level = len(match.group(1))
    rest = text[match.end() :]
    end = re.search(rf"^#{{1,{level}}} ", rest, flags=re.MULTILINE)
    return rest[: end.start()] if end else rest


def code_block(page: str, heading: str, lang: str = "toml", index: int = 0) -> str:
    """The `index`-th fenced code block of language `lang` in that section."""
    blocks = re.findall(rf"^```{lang}\n(.*?)^```", section(page, heading), flags=re.MULTILINE | re.DOTALL)
    assert len(blocks) > index, f"docs/{page} '{heading}' has {len(blocks)} {lang} block(s)"
    return blocks[index]


def toml_block(page: str, heading: str, index: int = 0) -> str:
    """The `index`-th TOML block of that section."""
    return code_block(page, heading, "toml", index)
