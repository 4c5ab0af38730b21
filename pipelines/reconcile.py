"""Cross-checks between tables: every claim in the prose against the value it restates, and
derived figures against their recomputation. A disagreement must be registered in
`discrepancies` (the claim names it); an unregistered one, or a registered one that no longer
disagrees, stops the pipeline.

Rule for "agree": eq claims equal the value as printed; approx claims (verbal fractions,
'circa') are within 3 percentage points; rank claims give the value's rank among the items
of its question, wave and group (highest first). Claims about the party matrices select rows
with a filter: count claims compare the number of rows (approx: within 1.5 parties); set
claims need exactly the named parties, includes claims at least them.
"""

from __future__ import annotations

import json

import pandas as pd

from pipelines.common import where
from pipelines.poll import half_width

APPROX_POINTS = 3.0
APPROX_PARTIES = 1.5
KEY = ["question_id", "wave", "group", "item", "answer"]


def compare(observed: float, comparator: str, claimed: float, tolerance: float) -> bool:
    return {
        "eq": observed == claimed,
        "approx": abs(observed - claimed) <= tolerance,
        "gt": observed > claimed,
        "lt": observed < claimed,
    }[comparator]


def selection_outcome(claim: pd.Series, table: pd.DataFrame) -> tuple[bool | None, str]:
    """Claims about a set of rows: how many match the filter, or which parties they are."""
    key = json.loads(claim.refers_key)
    unknown = [column for column in key if column not in table.columns]
    if unknown:
        return None, f"unknown column(s) {unknown}"
    # Claims are about parties: rows without a party (the CPB baseline) never count.
    rows = table.loc[(table[list(key)].astype("str") == pd.Series(key, dtype="str")).all(axis=1) & table.party_id.notna()]
    parties = set(rows.party_id)
    if claim.comparator in ("set", "includes"):
        claimed = set(str(claim.claimed_parties).split(";"))
        agrees = parties == claimed if claim.comparator == "set" else claimed <= parties
        return agrees, ";".join(sorted(parties)) or "no party"
    return compare(len(rows), claim.comparator, float(claim.claimed_value), APPROX_PARTIES), f"{len(rows)} parties' rows"


def claim_outcome(claim: pd.Series, frames: dict[str, pd.DataFrame]) -> tuple[bool | None, str]:
    """(agrees, observed) of one claim; agrees is None when the referred value does not exist."""
    if claim.refers_to != "poll_results":
        return selection_outcome(claim, frames[claim.refers_to])
    results = frames["poll_results"]
    key = json.loads(claim.refers_key)
    match = results.loc[(results[KEY] == pd.Series(key)[KEY]).all(axis=1)]
    if match.empty or pd.isna(match.value_pct.iloc[0]):
        return None, "no such value"
    value = float(match.value_pct.iloc[0])
    claimed = float(claim.claimed_value)
    if claim.comparator == "rank":
        peers = results.loc[
            (results.question_id == key["question_id"]) & (results.wave == key["wave"])
            & (results.group == key["group"]) & (results.answer == key["answer"])
        ]
        rank = int((peers.value_pct > value).sum()) + 1
        return rank == claimed, f"rank {rank}"
    return compare(value, claim.comparator, claimed, APPROX_POINTS), f"{value:g}"


def claim_problems(frames: dict[str, pd.DataFrame], rows: dict[str, list[dict[str, str]]]) -> list[str]:
    problems = []
    for index, claim in frames["claims"].iterrows():
        agrees, observed = claim_outcome(claim, frames)
        row = rows["claims"][index]
        registered = pd.notna(claim.discrepancy_id)
        if agrees is None:
            problems.append(f"{where(row, 'question_id')}: claim {claim.claim_id} refers to {claim.refers_key}, which is not a published value")
        elif not agrees and not registered:
            claimed = claim.claimed_parties if pd.notna(claim.claimed_parties) else f"{claim.claimed_value:g}"
            problems.append(
                f"{where(row, 'printed')}: claim {claim.claim_id} says {claim.printed!r} "
                f"({claim.comparator} {claimed}) but the value is {observed}; "
                "fix the transcription or register the discrepancy"
            )
        elif agrees and registered:
            problems.append(f"{where(row, 'discrepancy_id')}: claim {claim.claim_id} agrees with the value ({observed}) but names discrepancy {claim.discrepancy_id}")
    return problems


def derived_problems(frames: dict[str, pd.DataFrame], rows: dict[str, list[dict[str, str]]]) -> list[str]:
    """The poll's stated margin of error and split-run halves against their recomputation."""
    method = frames["poll_method"].set_index("fact_id")
    lines = {row["fact_id"]: row for row in rows["poll_method"]}
    problems = []
    value = method.value_number
    moe = half_width(value["margin_of_error_reference_pct"], int(value["margin_of_error_reference_n"]))
    if round(moe, 1) != value["margin_of_error"]:
        problems.append(f"{where(lines['margin_of_error'], 'value_number')}: stated margin of error {value['margin_of_error']:g} but the Wilson interval gives {moe:.2f}")
    halves = value["split_run_n_first"] + value["split_run_n_second"]
    if halves != value["sample_n"]:
        problems.append(f"{where(lines['split_run_n_second'], 'value_number')}: split-run halves add up to {halves:g}, not the sample of {value['sample_n']:g}")
    return problems


def problems(frames: dict[str, pd.DataFrame], rows: dict[str, list[dict[str, str]]]) -> list[str]:
    return claim_problems(frames, rows) + derived_problems(frames, rows)
