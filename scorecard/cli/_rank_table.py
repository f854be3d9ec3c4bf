"""`scorecard rank` for people and for files: vendors as columns in blocks that fit 100 columns, and the
csv/json table with each vendor's coverage of the period and why its KPIs are missing."""

from __future__ import annotations

import textwrap

import polars as pl

from scorecard.metrics import catalogue
from scorecard.present import format as fmt
from scorecard.scoring import comparable
from scorecard.scoring import points as scoring


def _days(cover: comparable.VendorCoverage | None) -> str:
    """`91/91 days`, flagged `⚠ 55/91 days` under the threshold."""
    if cover is None:
        return fmt.MISSING
    flag = "⚠ " if cover.status == comparable.FLAGGED else ""
    return f"{flag}{cover.covered_days}/{cover.window_days} days"


def readable(
    table: pl.DataFrame,
    currency: str,
    names: dict[str, str] | None = None,
    coverage: comparable.Comparability | None = None,
) -> list[list[str]]:
    """The ranking for people, vendors as columns: rank, score, coverage, then each KPI's value · points."""
    names = names or {}
    rows = table.to_dicts()
    out = [["", *(names.get(r["vendor_id"], r["vendor_id"]) for r in rows)]]
    out.append(["rank", *(fmt.MISSING if r["rank"] is None else str(r["rank"]) for r in rows)])
    out.append(["score (0–100)", *(fmt.points(r["score"]) for r in rows)])
    if coverage is not None:
        out.append(["days of the period covered", *(_days(coverage.of(r["vendor_id"])) for r in rows)])
    out.append(["coverage (of the weight)", *(fmt.percent(r["coverage"]) for r in rows)])
    for col in table.columns:
        if f"{col}_points" in table.columns:
            label = catalogue.kpi(col).label
            cells = [_cell(col, r[col], r[f"{col}_points"], currency) for r in rows]
            out.append([label if len(label) <= LABEL_WIDTH else label[: LABEL_WIDTH - 1] + "…", *cells])
    return out


LABEL_WIDTH = 26
#: The people's table and its headline fit a terminal of this many columns.
WIDTH = 100


def wrap(text: str, indent: str = "") -> str:
    """A paragraph of the CLI's output, wrapped to WIDTH without breaking words or hyphenated names."""
    return textwrap.fill(
        text, WIDTH, subsequent_indent=indent, break_on_hyphens=False, break_long_words=False
    )


def _cell(kpi_id: str, value: float | None, pts: float | None, currency: str) -> str:
    """`86.3% · 100.0`: the value with its unit, then its points (one decimal, as the app and the review
    write them; the app adds " pts")."""
    shown = fmt.value(kpi_id, value, currency)
    return shown if pts is None else f"{shown} · {fmt.points(pts)}"


def people_table(lines: list[list[str]], width: int = 100) -> str:
    """Rows of `readable`, in blocks of vendor columns that each fit `width` characters."""
    label_w = max(len(r[0]) for r in lines)
    cols = list(range(1, len(lines[0])))
    col_w = {j: min(max(len(r[j]) for r in lines[1:]) + 0, 40) for j in cols}
    for j in cols:
        col_w[j] = max(col_w[j], min(len(lines[0][j]), 18))
    blocks: list[list[int]] = [[]]
    used = label_w
    for j in cols:
        if blocks[-1] and used + 2 + col_w[j] > width:
            blocks.append([])
            used = label_w
        blocks[-1].append(j)
        used += 2 + col_w[j]
    text = []
    for block in blocks:
        for n, row in enumerate(lines):
            cells = [row[0].ljust(label_w)]
            for j in block:
                cell = row[j] if len(row[j]) <= col_w[j] else row[j][: col_w[j] - 1] + "…"
                cells.append(cell.rjust(col_w[j]))
            text.append("  ".join(cells).rstrip())
            if n == 0:
                text.append("  ".join("-" * w for w in [label_w, *(col_w[j] for j in block)]))
        text.append("")
    return "\n".join(text).rstrip()


def full_table(result: scoring.Ranking, reasons: pl.DataFrame) -> pl.DataFrame:
    """The columns of docs/scoring.md, then why KPIs are missing and each vendor's coverage of the period;
    the vendors not ranked (no data, too few days) are rows too, with an empty rank and score."""
    table = result.table
    why = reasons.group_by("vendor_id", maintain_order=True).agg(
        pl.format("{}: {}", "kpi", "reason").str.join("; ").alias("missing")
    )
    table = table.join(why, on="vendor_id", how="left", maintain_order="left")
    if result.comparability is None:
        return table
    cover = result.comparability.frame().drop("vendor")
    ranked = table.join(cover, on="vendor_id", how="left", maintain_order="left")
    others = cover.filter(~pl.col("vendor_id").is_in(table["vendor_id"].to_list()))
    others = others.with_columns(pl.lit(result.period, dtype=pl.String).alias("period"))
    return pl.concat([ranked, others], how="diagonal_relaxed").select(ranked.columns)
