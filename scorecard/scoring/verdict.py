"""The ranking's headline, told honestly: a clear leader, a shared first place, or too close to call.

Rule (stated on the Definitions page and in docs/ranking.md): the leader is **too close to call** when its
score interval from resampling days overlaps the runner-up's (or either interval cannot be computed:
monthly data), or when it ranks first in fewer than
`MIN_P_FIRST` (60 %) of the weight perturbations. Ties share first place. The order is **fragile** when
removing one vendor changes the order of the others (possible with relative points or lowest-bid price
scoring); the vendors whose removal does it are named.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

import polars as pl

from scorecard.scoring.points import Ranking
from scorecard.scoring.sensitivity import Stability

#: Below this probability of ranking first under weight perturbation, the leader is not called.
MIN_P_FIRST = 0.60

RULE = (
    "The leader is called only when its score interval (resampled days) does not overlap the runner-up's "
    "(both intervals computed: monthly data cannot be resampled by day) "
    f"and it ranks first in at least {MIN_P_FIRST:.0%} of weight perturbations; otherwise the headline "
    "says too close to call."
)


@dataclass(frozen=True)
class Verdict:
    """The headline of a ranking: `clear`, `close` (too close to call), `tie` or `none` (no scores)."""

    kind: str
    leader: str | None
    runner_up: str | None
    score: float | None
    margin: float | None  # leader's score − runner-up's
    p_first: float | None
    reasons: tuple[str, ...]
    #: Vendors whose removal changes the order of the others, with the order without them.
    fragile: tuple[tuple[str, str], ...] = ()
    #: Every vendor sharing first place, in ranking order (a `tie`; empty otherwise).
    tied: tuple[str, ...] = ()


def _interval(stab: Stability, vendor: str) -> tuple[float, float] | None:
    if stab.bootstrap is None:
        return None
    row = stab.bootstrap.filter(pl.col("vendor_id") == vendor)
    if not row.height or row["score_low"][0] is None or row["score_high"][0] is None:
        return None
    return float(row["score_low"][0]), float(row["score_high"][0])


def verdict(result: Ranking, stab: Stability) -> Verdict:
    """The headline of a ranking and its stability report (`names` are applied by the caller)."""
    ranked = result.table.filter(pl.col("score").is_not_null())
    fragile = tuple(
        (r["removed"], r["order"]) for r in stab.leave_one_out.iter_rows(named=True) if not r["unchanged"]
    )
    if ranked.is_empty():
        return Verdict("none", None, None, None, None, None, (), fragile)
    top = ranked.row(0, named=True)
    p = dict(zip(stab.rank_probabilities["vendor_id"], stab.rank_probabilities["p_rank_1"], strict=True))
    p_first = p.get(top["vendor_id"])
    if ranked.height == 1:
        return Verdict("clear", top["vendor_id"], None, top["score"], None, p_first, (), fragile)
    second = ranked.row(1, named=True)
    margin = top["score"] - second["score"]
    if top["rank"] == second["rank"]:
        tied = tuple(ranked.filter(pl.col("rank") == top["rank"])["vendor_id"])
        return Verdict(
            "tie", top["vendor_id"], second["vendor_id"], top["score"], 0.0, p_first, (), fragile, tied
        )
    reasons = []
    a, b = _interval(stab, top["vendor_id"]), _interval(stab, second["vendor_id"])
    if a is not None and b is not None and a[0] <= b[1]:
        reasons.append("overlap")
    elif stab.bootstrap is not None and (a is None or b is None):
        reasons.append("no_interval")  # a source coarser than a day: the rule cannot be checked
    if p_first is not None and p_first < MIN_P_FIRST:
        reasons.append("p_first")
    kind = "close" if reasons else "clear"
    return Verdict(
        kind, top["vendor_id"], second["vendor_id"], top["score"], margin, p_first, tuple(reasons), fragile
    )


def headline(v: Verdict, names: dict[str, str], preset: str, method: str) -> str:
    """One plain-text sentence for the app and the CLI."""
    name = names.get(v.leader or "", v.leader or "")
    other = names.get(v.runner_up or "", v.runner_up or "")
    p = "" if v.p_first is None else f"{v.p_first * 100:.0f}%"
    if v.kind == "none":
        return "No vendor has a score in this period."
    if v.kind == "tie":
        tied = [names.get(x, x) for x in v.tied or (v.leader or "", v.runner_up or "")]
        who = f"{', '.join(tied[:-1])} and {tied[-1]}"
        return f"{who} share first place with {v.score:.1f} points ({preset}, {method} method)."
    if v.kind == "clear":
        lead = f", {v.margin:.1f} points ahead of {other}" if v.margin is not None else ""
        first = f"; first in {p} of weight perturbations" if p else ""
        return f"{name} ranks first with {v.score:.1f} points{lead} ({preset}, {method} method){first}."
    why = []
    if "overlap" in v.reasons:
        why.append(f"its score interval overlaps {other}'s")
    if "no_interval" in v.reasons:
        why.append(
            "the score intervals cannot be computed (data coarser than a day cannot be resampled by day)"
        )
    if "p_first" in v.reasons:
        why.append(f"it is first in only {p} of weight perturbations (below {MIN_P_FIRST:.0%})")
    return (
        f"Too close to call: {name} leads {other} by {v.margin:.1f} points ({preset}, {method} method), "
        f"but {' and '.join(why)}."
    )


def fragility(v: Verdict, names: dict[str, str]) -> str:
    """'Removing Southgate BPO changes the order of the others (Northwind > Westline).' or ''."""
    if not v.fragile:
        return ""
    parts = []
    for removed, order in v.fragile:
        shown = "".join(names.get(x, x) for x in re.split(r"( > | = )", order)) if order else ""
        parts.append(f"removing {names.get(removed, removed)} changes the order of the others ({shown})")
    text = "; ".join(parts)
    return text[0].upper() + text[1:] + "."
