"""Data values as inert text: Markdown-escaped for the app, formula-safe for every CSV the tool writes.

Vendor names, program names and file names come from exports and vendor.toml files that outsiders write.
`plain` makes such a value read literally wherever Markdown is rendered (no link, image, colour, emoji or
math directive, and no bare address turned into a link). `formula_safe` / `write_csv` prefix a `'` to
text cells a spreadsheet would evaluate (OWASP "CSV injection"), as the XLSX export stores them quoted.
"""

from __future__ import annotations

import re
import string
from typing import Any

import polars as pl

#: Characters that start a formula in Excel, LibreOffice or Google Sheets (also their full-width forms).
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r", "\n", "＝", "＋", "－", "＠")
_PUNCTUATION = frozenset(string.punctuation)
#: Where GFM's autolink literals start (www., http:, https:, mailto:, xmpp:, and e-mail addresses): a word
#: joiner (U+2060, invisible) placed there keeps a bare address from becoming a link. Escapes do not help:
#: the autolinks are found after parsing.
_AUTOLINK = re.compile(r"(?i)www(?=\.)|(?:https?|mailto|xmpp)(?=:)|(?<=[-.+\w])(?=@)")
JOINER = "\u2060"


def plain(value: Any, lines: bool = False) -> str:
    """`value` as text that Markdown (CommonMark, GFM and Streamlit's directives) renders literally.

    Line breaks become spaces, or hard line breaks with `lines=True` (multi-line error messages).
    """
    text = _AUTOLINK.sub(lambda m: m.group(0) + JOINER, str(value))
    rows = text.replace("\r\n", "\n").replace("\r", "\n").split("\n")
    escaped = ["".join("\\" + ch if ch in _PUNCTUATION else ch for ch in row) for row in rows]
    if not lines:
        return " ".join(escaped)
    return "  \n".join(row.replace("  ", "\u00a0\u00a0") for row in escaped)


_CODE = re.compile(r"`([^`]*)`")


def unmarked(value: Any) -> str:
    """Our messages as table text: inline code markup (`drop`) removed, the words kept (`drop` -> drop).

    Messages name options and commands in backticks for the CLI and the docs; a table cell shows text,
    not Markdown, so the backticks would show literally.
    """
    return _CODE.sub(r"\1", str(value))


def formula_safe(value: str) -> str:
    """A text cell a spreadsheet will show as text: formula-leading text gets a `'` prefix."""
    return "'" + value if value.lstrip(" ").startswith(FORMULA_STARTS) else value


def neutralise(frame: pl.DataFrame) -> pl.DataFrame:
    """The frame with every text column made formula-safe (numbers, dates and booleans unchanged)."""
    text = [c for c, t in frame.schema.items() if t == pl.String]
    return frame.with_columns(
        pl.col(c).map_elements(formula_safe, return_dtype=pl.String, skip_nulls=True) for c in text
    )


def write_csv(frame: pl.DataFrame) -> str:
    """The frame as CSV text with every text cell formula-safe."""
    return neutralise(frame).write_csv()
