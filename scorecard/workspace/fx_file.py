"""Reading `fx_rates.csv` line by line, so that a malformed file is named by its line, column and value.

The file is small and written by hand: a message must say which line to mend, in the product's words,
never a CSV reader's internals.
"""

from __future__ import annotations

import csv
from pathlib import Path

import polars as pl

from scorecard.errors import ConfigError

COLUMNS = ("month", "currency", "rate_to_base", "source")
_OTHER_DELIMITERS = (";", "\t", "|")


def read_fx_csv(path: Path, shown: str) -> pl.DataFrame:
    """The rows of `path` as strings (month, currency, source) and a float `rate_to_base`, plus `line`
    (the 1-based line as an editor shows it); a ConfigError names the line of anything malformed."""
    try:
        text = path.read_text(encoding="utf-8-sig")
    except (OSError, UnicodeDecodeError) as exc:
        raise ConfigError(f"{shown}: cannot be read as UTF-8 text ({exc}); save it as UTF-8 CSV.") from None
    rows = list(csv.reader(text.splitlines()))
    if not rows:
        raise ConfigError(f"{shown}: the file is empty; expected the header {','.join(COLUMNS)}.")
    header = [c.strip() for c in rows[0]]
    if len(header) == 1 and any(d in header[0] for d in _OTHER_DELIMITERS):
        raise ConfigError(
            f"{shown}: the header {rows[0][0]!r} is not comma-separated; fx_rates.csv uses commas "
            f"(delimiter ','): {','.join(COLUMNS)}."
        )
    if sorted(header) != sorted(COLUMNS):
        missing = [c for c in COLUMNS if c not in header]
        extra = [c for c in header if c not in COLUMNS]
        raise ConfigError(
            f"{shown}: expected the columns {','.join(COLUMNS)}; "
            + "; ".join(p for p in (_listed("missing", missing), _listed("unknown", extra)) if p)
            + "."
        )
    out: dict[str, list] = {c: [] for c in (*COLUMNS, "line")}
    for line, fields in enumerate(rows[1:], start=2):
        if not any(f.strip() for f in fields):
            continue
        if len(fields) != len(header):
            raise ConfigError(
                f"{shown} line {line} has {len(fields)} fields, expected {len(header)} "
                f"({','.join(header)}): {','.join(fields)!r}."
            )
        record = dict(zip(header, (f.strip() for f in fields), strict=True))
        try:
            rate = float(record["rate_to_base"]) if record["rate_to_base"] else None
        except ValueError:
            raise ConfigError(
                f"{shown} line {line}, column 'rate_to_base': {record['rate_to_base']!r} is not a number "
                "(write it with a '.' decimal point, e.g. 0.92)."
            ) from None
        for c in COLUMNS:
            out[c].append(rate if c == "rate_to_base" else record[c] or None)
        out["line"].append(line)
    schema = {"month": pl.String, "currency": pl.String, "rate_to_base": pl.Float64, "source": pl.String,
              "line": pl.Int64}  # fmt: skip
    return pl.DataFrame(out, schema=schema)


def _listed(what: str, names: list[str]) -> str:
    return f"{what}: {', '.join(names)}" if names else ""
